package api_test

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps: the server sits on the node and below the commands; its client
// (package apiclient, checked there) must not import the node at all.
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/node/api",
		BadDeps: map[string]string{
			deptest.Cmd:                     "nothing imports a command",
			deptest.Node + "/apiclient/...": "the server does not link its own client",
		},
	}.Check(t)
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/node/apiclient",
		BadDeps: map[string]string{deptest.Node: "the client speaks the wire types of apiwire, never the node's"},
	}.Check(t)
}

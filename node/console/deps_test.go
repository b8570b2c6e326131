package console_test

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps: the console reaches the node only through the API handler it is
// given, as the CLI does; it never links the node, its store or its network.
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/node/console",
		BadDeps: map[string]string{
			deptest.Node:            "the console calls the local API, never the node",
			deptest.Node + "/api":   "the API mounts the console, not the other way round",
			deptest.Node + "/store": "the console reads through the API",
			deptest.Cmd:             "nothing imports a command",
		},
	}.Check(t)
}

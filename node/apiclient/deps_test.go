package apiclient

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps: the API's client needs nothing from the node (its wire types are
// in apiwire, the home's config in config), so a program that only talks to a
// node does not link the node, libp2p or the store.
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/node/apiclient",
		BadDeps: map[string]string{
			deptest.Node:                "the client speaks the wire types of apiwire, never the node's",
			deptest.Node + "/api/...":   "the client does not link the server",
			deptest.Node + "/store/...": "the client reaches the store only through the API",
			deptest.Node + "/index/...": "the client reaches the index only through the API",
			deptest.Libp2p:              "the client does no peer networking",
			deptest.Bbolt:               "the client opens no store",
			deptest.Memdb:               "the client keeps no index",
			deptest.Share:               "the client handles JSON, not envelopes",
			deptest.Crypto:              "the client holds no keys",
			deptest.Cmd:                 "nothing imports a command",
		},
	}.Check(t)
}

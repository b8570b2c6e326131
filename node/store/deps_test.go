package store

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps keeps the store a leaf of the node: bbolt and bytes, nothing that
// opens, indexes or sends envelopes.
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/node/store",
		BadDeps: map[string]string{
			deptest.Libp2p:                  "the store does no networking",
			deptest.Memdb:                   "the store is not the index",
			deptest.Node:                    "the node uses the store, not the other way round",
			deptest.Node + "/index/...":     "the store and the index are independent",
			deptest.Node + "/api/...":       "the store knows nothing of the API",
			deptest.Node + "/apiclient/...": "the store knows nothing of the API",
			deptest.Crypto:                  "the store holds ciphertext and never decrypts",
			deptest.Cmd:                     "nothing imports a command",
		},
	}.Check(t)
}

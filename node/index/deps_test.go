package index

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps keeps the index a leaf of the node: memory only, no disk, no
// network.
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/node/index",
		BadDeps: map[string]string{
			deptest.Libp2p:                  "the index does no networking",
			deptest.Bbolt:                   "the index lives in memory only",
			deptest.Node:                    "the node uses the index, not the other way round",
			deptest.Node + "/store/...":     "the index and the store are independent",
			deptest.Node + "/api/...":       "the index knows nothing of the API",
			deptest.Node + "/apiclient/...": "the index knows nothing of the API",
			deptest.Crypto:                  "the index holds plaintext rows, it opens nothing",
			deptest.Cmd:                     "nothing imports a command",
		},
	}.Check(t)
}

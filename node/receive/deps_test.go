package receive

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps keeps the receive path below the node and off the network: the
// node hands it the store and the roster; the transport stays in the node.
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/node/receive",
		BadDeps: map[string]string{
			deptest.Node:                    "the node uses the receive path, not the other way round",
			deptest.Libp2p:                  "the receive path decides without the network",
			deptest.Memdb:                   "the receive path does not read the index",
			deptest.Node + "/index/...":     "the receive path does not read the index",
			deptest.Node + "/api/...":       "the receive path knows nothing of the local API",
			deptest.Node + "/apiclient/...": "the receive path knows nothing of the local API",
			deptest.Cmd:                     "nothing imports a command",
		},
	}.Check(t)
}

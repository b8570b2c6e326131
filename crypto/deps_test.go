package crypto

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps keeps the package small and auditable: no network, no store, no
// other project package.
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/crypto",
		BadDeps: map[string]string{
			deptest.Libp2p:        "crypto does no networking",
			deptest.Bbolt:         "crypto keeps nothing on disk",
			deptest.Memdb:         "crypto keeps no index",
			deptest.Node + "/...": "crypto sits below the node",
			deptest.Share:         "crypto sits below share",
			deptest.Policy:        "crypto and policy are independent",
			deptest.Cmd:           "nothing imports a command",
		},
	}.Check(t)
}

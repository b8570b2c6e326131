package share

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps fails when share comes to depend on the network, the store or the
// node (cmd → node → share → {policy, crypto}).
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/share",
		BadDeps: map[string]string{
			deptest.Libp2p:        "share is the format, not the transport",
			deptest.Bbolt:         "share reads no store",
			deptest.Memdb:         "share keeps no index",
			deptest.Node + "/...": "share sits below the node",
			deptest.Cmd:           "nothing imports a command",
		},
	}.Check(t)
}

package config

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps: the API client reads the config through this package, so it must
// not pull in the node.
func TestDeps(t *testing.T) {
	deptest.DepChecker{
		Package: "github.com/ursic/ursic/node/config",
		BadDeps: map[string]string{
			deptest.Node + "/...": "the config is read by the node and by the API client alike",
			deptest.Libp2p:        "reading a config does no networking",
			deptest.Bbolt:         "reading a config opens no store",
			deptest.Memdb:         "reading a config keeps no index",
			deptest.Share:         "the config holds no envelopes",
			deptest.Crypto:        "the config holds no keys",
			deptest.Cmd:           "nothing imports a command",
		},
	}.Check(t)
}

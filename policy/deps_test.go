package policy

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps keeps policy pure: it sits below share and the node, does no I/O
// and knows nothing of encryption (docs/INTERFACES.md).
// The same holds for the content guardrails in policy/guard.
func TestDeps(t *testing.T) {
	for _, pkg := range []string{"github.com/ursic/ursic/policy", "github.com/ursic/ursic/policy/guard"} {
		deptest.DepChecker{
			Package: pkg,
			BadDeps: map[string]string{
				deptest.Libp2p:        "policy does no networking",
				deptest.Bbolt:         "policy reads no store",
				deptest.Memdb:         "policy keeps no index",
				deptest.Node + "/...": "policy sits below the node",
				deptest.Share:         "policy sits below share",
				deptest.Crypto:        "policy and crypto are independent",
				deptest.Cmd:           "nothing imports a command",
			},
		}.Check(t)
	}
}

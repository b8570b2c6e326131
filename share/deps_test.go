package share

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps fails when share comes to depend on the network, the store or the
// node (DESIGN §2: cmd → node → share → {policy, crypto}).
func TestDeps(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go binary")
	}
	out, err := exec.Command(goBin, "list", "-deps", "github.com/ursic/ursic/share").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{"github.com/libp2p/go-libp2p", "go.etcd.io/bbolt", "github.com/hashicorp/go-memdb", "github.com/ursic/ursic/node"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("share depends on %s", dep)
			}
		}
	}
}

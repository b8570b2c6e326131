package crypto

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestForbiddenImports keeps the package small and auditable: no network,
// no store, no project packages (DESIGN §2), in the manner of tailscale's deptest.
func TestForbiddenImports(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", "github.com/ursic/ursic/crypto").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := regexp.MustCompile(`go-libp2p|bbolt|go-memdb|^github\.com/ursic/ursic/(node|share|policy|cmd)(/|$)`)
	for _, dep := range strings.Fields(string(out)) {
		if forbidden.MatchString(dep) {
			t.Errorf("crypto imports %s, which DESIGN §2 forbids", dep)
		}
	}
}

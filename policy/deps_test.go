package policy

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// forbiddenDeps are what policy and policy/guard must never import, directly or not: it is pure
// and sits below share and node (docs/INTERFACES.md).
var forbiddenDeps = regexp.MustCompile(`go-libp2p|bbolt|go-memdb|^github\.com/ursic/ursic/(node|share|crypto)(/|$)`)

func TestForbiddenImports(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/ursic/ursic/policy", "github.com/ursic/ursic/policy/guard").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list printed no dependencies")
	}
	for _, dep := range deps {
		if forbiddenDeps.MatchString(dep) {
			t.Errorf("policy or policy/guard depends on %s", dep)
		}
	}
}

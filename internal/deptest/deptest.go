// Package deptest holds the project's dependency rules to account, in the
// manner of tailscale's tstest/deptest: a test lists a package's
// dependencies with `go list -deps` and fails on any it must not have,
// directly or through another package.
//
// The rules (docs/INTERFACES.md): cmd → node → share → {policy, crypto};
// policy and crypto import neither each other nor share, node, libp2p, bbolt
// or go-memdb; the node's leaves (store, index, the API's wire types, its
// config and its client) import neither the node nor each other's heavy
// dependencies.
//
// Start with [DepChecker.Check].
package deptest

import (
	"os/exec"
	"strings"
	"testing"
)

// Common patterns for [DepChecker.BadDeps].
const (
	Libp2p = "github.com/libp2p/go-libp2p/..."
	Bbolt  = "go.etcd.io/bbolt/..."
	Memdb  = "github.com/hashicorp/go-memdb/..."

	Module = "github.com/ursic/ursic"
	Node   = Module + "/node" // the node package alone; Node + "/..." is it and every package under it
	Share  = Module + "/share/..."
	Policy = Module + "/policy/..."
	Crypto = Module + "/crypto/..."
	Cmd    = Module + "/cmd/..."
)

// DepChecker says what one package must not depend on.
type DepChecker struct {
	// Package is the import path checked.
	Package string
	// BadDeps maps a forbidden dependency to the reason it is forbidden. A
	// key is an import path, matched exactly, or a path followed by "/...",
	// which matches that path and every package under it.
	BadDeps map[string]string
	// StdOnly forbids every dependency outside the standard library.
	StdOnly bool
}

// Check fails t for each forbidden dependency of the package. It skips when
// the go command is not on PATH.
func (c DepChecker) Check(t testing.TB) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", c.Package).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", c.Package, err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatalf("go list -deps %s printed nothing", c.Package)
	}
	for _, l := range lines {
		dep, std, _ := strings.Cut(l, " ")
		if dep == c.Package {
			continue
		}
		if c.StdOnly && std != "true" {
			t.Errorf("%s depends on %s: it may import only the standard library", c.Package, dep)
			continue
		}
		for bad, why := range c.BadDeps {
			if Matches(bad, dep) {
				t.Errorf("%s depends on %s: %s", c.Package, dep, why)
			}
		}
	}
}

// Matches reports whether the import path dep matches pattern: equal to it,
// or, for a pattern ending in "/...", equal to or under the path before it.
func Matches(pattern, dep string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return dep == base || strings.HasPrefix(dep, base+"/")
	}
	return dep == pattern
}

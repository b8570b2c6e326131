package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// TestRosterSignRefusesOtherBranch: `roster sign` refuses a proposal whose
// prev is not this node's hash of the version before: signing it would
// extend another branch of a roster fork.
func TestRosterSignRefusesOtherBranch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	card, err := node.Init(dir, node.InitOptions{Name: "Kyoto University"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := node.LoadHome(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	g := &share.Roster{Version: 1, Threshold: 1, Executive: []string{card.PeerID}, Members: []share.RosterMember{share.RosterMember(*card)},
		Created: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)}
	version2 := func(prev *share.Roster, group string) *share.Roster {
		r := prev.Next()
		if err := r.SetGroup(group, []string{card.PeerID}); err != nil {
			t.Fatal(err)
		}
		if err := r.Sign(h.Identity); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if err := g.Sign(h.Identity); err != nil {
		t.Fatal(err)
	}
	v2a, v2b := version2(g, "photonics"), version2(g, "quantum")
	for _, r := range []*share.Roster{g, v2a} {
		if err := node.ApplyRosterOffline(dir, r); err != nil {
			t.Fatal(err)
		}
	}
	sign := func(r *share.Roster) (int, string) {
		t.Helper()
		file := filepath.Join(t.TempDir(), "proposal.json")
		data, err := r.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		code := RunContext(context.Background(), []string{"--home", dir, "roster", "sign", file}, nil, &out, &errOut)
		return code, errOut.String()
	}
	if code, msg := sign(v2b.Next()); code == 0 || !strings.Contains(msg, "a roster fork") || !strings.Contains(msg, "ROSTER-FORKS.md") {
		t.Errorf("signing a version 3 of the other branch: exit %d, %s", code, msg)
	}
	if code, msg := sign(v2a.Next()); code != 0 {
		t.Errorf("signing a version 3 of this node's branch: exit %d, %s", code, msg)
	}
}

package node_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// genesisFor writes a genesis roster of the given nodes, signed by the
// executives (the first nexec nodes), with the given threshold.
func genesisFor(t *testing.T, threshold, nexec int, nodes ...*testNode) *share.Roster {
	t.Helper()
	g := &share.Roster{Version: 1, Threshold: threshold, Created: time.Now().UTC().Truncate(time.Second)}
	for i, tn := range nodes {
		g.Members = append(g.Members, share.RosterMember(*tn.n.Home().Card()))
		if i < nexec {
			g.Executive = append(g.Executive, tn.n.PeerID())
		}
	}
	for _, tn := range nodes[:nexec] {
		if err := g.Sign(tn.n.Home().Identity); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

func TestSignRoster(t *testing.T) {
	a, b, c := startNode(t, "Alpha University"), startNode(t, "Beta University"), startNode(t, "Gamma University")
	g := genesisFor(t, 2, 2, a, b, c) // executives a and b; c is a plain member
	next := g.Next()
	if err := next.Remove(c.n.PeerID()); err != nil {
		t.Fatal(err)
	}

	// Before any roster is installed, nothing can be signed.
	if _, _, _, err := a.n.SignRoster(next); !errors.Is(err, node.ErrRosterSign) || !strings.Contains(err.Error(), "no roster") {
		t.Fatalf("sign without a roster: %v", err)
	}
	for _, tn := range []*testNode{a, b, c} {
		if err := tn.n.ApplyRoster(g); err != nil {
			t.Fatal(err)
		}
	}
	skip := next.Clone()
	skip.Version = 3
	fork := next.Clone()
	fork.Prev = strings.Repeat("0", 64)
	again := g.Clone()
	for _, tc := range []struct {
		name    string
		by      *testNode
		r       *share.Roster
		wantErr string
	}{
		{"genesis again", a, again, "signs only version 2"},
		{"skips a version", a, skip, "signs only version 2"},
		{"another prev", a, fork, "roster fork"},
		{"not an executive", c, next, "not an executive of version 1"},
		{"executive", a, next, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(tc.r.Signatures)
			signed, valid, need, err := tc.by.n.SignRoster(tc.r)
			if len(tc.r.Signatures) != before {
				t.Fatal("SignRoster changed its argument")
			}
			if tc.wantErr != "" {
				if !errors.Is(err, node.ErrRosterSign) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if valid != 1 || need != 2 || len(signed.Signatures) != 1 || signed.Signatures[0].PeerID != tc.by.n.PeerID() {
				t.Fatalf("signed: %d of %d, signatures %v", valid, need, signed.Signatures)
			}
		})
	}

	// Two executives sign in turn; the result installs.
	s1, _, _, err := a.n.SignRoster(next)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.n.ApplyRoster(s1); err == nil {
		t.Fatal("a proposal with 1 of 2 signatures installed")
	}
	s2, valid, need, err := b.n.SignRoster(s1)
	if err != nil || valid != 2 || need != 2 {
		t.Fatalf("second signature: %d of %d, %v", valid, need, err)
	}
	// Signing twice replaces the signature: the count stays.
	if _, valid, _, err := b.n.SignRoster(s2); err != nil || valid != 2 {
		t.Fatalf("signed again: %d, %v", valid, err)
	}
	if err := a.n.ApplyRoster(s2); err != nil {
		t.Fatal(err)
	}
	if v := a.n.Roster().Version; v != 2 {
		t.Fatalf("installed version %d", v)
	}
}

package node

import (
	"strings"
	"testing"
	"time"
)

func TestForkState(t *testing.T) {
	hA, hB, hC := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
	t0 := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	now := t0.Add(time.Hour)
	forkAt := func(v uint64, ours, theirs string, since time.Time) *RosterFork {
		return &RosterFork{Peer: "p", Version: v, Ours: ours, Theirs: theirs, Since: since}
	}
	tests := []struct {
		name  string
		ours  string // this node's hash of claim.Version, "" if it does not hold it
		claim rosterClaim
		was   *RosterFork
		want  *RosterFork // Peer is the caller's to set; compared without it
	}{
		{"same version, same hash", hA, rosterClaim{2, hA}, nil, nil},
		{"same version, another hash: a fork", hA, rosterClaim{2, hB}, nil, forkAt(2, hA, hB, now)},
		{"a peer behind on this branch", hA, rosterClaim{1, hA}, nil, nil},
		{"a peer behind on another branch", hA, rosterClaim{2, hB}, nil, forkAt(2, hA, hB, now)},
		{"a peer ahead: not judged here", "", rosterClaim{3, hC}, nil, nil},
		{"a peer with no roster", hA, rosterClaim{0, ""}, nil, nil},
		{"a claim without a hash says nothing", hA, rosterClaim{2, ""}, nil, nil},
		{"the fork seen again keeps its date", hA, rosterClaim{2, hB}, forkAt(2, hA, hB, t0), forkAt(2, hA, hB, t0)},
		{"a forked peer on this branch again: resolved", hA, rosterClaim{2, hA}, forkAt(2, hA, hB, t0), nil},
		{"a forked peer now ahead: the fork stands", "", rosterClaim{3, hC}, forkAt(2, hA, hB, t0), forkAt(2, hA, hB, t0)},
		{"a forked peer's Hello without a roster: the fork stands", "", rosterClaim{0, ""}, forkAt(2, hA, hB, t0), forkAt(2, hA, hB, t0)},
		{"a forked peer at a later version, on another branch still", hC, rosterClaim{3, hB}, forkAt(2, hA, hB, t0), forkAt(3, hC, hB, t0)},
		{"a forked peer matching a later version of ours: resolved", hC, rosterClaim{3, hC}, forkAt(2, hA, hB, t0), nil},
		{"an offered roster whose prev is ours", hA, rosterClaim{2, hA}, nil, nil},
		{"an offered roster whose prev is not ours", hA, rosterClaim{2, hC}, nil, forkAt(2, hA, hC, now)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := forkState(tt.ours, tt.claim, tt.was, now)
			switch {
			case tt.want == nil && got != nil:
				t.Fatalf("got a fork %+v, want none", *got)
			case tt.want != nil && got == nil:
				t.Fatalf("got no fork, want %+v", *tt.want)
			case tt.want != nil:
				g := *got
				g.Peer = "p"
				if g != *tt.want {
					t.Fatalf("got %+v\nwant %+v", g, *tt.want)
				}
			}
		})
	}
}

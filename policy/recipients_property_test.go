package policy

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// genRoster draws a valid roster of 1 to 12 nodes with random roles, custom
// groups and executive set.
func genRoster(t *rapid.T) *Roster {
	n := rapid.IntRange(1, 12).Draw(t, "n")
	r := &Roster{}
	for i := range n {
		m := Member{
			PeerID: "12D3KooW" + strings.Repeat(base58Alphabet[i:i+1], 44),
			Name:   "node" + base58Alphabet[i:i+1],
			Role:   rapid.SampledFrom([]Role{RoleMember, RoleMember, RoleSecretariat, RoleLiaison}).Draw(t, "role"),
		}
		for _, g := range []string{"g1", "g2", "g3"} {
			if rapid.Bool().Draw(t, "in "+g) {
				m.Groups = append(m.Groups, g)
			}
		}
		r.Members = append(r.Members, m)
		if rapid.Bool().Draw(t, "executive") {
			r.Executive = append(r.Executive, m.PeerID)
		}
	}
	return r
}

const strangerID = "12D3KooWstrangerstrangerstrangerstrangerstrangerstr"

func genPolicy(t *rapid.T, r *Roster) Policy {
	p := Policy{Level: Level(rapid.IntRange(0, 6).Draw(t, "level"))}
	if rapid.Bool().Draw(t, "group?") {
		p.Audience.Group = rapid.SampledFrom([]string{"members", "secretariat", "partners", "executive", "g1", "g2", "g3", "unknown"}).Draw(t, "group")
	} else {
		for _, m := range r.Members {
			if rapid.Bool().Draw(t, "listed") {
				p.Audience.Peers = append(p.Audience.Peers, m.PeerID)
			}
		}
		if rapid.IntRange(0, 9).Draw(t, "stranger") == 0 {
			p.Audience.Peers = append(p.Audience.Peers, strangerID)
		}
	}
	if rapid.IntRange(0, 3).Draw(t, "caveat") == 0 {
		p.Caveats = []string{CaveatNoFacet}
	}
	return p
}

func TestRecipientsProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRoster(t)
		p := genPolicy(t, r)
		author := rapid.SampledFrom(append(r.Members, Member{PeerID: strangerID})).Draw(t, "author").PeerID

		got, err := Recipients(r, p, author)
		candidates := append([]string{strangerID}, memberIDs(r)...)
		if err != nil {
			if got != nil {
				t.Fatalf("recipients %v with error %v", got, err)
			}
			for _, id := range candidates {
				if MayReceive(r, p, author, id) {
					t.Fatalf("MayReceive(%s) = true although Recipients failed: %v", id, err)
				}
			}
			// The refusals the table demands did happen; check the converse.
			return
		}
		// Conditions that must have produced an error.
		if !p.Level.Valid() || (p.Level == Red && p.Audience.Group != "") ||
			(p.Level >= Amber && p.Audience.Group == GroupPartners) || p.Audience.Group == "unknown" ||
			slices.Contains(p.Audience.Peers, strangerID) || author == strangerID {
			t.Fatalf("policy %+v by %s was allowed: %v", p, author, got)
		}
		if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("not sorted and unique: %v", got)
		}
		if !slices.Contains(got, author) {
			t.Fatalf("author %s missing from %v", author, got)
		}
		for _, id := range got {
			m, ok := r.Member(id)
			if !ok {
				t.Fatalf("non-member %s in %v", id, got)
			}
			if p.Level >= Amber && m.Role == RoleLiaison {
				t.Fatalf("liaison %s receives %v", id, p.Level)
			}
		}
		if len(p.Audience.Peers) > 0 || p.Level == Red {
			want := slices.Clone(append(p.Audience.Peers, author))
			slices.Sort(want)
			if want = slices.Compact(want); !slices.Equal(got, want) {
				t.Fatalf("%v to %v = %v, want exactly the list plus the author %v", p.Level, p.Audience.Peers, got, want)
			}
		}
		if g := p.Audience.Group; g != "" {
			group, err := r.Group(g)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range got {
				if id != author && !slices.Contains(group, id) {
					t.Fatalf("%s is not in group %s", id, g)
				}
			}
			if p.Level <= Green && len(got) != len(slices.Compact(slices.Sorted(slices.Values(append(group, author))))) {
				t.Fatalf("%v to %s = %v, want the whole group %v", p.Level, g, got, group)
			}
		}
		for _, id := range candidates {
			if MayReceive(r, p, author, id) != slices.Contains(got, id) {
				t.Fatalf("MayReceive(%s) disagrees with Recipients %v", id, got)
			}
		}
	})
}

func memberIDs(r *Roster) []string {
	var ids []string
	for _, m := range r.Members {
		ids = append(ids, m.PeerID)
	}
	return ids
}

// TestHandlingProperties: only CLEAR and GREEN are exportable, RED never has a
// facet, and no-facet always removes it.
func TestHandlingProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRoster(t)
		p := genPolicy(t, r)
		h := HandlingOf(p)
		if h.Exportable != (p.Level == Clear || p.Level == Green) {
			t.Fatalf("%v exportable = %v", p.Level, h.Exportable)
		}
		if want := p.Level.Valid() && p.Level != Red && !slices.Contains(p.Caveats, CaveatNoFacet); h.Facet != want {
			t.Fatalf("%v %v facet = %v", p.Level, p.Caveats, h.Facet)
		}
		if h.Reshare == "" {
			t.Fatal("no reshare sentence")
		}
	})
}

// BenchmarkMayReceive measures the sync predicate over a 500-node roster.
func BenchmarkMayReceive(b *testing.B) {
	r := &Roster{}
	for i := range 500 {
		id := "12D3KooW" + strings.Repeat(base58Alphabet[i%58:i%58+1], 40) + strings.Repeat(base58Alphabet[i/58:i/58+1], 4)
		role := RoleMember
		if i%50 == 0 {
			role = RoleLiaison
		}
		r.Members = append(r.Members, Member{PeerID: id, Role: role, Groups: []string{"g1"}})
	}
	p := Policy{Level: Amber, Audience: Audience{Group: "g1"}}
	author, peer := r.Members[1].PeerID, r.Members[499].PeerID
	for b.Loop() {
		if !MayReceive(r, p, author, peer) {
			b.Fatal("denied")
		}
	}
}

// MayHold agrees with Recipients for every peer on the roster and a stranger,
// and MayRelay is MayHold of both ends.
func TestMayHoldProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRoster(t)
		p := genPolicy(t, r)
		author := rapid.SampledFrom(r.Members).Draw(t, "author").PeerID
		recips, err := Recipients(r, p, author)
		peers := []string{strangerID}
		for _, m := range r.Members {
			peers = append(peers, m.PeerID)
		}
		for _, peer := range peers {
			want := err == nil && slices.Contains(recips, peer)
			if got := MayHold(r, p, author, peer); got != want {
				t.Fatalf("MayHold(%s) = %v, Recipients says %v (err %v)", peer, got, want, err)
			}
			if MayHold(nil, p, author, peer) != (peer == author) {
				t.Fatalf("MayHold without a roster must admit only the author")
			}
			for _, to := range peers {
				if MayRelay(r, p, author, peer, to) != (MayHold(r, p, author, peer) && MayHold(r, p, author, to)) {
					t.Fatalf("MayRelay(%s→%s) is not MayHold of both", peer, to)
				}
			}
		}
	})
}

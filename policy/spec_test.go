package policy

import (
	"slices"
	"testing"
)

// TestSpecExamples checks the example table of share/SPEC.md §10.3, so the
// specification and this package cannot drift apart.
func TestSpecExamples(t *testing.T) {
	m1, m2, s, l := pid("M"), pid("N"), pid("S"), pid("L")
	r := &Roster{
		Members: []Member{
			{PeerID: m1, Name: "M1", Role: RoleMember},
			{PeerID: m2, Name: "M2", Role: RoleMember, Groups: []string{"lab"}},
			{PeerID: s, Name: "S", Role: RoleSecretariat},
			{PeerID: l, Name: "L", Role: RoleLiaison, Groups: []string{"lab"}},
		},
		Executive: []string{m1, l},
	}
	group := func(g string) Audience { return Audience{Group: g} }
	peers := func(ids ...string) Audience { return Audience{Peers: ids} }
	for _, tt := range []struct {
		level Level
		aud   Audience
		want  []string // nil: not allowed
	}{
		{Green, group("partners"), []string{m1, l}},
		{Amber, group("partners"), nil},
		{Amber, group("members"), []string{m1, m2}},
		{Amber, group("executive"), []string{m1}},
		{AmberStrict, group("lab"), []string{m1, m2}},
		{Green, group("lab"), []string{m1, m2, l}},
		{Red, group("members"), nil},
		{Red, peers(s), []string{m1, s}},
		{Red, peers(l), nil},
	} {
		p := Policy{Level: tt.level, Audience: tt.aud}
		got, err := Recipients(r, p, m1)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if (err != nil) != (tt.want == nil) || !slices.Equal(got, want) {
			t.Errorf("%s to %s: got %v (%v), want %v", tt.level, tt.aud, got, err, want)
		}
		for _, id := range []string{m1, m2, s, l} {
			if MayReceive(r, p, m1, id) != slices.Contains(want, id) {
				t.Errorf("%s to %s: MayReceive(%s) disagrees with Recipients", tt.level, tt.aud, id)
			}
		}
	}
	// Only no-facet is known; a liaison author writes only clear and green.
	if _, err := Recipients(r, Policy{Level: Green, Audience: group("members"), Caveats: []string{"no-export"}}, m1); err == nil {
		t.Error("an unknown caveat was allowed")
	}
	if _, err := Recipients(r, Policy{Level: Amber, Audience: group("members"), Caveats: []string{CaveatNoFacet}}, m1); err != nil {
		t.Errorf("no-facet was refused: %v", err)
	}
	if _, err := Recipients(r, Policy{Level: Amber, Audience: group("members")}, l); err == nil {
		t.Error("a liaison author wrote AMBER")
	}
}

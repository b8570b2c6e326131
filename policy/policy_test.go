package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// pid makes a well-formed fake peer ID from a base58 letter.
func pid(c string) string { return "12D3KooW" + strings.Repeat(c, 44) }

var (
	alice   = pid("A") // member, author in most tests, kyoto-team, executive
	bob     = pid("B") // member, kyoto-team, liaison-desk, executive
	carol   = pid("C") // member
	sec     = pid("S") // secretariat
	liaison = pid("L") // liaison, liaison-desk
	nobody  = pid("Z") // not on the roster
)

func testRoster() *Roster {
	return &Roster{
		Members: []Member{
			{PeerID: alice, Name: "Kyoto", Role: RoleMember, Groups: []string{"kyoto-team"}},
			{PeerID: bob, Name: "Osaka", Role: RoleMember, Groups: []string{"kyoto-team", "liaison-desk"}},
			{PeerID: carol, Name: "Tohoku", Role: RoleMember},
			{PeerID: sec, Name: "Secretariat", Role: RoleSecretariat},
			{PeerID: liaison, Name: "CA partner", Role: RoleLiaison, Groups: []string{"liaison-desk"}},
		},
		Executive: []string{alice, bob},
	}
}

// want is the outcome of one row: a recipient set, or an error with a rule.
type want struct {
	ids  []string
	err  error
	rule string
}

func ok(ids ...string) want { return want{ids: sorted(ids)} }
func denied(err error, rule string) want {
	return want{err: err, rule: rule}
}

func sorted(ids []string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return s
}

// TestTable covers every row of the TLP table of share/SPEC.md §10.1: each level against each
// kind of audience.
func TestTable(t *testing.T) {
	audiences := []struct {
		name string
		aud  Audience
	}{
		{"members", Audience{Group: "members"}},
		{"secretariat", Audience{Group: "secretariat"}},
		{"partners", Audience{Group: "partners"}},
		{"executive", Audience{Group: "executive"}},
		{"custom group", Audience{Group: "kyoto-team"}},
		{"custom group with a liaison", Audience{Group: "liaison-desk"}},
		{"explicit list", Audience{Peers: []string{bob, carol}}},
		{"explicit list with secretariat", Audience{Peers: []string{sec}}},
		{"explicit list with liaison", Audience{Peers: []string{bob, liaison}}},
		{"unknown group", Audience{Group: "nope"}},
		{"unknown peer", Audience{Peers: []string{bob, nobody}}},
	}
	noPartners := denied(ErrForbiddenAudience, "no-partners")
	redNeedsPeers := denied(ErrForbiddenAudience, "red-needs-peers")
	unknownGroup := denied(ErrUnknownGroup, "unknown-group")
	unknownPeer := denied(ErrUnknownPeer, "unknown-peer")
	table := map[Level][]want{ // in the order of audiences
		Clear: {ok(alice, bob, carol), ok(alice, sec), ok(alice, liaison), ok(alice, bob), ok(alice, bob),
			ok(alice, bob, liaison), ok(alice, bob, carol), ok(alice, sec), ok(alice, bob, liaison), unknownGroup, unknownPeer},
		Green: {ok(alice, bob, carol), ok(alice, sec), ok(alice, liaison), ok(alice, bob), ok(alice, bob),
			ok(alice, bob, liaison), ok(alice, bob, carol), ok(alice, sec), ok(alice, bob, liaison), unknownGroup, unknownPeer},
		Amber: {ok(alice, bob, carol), ok(alice, sec), noPartners, ok(alice, bob), ok(alice, bob),
			ok(alice, bob), ok(alice, bob, carol), ok(alice, sec), noPartners, unknownGroup, unknownPeer},
		AmberStrict: {ok(alice, bob, carol), ok(alice, sec), noPartners, ok(alice, bob), ok(alice, bob),
			ok(alice, bob), ok(alice, bob, carol), ok(alice, sec), noPartners, unknownGroup, unknownPeer},
		Red: {redNeedsPeers, redNeedsPeers, redNeedsPeers, redNeedsPeers, redNeedsPeers,
			redNeedsPeers, ok(alice, bob, carol), ok(alice, sec), noPartners, redNeedsPeers, unknownPeer},
	}
	r := testRoster()
	for l := Clear; l <= Red; l++ {
		for i, a := range audiences {
			w := table[l][i]
			t.Run(l.String()+"/"+a.name, func(t *testing.T) {
				p := Policy{Level: l, Audience: a.aud}
				got, err := Recipients(r, p, alice)
				checkErr := p.Check(r)
				if w.err != nil {
					if !errors.Is(err, w.err) || !errors.Is(checkErr, w.err) {
						t.Fatalf("Recipients err = %v, Check err = %v; want %v", err, checkErr, w.err)
					}
					var re *RuleError
					if !errors.As(err, &re) || re.Rule != w.rule {
						t.Fatalf("rule = %+v, want %q", re, w.rule)
					}
					if re.Allowed == "" || !strings.HasPrefix(err.Error(), "policy: ") {
						t.Errorf("error %q should start with policy: and say what is allowed", err)
					}
					if got != nil {
						t.Errorf("recipients on error = %v", got)
					}
					for _, peer := range []string{alice, bob, carol, sec, liaison} {
						if MayReceive(r, p, alice, peer) {
							t.Errorf("MayReceive(%s) = true on a refused policy", peer)
						}
					}
					return
				}
				if err != nil || checkErr != nil {
					t.Fatalf("Recipients err = %v, Check err = %v", err, checkErr)
				}
				if !slices.Equal(got, w.ids) {
					t.Fatalf("Recipients = %v, want %v", names(got), names(w.ids))
				}
				for _, peer := range []string{alice, bob, carol, sec, liaison, nobody} {
					if g, w := MayReceive(r, p, alice, peer), slices.Contains(w.ids, peer); g != w {
						t.Errorf("MayReceive(%s) = %v, want %v", names([]string{peer}), g, w)
					}
				}
			})
		}
	}
}

// names shortens peer IDs for failure messages.
func names(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id[8:9]
	}
	return out
}

func TestHandlingOf(t *testing.T) {
	tests := []struct {
		level      Level
		caveats    []string
		exportable bool
		facet      bool
		reshare    string // a word the sentence must contain
	}{
		{Clear, nil, true, true, "publicly"},
		{Green, nil, true, true, "community"},
		{Amber, nil, false, true, "clients"},
		{AmberStrict, nil, false, true, "not with its clients"},
		{AmberStrict, []string{CaveatNoFacet}, false, false, "own institution"},
		{Amber, []string{CaveatNoFacet}, false, false, "need-to-know"},
		{Red, nil, false, false, "may not share"},
		{Level(0), nil, false, false, "may not share"},
		{Level(9), nil, false, false, "may not share"},
	}
	for _, tt := range tests {
		t.Run(tt.level.String()+"/"+strings.Join(tt.caveats, ","), func(t *testing.T) {
			h := HandlingOf(Policy{Level: tt.level, Audience: Audience{Group: "members"}, Caveats: tt.caveats})
			if h.Exportable != tt.exportable || h.Facet != tt.facet {
				t.Errorf("HandlingOf = %+v, want exportable %v facet %v", h, tt.exportable, tt.facet)
			}
			if !strings.Contains(h.Reshare, tt.reshare) || !strings.HasSuffix(h.Reshare, ".") {
				t.Errorf("Reshare = %q, want a sentence containing %q", h.Reshare, tt.reshare)
			}
		})
	}
}

func TestRuleErrorMessage(t *testing.T) {
	err := Policy{Level: Red, Audience: Audience{Group: "members"}}.Check(testRoster())
	want := `policy: TLP:RED needs an explicit list of nodes, not the group "members" (allowed: --audience PEERID ...)`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}

func TestCheckFailsClosed(t *testing.T) {
	r := testRoster()
	members := Audience{Group: "members"}
	tests := []struct {
		name   string
		r      *Roster
		p      Policy
		author string
		err    error
		rule   string
	}{
		{"zero level", r, Policy{Audience: members}, alice, ErrUnknownLevel, "level"},
		{"level out of range", r, Policy{Level: 6, Audience: members}, alice, ErrUnknownLevel, "level"},
		{"no audience", r, Policy{Level: Green}, alice, ErrForbiddenAudience, "audience-missing"},
		{"group and peers", r, Policy{Level: Green, Audience: Audience{Group: "members", Peers: []string{bob}}}, alice, ErrForbiddenAudience, "audience-mixed"},
		{"unknown caveat", r, Policy{Level: Amber, Audience: members, Caveats: []string{"no-forward"}}, alice, ErrUnknownCaveat, "caveat"},
		{"nil roster", nil, Policy{Level: Green, Audience: members}, alice, ErrInvalidRoster, "roster"},
		{"author not on roster", r, Policy{Level: Green, Audience: members}, nobody, ErrUnknownPeer, "unknown-author"},
		{"empty author", r, Policy{Level: Green, Audience: members}, "", ErrUnknownPeer, "unknown-author"},
		{"liaison author at amber", r, Policy{Level: Amber, Audience: members}, liaison, ErrForbiddenAudience, "liaison-author"},
		{"liaison author at red", r, Policy{Level: Red, Audience: Audience{Peers: []string{bob}}}, liaison, ErrForbiddenAudience, "liaison-author"},
		{"group name is case-sensitive", r, Policy{Level: Green, Audience: Audience{Group: "Kyoto-Team"}}, alice, ErrUnknownGroup, "unknown-group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Recipients(tt.r, tt.p, tt.author)
			var re *RuleError
			if !errors.Is(err, tt.err) || !errors.As(err, &re) || re.Rule != tt.rule {
				t.Fatalf("Recipients = %v, %v; want rule %q (%v)", got, err, tt.rule, tt.err)
			}
			if MayReceive(tt.r, tt.p, tt.author, alice) || MayReceive(tt.r, tt.p, tt.author, tt.author) {
				t.Error("MayReceive = true on an error")
			}
		})
	}
}

func TestLiaisonAuthorMayPublishGreen(t *testing.T) {
	got, err := Recipients(testRoster(), Policy{Level: Green, Audience: Audience{Group: "partners"}}, liaison)
	if err != nil || !slices.Equal(got, []string{liaison}) {
		t.Fatalf("Recipients = %v, %v", got, err)
	}
}

func TestConsortiumOfOne(t *testing.T) {
	r := RosterOfOne(alice, "Kyoto")
	tests := []struct {
		name string
		p    Policy
		want []string
		err  error
	}{
		{"members", Policy{Level: Amber, Audience: Audience{Group: "members"}}, []string{alice}, nil},
		{"members strict", Policy{Level: AmberStrict, Audience: Audience{Group: "members"}}, []string{alice}, nil},
		{"itself at red", Policy{Level: Red, Audience: Audience{Peers: []string{alice}}}, []string{alice}, nil},
		{"empty built-in group", Policy{Level: Green, Audience: Audience{Group: "secretariat"}}, []string{alice}, nil},
		{"no custom groups", Policy{Level: Green, Audience: Audience{Group: "kyoto-team"}}, nil, ErrUnknownGroup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Recipients(r, tt.p, alice)
			if !errors.Is(err, tt.err) || !slices.Equal(got, tt.want) {
				t.Fatalf("Recipients = %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestRosterGroup(t *testing.T) {
	r := testRoster()
	tests := []struct {
		group string
		want  []string
		err   error
	}{
		{"members", sorted([]string{alice, bob, carol}), nil},
		{"secretariat", []string{sec}, nil},
		{"partners", []string{liaison}, nil},
		{"executive", sorted([]string{alice, bob}), nil},
		{"kyoto-team", sorted([]string{alice, bob}), nil},
		{"liaison-desk", sorted([]string{bob, liaison}), nil},
		{"nope", nil, ErrUnknownGroup},
		{"", nil, ErrUnknownGroup},
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			got, err := r.Group(tt.group)
			if !errors.Is(err, tt.err) || !slices.Equal(got, tt.want) {
				t.Fatalf("Group = %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
		})
	}
	if m, found := r.Member(sec); !found || m.Role != RoleSecretariat {
		t.Errorf("Member(sec) = %+v, %v", m, found)
	}
	if _, found := (*Roster)(nil).Member(alice); found {
		t.Error("nil roster has a member")
	}
}

func TestRosterValidate(t *testing.T) {
	tests := []struct {
		name string
		r    *Roster
		ok   bool
	}{
		{"test roster", testRoster(), true},
		{"empty roster", &Roster{}, true},
		{"nil", nil, false},
		{"no peer ID", &Roster{Members: []Member{{Role: RoleMember}}}, false},
		{"duplicate peer", &Roster{Members: []Member{{PeerID: alice, Role: RoleMember}, {PeerID: alice, Role: RoleLiaison}}}, false},
		{"unknown role", &Roster{Members: []Member{{PeerID: alice, Role: "admin"}}}, false},
		{"empty role", &Roster{Members: []Member{{PeerID: alice}}}, false},
		{"custom group named members", &Roster{Members: []Member{{PeerID: liaison, Role: RoleLiaison, Groups: []string{"members"}}}}, false},
		{"custom group named like a peer", &Roster{Members: []Member{{PeerID: alice, Role: RoleMember, Groups: []string{bob}}}}, false},
		{"empty group name", &Roster{Members: []Member{{PeerID: alice, Role: RoleMember, Groups: []string{""}}}}, false},
		{"executive not a member", &Roster{Members: []Member{{PeerID: alice, Role: RoleMember}}, Executive: []string{bob}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				if !errors.Is(err, ErrInvalidRoster) {
					t.Errorf("err %v does not wrap ErrInvalidRoster", err)
				}
				if _, rerr := Recipients(tt.r, Policy{Level: Clear, Audience: Audience{Group: "members"}}, alice); !errors.Is(rerr, ErrInvalidRoster) {
					t.Errorf("Recipients over an invalid roster: %v", rerr)
				}
			}
		})
	}
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in   string
		want Level
	}{
		{"clear", Clear}, {"CLEAR", Clear}, {"TLP:CLEAR", Clear}, {"tlp:clear", Clear}, {" TLP: Clear ", Clear},
		{"green", Green}, {"TLP:GREEN", Green},
		{"amber", Amber}, {"Tlp:Amber", Amber},
		{"amber+strict", AmberStrict}, {"TLP:AMBER+STRICT", AmberStrict}, {"amber-strict", AmberStrict},
		{"amber strict", AmberStrict}, {"amber_strict", AmberStrict}, {"AMBER + STRICT", AmberStrict},
		{"ＴＬＰ：ＡＭＢＥＲ＋ＳＴＲＩＣＴ", AmberStrict},
		{"red", Red}, {"TLP:RED", Red}, {"tlp red", Red},
		{"", 0}, {"white", 0}, {"TLP:WHITE", 0}, {"amber+", 0}, {"strict", 0}, {"redd", 0},
		{"TLP:", 0}, {"tlp:tlp:red", 0}, {"amber+strict+red", 0}, {"orange", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLevel(tt.in)
			if tt.want == 0 {
				var re *RuleError
				if !errors.Is(err, ErrUnknownLevel) || !errors.As(err, &re) || !strings.Contains(err.Error(), validLevels) {
					t.Fatalf("ParseLevel(%q) = %v, %v; want an error listing the levels", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseLevel(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			// The canonical name round-trips.
			if back, err := ParseLevel(got.String()); err != nil || back != got {
				t.Errorf("round trip of %v = %v, %v", got, back, err)
			}
		})
	}
	if s := Level(0).String(); s != "level(0)" {
		t.Errorf("Level(0).String() = %q", s)
	}
}

func TestParseAudience(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want Audience
		rule string // "" = no error
	}{
		{"group", []string{"members"}, Audience{Group: "members"}, ""},
		{"built-in group any case", []string{"Members"}, Audience{Group: "members"}, ""},
		{"custom group", []string{"kyoto-team"}, Audience{Group: "kyoto-team"}, ""},
		{"one peer", []string{bob}, Audience{Peers: []string{bob}}, ""},
		{"peers sorted and unique", []string{carol, bob, carol}, Audience{Peers: []string{bob, carol}}, ""},
		{"comma separated", []string{carol + "," + bob}, Audience{Peers: []string{bob, carol}}, ""},
		{"legacy Qm peer", []string{"QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"}, Audience{Peers: []string{"QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"}}, ""},
		{"nothing", nil, Audience{}, "audience-missing"},
		{"blank", []string{" ", ","}, Audience{}, "audience-missing"},
		{"group and peer", []string{"members", bob}, Audience{}, "audience-mixed"},
		{"peer and group", []string{bob, "kyoto-team"}, Audience{}, "audience-mixed"},
		{"two groups", []string{"members", "secretariat"}, Audience{}, "audience-mixed"},
		{"not base58 is a group name", []string{"12D3KooWAlice0OIl"}, Audience{Group: "12D3KooWAlice0OIl"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAudience(tt.args)
			if tt.rule != "" {
				var re *RuleError
				if !errors.Is(err, ErrForbiddenAudience) || !errors.As(err, &re) || re.Rule != tt.rule {
					t.Fatalf("ParseAudience = %+v, %v; want rule %q", got, err, tt.rule)
				}
				return
			}
			if err != nil || got.Group != tt.want.Group || !slices.Equal(got.Peers, tt.want.Peers) {
				t.Fatalf("ParseAudience = %+v, %v; want %+v", got, err, tt.want)
			}
			again, err := ParseAudience(got.Strings())
			if err != nil || again.Group != got.Group || !slices.Equal(again.Peers, got.Peers) {
				t.Errorf("Strings does not round-trip: %+v -> %v", got, again)
			}
		})
	}
}

func TestMayHoldRelayRetract(t *testing.T) {
	r := &Roster{
		Members: []Member{
			{PeerID: "12D3KooWaaaa", Role: RoleMember, Groups: []string{"lab"}},
			{PeerID: "12D3KooWbbbb", Role: RoleMember, Groups: []string{"lab"}},
			{PeerID: "12D3KooWliai", Role: RoleLiaison, Groups: []string{"lab"}},
			{PeerID: "12D3KooWsecr", Role: RoleSecretariat},
		},
		Executive: []string{"12D3KooWaaaa"},
	}
	a, b, l, s := "12D3KooWaaaa", "12D3KooWbbbb", "12D3KooWliai", "12D3KooWsecr"
	lab := func(level Level) Policy { return Policy{Level: level, Audience: Audience{Group: "lab"}} }
	members := Policy{Level: Amber, Audience: Audience{Group: GroupMembers}}
	for _, tc := range []struct {
		name         string
		r            *Roster
		p            Policy
		author, peer string
		want         bool
	}{
		{"green to a group with a liaison reaches the liaison", r, lab(Green), a, l, true},
		{"amber+strict to the same group does not", r, lab(AmberStrict), a, l, false},
		{"amber to members reaches a member", r, members, a, b, true},
		{"amber to members never reaches the secretariat", r, members, a, s, false},
		{"RED to a group is refused outright, even for its author", r, lab(Red), a, a, false},
		{"no roster: only the author", nil, members, a, a, true},
		{"no roster: nobody else", nil, members, a, b, false},
		{"an author not on the roster: nobody", r, members, "12D3KooWgone", b, false},
		{"empty peer", r, members, a, "", false},
		{"empty author", nil, members, "", "", false},
	} {
		if got := MayHold(tc.r, tc.p, tc.author, tc.peer); got != tc.want {
			t.Errorf("%s: MayHold = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !MayRelay(r, lab(Green), a, b, l) {
		t.Error("a member may relay GREEN to a liaison in the audience")
	}
	if MayRelay(r, lab(Amber), a, b, l) {
		t.Error("AMBER relayed to a liaison")
	}
	if MayRelay(r, lab(Green), a, s, b) {
		t.Error("a node outside the audience relays")
	}
	if !MayRetract(a, a) || MayRetract(a, b) || MayRetract("", "") {
		t.Error("MayRetract: only a record's own author retracts it")
	}
}

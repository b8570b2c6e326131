package policy_test

// SPEC.md §10 and §12 read as a clean-room implementer reads them: oracle
// below is the text of §10.3 (the six conditions of "allowed" and the
// recipients rule) and §12.1 (may-hold, may-relay, may-retract), written
// without calling this package, and TestSpecDecisionTable compares it with
// Recipients, MayReceive, MayHold and MayRelay over every combination of
// level × audience × author × caveats × roster version of two rosters.

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ursic/ursic/policy"
)

func specPeer(c string) string { return "12D3KooW" + strings.Repeat(c, 44) }

var (
	pM1, pM2, pM3 = specPeer("A"), specPeer("B"), specPeer("C")
	pS, pL, pL2   = specPeer("S"), specPeer("L"), specPeer("K")
	pStranger     = specPeer("Z")
)

// specCard is a roster card as §7.1 and §10.3 describe it.
type specCard struct {
	id, role string
	groups   []string
}

type specRoster struct {
	cards     []specCard
	executive []string
}

// Roster version 1: the example roster of §10.3 plus a second liaison and a
// custom group of liaisons only. Version 2 removes M2, adds M3, moves lab
// to {M3, L} and makes L2 secretariat: what a later version changes.
var specRosters = map[uint64]specRoster{
	1: {cards: []specCard{
		{pM1, "member", nil}, {pM2, "member", []string{"lab"}}, {pS, "secretariat", nil},
		{pL, "liaison", []string{"lab", "liaisons"}}, {pL2, "liaison", []string{"liaisons"}},
	}, executive: []string{pM1, pL}},
	2: {cards: []specCard{
		{pM1, "member", nil}, {pM3, "member", []string{"lab"}}, {pS, "secretariat", nil},
		{pL, "liaison", []string{"lab", "liaisons"}}, {pL2, "secretariat", nil},
	}, executive: []string{pM1}},
}

func (r specRoster) card(id string) (specCard, bool) {
	for _, c := range r.cards {
		if c.id == id {
			return c, true
		}
	}
	return specCard{}, false
}

func (r specRoster) policyView() *policy.Roster {
	pr := &policy.Roster{Executive: r.executive}
	for _, c := range r.cards {
		pr.Members = append(pr.Members, policy.Member{PeerID: c.id, Name: c.id[8:9], Role: policy.Role(c.role), Groups: c.groups})
	}
	return pr
}

var specLevels = []string{"clear", "green", "amber", "amber+strict", "red"}

// amberOrStricter: "AMBER or stricter" means amber, amber+strict and red (§10.1).
func amberOrStricter(tlp string) bool { return tlp == "amber" || tlp == "amber+strict" || tlp == "red" }

// oracleRecipients is §10.3: nil when the policy is not allowed.
func oracleRecipients(r specRoster, tlp, group string, peers, cav []string, author string) []string {
	// 1. tlp is one of the five levels.
	if !slices.Contains(specLevels, tlp) {
		return nil
	}
	// 2. every caveat is known (§10.4: only no-facet).
	for _, c := range cav {
		if c != "no-facet" {
			return nil
		}
	}
	// 3. exactly one group or a non-empty list of peers, never both.
	if (group == "") == (len(peers) == 0) {
		return nil
	}
	// 6. the author is on R, and no liaison at AMBER or stricter.
	a, ok := r.card(author)
	if !ok || a.role == "liaison" && amberOrStricter(tlp) {
		return nil
	}
	out := []string{author}
	if group != "" {
		// 4. not red; not partners at AMBER or stricter; G exists.
		if tlp == "red" || group == "partners" && amberOrStricter(tlp) {
			return nil
		}
		var in []specCard
		switch group {
		case "members", "secretariat":
			for _, c := range r.cards {
				if c.role == map[string]string{"members": "member", "secretariat": "secretariat"}[group] {
					in = append(in, c)
				}
			}
		case "partners":
			for _, c := range r.cards {
				if c.role == "liaison" {
					in = append(in, c)
				}
			}
		case "executive":
			for _, id := range r.executive {
				c, _ := r.card(id)
				in = append(in, c)
			}
		default:
			for _, c := range r.cards {
				if slices.Contains(c.groups, group) {
					in = append(in, c)
				}
			}
			if len(in) == 0 {
				return nil // an unknown group
			}
		}
		for _, c := range in {
			if !(c.role == "liaison" && amberOrStricter(tlp)) {
				out = append(out, c.id)
			}
		}
	} else {
		// 5. every listed peer on R; no liaison at AMBER or stricter.
		for _, p := range peers {
			c, ok := r.card(p)
			if !ok || c.role == "liaison" && amberOrStricter(tlp) {
				return nil
			}
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestSpecDecisionTable(t *testing.T) {
	everyone := []string{pM1, pM2, pM3, pS, pL, pL2, pStranger}
	groups := []string{"members", "secretariat", "partners", "executive", "lab", "liaisons", "nosuch"}
	peerLists := [][]string{{pS}, {pL}, {pM2}, {pM1, pM2}, {pM2, pS}, {pL, pM1}, {pStranger}, {pM3, pL2}}
	caveats := [][]string{nil, {"no-facet"}, {"no-export"}, {"no-facet", "no-export"}}
	type aud struct {
		group string
		peers []string
	}
	var auds []aud
	for _, g := range groups {
		auds = append(auds, aud{group: g})
	}
	for _, ps := range peerLists {
		auds = append(auds, aud{peers: ps})
	}
	auds = append(auds, aud{}, aud{group: "members", peers: []string{pS}})

	rows := 0
	for _, v := range []uint64{1, 2} {
		sr := specRosters[v]
		r := sr.policyView()
		if err := r.Validate(); err != nil {
			t.Fatalf("roster %d: %v", v, err)
		}
		for _, tlp := range append(slices.Clone(specLevels), "white") {
			level, lerr := policy.ParseLevel(tlp)
			for _, a := range auds {
				for _, cav := range caveats {
					for _, author := range everyone {
						rows++
						want := oracleRecipients(sr, tlp, a.group, a.peers, cav, author)
						name := fmt.Sprintf("r=%d tlp=%s aud=%v%v cav=%v author=%s", v, tlp, a.group, short(a.peers), cav, author[8:9])
						if lerr != nil {
							if want != nil {
								t.Errorf("%s: the text allows a level ParseLevel refuses", name)
							}
							continue
						}
						p := policy.Policy{Level: level, Audience: policy.Audience{Group: a.group, Peers: a.peers}, Caveats: cav}
						got, err := policy.Recipients(r, p, author)
						if (err == nil) != (want != nil) || !slices.Equal(got, want) {
							t.Errorf("%s: Recipients = %v (err %v), SPEC.md §10.3 says %v", name, short(got), err, short(want))
							continue
						}
						for _, peer := range everyone {
							in := slices.Contains(want, peer)
							if policy.MayReceive(r, p, author, peer) != in {
								t.Errorf("%s: MayReceive(%s) = %v, §10.3 says %v", name, peer[8:9], !in, in)
							}
							if policy.MayHold(r, p, author, peer) != in {
								t.Errorf("%s: MayHold(%s) = %v, §12.1 says %v", name, peer[8:9], !in, in)
							}
							// §12.1 with E.r = 0 (no roster): the author only,
							// whatever the policy (2026-11-30: §10.2 now says so).
							if policy.MayHold(nil, p, author, peer) != (peer == author) {
								t.Errorf("%s: MayHold(r=0, %s) = %v, §12.1 says %v", name, peer[8:9], !(peer == author), peer == author)
							}
							for _, to := range []string{pM1, pL, pStranger} {
								if policy.MayRelay(r, p, author, peer, to) != (in && slices.Contains(want, to)) {
									t.Errorf("%s: MayRelay(%s→%s) is not may-hold of both (§12.1)", name, peer[8:9], to[8:9])
								}
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d decisions compared", rows)
}

func short(ids []string) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id[8:9]
	}
	return "[" + strings.Join(s, " ") + "]"
}

// TestSpecRosterVersionDecides is §10.2's last bullet, on the rosters
// above: a member removed by a later version stays entitled to what was
// written under a version that listed it; a member added later is not
// entitled to what was written before it joined.
func TestSpecRosterVersionDecides(t *testing.T) {
	p := policy.Policy{Level: policy.Amber, Audience: policy.Audience{Group: "members"}}
	r1, r2 := specRosters[1].policyView(), specRosters[2].policyView()
	for _, c := range []struct {
		name string
		r    *policy.Roster
		peer string
		want bool
	}{
		{"M2 under r1, which lists it", r1, pM2, true},
		{"M2 under r2, which removed it", r2, pM2, false},
		{"M3 under r1, before it joined", r1, pM3, false},
		{"M3 under r2", r2, pM3, true},
	} {
		if got := policy.MayHold(c.r, p, pM1, c.peer); got != c.want {
			t.Errorf("%s: MayHold = %v, §10.2 says %v", c.name, got, c.want)
		}
	}
}

// TestSpecRetractAndStub is §12.2 (may-retract) and §2.5 (who may hand a
// receiver a stub), from the text.
func TestSpecRetractAndStub(t *testing.T) {
	for _, c := range []struct {
		name              string
		author, retractor string
		want              bool
	}{
		{"the author", pM1, pM1, true},
		{"another member", pM1, pM2, false},
		{"the executive", pM1, pL, false},
		{"the secretariat", pM1, pS, false},
		{"no author", "", "", false},
	} {
		if got := policy.MayRetract(c.author, c.retractor); got != c.want {
			t.Errorf("may-retract, %s: %v, §12.2 says %v", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		name           string
		author, sender string
		retractors     []string
		want           bool
	}{
		{"the author sends it", pM1, pM1, nil, true},
		{"a relay without a retraction", pM1, pM2, nil, false},
		{"a relay with the author's retraction", pM1, pM2, []string{pM2, pM1}, true},
		{"a relay with its own retraction only", pM1, pM2, []string{pM2}, false},
		{"a relay with the secretariat's retraction", pM1, pM2, []string{pS}, false},
		{"no author", "", pM2, []string{""}, false},
	} {
		if got := policy.MayTakeStub(c.author, c.sender, c.retractors); got != c.want {
			t.Errorf("stub, %s: %v, §2.5 says %v", c.name, got, c.want)
		}
	}
}

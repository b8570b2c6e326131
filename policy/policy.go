package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Policy is what an author attaches to a record: its TLP level, its audience
// and any caveats. It travels in the clear in the envelope header.
type Policy struct {
	Level    Level
	Audience Audience
	Caveats  []string
}

// CaveatNoFacet is the caveat by which an author opts out of the secretariat
// facet for a record (share/SPEC.md §10.4).
const CaveatNoFacet = "no-facet"

// knownCaveats are the caveats this version understands. Any other caveat
// denies: ignoring a restriction the author asked for would fail open.
var knownCaveats = []string{CaveatNoFacet}

// Check reports whether p is allowed over roster r, following the TLP table of
// share/SPEC.md §10.1 and §10.3:
//
//	level         audience                                     partners
//	CLEAR, GREEN  any group, or any list of roster peers       allowed
//	AMBER         any group but "partners", or a list of peers never: a listed liaison peer is refused
//	AMBER+STRICT  as AMBER                                     never
//	RED           an explicit list of peers only, no group     never
//
// It fails closed: an invalid level or roster, an unknown caveat, an unknown
// group or an unknown peer all deny. The error is a [*RuleError] that names the
// rule and says what would be allowed.
func (p Policy) Check(r *Roster) error {
	if !p.Level.Valid() {
		return ruleErr(ErrUnknownLevel, "level",
			fmt.Sprintf("no valid TLP level (got %s)", p.Level), "--tlp "+strings.ReplaceAll(validLevels, ", ", "|"))
	}
	if err := r.Validate(); err != nil {
		return err
	}
	for _, c := range p.Caveats {
		if !slices.Contains(knownCaveats, c) {
			return ruleErr(ErrUnknownCaveat, "caveat",
				fmt.Sprintf("unknown caveat %q", c), strings.Join(knownCaveats, ", "))
		}
	}
	a := p.Audience
	switch {
	case a.Group == "" && len(a.Peers) == 0:
		return ruleErr(ErrForbiddenAudience, "audience-missing",
			fmt.Sprintf("%s policy has no audience", p.Level.label()), allowedAudience)
	case a.Group != "" && len(a.Peers) > 0:
		return ruleErr(ErrForbiddenAudience, "audience-mixed",
			fmt.Sprintf("an audience is one group or a list of peers, not both (got group %q and %d peer(s))", a.Group, len(a.Peers)),
			allowedAudience)
	case a.Group != "":
		return p.checkGroup(r)
	}
	return p.checkPeers(r)
}

func (p Policy) checkGroup(r *Roster) error {
	g := p.Audience.Group
	switch {
	case p.Level == Red:
		return ruleErr(ErrForbiddenAudience, "red-needs-peers",
			fmt.Sprintf("TLP:RED needs an explicit list of nodes, not the group %q", g),
			"--audience PEERID ...")
	case p.Level >= Amber && g == GroupPartners:
		return ruleErr(ErrForbiddenAudience, "no-partners",
			fmt.Sprintf("%s never goes to liaison partners, so not to the group %q", p.Level.label(), g),
			"--audience members|secretariat|executive|GROUP|PEERID ..., or --tlp green to share with partners")
	}
	if !r.hasGroup(g) {
		_, err := r.group(g) // the unknown-group error, with the groups that exist
		return err
	}
	return nil
}

func (p Policy) checkPeers(r *Roster) error {
	for _, id := range p.Audience.Peers {
		m, ok := r.Member(id)
		if !ok {
			return ruleErr(ErrUnknownPeer, "unknown-peer",
				fmt.Sprintf("peer %s is not on the roster", id),
				"peer IDs on the roster (ursic roster show)")
		}
		if p.Level >= Amber && m.Role == RoleLiaison {
			return ruleErr(ErrForbiddenAudience, "no-partners",
				fmt.Sprintf("%s never goes to liaison partners, and peer %s (%s) is a liaison", p.Level.label(), id, m.Name),
				"the same list without "+id+", or --tlp green to share with partners")
		}
	}
	return nil
}

// Recipients returns the exact set of peer IDs entitled to read a record with
// policy p written by author: sorted, without duplicates, and always including
// the author. It is the set a record is sealed to and the set sync may send it
// to.
//
// The author must be on the roster ([ErrUnknownPeer]). At TLP:AMBER and
// stricter a liaison-role node is never a recipient: a liaison author is
// refused, and a liaison that belongs to a custom group (or the executive) is
// left out of that group's recipients. Any error from [Policy.Check] is
// returned unchanged, and then there are no recipients.
func Recipients(r *Roster, p Policy, author string) ([]string, error) {
	if err := decide(r, p, author); err != nil {
		return nil, err
	}
	ids := []string{author}
	if g := p.Audience.Group; g != "" {
		for _, m := range r.Members {
			if inGroup(r, m, g, p.Level) {
				ids = append(ids, m.PeerID)
			}
		}
	} else {
		ids = append(ids, p.Audience.Peers...)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// MayReceive reports whether peerID is entitled to read a record with policy p
// written by author, that is whether it is in [Recipients]. It is the
// predicate sync uses before sending an envelope, and it fails closed: any
// error (invalid policy, unknown author, invalid roster) means false. Its cost
// is linear in the roster's size (tens of microseconds at 500 nodes); callers
// deciding many records of one log may decide once per log.
func MayReceive(r *Roster, p Policy, author, peerID string) bool {
	if decide(r, p, author) != nil {
		return false
	}
	if peerID == author {
		return true
	}
	if g := p.Audience.Group; g != "" {
		m, ok := r.Member(peerID)
		return ok && inGroup(r, m, g, p.Level)
	}
	return slices.Contains(p.Audience.Peers, peerID)
}

// decide runs every check that Recipients and MayReceive share: the policy
// over the roster, then the author.
func decide(r *Roster, p Policy, author string) error {
	if err := p.Check(r); err != nil {
		return err
	}
	a, ok := r.Member(author)
	if !ok {
		return ruleErr(ErrUnknownPeer, "unknown-author",
			fmt.Sprintf("author %s is not on the roster", author), "an author on the roster")
	}
	if p.Level >= Amber && a.Role == RoleLiaison {
		return ruleErr(ErrForbiddenAudience, "liaison-author",
			fmt.Sprintf("%s is for consortium members only, and author %s is a liaison partner", p.Level.label(), author),
			"--tlp clear|green")
	}
	return nil
}

// inGroup reports whether m receives a record for group g at level l: it is in
// the group and, at TLP:AMBER or stricter, not a liaison. The roster is
// already validated and the group known.
func inGroup(r *Roster, m Member, g string, l Level) bool {
	if l >= Amber && m.Role == RoleLiaison {
		return false
	}
	switch g {
	case GroupMembers:
		return m.Role == RoleMember
	case GroupSecretariat:
		return m.Role == RoleSecretariat
	case GroupPartners:
		return m.Role == RoleLiaison
	case GroupExecutive:
		return slices.Contains(r.Executive, m.PeerID)
	}
	return slices.Contains(m.Groups, g)
}

// Handling is what recipients may do with a record, from its policy.
type Handling struct {
	// Reshare says in one sentence how far a recipient may pass it on.
	Reshare string
	// Exportable reports whether it may leave the consortium through a
	// liaison (STIX/TAXII). Only TLP:CLEAR and TLP:GREEN are.
	Exportable bool
	// Facet reports whether publishing it may also write a secretariat facet.
	// Never for TLP:RED, and never when the author added the caveat
	// [CaveatNoFacet] (honoured at every level, not only AMBER+STRICT).
	Facet bool
}

// HandlingOf returns the handling rules of share/SPEC.md §10.1 for p. An invalid level
// gets the most restrictive handling.
func HandlingOf(p Policy) Handling {
	noFacet := slices.Contains(p.Caveats, CaveatNoFacet)
	switch p.Level {
	case Clear:
		return Handling{
			Reshare:    "Recipients may share it without restriction, publicly included.",
			Exportable: true, Facet: !noFacet,
		}
	case Green:
		return Handling{
			Reshare:    "Recipients may share it within the community (consortium members and approved liaison partners), but not publicly.",
			Exportable: true, Facet: !noFacet,
		}
	case Amber:
		return Handling{
			Reshare: "Recipients may share it only on a need-to-know basis inside their own institution and its clients (affiliated hospitals, incubators).",
			Facet:   !noFacet,
		}
	case AmberStrict:
		return Handling{
			Reshare: "Recipients may share it only on a need-to-know basis inside their own institution, not with its clients.",
			Facet:   !noFacet,
		}
	case Red:
		return Handling{Reshare: "Recipients may not share it: it is for the named nodes only."}
	}
	return Handling{Reshare: "Recipients may not share it: its TLP level is not valid."}
}

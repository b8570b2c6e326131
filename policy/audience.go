package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Audience is who a record is for: a group named in the roster, or an explicit
// list of member peer IDs. Exactly one of the two is set.
type Audience struct {
	Group string   // "members", "secretariat", "partners", "executive" or a custom group
	Peers []string // sorted, de-duplicated peer IDs
}

// allowedAudience is the generic hint for a malformed audience.
const allowedAudience = "--audience GROUP, or --audience PEERID ..."

// ParseAudience parses the --audience arguments: one group name (["members"])
// or one or more peer IDs (["12D3KooW…", "12D3KooW…"]). An argument may itself
// hold several, separated by commas or spaces. An argument that looks like a
// peer ID ([IsPeerID]) is a peer; anything else is a group name, and the
// built-in names are case-insensitive. Peers are sorted and de-duplicated.
// No arguments, two groups, or a group mixed with peers is an error wrapping
// [ErrForbiddenAudience]. Whether the group or peers exist is decided later,
// against a roster, by [Policy.Check].
func ParseAudience(args []string) (Audience, error) {
	var groups, peers []string
	for _, arg := range args {
		for _, f := range strings.FieldsFunc(arg, func(r rune) bool {
			return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
		}) {
			if IsPeerID(f) {
				peers = append(peers, f)
				continue
			}
			if l := strings.ToLower(f); isBuiltinGroup(l) {
				f = l
			}
			groups = append(groups, f)
		}
	}
	switch {
	case len(groups) == 0 && len(peers) == 0:
		return Audience{}, ruleErr(ErrForbiddenAudience, "audience-missing",
			"no audience given", allowedAudience)
	case len(groups) > 0 && len(peers) > 0:
		return Audience{}, ruleErr(ErrForbiddenAudience, "audience-mixed",
			fmt.Sprintf("an audience is one group or a list of peers, not both (got group %q and %d peer(s))", groups[0], len(peers)),
			allowedAudience+"; to add peers to a group, define a custom group in the roster")
	case len(groups) > 1:
		return Audience{}, ruleErr(ErrForbiddenAudience, "audience-mixed",
			fmt.Sprintf("an audience is one group, not several (got %q)", groups),
			allowedAudience+"; define a custom group in the roster for a union")
	case len(groups) == 1:
		return Audience{Group: groups[0]}, nil
	}
	slices.Sort(peers)
	return Audience{Peers: slices.Compact(peers)}, nil
}

// Strings returns the audience as --audience arguments: the group name alone,
// or a copy of the peer IDs.
func (a Audience) Strings() []string {
	if a.Group != "" {
		return []string{a.Group}
	}
	return slices.Clone(a.Peers)
}

// String returns the audience for messages: the group name, or the peer IDs
// separated by commas.
func (a Audience) String() string { return strings.Join(a.Strings(), ",") }

// IsPeerID reports whether s has the shape of a libp2p peer ID: base58btc text
// starting with "12D3KooW" (Ed25519 keys, the form this software issues) or
// "Qm" (legacy SHA-256 multihash). It checks the shape only, not the
// multihash; membership is decided against the roster.
func IsPeerID(s string) bool {
	var body string
	switch {
	case strings.HasPrefix(s, "12D3KooW"):
		body = s[len("12D3KooW"):]
	case strings.HasPrefix(s, "Qm"):
		body = s[len("Qm"):]
	default:
		return false
	}
	if len(body) < 8 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(body); i++ {
		if !strings.ContainsRune(base58Alphabet, rune(body[i])) {
			return false
		}
	}
	return true
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

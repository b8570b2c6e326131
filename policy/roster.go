package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what a node is in the consortium. It decides the built-in group a node
// belongs to.
type Role string

// The three roles a member card may carry.
const (
	// RoleMember is a member institution's research-security office.
	RoleMember Role = "member"
	// RoleSecretariat is the consortium secretariat: it aggregates facets and
	// reads bodies only when an audience names it.
	RoleSecretariat Role = "secretariat"
	// RoleLiaison is a liaison partner outside the consortium. It never
	// receives TLP:AMBER or stricter.
	RoleLiaison Role = "liaison"
)

// The built-in groups. They always exist, derived from the roster, and a roster
// may not define a custom group with one of these names.
const (
	GroupMembers     = "members"     // nodes with role member
	GroupSecretariat = "secretariat" // nodes with role secretariat
	GroupPartners    = "partners"    // nodes with role liaison
	GroupExecutive   = "executive"   // the roster's executive set
)

// Member is one node on the roster: the part of its member card, and of the
// roster, that policy decides over.
type Member struct {
	PeerID string   // libp2p peer ID, "12D3KooW…"
	Name   string   // human-readable name, for messages only
	Role   Role     // member, secretariat or liaison
	Groups []string // custom groups this node belongs to
}

// Roster is the view of the consortium's membership that policy decides over.
// The share package builds it from the signed roster document; a node with no
// roster uses [RosterOfOne].
type Roster struct {
	Members   []Member
	Executive []string // peer IDs of the executive members
}

// RosterOfOne returns the roster of a consortium of one: a single node with
// role member, so that the group "members" is that node.
func RosterOfOne(peerID, name string) *Roster {
	return &Roster{Members: []Member{{PeerID: peerID, Name: name, Role: RoleMember}}}
}

// Member returns the roster entry for peerID. It is safe on a nil roster.
func (r *Roster) Member(peerID string) (Member, bool) {
	if r == nil {
		return Member{}, false
	}
	for _, m := range r.Members {
		if m.PeerID == peerID {
			return m, true
		}
	}
	return Member{}, false
}

// Group returns the sorted peer IDs in the named group: one of the built-in
// groups (members, secretariat, partners, executive) or a custom group that at
// least one roster member belongs to. A built-in group may be empty; a name
// the roster does not define is an error wrapping [ErrUnknownGroup]. An
// invalid roster is an error wrapping [ErrInvalidRoster].
func (r *Roster) Group(name string) ([]string, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r.group(name)
}

// hasGroup reports whether the roster defines the group: a built-in one, or a
// custom group with at least one member.
func (r *Roster) hasGroup(name string) bool {
	if isBuiltinGroup(name) {
		return true
	}
	for _, m := range r.Members {
		if slices.Contains(m.Groups, name) {
			return true
		}
	}
	return false
}

// group is Group over a roster already validated.
func (r *Roster) group(name string) ([]string, error) {
	var ids []string
	switch name {
	case GroupMembers:
		ids = r.withRole(RoleMember)
	case GroupSecretariat:
		ids = r.withRole(RoleSecretariat)
	case GroupPartners:
		ids = r.withRole(RoleLiaison)
	case GroupExecutive:
		ids = slices.Clone(r.Executive)
	default:
		for _, m := range r.Members {
			if slices.Contains(m.Groups, name) {
				ids = append(ids, m.PeerID)
			}
		}
		if len(ids) == 0 {
			return nil, ruleErr(ErrUnknownGroup, "unknown-group",
				fmt.Sprintf("the roster has no group %q", name),
				"--audience "+strings.Join(r.groupNames(), "|")+"|PEERID ...")
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

func (r *Roster) withRole(role Role) []string {
	var ids []string
	for _, m := range r.Members {
		if m.Role == role {
			ids = append(ids, m.PeerID)
		}
	}
	return ids
}

// groupNames lists the built-in groups, then the custom ones, sorted.
func (r *Roster) groupNames() []string {
	var custom []string
	if r != nil {
		for _, m := range r.Members {
			custom = append(custom, m.Groups...)
		}
	}
	slices.Sort(custom)
	custom = slices.Compact(custom)
	return append([]string{GroupMembers, GroupSecretariat, GroupPartners, GroupExecutive}, custom...)
}

func isBuiltinGroup(name string) bool {
	switch name {
	case GroupMembers, GroupSecretariat, GroupPartners, GroupExecutive:
		return true
	}
	return false
}

// Validate reports whether policy can decide over r. It fails (wrapping
// [ErrInvalidRoster]) on a nil roster, a member without a peer ID, a peer ID
// listed twice, a role other than member, secretariat or liaison, a custom
// group that is empty, reuses a built-in name or looks like a peer ID, and an
// executive peer ID that is not a member. Every decision in this package
// validates the roster first, so a malformed roster denies everything.
func (r *Roster) Validate() error {
	bad := func(format string, args ...any) error {
		return ruleErr(ErrInvalidRoster, "roster", "invalid roster: "+fmt.Sprintf(format, args...), "")
	}
	if r == nil {
		return bad("no roster")
	}
	seen := make(map[string]bool, len(r.Members))
	for i, m := range r.Members {
		if m.PeerID == "" {
			return bad("member %d has no peer ID", i)
		}
		if seen[m.PeerID] {
			return bad("peer %s is listed twice", m.PeerID)
		}
		seen[m.PeerID] = true
		switch m.Role {
		case RoleMember, RoleSecretariat, RoleLiaison:
		default:
			return bad("peer %s has unknown role %q (want member, secretariat or liaison)", m.PeerID, m.Role)
		}
		for _, g := range m.Groups {
			switch {
			case g == "" || strings.TrimSpace(g) != g:
				return bad("peer %s has an empty or space-padded group name %q", m.PeerID, g)
			case isBuiltinGroup(g):
				return bad("peer %s lists built-in group %q as a custom group (built-in groups follow from roles and the executive set)", m.PeerID, g)
			case IsPeerID(g):
				return bad("peer %s has a custom group %q that looks like a peer ID", m.PeerID, g)
			}
		}
	}
	for _, id := range r.Executive {
		if !seen[id] {
			return bad("executive %s is not a member", id)
		}
	}
	return nil
}

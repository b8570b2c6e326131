package policy

import "errors"

// Sentinel errors for the conditions callers branch on. Every error returned by
// the access side of this package ([ParseLevel], [ParseAudience], [Policy.Check],
// [Recipients]) is a [*RuleError] that wraps exactly one of these, so
// errors.Is(err, ErrUnknownGroup) and errors.As(err, &ruleErr) both work.
var (
	// ErrUnknownLevel: the TLP level is not one of clear, green, amber,
	// amber+strict, red.
	ErrUnknownLevel = errors.New("unknown TLP level")
	// ErrUnknownGroup: the audience names a group the roster does not define.
	ErrUnknownGroup = errors.New("unknown group")
	// ErrUnknownPeer: a peer ID (in the audience, or the author) is not on the
	// roster.
	ErrUnknownPeer = errors.New("unknown peer")
	// ErrForbiddenAudience: the audience is well formed and known, but the TLP
	// level does not allow it (RED to a group, AMBER to partners, ...), or the
	// audience itself is malformed (empty, or a group mixed with peers).
	ErrForbiddenAudience = errors.New("forbidden audience")
	// ErrUnknownCaveat: a caveat this version of the software does not
	// understand. Ignoring it could break the author's intent, so it denies.
	ErrUnknownCaveat = errors.New("unknown caveat")
	// ErrInvalidRoster: the roster cannot be decided over (nil, a member with
	// no peer ID, a peer listed twice, an unknown role, a custom group that
	// reuses a built-in name or looks like a peer ID, an executive that is not a
	// member).
	ErrInvalidRoster = errors.New("invalid roster")
)

// RuleError says which policy rule refused a request, why, and what would have
// been allowed instead. Its Error text is written for the person at the
// command line:
//
//	policy: TLP:RED needs an explicit list of nodes, not the group "members" (allowed: --audience PEERID ...)
type RuleError struct {
	// Rule is a short kebab-case identifier of the rule, stable for scripts
	// and tests (e.g. "red-needs-peers", "no-partners", "unknown-group").
	Rule string
	// Reason says, in one clause, what was refused and why.
	Reason string
	// Allowed says what would be accepted instead; it may be empty.
	Allowed string

	err error // one of the sentinels above
}

// Error implements error.
func (e *RuleError) Error() string {
	s := "policy: " + e.Reason
	if e.Allowed != "" {
		s += " (allowed: " + e.Allowed + ")"
	}
	return s
}

// Unwrap returns the sentinel error the rule falls under.
func (e *RuleError) Unwrap() error { return e.err }

func ruleErr(sentinel error, rule, reason, allowed string) *RuleError {
	return &RuleError{Rule: rule, Reason: reason, Allowed: allowed, err: sentinel}
}

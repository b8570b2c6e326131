package policy

import (
	"fmt"
	"time"
)

// jst is Japan Standard Time, in which a date-only validity ends: the
// consortium's members are Japanese universities.
var jst = time.FixedZone("JST", 9*60*60)

// ValidUntil returns the first instant at which a record whose valid_until
// (or review_due) is s is no longer valid. s is RFC 3339 ("2026-03-31T12:00:00Z",
// that instant) or a date ("2026-03-31", valid through the whole of that day in
// Japan Standard Time, so the instant is 2026-04-01T00:00:00+09:00).
func ValidUntil(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, jst)
	if err != nil {
		return time.Time{}, fmt.Errorf("policy: validity %q is neither RFC 3339 (2026-03-31T12:00:00Z) nor a date (2026-03-31)", s)
	}
	return d.AddDate(0, 0, 1), nil
}

// Expired reports whether a record valid until validUntil has expired at now
// (see [ValidUntil] for the accepted forms). An empty validUntil never expires.
// A value that does not parse is reported as not expired: expiry only hides a
// record from default views, so a malformed date must not hide it silently;
// records are validated when parsed (share.ParseRecord).
func Expired(validUntil string, now time.Time) bool {
	if validUntil == "" {
		return false
	}
	t, err := ValidUntil(validUntil)
	if err != nil {
		return false
	}
	return !now.Before(t)
}

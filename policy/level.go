package policy

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Level is a Traffic Light Protocol 2.0 level. The zero Level is invalid and
// every decision over it denies.
type Level uint8

// The TLP 2.0 levels, from the most open to the most restricted. Their order is
// meaningful: l >= Amber means "AMBER or stricter".
const (
	Clear Level = iota + 1
	Green
	Amber
	AmberStrict
	Red
)

// levelNames are the canonical spellings, as FIRST writes them after "TLP:"
// (lower-cased).
var levelNames = [...]string{
	Clear:       "clear",
	Green:       "green",
	Amber:       "amber",
	AmberStrict: "amber+strict",
	Red:         "red",
}

// validLevels is what error messages offer.
const validLevels = "clear, green, amber, amber+strict, red"

// String returns the canonical lower-case name ("clear", "green", "amber",
// "amber+strict", "red"), or "level(N)" for an invalid level.
func (l Level) String() string {
	if l.Valid() {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// Valid reports whether l is one of the five TLP 2.0 levels.
func (l Level) Valid() bool { return l >= Clear && l <= Red }

// label is the form used in messages: "TLP:AMBER+STRICT".
func (l Level) label() string { return "TLP:" + strings.ToUpper(l.String()) }

// ParseLevel parses a TLP level. It is case-insensitive, accepts an optional
// "TLP:" prefix, full-width characters and stray spaces, and accepts
// "amber strict", "amber-strict" and "amber_strict" for the canonical
// "amber+strict". Anything else, including the TLP 1.0 "white", is an error
// that wraps [ErrUnknownLevel] and lists the valid levels.
func ParseLevel(s string) (Level, error) {
	t := strings.ToLower(norm.NFKC.String(s))
	t = strings.TrimSpace(t)
	if rest, ok := strings.CutPrefix(t, "tlp"); ok {
		trimmed := strings.TrimLeftFunc(rest, unicode.IsSpace)
		if r, ok := strings.CutPrefix(trimmed, ":"); ok {
			t = r
		} else if trimmed != rest {
			t = trimmed // "TLP RED"
		}
	}
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, "+") || strings.HasSuffix(t, "+") || strings.HasPrefix(t, "-") || strings.HasSuffix(t, "-") {
		t = "" // "amber+" is not a level
	}
	// Collapse separators so "amber + strict", "amber-strict" and
	// "amber_strict" all read as "amber+strict".
	fields := strings.FieldsFunc(t, func(r rune) bool {
		return unicode.IsSpace(r) || r == '+' || r == '-' || r == '_'
	})
	t = strings.Join(fields, "+")
	for l := Clear; l <= Red; l++ {
		if t == levelNames[l] {
			return l, nil
		}
	}
	reason := fmt.Sprintf("unknown TLP level %q", s)
	if t == "white" {
		reason = fmt.Sprintf("unknown TLP level %q (TLP 2.0 renamed WHITE to CLEAR)", s)
	}
	return 0, ruleErr(ErrUnknownLevel, "level", reason, validLevels)
}

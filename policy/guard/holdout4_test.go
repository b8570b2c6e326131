package guard_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// holdout4File is the fourth held-out corpus: 161 records in English, as
// the Canadian and US partners and Japanese officers writing English put
// them, in genres the first three rounds did not stress — links and handles
// that point at one person (LinkedIn, ResearchGate, X, GitHub users, mailto:,
// Google Scholar), home addresses, ages and birth years, a person's
// appearance, a gender with a unique role, Western names in running text,
// aliases, relatives, identity and licence numbers, a personal device's
// address, nationality in English forms, and a subject that is really a
// person — and as many that must pass: organisations' sites and addresses,
// the age of a programme, "US person" and "foreign person" as export
// terms, public officials acting officially, bibliographic citations and
// organisations named after people. It was written before the guard's
// code, tests or testdata were read.
const holdout4File = "testdata/holdout4-2026-11-30.jsonl"

// TestHoldout4 asserts the verdict on every record of the fourth held-out
// corpus — refused, held for confirmation (or refused) for personal data,
// or passed with no finding at all — and reports misses, false refusals
// and false holds per genre.
func TestHoldout4(t *testing.T) {
	cases := loadHoldout[holdout3Case](t, holdout4File, 120)
	type tally struct{ stop, missed, known, pass, falseRef, falseHold int }
	byGenre := map[string]*tally{}
	var genres []string
	for _, c := range cases {
		g := byGenre[c.Genre]
		if g == nil {
			g = &tally{}
			byGenre[c.Genre] = g
			genres = append(genres, c.Genre)
		}
		ok, got, findings := holdout2Verdict(c.holdout2Case)
		if c.KnownMiss != "" {
			g.stop++
			g.known++
			if got != "pass" {
				t.Errorf("%s [%s]: a known miss (%s) is now %s: remove known_miss from its line", c.ID, c.Genre, c.KnownMiss, got)
			}
			continue
		}
		if c.Expect == "pass" {
			g.pass++
			if ok && len(findings) > 0 {
				ok, got = false, "pass with findings"
			}
		} else {
			g.stop++
		}
		if ok {
			continue
		}
		switch {
		case c.Expect != "pass":
			g.missed++
		case got == "refuse":
			g.falseRef++
		default:
			g.falseHold++
		}
		var rules []string
		for _, f := range findings {
			rules = append(rules, f.Rule+"@"+f.Path)
		}
		t.Errorf("%s [%s]: want %s, got %s (%s) %v", c.ID, c.Genre, c.Expect, got, c.Why, rules)
	}
	slices.Sort(genres)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-26s %9s %6s %9s %9s\n", "genre", "missed", "known", "false-ref", "false-hold")
	for _, name := range genres {
		g := byGenre[name]
		fmt.Fprintf(&sb, "%-26s %4d/%-4d %6d %4d/%-4d %4d/%-4d\n", name, g.missed, g.stop, g.known, g.falseRef, g.pass, g.falseHold, g.pass)
	}
	t.Logf("holdout4 by genre:\n%s", sb.String())
}

package guard_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// holdout3File is the third held-out corpus: 199 records (101 in Japanese)
// in the genres the first two rounds did not stress — long case narratives
// with one person-level sentence buried in the middle, hearing notes (Q&A,
// 聞き取り記録), timelines, stiff machine translation both ways, the APPI
// special-care categories about a person (illness, criminal record,
// religion, political opinion and party membership, union membership,
// sexual orientation, family origin, disability) and an individual's
// immigration status, and names with no honorific, title or label — and
// over half that must pass although they sit close to the line:
// organisations named after people, parties, religious bodies and unions as
// organisations or funders, immigration law and visa programmes as topics,
// health-research programmes, statistics about countries, historical
// persons and events, job titles without names, and places and companies
// that look like surnames. It was written before the guard's code, tests or
// testdata were read.
const holdout3File = "testdata/holdout3-2026-11-30.jsonl"

// holdout3Case is one line of holdout3File. KnownMiss says why a record
// the guard should stop still passes (docs/GUARDRAILS.md, "Known limits"):
// the test requires it to pass, so that a fix is noticed and the line updated.
type holdout3Case struct {
	holdout2Case
	KnownMiss string `json:"known_miss"`
}

func loadHoldout3(t testing.TB) []holdout3Case {
	t.Helper()
	return loadHoldout[holdout3Case](t, holdout3File, 150)
}

// TestHoldout3 asserts the verdict on every record of the third held-out
// corpus — refused, held for confirmation (or refused) for personal data,
// or passed with no finding at all — and reports misses, false refusals
// and false holds per genre.
func TestHoldout3(t *testing.T) { checkHoldout(t, "holdout3", loadHoldout3(t)) }

// checkHoldout asserts the verdict on every record of a held-out corpus
// (known misses must still pass, so that a fix is noticed) and logs misses,
// false refusals and false holds per genre.
func checkHoldout(t *testing.T, name string, cases []holdout3Case) {
	t.Helper()
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
			// A pass must carry no finding at all, not even one that
			// would only be shown.
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
		t.Errorf("%s [%s, %s]: want %s, got %s (%s) %v", c.ID, c.Genre, c.Lang, c.Expect, got, c.Why, rules)
	}
	slices.Sort(genres)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-26s %9s %6s %9s %9s\n", "genre", "missed", "known", "false-ref", "false-hold")
	for _, g := range genres {
		n := byGenre[g]
		fmt.Fprintf(&sb, "%-26s %4d/%-4d %6d %4d/%-4d %4d/%-4d\n", g, n.missed, n.stop, n.known, n.falseRef, n.pass, n.falseHold, n.pass)
	}
	t.Logf("%s by genre:\n%s", name, sb.String())
}

package guard_test

import (
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
	checkHoldout(t, "holdout4", loadHoldout[holdout3Case](t, holdout4File, 120))
}

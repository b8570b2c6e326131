package guard

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Most text a node sees says nothing about anyone's origin. Before the rules
// run, one pass over the words looks for any word a rule starts from; text
// without one is not read further. This keeps the guardrails a small part of
// the cost of publishing (docs/BENCHMARKS.md).

var (
	triggersOnce sync.Once
	triggerSet   map[string]bool // words a Latin rule starts from
	rot13Set     map[string]bool // the same words in ROT13
)

func initTriggers() {
	t := make(map[string]bool)
	addAll := func(m map[string]bool) {
		for w := range m {
			for _, part := range strings.Fields(w) {
				t[part] = true
			}
		}
	}
	for _, m := range []map[string]bool{demonyms, ethnonyms, countries, religiousWords, placesOfWorship,
		religions, riskWordsEN, identityWords} {
		addAll(m)
	}
	for w := range attributeWords {
		t[w] = true
	}
	for w := range honorifics {
		t[w] = true
	}
	for w := range latinLabels {
		t[w] = true
	}
	for _, w := range strings.Fields(`born visa visas dual stateless statelessness citizen citizens nationals
national subjects green greencard permanent asylum refugee undocumented overstay overstayed overstaying
ethnic ethnically native hails originally grew converted foreign foreigners foreigner mixed immigrant scored rated j h f o l e m
suspicious dangerous risky high elevated skin as ranked ramadan hajj umrah lent sabbath shabbat passover
diwali eid kosher halal raised half score scores rating ratings work speaking speakers speaker fn country`) {
		t[w] = true
	}
	// "foreign" starts foreignTargeted before a person ("foreign PhD
	// students"), as well as "foreign-born".
	for _, m := range []map[string]bool{personNouns, personModifiers, {"faculty": true}} {
		for w := range m {
			partners["foreign"][w] = true
		}
	}
	triggerSet = t
	r := make(map[string]bool)
	for w := range t {
		if len(w) >= 5 && isASCIIWord(w) {
			r[rot13(w)] = true
		}
	}
	rot13Set = r
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// partners: these trigger words start a rule only before one of these words
// ("dual citizen", not "dual-use"; "high risk", not "high-speed").
var partners = map[string]map[string]bool{
	"dual":      set(`citizen citizens citizenship national nationals nationality nationalities`),
	"as":        {}, // "as" + a demonym: see triggered
	"skin":      set(`colour color tone`),
	"raised":    set(`in`),
	"half":      {}, // "half-Chinese": any following word; the rule checks
	"score":     set(`per for`),
	"scores":    set(`per for`),
	"rating":    set(`per for`),
	"ratings":   set(`per for`),
	"work":      set(`permit permits visa visas`),
	"high":      set(`risk`),
	"elevated":  set(`risk`),
	"green":     set(`card cards`),
	"permanent": set(`resident residents residency residence`),
	"native":    set(`of`),
	"grew":      set(`up`),
	"converted": set(`to`),
	"foreign":   set(`born`), // and a person: see initTriggers
	"j":         set(`1 2`),
	"h":         set(`1b 1 4 2b`),
	"f":         set(`1 2 n`),
	"o":         set(`1`),
	"l":         set(`1 2`),
	"e":         set(`1 2 3`),
	"m":         set(`1`),
}

// triggered reports whether any token may start a Latin rule, and whether
// any token is a watched word in ROT13.
func triggered(toks []token) (latin, rot bool) {
	triggersOnce.Do(initTriggers)
	for k, tk := range toks {
		w := tk.w
		if triggerSet[w] || strings.HasPrefix(w, "naturali") || peoplePlural(w) || residenceCardLike(w) {
			if p, ok := partners[w]; !ok || k+1 < len(toks) && p[toks[k+1].w] {
				latin = true
			} else if (w == "as" || w == "half") && k+1 < len(toks) && (demonyms[toks[k+1].w] || ethnonyms[toks[k+1].w]) {
				latin = true
			}
		}
		if len(w) >= 5 && rot13Set[w] {
			rot = true
		}
		if latin && rot {
			break
		}
	}
	return latin, rot
}

// multiMatcher finds many fixed strings in one pass, indexed by their first
// character.
type multiMatcher struct {
	pats    []string
	byFirst map[rune][]int
	bits    [1 << 16 / 64]uint64 // first characters below U+10000, for a quick no
}

func newMultiMatcher(pats []string) *multiMatcher {
	m := &multiMatcher{pats: pats, byFirst: make(map[rune][]int)}
	for i, p := range pats {
		r, _ := utf8.DecodeRuneInString(p)
		m.byFirst[r] = append(m.byFirst[r], i)
		if r < 1<<16 {
			m.bits[r/64] |= 1 << (r % 64)
		}
	}
	return m
}

// each calls fn(pattern index, byte offset) for every occurrence, in order
// of position.
func (m *multiMatcher) each(s string, fn func(pi, i int)) {
	for i, r := range s {
		if r < 0x80 || r < 1<<16 && m.bits[r/64]&(1<<(r%64)) == 0 {
			continue
		}
		for _, pi := range m.byFirst[r] {
			if strings.HasPrefix(s[i:], m.pats[pi]) {
				fn(pi, i)
			}
		}
	}
}

// has reports whether any pattern occurs in s.
func (m *multiMatcher) has(s string) bool {
	for i, r := range s {
		if r < 0x80 || r < 1<<16 && m.bits[r/64]&(1<<(r%64)) == 0 {
			continue
		}
		for _, pi := range m.byFirst[r] {
			if strings.HasPrefix(s[i:], m.pats[pi]) {
				return true
			}
		}
	}
	return false
}

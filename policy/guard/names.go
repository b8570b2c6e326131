package guard

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// This file turns field names (and short labels and values) into a normal form
// that the guardrail rules match by meaning rather than by spelling:
//
//	"countryOfBirth", "COUNTRY-OF-BIRTH", "country_of_birth", "Country of birth",
//	"ｃｏｕｎｔｒｙ＿ｏｆ＿ｂｉｒｔｈ"  →  tokens [country of birth], compact "countryofbirth"
//
// Steps: NFKC (folds full-width forms), Latin diacritics dropped ("ö" → "o",
// "ß" → "ss"), words split at camelCase humps, digits, punctuation, spaces and
// script changes (a run of CJK, kana or Hangul is one token), lower-cased, and a
// light plural stemmer ("nationalities" → "nationality", "visas" → "visa").

// nameForm is a normalised name.
type nameForm struct {
	tokens  []string
	compact string // the tokens concatenated: matches names written without separators
}

// normName normalises a field name, label or short value.
func normName(s string) nameForm {
	s = foldLatin(norm.NFKC.String(s))
	runes := []rune(s)
	var tokens []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			tokens = append(tokens, stem(strings.ToLower(string(cur))))
			cur = cur[:0]
		}
	}
	prev := runeOther
	for i, r := range runes {
		c := classify(r)
		if c == runeMark {
			if len(cur) > 0 {
				cur = append(cur, r)
			}
			continue
		}
		if c == runeOther {
			flush()
			prev = c
			continue
		}
		if len(cur) > 0 {
			next := runeOther
			if i+1 < len(runes) {
				next = classify(runes[i+1])
			}
			switch {
			case prev == runeLower && c == runeUpper, // camelCase
				prev == runeUpper && c == runeUpper && next == runeLower, // HTTPServer
				(prev == runeDigit) != (c == runeDigit),                  // race2, ipv4
				(prev == runeWide) != (c == runeWide):                    // 研究者nationality
				flush()
			}
		}
		cur = append(cur, r)
		prev = c
	}
	flush()
	return nameForm{tokens: tokens, compact: strings.Join(tokens, "")}
}

const (
	runeOther = iota // separator
	runeLower
	runeUpper
	runeDigit
	runeWide // CJK, kana, Hangul and other scripts without case
	runeMark
)

func classify(r rune) int {
	switch {
	case unicode.IsDigit(r):
		return runeDigit
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
		return runeMark
	case unicode.IsUpper(r):
		return runeUpper
	case unicode.IsLower(r):
		return runeLower
	case unicode.IsLetter(r):
		if r < 0x0530 { // Latin, Greek, Cyrillic letters without case
			return runeLower
		}
		return runeWide
	}
	return runeOther
}

// foldLatin drops diacritics from Latin letters and spells ß as ss, so that
// "Staatsangehörigkeit" and "nationalité" match their plain spellings. Marks on
// other scripts (Japanese dakuten) are kept.
func foldLatin(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	d := []rune(norm.NFD.String(s))
	out := make([]rune, 0, len(d))
	for i, r := range d {
		if unicode.Is(unicode.Mn, r) && i > 0 && d[i-1] < 0x0250 {
			continue
		}
		if r == 'ß' {
			out = append(out, 's', 's')
			continue
		}
		out = append(out, r)
	}
	return norm.NFC.String(string(out))
}

// stem removes an English plural ending from a lower-case Latin token.
func stem(t string) string {
	if len(t) <= 3 || t[len(t)-1] != 's' || t[0] >= 0x80 {
		return t
	}
	switch {
	case strings.HasSuffix(t, "ies") && len(t) > 4:
		return t[:len(t)-3] + "y"
	case strings.HasSuffix(t, "ss"), strings.HasSuffix(t, "us"), strings.HasSuffix(t, "is"):
		return t
	}
	return t[:len(t)-1]
}

// matcher recognises a meaning in a nameForm. It matches if no unless-phrase
// is present and any of these holds: a phrase occurs as consecutive tokens; the
// tokens equal an exact phrase; a substring occurs in the compact form (used
// for long distinctive words written without separators, and for CJK terms);
// or every set of one conjunction shares a token with the name.
type matcher struct {
	phrases [][]string
	exact   [][]string
	subs    []string
	conj    [][]map[string]bool
	unless  [][]string
	// unlessTok: any of these tokens present disables conj matches only
	// ("student exchange programme risk" is about a programme).
	unlessTok map[string]bool
}

func (m *matcher) match(f nameForm) bool {
	if len(f.tokens) == 0 {
		return false
	}
	for _, u := range m.unless {
		if hasPhrase(f.tokens, u) {
			return false
		}
	}
	for _, p := range m.phrases {
		if hasPhrase(f.tokens, p) {
			return true
		}
	}
	for _, p := range m.exact {
		if equalTokens(f.tokens, p) {
			return true
		}
	}
	for _, s := range m.subs {
		if strings.Contains(f.compact, s) {
			return true
		}
	}
conj:
	for _, c := range m.conj {
		for _, t := range f.tokens {
			if m.unlessTok[t] {
				continue conj
			}
		}
		for _, set := range c {
			if !anyToken(f.tokens, set) {
				continue conj
			}
		}
		return true
	}
	return false
}

// vocabulary returns every token the matcher's phrases and conjunctions use:
// a value made only of these (and glue words) is nothing but the attribute.
func (m *matcher) vocabulary() map[string]bool {
	v := make(map[string]bool)
	for _, ps := range [][][]string{m.phrases, m.exact} {
		for _, p := range ps {
			for _, t := range p {
				v[t] = true
			}
		}
	}
	for _, c := range m.conj {
		for _, set := range c {
			for t := range set {
				v[t] = true
			}
		}
	}
	return v
}

func hasPhrase(tokens, p []string) bool {
	if len(p) == 0 || len(p) > len(tokens) {
		return false
	}
outer:
	for i := 0; i+len(p) <= len(tokens); i++ {
		for j := range p {
			if tokens[i+j] != p[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

func equalTokens(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func anyToken(tokens []string, set map[string]bool) bool {
	for _, t := range tokens {
		if set[t] {
			return true
		}
	}
	return false
}

// Builders, so the dictionaries below read as plain words. Every entry goes
// through normName, the same normalisation as the names it is matched against.

func phrases(ss ...string) [][]string {
	out := make([][]string, 0, len(ss))
	for _, s := range ss {
		if t := normName(s).tokens; len(t) > 0 {
			out = append(out, t)
		}
	}
	return out
}

func subs(ss ...string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if c := normName(s).compact; c != "" {
			out = append(out, c)
		}
	}
	return out
}

// words is a set of tokens from space-separated words.
func words(s string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		for _, t := range normName(w).tokens {
			set[t] = true
		}
	}
	return set
}

// both builds a conjunction: a name matches if it has a token from every set.
func both(sets ...string) []map[string]bool {
	out := make([]map[string]bool, len(sets))
	for i, s := range sets {
		out[i] = words(s)
	}
	return out
}

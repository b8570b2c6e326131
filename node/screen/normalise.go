package screen

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Name is an organisation name folded for matching: every form the matcher
// compares, computed once.
type Name struct {
	// Exact is the name after NFKC, case folding and collapsing of white
	// space: punctuation and legal forms are kept.
	Exact string
	// Key is the name's significant tokens (legal forms, stop words and
	// punctuation gone, abbreviations expanded) joined without spaces.
	Key string
	// Sorted is Key with its tokens in sorted order, so that "University of
	// Tokyo" and "Tokyo University" meet.
	Sorted string
	// Tokens are the significant tokens in order; Core are those that are
	// not generic words ("university", "大学"): a name whose core is empty
	// matches nothing by name.
	Tokens, Core []string
	// Acronym is the initials of a multi-word Latin name ("nudt" for
	// "National University of Defense Technology"), or "".
	Acronym string
	// words are the significant tokens before abbreviations were expanded,
	// paired with what they expand to: the vocabulary a misspelling is
	// looked up in.
	words [][2]string
	// Upper reports that the name as written is a single token in capitals
	// ("NUDT", "N.U.D.T."): a list entry that may be an acronym.
	Upper bool
}

// Fold is the first step of every comparison: NFKC (full-width letters and
// half-width katakana become their ordinary forms), lower case, Latin
// diacritics removed, and white space collapsed.
func Fold(s string) string {
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	s = stripLatinMarks(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u3000' {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSuffix(b.String(), " ")
}

// stripLatinMarks removes combining marks that follow a Latin letter
// ("Université" → "universite"), leaving those of other scripts alone: the
// dakuten of "ガ" is a combining mark too, and it matters.
func stripLatinMarks(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	latin := false
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			if latin {
				continue
			}
		} else {
			latin = unicode.Is(unicode.Latin, r)
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// Normalise folds a name into every form the matcher compares.
func Normalise(raw string) Name {
	var n Name
	n.Exact = Fold(raw)
	n.Upper = isUpperToken(raw)
	// Traditional Chinese and Japanese variant characters are mapped to
	// one form for every comparison but the exact one.
	s := stripCJKLegalForms(cjkPhrases.Replace(foldHan(n.Exact)))
	toks := tokenise(s)
	toks = stripLegalTokens(toks)
	// Expand abbreviations and drop stop words; a name of stop words alone
	// keeps them.
	var sig []string
	for _, t := range toks {
		raw := t
		if e, ok := abbreviations[t]; ok {
			t = e
		}
		if stopWords[t] {
			continue
		}
		sig = append(sig, t)
		n.words = append(n.words, [2]string{raw, t})
	}
	if len(sig) == 0 {
		sig = toks
	}
	n.Tokens = splitCJKGeneric(sig)
	n.Key = strings.Join(n.Tokens, "")
	sorted := slices.Clone(n.Tokens)
	slices.Sort(sorted)
	n.Sorted = strings.Join(sorted, " ")
	for _, t := range n.Tokens {
		if !genericWords[t] {
			n.Core = append(n.Core, t)
		}
	}
	n.Acronym = acronymOf(toks)
	return n
}

// cjkPhrases are spellings of one word that differ between Japanese and
// Chinese names (国防科学技術大学 in Japanese is 国防科技大学), written
// after foldHan.
var cjkPhrases = strings.NewReplacer("科学技术", "科技")

// Generic reports whether the name has no distinctive word: "University",
// "Institute of Technology", "大学", "研究所".
func (n Name) Generic() bool { return len(n.Core) == 0 }

// isUpperToken reports whether s, as written, is one word of two to ten
// capital letters or digits, possibly with dots ("NUDT", "N.U.D.T.").
func isUpperToken(s string) bool {
	s = norm.NFKC.String(strings.TrimSpace(s))
	letters := 0
	for _, r := range s {
		switch {
		case r == '.' || r == '-' || r == '&':
		case unicode.IsUpper(r) && r < 0x80:
			letters++
		case unicode.IsDigit(r) && r < 0x80:
		default:
			return false
		}
	}
	return letters >= 2 && letters <= 10
}

// tokenise splits a folded name into words: punctuation separates words,
// except dots and apostrophes, which vanish ("m.i.t." → "mit", "xi'an" →
// "xian"); "&" and "+" become "and"; a run of CJK characters is one word,
// and a change between CJK and other scripts starts a new one.
func tokenise(s string) []string {
	var toks []string
	var cur strings.Builder
	curCJK := false
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == '.' || r == '\'' || r == '’' || r == '`' || r == '・' || r == '·':
			if r == '・' || r == '·' {
				flush()
			}
			continue
		case r == '&' || r == '+' || r == '＆':
			flush()
			toks = append(toks, "and")
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			cjk := isCJK(r)
			if cur.Len() > 0 && cjk != curCJK {
				flush()
			}
			curCJK = cjk
			cur.WriteRune(r)
		default: // space, punctuation, symbols
			flush()
		}
	}
	flush()
	return toks
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || r == 'ー' || r == '々'
}

// stripCJKLegalForms removes Japanese and Chinese legal forms wherever they
// stand (株式会社 is written before or after the name).
func stripCJKLegalForms(s string) string {
	for _, f := range cjkLegalForms {
		if strings.Contains(s, f) {
			t := strings.TrimSpace(strings.ReplaceAll(s, f, " "))
			if t != "" {
				s = t
			}
		}
	}
	return s
}

// stripLegalTokens removes legal forms at the end of a Latin name (and "the"
// and "kabushiki kaisha" at its start), as long as something is left.
func stripLegalTokens(toks []string) []string {
	for len(toks) > 1 {
		last := toks[len(toks)-1]
		if legalSuffixes[last] || misspeltLegalForm(last) {
			toks = toks[:len(toks)-1]
			continue
		}
		if last == "and" && len(toks) > 2 && legalSuffixes[toks[len(toks)-2]] { // "GmbH & Co. KG"
			toks = toks[:len(toks)-1]
			continue
		}
		if len(toks) > 2 {
			pair := toks[len(toks)-2] + " " + last
			if legalPairs[pair] {
				toks = toks[:len(toks)-2]
				continue
			}
		}
		break
	}
	// A legal form followed by a place ("… Co., Ltd. Shenzhen Branch",
	// "branch" gone already) is a legal form at the end too.
	end := len(toks)
	for end > 1 && placeWords[foldHan(toks[end-1])] {
		end--
	}
	if end < len(toks) && end > 1 && (legalSuffixes[toks[end-1]] || misspeltLegalForm(toks[end-1])) {
		places := slices.Clone(toks[end:])
		return append(stripLegalTokens(slices.Clone(toks[:end])), places...)
	}
	for len(toks) > 1 {
		if toks[0] == "the" || toks[0] == "kk" {
			toks = toks[1:]
			continue
		}
		if len(toks) > 2 && legalPairs[toks[0]+" "+toks[1]] {
			toks = toks[2:]
			continue
		}
		break
	}
	// A trailing CJK legal word written as its own token, e.g. "华为 集团".
	for len(toks) > 1 && cjkTrailing[toks[len(toks)-1]] {
		toks = toks[:len(toks)-1]
	}
	return toks
}

// misspeltLegalForm reports a word one edit from a long legal form
// ("coporation", "limted"): a typo there must not make the name another.
func misspeltLegalForm(w string) bool {
	if len(w) < 6 {
		return false
	}
	for _, f := range []string{"corporation", "incorporated", "limited", "company", "holdings"} {
		if osa(w, f, 1) <= 1 {
			return true
		}
	}
	return false
}

// splitCJKGeneric cuts generic words off the end of a CJK token
// ("清华大学" → "清华", "大学"), so that the distinctive part stands alone.
func splitCJKGeneric(toks []string) []string {
	var out []string
	for _, t := range toks {
		r, _ := utf8.DecodeRuneInString(t)
		if !isCJK(r) {
			out = append(out, t)
			continue
		}
		// CJK legal suffixes glued to the name (华为技术有限公司 after the
		// legal form went is 华为技术; 集团 may remain).
		for _, f := range cjkTrailingList {
			if strings.HasSuffix(t, f) && len(t) > len(f) {
				t = strings.TrimSuffix(t, f)
			}
		}
		// A place written before the name, as Chinese firms are named
		// (杭州海康威视 → 杭州, 海康威视).
		var head string
		for _, p := range cjkPlaceList {
			if strings.HasPrefix(t, p) && len(t) > len(p) {
				head, t = p, strings.TrimPrefix(t, p)
				break
			}
		}
		if head != "" {
			out = append(out, head)
		}
		var tail []string
		for {
			cut := false
			for _, g := range cjkGenericList {
				if strings.HasSuffix(t, g) && utf8.RuneCountInString(t) > utf8.RuneCountInString(g) {
					tail = append(tail, g)
					t = strings.TrimSuffix(t, g)
					cut = true
					break
				}
			}
			if !cut {
				break
			}
		}
		out = append(out, t)
		for i := len(tail) - 1; i >= 0; i-- {
			out = append(out, tail[i])
		}
	}
	return out
}

// acronymOf returns the initials of a Latin name of at least three words
// (stop words skipped, "and" too), or "".
func acronymOf(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		if stopWords[t] || t == "and" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(t)
		if r >= 0x80 || !unicode.IsLetter(r) {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() < 3 {
		return ""
	}
	return b.String()
}

// Alternatives are the names a list cell may hold: the cell itself, each
// part of "東京大学 / The University of Tokyo", and for "National University
// of Defense Technology (NUDT)" both the name before the brackets and what
// is inside them, unless that is a legal form ("(株)") or a country.
func Alternatives(cell string) []string {
	out := []string{cell}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	s := norm.NFKC.String(cell)
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '|' || r == ';' }) {
		part = strings.TrimSpace(part)
		add(part)
		if !strings.HasSuffix(part, ")") {
			continue
		}
		open := strings.LastIndexByte(part, '(')
		if open <= 0 {
			continue
		}
		inner := strings.TrimSpace(part[open+1 : len(part)-1])
		legal := true
		for _, t := range tokenise(Fold(inner)) {
			legal = legal && legalSuffixes[t]
		}
		if legal || slices.Contains(cjkLegalForms, foldHan("("+inner+")")) {
			continue
		}
		add(part[:open])
		if CountryCode(inner) == "" {
			add(inner)
		}
	}
	return out
}

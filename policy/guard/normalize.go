package guard

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file normalises free text before the text rules read it, and keeps a
// way back to the original so that a finding can quote what the user wrote
// and say where it is. The steps, in order:
//
//   - NFKC: full-width "Ｎａｔｉｏｎａｌｉｔｙ：ＣＮ" and half-width "ﾋﾞｻﾞ" become
//     ordinary forms;
//   - zero-width characters, soft hyphens and other format characters are
//     dropped ("Nat\u200bionality");
//   - Latin diacritics are dropped and the text is lower-cased;
//   - inside a word that mixes scripts, Cyrillic and Greek look-alikes become
//     Latin ("Nаtionality" with a Cyrillic а);
//   - a word of letters and digits becomes letters when that spells a word the
//     rules look for ("N4tionality", "c1tizenship", "r3ligion");
//   - single letters separated by spaces, hyphens, dots or underscores are
//     joined when they spell such a word ("N-a-t-i-o-n-a-l-i-t-y").
//
// Look-alikes and digits are replaced only where the result is a watched
// word, so that "H-1B", "5G" and Russian or Greek text keep their meaning.

// normText is a normalised text.
type normText struct {
	s    string  // the normalised, lower-case text
	off  []int32 // off[i] is the character (rune) offset in the original of byte s[i]
	up   []bool  // up[i]: the character starting at byte s[i] was upper case
	src  string  // the original
	srcN int     // characters in the original
	// runeMode: s has the bytes of src (only ASCII case differs); offsets
	// are counted from src when asked for.
	runeMode bool
}

// plainASCII reports whether ASCII text has nothing for fixWords or
// joinSpacedLetters to do: no word of three or more letters that also has a
// digit or one of @ $ | !, and no run of four single letters separated by
// spaces, hyphens, dots or underscores.
func plainASCII(s string) bool {
	letter := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	other := func(c byte) bool { return c >= '0' && c <= '9' || c == '@' || c == '$' || c == '|' || c == '!' }
	lone := 0 // single letters in a row, separated by one separator
	for i := 0; i < len(s); {
		if !letter(s[i]) && !other(s[i]) {
			i++
			continue
		}
		j, letters, others := i, 0, 0
		for j < len(s) && (letter(s[j]) || other(s[j])) {
			if letter(s[j]) {
				letters++
			} else {
				others++
			}
			j++
		}
		if others > 0 && letters >= 3 {
			return false
		}
		if j-i == 1 && letters == 1 {
			lone++
			if lone >= 4 {
				return false
			}
			if j+1 < len(s) && strings.IndexByte(" -._*/", s[j]) >= 0 && letter(s[j+1]) {
				i = j + 1
				continue
			}
		}
		lone = 0
		i = j
	}
	return true
}

// plainWide reports whether non-ASCII text needs nothing but ASCII case
// folding: it is NFKC already, and has no format characters, no Latin
// letters with diacritics, no Cyrillic or Greek look-alikes, no combining
// marks, and its ASCII parts are plain (see plainASCII).
func plainWide(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x80:
		case r < 0x250, r >= 0x300 && r < 0x530:
			return false // Latin with diacritics, soft hyphen; combining marks, Greek, Cyrillic
		case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x206f,
			r >= 0x600 && r <= 0x605, r == 0x61c, r == 0x6dd, r == 0x180e:
			return false // format characters
		case r >= 0xfe00 && r <= 0xfe0f, r == 0xfeff, r >= 0xff00:
			return false // variation selectors, BOM, full- and half-width forms
		}
	}
	return plainASCII(s) && norm.NFKC.IsNormalString(s)
}

// lowerASCII lower-cases ASCII letters only, keeping every byte's place.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// offset returns the original character offset of byte i of t.s.
func (t *normText) offset(i int) int32 {
	if t.runeMode {
		return int32(utf8.RuneCountInString(t.src[:i]))
	}
	if t.off == nil {
		return int32(i)
	}
	return t.off[i]
}

// isUpper reports whether the character at byte i of t.s was upper case.
func (t *normText) isUpper(i int) bool {
	if t.up == nil {
		return i < len(t.src) && t.src[i] >= 'A' && t.src[i] <= 'Z'
	}
	return t.up[i]
}

// nrune is one character of the text being normalised.
type nrune struct {
	r   rune
	off int32
	up  bool
}

// normalizeText normalises s (see the file comment).
func normalizeText(src string) *normText {
	rs := make([]nrune, 0, len(src))
	ascii := true
	for i := 0; i < len(src); i++ {
		if src[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii && plainASCII(src) {
		// Nothing to fold but case: the common case, kept cheap.
		return &normText{s: strings.ToLower(src), src: src, srcN: len(src)}
	}
	if !ascii && plainWide(src) {
		// Japanese, Chinese or Korean text already in NFKC with nothing to
		// fold: only ASCII letters change case, so bytes keep their places.
		return &normText{s: lowerASCII(src), src: src, srcN: utf8.RuneCountInString(src), runeMode: true}
	}
	n := int32(0)
	if ascii {
		for i := 0; i < len(src); i++ {
			c := rune(src[i])
			up := c >= 'A' && c <= 'Z'
			if up {
				c += 'a' - 'A'
			}
			rs = append(rs, nrune{c, n, up})
			n++
		}
		rs = fixWords(rs)
	} else {
		var it norm.Iter
		it.InitString(norm.NFKC, src)
		for !it.Done() {
			start := it.Pos()
			seg := it.Next()
			for _, r := range string(seg) {
				rs = appendFolded(rs, r, n)
			}
			n += int32(utf8.RuneCountInString(src[start:it.Pos()]))
		}
		rs = fixWords(rs)
	}
	rs = joinSpacedLetters(rs)
	t := &normText{src: src, srcN: int(n)}
	var b strings.Builder
	b.Grow(len(rs))
	t.off = make([]int32, 0, len(rs))
	t.up = make([]bool, 0, len(rs))
	for _, x := range rs {
		size := utf8.RuneLen(x.r)
		if size < 0 {
			continue
		}
		b.WriteRune(x.r)
		for k := 0; k < size; k++ {
			t.off = append(t.off, x.off)
			t.up = append(t.up, x.up && k == 0)
		}
	}
	t.s = b.String()
	return t
}

// appendFolded appends the lower-case, diacritic-free form of r, or nothing
// for a format character.
func appendFolded(rs []nrune, r rune, off int32) []nrune {
	switch {
	case r < 0x80:
		up := r >= 'A' && r <= 'Z'
		if up {
			r += 'a' - 'A'
		}
		return append(rs, nrune{r, off, up})
	case unicode.Is(unicode.Cf, r) || r == '\u034f' || (r >= '\ufe00' && r <= '\ufe0f'):
		return rs // zero-width space and joiners, soft hyphen, BOM, variation selectors
	case r == 'ß':
		return append(rs, nrune{'s', off, false}, nrune{'s', off, false})
	case unicode.Is(unicode.Mn, r) && len(rs) > 0 && rs[len(rs)-1].r < 0x250:
		return rs // a combining mark on a Latin letter
	}
	up := unicode.IsUpper(r)
	if r >= 0xc0 && r < 0x250 {
		if d := norm.NFD.String(string(r)); d != "" {
			r, _ = utf8.DecodeRuneInString(d)
		}
	}
	return append(rs, nrune{unicode.ToLower(r), off, up})
}

// confusables maps Cyrillic and Greek letters (lower case) to the Latin
// letters they look like.
var confusables = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p',
	'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ѕ': 's', 'һ': 'h',
	'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ɡ': 'g', 'ı': 'i',
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x', 'γ': 'y', 'ω': 'w', 'ζ': 'z',
}

// leet maps digits and symbols written for letters.
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', '$': 's', '|': 'l', '!': 'i'}

// watchedStems are the beginnings of the words that the text rules look for;
// a disguised word is rewritten only when it then starts with one of them.
var watchedStems = []string{"nation", "natl", "citizen", "ethnic", "relig", "racial", "passport",
	"visa", "birth", "born", "immigra", "residen", "origin", "descent", "ancestr", "faith", "muslim",
	"christian", "buddhist", "jewish", "hindu", "uyghur", "uighur", "tibetan", "chinese", "iranian",
	"korean", "russian", "prc", "asylum", "refugee", "naturali", "kokuseki", "green", "hometown",
	"heritage", "stateless", "dual", "risk", "suspicio", "score", "race"}

// watchedWords are whole words, to choose between readings of a digit.
var watchedWords = set(`nationality nationalities national nationals citizenship citizen citizens ethnicity ethnic
religion religious passport visa birthplace born immigration residence residency resident origin descent
ancestry faith muslim christian buddhist jewish hindu uyghur tibetan chinese iranian korean russian asylum
refugee naturalized naturalised stateless hometown heritage race racial risk suspicion score`)

func hasRune(w []nrune, r rune) bool {
	for _, x := range w {
		if x.r == r {
			return true
		}
	}
	return false
}

func watched(w string) bool {
	for _, p := range watchedStems {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

func isLatin(r rune) bool { return r >= 'a' && r <= 'z' }

func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' || r == '$'
}

// fixWords rewrites look-alikes and digits inside words (see the file
// comment).
func fixWords(rs []nrune) []nrune {
	for i := 0; i < len(rs); {
		if !wordRune(rs[i].r) {
			i++
			continue
		}
		j := i
		latin, other, digit := 0, 0, 0
		for j < len(rs) && wordRune(rs[j].r) {
			r := rs[j].r
			switch {
			case isLatin(r):
				latin++
			case confusables[r] != 0:
				other++
			case leet[r] != 0:
				digit++
			}
			j++
		}
		if (other > 0 || digit > 0) && latin+other >= 3 {
			rewriteWord(rs[i:j], latin > 0)
		}
		i = j
	}
	return rs
}

// rewriteWord maps a word's look-alikes and digits to Latin letters if the
// result is watched (or, for look-alikes mixed with Latin letters, always).
func rewriteWord(w []nrune, mixed bool) {
	var b strings.Builder
	for _, x := range w {
		if c := confusables[x.r]; c != 0 {
			b.WriteRune(c)
		} else if c := leet[x.r]; c != 0 && x.r != '|' && x.r != '!' {
			b.WriteRune(c)
		} else {
			b.WriteRune(x.r)
		}
	}
	cand := b.String()
	ok := watched(cand)
	if hasRune(w, '1') {
		// "1" may stand for "l" as well as "i": "nationa1ity", "c1tizen".
		alt := []rune(cand)
		for k, x := range w {
			if x.r == '1' {
				alt[k] = 'l'
			}
		}
		if a := string(alt); watchedWords[a] || !watchedWords[cand] && !ok && watched(a) {
			cand, ok = a, true
		}
	}
	if !ok && !(mixed && !hasDigit(w)) {
		return
	}
	k := 0
	for _, c := range cand {
		if k < len(w) {
			w[k].r = c
		}
		k++
	}
}

func hasDigit(w []nrune) bool {
	for _, x := range w {
		if x.r >= '0' && x.r <= '9' {
			return true
		}
	}
	return false
}

// joinSpacedLetters joins runs of at least four single letters separated by
// one and the same separator, when the joined word is watched:
// "n a t i o n a l i t y", "n-a-t-i-o-n-a-l-i-t-y", "n.a.t.i.o.n.a.l.i.t.y".
func joinSpacedLetters(rs []nrune) []nrune {
	single := func(i int) bool {
		if i >= len(rs) || !wordRune(rs[i].r) {
			return false
		}
		if i > 0 && wordRune(rs[i-1].r) {
			return false
		}
		return i+1 >= len(rs) || !wordRune(rs[i+1].r)
	}
	var out []nrune
	for i := 0; i < len(rs); {
		if !single(i) || i+1 >= len(rs) {
			if out != nil {
				out = append(out, rs[i])
			}
			i++
			continue
		}
		sep := rs[i+1].r
		if !strings.ContainsRune(" -._·*/", sep) {
			if out != nil {
				out = append(out, rs[i])
			}
			i++
			continue
		}
		j := i
		var letters []nrune
		for single(j) {
			letters = append(letters, rs[j])
			if j+2 < len(rs) && rs[j+1].r == sep && single(j+2) {
				j += 2
				continue
			}
			break
		}
		joined := make([]rune, len(letters))
		for k, x := range letters {
			joined[k] = x.r
			if c := leet[x.r]; c != 0 {
				joined[k] = c
			}
			if c := confusables[x.r]; c != 0 {
				joined[k] = c
			}
		}
		if len(letters) >= 4 && watched(string(joined)) {
			if out == nil {
				out = append(make([]nrune, 0, len(rs)), rs[:i]...)
			}
			for k, x := range letters {
				x.r = joined[k]
				out = append(out, x)
			}
			i = j + 1
			continue
		}
		if out != nil {
			out = append(out, rs[i])
		}
		i++
	}
	if out == nil {
		return rs
	}
	return out
}

// quote returns the original text of normalised bytes s[i:j] and its
// character offset, widened to whole characters.
func (t *normText) quote(i, j int) (string, int) {
	if i >= len(t.s) || j <= i {
		return "", 0
	}
	from := int(t.offset(i))
	to := t.srcN
	if j < len(t.s) {
		to = int(t.offset(j))
		if to <= from {
			to = from + 1
		}
	}
	// Walk to the byte positions of characters from and to.
	n, bi, bj := 0, len(t.src), len(t.src)
	for p := range t.src {
		if n == from {
			bi = p
		}
		if n == to {
			bj = p
			break
		}
		n++
	}
	return strings.TrimSpace(t.src[bi:bj]), from
}

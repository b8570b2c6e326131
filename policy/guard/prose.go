package guard

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The text rules: what a person's origin, status, documents or score look
// like when written as prose or as a label and its value, in English,
// Japanese, Chinese, Korean, Russian and Arabic. They read a normText and
// return hits: which rule, and which bytes of the normalised text.

// hit is one thing a text rule found.
type hit struct {
	rule string
	i, j int // bytes of normText.s
}

// token is a word of a cased or alphabetic script (Latin, Cyrillic, Greek,
// Arabic) or a number; CJK text is read by the rules on the whole string.
type token struct {
	w    string
	i, j int // bytes of normText.s
}

func tokenRune(r rune) bool {
	if r >= 0x3000 && r <= 0xd7af {
		return false // CJK, kana, Hangul: read by the CJK rules
	}
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
		return false
	}
	return !isWide(r)
}

// isWide reports CJK ideographs, kana and Hangul.
func isWide(r rune) bool {
	return r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || r == 'ー')
}

// tokenPool keeps token slices between texts.
var tokenPool = sync.Pool{New: func() any { s := make([]token, 0, 256); return &s }}

func tokenize(s string) []token { return tokenizeInto(make([]token, 0, len(s)/6+1), s) }

// tokenizeInto appends the words of s to out.
func tokenizeInto(out []token, s string) []token {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); !tokenRune(r) {
			i += size
			continue
		}
		j := i
		for j < len(s) {
			c := s[j]
			if c < 0x80 {
				if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
					j++
					continue
				}
				break
			}
			r2, size2 := utf8.DecodeRuneInString(s[j:])
			if !tokenRune(r2) {
				break
			}
			j += size2
		}
		out = append(out, token{w: s[i:j], i: i, j: j})
		i = j
	}
	return out
}

// scanner holds one text being read.
type scanner struct {
	t    *normText
	s    string
	toks []token
	hits []hit
}

func (sc *scanner) add(rule string, i, j int) {
	sc.hits = append(sc.hits, hit{rule, i, j})
}

// between returns the text between tokens k and k+1.
func (sc *scanner) between(k int) string {
	if k+1 >= len(sc.toks) {
		return sc.s[sc.toks[k].j:]
	}
	return sc.s[sc.toks[k].j:sc.toks[k+1].i]
}

// w returns token k's word, or "" out of range.
func (sc *scanner) w(k int) string {
	if k < 0 || k >= len(sc.toks) {
		return ""
	}
	return sc.toks[k].w
}

// sentenceBreak reports whether a sentence ends between tokens k and k+1.
func (sc *scanner) sentenceBreak(k int) bool {
	b := sc.between(k)
	if strings.ContainsAny(b, "!?;\n。！？") {
		return true
	}
	if strings.Contains(b, ".") && strings.ContainsAny(b, " \t") && !abbreviations[sc.toks[k].w] && len(sc.toks[k].w) > 1 {
		return true
	}
	return false
}

// abbreviations end with a dot that does not end a sentence.
var abbreviations = set(`dr prof mr mrs ms mx no nos nat natl st vs etc eg ie fig approx dept univ inc ltd co corp jr sr`)

// negatedBefore reports whether a negation comes before token k in its
// sentence, within eight words, or right after it ("nationality was not").
func (sc *scanner) negatedBefore(k int) bool {
	for m := k - 1; m >= 0 && m >= k-8; m-- {
		if sc.sentenceBreak(m) {
			break
		}
		if negations[sc.toks[m].w] && !sc.romajiParticle(m) {
			return true
		}
	}
	return false
}

// romajiParticle reports whether token m is "no", the Japanese particle の
// written in romaji, not the English negation: "kenkyuusha no kokuseki wa".
// It is when the word before it ends a romaji word and a romaji particle or
// verb ending is in the same sentence.
func (sc *scanner) romajiParticle(m int) bool {
	if sc.toks[m].w != "no" || m == 0 || sc.sentenceBreak(m-1) {
		return false
	}
	for x := m + 1; x < len(sc.toks) && x <= m+6; x++ {
		if romajiMarkers[sc.toks[x].w] {
			return true
		}
		if sc.sentenceBreak(x) {
			break
		}
	}
	return false
}

// countryRef are words that point at a country without naming it.
var countryRef = set(`that this same certain particular said other another`)

// romajiMarkers are particles and verb endings of Japanese in romaji.
var romajiMarkers = set(`wa desu deshita dearu masu mashita shita suru sareta shimashita wo`)

// negatedNear also looks three words ahead.
func (sc *scanner) negatedNear(k, end int) bool {
	if sc.negatedBefore(k) {
		return true
	}
	for m := end; m < len(sc.toks) && m <= end+3; m++ {
		if negations[sc.toks[m].w] {
			return true
		}
		if sc.sentenceBreak(m) {
			break
		}
	}
	return false
}

// upper reports whether token k was written with a capital letter.
func (sc *scanner) upper(k int) bool {
	if k < 0 || k >= len(sc.toks) {
		return false
	}
	return sc.t.isUpper(sc.toks[k].i)
}

// allUpper reports whether token k was written in capitals ("CN", "PRC").
func (sc *scanner) allUpper(k int) bool {
	tk := sc.toks[k]
	for p := tk.i; p < tk.j; p++ {
		if sc.s[p] >= 'a' && sc.s[p] <= 'z' && !sc.t.isUpper(p) {
			return false
		}
	}
	return true
}

// demonymAt returns how many tokens (1 or 2) form a demonym, ethnonym or
// country name at k, or 0.
func (sc *scanner) demonymAt(k int) int {
	if k >= len(sc.toks) {
		return 0
	}
	if k+1 < len(sc.toks) && !strings.ContainsAny(sc.between(k), ".,;:\n") {
		two := sc.toks[k].w + " " + sc.toks[k+1].w
		if demonyms[two] || countries[two] {
			return 2
		}
	}
	w := sc.toks[k].w
	if demonyms[w] || ethnonyms[w] || countries[w] {
		if (w == "us" || w == "white" || w == "black" || w == "han") && !sc.upper(k) {
			return 0
		}
		return 1
	}
	return 0
}

// placeValue reports whether the value at token k names a country, region,
// people or city, or is a country code in capitals.
func (sc *scanner) placeValue(k int) bool {
	if k >= len(sc.toks) {
		return false
	}
	if sc.demonymAt(k) > 0 {
		return true
	}
	w := sc.toks[k].w
	return len(w) >= 2 && len(w) <= 3 && sc.allUpper(k) && !isNumber(w)
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// scanText runs every text rule over t.
// It also reports whether the text may be ROT13 of a watched word.
func scanText(t *normText) (hits []hit, maybeROT13 bool) {
	sc := &scanner{t: t, s: t.s}
	latin := false
	if hasLatinOrCyrillic(t.s) {
		buf := tokenPool.Get().(*[]token)
		defer func() {
			*buf = sc.toks[:0]
			tokenPool.Put(buf)
		}()
		sc.toks = tokenizeInto((*buf)[:0], t.s)
		latin, maybeROT13 = triggered(sc.toks)
	}
	if latin {
		sc.latinRules()
		sc.labelRules()
	}
	if hasWide(t.s) {
		sc.cjkLabels()
		sc.cjkRules()
	}
	return mergeHits(sc.hits), maybeROT13
}

// mergeHits sorts hits and merges those of one rule that overlap or touch
// ("J-1" and "visa holder" become "J-1 visa holder"); of hits of different
// rules that overlap, the first (then the longest) is kept.
func mergeHits(hs []hit) []hit {
	if len(hs) < 2 {
		return hs
	}
	slices.SortFunc(hs, func(a, b hit) int {
		if a.i != b.i {
			return a.i - b.i
		}
		return b.j - a.j
	})
	out := hs[:1]
	for _, h := range hs[1:] {
		last := &out[len(out)-1]
		switch {
		case h.rule == last.rule && h.i <= last.j+1:
			last.j = max(last.j, h.j)
		case h.i < last.j:
			// overlaps a finding of another rule: the earlier one stands
		default:
			out = append(out, h)
		}
	}
	return out
}

// hasLatinOrCyrillic reports whether s has a letter of a script the word
// rules read: ASCII, or a two-byte UTF-8 character (Latin, Greek, Cyrillic,
// Arabic …).
func hasLatinOrCyrillic(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 0xc2 && c <= 0xdf {
			return true
		}
	}
	return false
}

func hasWide(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xe1 {
			return true
		}
	}
	return false
}

// ---- English prose ----

func (sc *scanner) latinRules() {
	toks := sc.toks
	for k := 0; k < len(toks); k++ {
		w := toks[k].w
		switch {
		case w == "born":
			sc.born(k)
		case w == "raised" && sc.w(k+1) == "in" && sc.personBefore(k, 4):
			sc.born(k)
		case w == "half" && sc.between(k) == "-" && sc.demonymAt(k+1) > 0:
			sc.add(ruleEthnicity, toks[k].i, toks[k+sc.demonymAt(k+1)].j)
		case (w == "score" || w == "scores" || w == "rating" || w == "ratings") && (sc.w(k+1) == "per" || sc.w(k+1) == "for" && sc.w(k+2) == "each") && (personNouns[sc.w(k+2)] || personNouns[sc.w(k+3)]):
			sc.add(rulePersonRiskScore, toks[k].i, toks[min(k+3, len(toks)-1)].j)
		case w == "visa" || w == "visas":
			sc.visa(k)
		case w == "dual":
			if n := sc.w(k + 1); n == "citizen" || n == "citizens" || n == "citizenship" || n == "national" || n == "nationals" || n == "nationality" || n == "nationalities" {
				sc.add(ruleNationality, toks[k].i, toks[k+1].j)
			}
		case strings.HasPrefix(w, "naturali") && (strings.HasPrefix(w, "naturalised") || strings.HasPrefix(w, "naturalized") || strings.HasPrefix(w, "naturalisation") || strings.HasPrefix(w, "naturalization")):
			if !sc.negatedBefore(k) {
				sc.add(ruleNationality, toks[k].i, toks[k].j)
			}
		case w == "stateless" || w == "statelessness":
			if !sc.negatedBefore(k) {
				sc.add(ruleNationality, toks[k].i, toks[k].j)
			}
		case w == "citizen" || w == "citizens" || w == "nationals" || w == "national" || w == "subjects":
			if sc.w(k+1) == "of" {
				m := k + 2
				if sc.w(m) == "the" {
					m++
				}
				// "the People's Republic of China"
				if (sc.w(m) == "people" || sc.w(m) == "peoples") && sc.w(m+1) == "s" && sc.w(m+2) == "republic" && sc.w(m+3) == "of" {
					m += 4
				}
				if sc.placeValue(m) || (sc.upper(m) && m == k+2 && w != "national" && w != "subjects") {
					sc.add(ruleNationality, toks[k].i, toks[m].j)
				}
			}
		case w == "foreign" && sc.w(k+1) == "born" && sc.between(k) == "-":
			sc.add(ruleBirthplace, toks[k].i, toks[k+1].j)
		case w == "foreign" || w == "foreigners" || w == "foreigner":
			sc.foreignTargeted(k)
		case (w == "speaking" || w == "speakers" || w == "speaker") && k > 0 && sc.between(k-1) == "-" && speechOrigin[sc.w(k-1)] &&
			(w != "speaking" || personNouns[sc.w(k+1)] || personModifiers[sc.w(k+1)] && personNouns[sc.w(k+2)]):
			// "Mandarin-speaking researchers were given extra scrutiny": a
			// language standing in for origin.
			// Only where the sentence singles them out: "Russian-speaking
			// staff translated the contract" is a skill.
			if sc.sentenceTargets(k-1, k) {
				sc.add(ruleEthnicity, toks[k-1].i, toks[k].j)
			}
		case (w == "shusshin" || w == "shushin") && k > 0 && (sc.w(k-1) == "koku" || sc.placeValue(k-1)):
			// Romaji: "tokutei-koku shusshin" (from a specified country),
			// "Chuugoku shusshin".
			if !sc.negatedNear(k, k) {
				sc.add(ruleBirthplace, toks[k-1].i, toks[k].j)
			}
		case (w == "f" && sc.between(k) == "/" && sc.w(k+1) == "n" || w == "fn" && sc.allUpper(k)) && k+2 < len(toks) &&
			(personNouns[sc.w(k+2)] || personModifiers[sc.w(k+2)] || sc.w(k+2) == "status"):
			// "F/N researchers", "F/N status": a foreign national, in the
			// shorthand of export-control offices.
			if !sc.negatedNear(k, k+2) {
				sc.add(ruleNationality, toks[k].i, toks[k+2].j)
			}
		case w == "country" && k >= 2 && countryRef[sc.w(k-1)] && (sc.w(k-2) == "from" || sc.w(k-3) == "from" && sc.w(k-2) == "the"):
			// "the only postdoc from that country": a country not named is
			// still a person's origin.
			f := k - 2
			if sc.w(f) != "from" {
				f--
			}
			if sc.personBefore(f, 4) && !sc.negatedNear(f, k) {
				sc.add(ruleNationality, toks[f].i, toks[k].j)
			}
		case w == "from" && k > 0:
			sc.personFrom(k)
		case w == "green" && sc.w(k+1) == "card" || w == "greencard":
			if !sc.negatedBefore(k) {
				sc.add(ruleImmigrationStatus, toks[k].i, toks[min(k+1, len(toks)-1)].j)
			}
		case w == "permanent" && (sc.w(k+1) == "resident" || sc.w(k+1) == "residents" || sc.w(k+1) == "residency" || sc.w(k+1) == "residence"):
			if !sc.negatedBefore(k) {
				sc.add(ruleImmigrationStatus, toks[k].i, toks[k+1].j)
			}
		case w == "asylum" || (w == "refugee" && (sc.w(k+1) == "status" || sc.w(k-1) == "a" || sc.w(k-1) == "as")):
			if !sc.negatedBefore(k) && sc.w(k+1) != "policy" && sc.w(k+1) != "law" {
				sc.add(ruleImmigrationStatus, toks[k].i, toks[k].j)
			}
		case w == "undocumented" || w == "overstayed" || w == "overstay" || w == "overstaying":
			if !sc.negatedBefore(k) {
				sc.add(ruleImmigrationStatus, toks[k].i, toks[k].j)
			}
		case w == "ethnic" || w == "ethnically":
			if n := sc.demonymAt(k + 1); n > 0 || sc.w(k+1) == "minority" || sc.w(k+1) == "minorities" || ethnicOf[sc.w(k+1)] {
				if !sc.negatedBefore(k) {
					sc.add(ruleEthnicity, toks[k].i, toks[k+max(n, 1)].j)
				}
			}
		case w == "of":
			sc.ofOrigin(k)
		case w == "native" && sc.w(k+1) == "of" && (sc.upper(k+2) || sc.placeValue(k+2)):
			sc.add(ruleBirthplace, toks[k].i, toks[k+2].j)
		case (w == "hails" || w == "originally" || w == "grew") && (sc.w(k+1) == "from" || sc.w(k+1) == "up") && sc.personBefore(k, 6):
			e := k + 2
			if sc.w(k+1) == "up" {
				e = k + 3
			}
			if sc.upper(e) || sc.placeValue(e) {
				sc.add(ruleBirthplace, toks[k].i, toks[min(e, len(toks)-1)].j)
			}
		case w == "converted" && sc.w(k+1) == "to" && religions[sc.w(k+2)]:
			sc.add(ruleReligion, toks[k].i, toks[k+2].j)
		case placesOfWorship[w]:
			sc.worship(k)
		case religiousWords[w]:
			sc.religious(k)
		case riskWordsEN[w] || w == "scored" || w == "rated" || w == "ranked":
			sc.personScore(k)
		case w == "high" || w == "elevated" || w == "suspicious" || w == "dangerous" || w == "risky":
			sc.highRiskPerson(k)
		case w == "skin" && (sc.w(k+1) == "colour" || sc.w(k+1) == "color" || sc.w(k+1) == "tone"):
			if !sc.negatedNear(k, k+1) {
				sc.add(ruleRace, toks[k].i, toks[k+1].j)
			}
		case religiousPractices[w]:
			for m := k - 1; m >= 0 && m >= k-3; m-- {
				if practiceVerbs[toks[m].w] && !sc.negatedBefore(m) {
					sc.add(ruleReligion, toks[m].i, toks[k].j)
					break
				}
			}
		case w == "as" && k > 0:
			sc.describedAs(k)
		}
		if n := sc.demonymAt(k); n > 0 {
			sc.demonymPerson(k, n)
			sc.parenthetical(k, n)
		} else if peoplePlural(w) && !orgNouns[sc.w(k+1)] && sc.between(k) != "-" && !sc.negatedBefore(k) {
			rule := ruleNationality
			if ethnonyms[w] || ethnonyms[w[:len(w)-1]] {
				rule = ruleEthnicity
			}
			sc.add(rule, toks[k].i, toks[k].j)
		}
		if identityWords[w] {
			sc.idNumber(k)
		}
		if attributeWords[w] != "" {
			sc.possessive(k)
		}
		if subjects[w] || k > 0 && sc.upper(k) && honorifics[sc.w(k-1)] || w == "who" && sc.personBefore(k, 3) {
			sc.copulaOrigin(k)
		}
		if attributeWords[w] != "" && attributeWords[w] != ruleIdentityDocument {
			sc.tableCell(k)
		}
		if demonyms[w] || ethnonyms[w] {
			sc.listItem(k)
		}
	}
	sc.visaClasses()
	sc.residenceCardNumbers()
}

// personBefore reports whether a person word comes within n words before k.
func (sc *scanner) personBefore(k, n int) bool {
	for m := k - 1; m >= 0 && m >= k-n; m-- {
		if personRefs[sc.toks[m].w] || personNouns[sc.toks[m].w] {
			return true
		}
	}
	return false
}

// demonymPerson: "a Chinese national", "Iranian PhD students", "PRC
// nationals", "Uyghur researchers", "Chinese-born", "a Chinese passport".
func (sc *scanner) demonymPerson(k, n int) {
	toks := sc.toks
	first := toks[k].w
	rule := ruleNationality
	if ethnonyms[first] && !demonyms[first] && !countries[first] {
		rule = ruleEthnicity
	}
	m := k + n
	// "a Chinese", "a Han Chinese": the demonym as a noun.
	if p := sc.w(k - 1); (p == "a" || p == "an" || numberWords[p] || isNumber(p) || p == "han" && (sc.w(k-2) == "a" || sc.w(k-2) == "an")) && demonyms[first] && n == 1 &&
		(m >= len(toks) || strings.ContainsAny(sc.between(m-1), ".,;:()\n") || nationalFollowers[toks[m].w]) {
		sc.add(rule, toks[k].i, toks[k].j)
		return
	}
	if m >= len(toks) {
		return
	}
	// "Chinese-born", "China-born": birthplace (not "a Korean-born startup").
	if toks[m].w == "born" && strings.TrimSpace(sc.between(m-1)) == "-" {
		if !orgNouns[sc.w(m+1)] {
			sc.add(ruleBirthplace, toks[k].i, toks[m].j)
		}
		return
	}
	// "a Chinese background", "with Chinese roots".
	if w := toks[m].w; (w == "background" || w == "roots" || w == "origins") && sc.w(m+1) != "check" && sc.w(m+1) != "checks" {
		if p := sc.w(k - 1); p == "a" || p == "an" || p == "his" || p == "her" || p == "their" || p == "with" || p == "of" {
			sc.add(ruleNationality, toks[k].i, toks[m].j)
			return
		}
	}
	if strings.ContainsAny(sc.between(m-1), ".,;:()\n|/") {
		return
	}
	if toks[m].w == "passport" || toks[m].w == "passports" || toks[m].w == "citizenship" || toks[m].w == "nationality" {
		sc.add(ruleNationality, toks[k].i, toks[m].j)
		return
	}
	if toks[m].w == "ethnicity" || toks[m].w == "descent" || toks[m].w == "ancestry" || toks[m].w == "heritage" || toks[m].w == "extraction" || toks[m].w == "minority" {
		sc.add(ruleEthnicity, toks[k].i, toks[m].j)
		return
	}
	// Up to two modifiers (PhD, visiting, another demonym) before the noun.
	for skipped := 0; skipped < 3 && m < len(toks); skipped++ {
		w := toks[m].w
		if personNouns[w] {
			break
		}
		if forceWords[w] && personNouns[sc.w(m+1)] {
			m++ // "a Chinese army officer"
			break
		}
		if !personModifiers[w] && sc.demonymAt(m) == 0 {
			return
		}
		if strings.ContainsAny(sc.between(m), ".,;:()\n|/") {
			return
		}
		m++
	}
	if m >= len(toks) || !personNouns[toks[m].w] {
		return
	}
	w := toks[m].w
	// "U.S. persons", "non-US persons": the export rules' category.
	if (first == "us" || first == "u") && (w == "person" || w == "persons") {
		return
	}
	// "China National Petroleum", "a Chinese national laboratory": a name or
	// a thing, not a person.
	if w == "national" {
		next := sc.w(m + 1)
		if next != "" && !strings.ContainsAny(sc.between(m), ".,;:()\n") {
			if sc.upper(m) && sc.upper(m+1) {
				return
			}
			if !nationalFollowers[next] && !personNouns[next] && !personModifiers[next] {
				return
			}
		}
	}
	if w == "nationals" && sc.upper(m) && sc.upper(m+1) && !strings.ContainsAny(sc.between(m), ".,;:()\n") {
		return
	}
	// A noun followed by an organisation word is a modifier: "Chinese
	// student association", "Korean researcher exchange programme".
	if next := sc.w(m + 1); orgNouns[next] && !strings.ContainsAny(sc.between(m), ".,;:()\n") {
		return
	}
	// A name in capitals that ends with an organisation word: "Chinese
	// Students and Scholars Association", "Tibetan Youth Congress".
	if sc.upper(k) && sc.upper(m) && sc.capitalisedOrgName(m+1) {
		return
	}
	if rule == ruleNationality && religiousWords[first] {
		rule = ruleReligion
	}
	sc.add(rule, toks[k].i, toks[m].j)
}

// religiousPractices and the verbs that make them someone's practice:
// "observes Ramadan".
var (
	religiousPractices = set(`ramadan hajj umrah lent sabbath shabbat passover diwali eid kosher halal`)
	practiceVerbs      = set(`observes observed observing observe fasts fasting fasted celebrates celebrated keeps kept performed eats eat`)
)

// describedAs: "described herself as Black British", "records the
// researcher as \"Asian, female\"", "identifies as Uyghur".
func (sc *scanner) describedAs(k int) {
	m := k + 1
	n := sc.demonymAt(m)
	if n == 0 || !sc.upper(m) {
		return
	}
	person := false
	for p := k - 1; p >= 0 && p >= k-4; p-- {
		w := sc.toks[p].w
		if sc.sentenceBreak(p) {
			break
		}
		if personRefs[w] || personNouns[w] || w == "herself" || w == "himself" || w == "themselves" || w == "identifies" || w == "identified" {
			person = true
		}
	}
	if !person || orgNouns[sc.w(m+n)] || sc.negatedBefore(k) {
		return
	}
	rule := ruleNationality
	if ethnonyms[sc.w(m)] && !demonyms[sc.w(m)] {
		rule = ruleEthnicity
	}
	sc.add(rule, sc.toks[k].i, sc.toks[m+n-1].j)
}

// motionVerbs say where someone came from: "came from", "emigrated from".
var motionVerbs = set(`originally come came comes hail hails arrived moved emigrated immigrated fled escaped
defected migrated`)

// forceWords before a person noun make the demonym the person's: "a
// Chinese army officer", "Russian military personnel".
var forceWords = set(`army military navy police party`)

// numberWords count people: "one Iranian, two Chinese".
var numberWords = set(`one two three four five six seven eight nine ten several some many`)

// nationalFollowers may follow a singular "national" that is a person: "a
// Chinese national who …", "a PRC national working at …".
var nationalFollowers = set(`who whom whose with was is and or from in at on working employed holding had
has visiting applying named that enrolled hired recruited based living studying currently previously
now then`)

// born: "born in Shanghai", "born and raised in Tehran".
func (sc *scanner) born(k int) {
	toks := sc.toks
	m := k + 1
	if sc.w(m) == "and" && sc.w(m+1) == "raised" {
		m += 2
	}
	if isNumber(sc.w(m)) && (sc.w(m+1) == "in" || sc.w(m+1) == "at") {
		m++ // "born 1990 in Chengdu"
	}
	if w := sc.w(m); w != "in" && w != "at" {
		return
	}
	m++
	if m >= len(toks) || isNumber(toks[m].w) {
		return
	}
	if sc.w(m) == "the" && (sc.upper(m+1) || sc.placeValue(m+1)) {
		m++
	}
	if sc.upper(m) || sc.placeValue(m) {
		sc.add(ruleBirthplace, toks[k].i, toks[m].j)
	}
}

// visaLinks tie a visa to a person: "visa holder", "holding J-1 visas",
// "student visa", "visa status".
var (
	visaLinks = set(`holder holders holding holds held hold status type category class expire expires
expired expiry expiring overstay overstayed renewal renewed sponsored valid obtained granted
denied revoked entered entry remains`)
	visaKinds = set(`student work working spouse dependent dependant tourist business research researcher
exchange skilled professional investor family visitor journalist diplomatic cultural j h f o l e m
b transit`)
)

// visaOfficeWords after "visa" make it the visa office's work: "student
// visa requirements", "visa support letters".
var visaOfficeWords = set(`application applications requirement requirements support letter letters office
offices procedure procedures process processing rules guidance sponsorship interview interviews documents
paperwork advice regulation regulations policy policies service services desk team information
invitation invitations fee fees form forms appointment appointments centre center`)

// visaTopicWords after a visa class make it a programme or its rules: "the
// H-1B visa program", "J-1 visa program sponsorship", "F-1 visa optional
// practical training". A holder, a status or "on an F-1 visa" stays refused.
var visaTopicWords = func() map[string]bool {
	m := set(`program programs programme programmes route routes cap caps lottery scheme schemes
system systems optional reform reforms quota quotas`)
	for w := range visaOfficeWords {
		m[w] = true
	}
	return m
}()

func (sc *scanner) visa(k int) {
	toks := sc.toks
	if sc.negatedBefore(k) || visaOfficeWords[sc.w(k+1)] {
		return
	}
	for m := k - 5; m <= k+3; m++ {
		if m < 0 || m == k || m >= len(toks) {
			continue
		}
		if m < k && sc.sentenceBreak(m) {
			continue
		}
		if m < k-3 && toks[m].w != "on" {
			continue
		}
		w := toks[m].w
		if visaLinks[w] || (m == k-1 && visaKinds[w]) || (m < k && w == "on" && (sc.w(m+1) == "a" || sc.w(m+1) == "an" || sc.w(m+1) == "her" || sc.w(m+1) == "his" || sc.w(m+1) == "their")) {
			i, j := min(toks[m].i, toks[k].i), max(toks[m].j, toks[k].j)
			sc.add(ruleImmigrationStatus, i, j)
			return
		}
	}
}

// visaClasses: US and other visa classes written as codes (J-1, H-1B, F-1)
// next to "visa", "status" or "holder".
func (sc *scanner) visaClasses() {
	toks := sc.toks
	for k := 0; k+1 < len(toks); k++ {
		w := toks[k].w
		if len(w) != 1 || !strings.Contains("jhfolem", w) {
			continue
		}
		num := toks[k+1].w
		if num != "1" && num != "2" && num != "3" && num != "1b" && num != "2a" && num != "2b" {
			continue
		}
		if b := sc.between(k); b != "-" && b != "" {
			continue
		}
		end := k + 1
		if sc.w(k+2) == "b" && sc.between(k+1) == "" {
			end = k + 2
		}
		// "the H-1B visa program", "F-1 visa optional practical training
		// rules": the class names a programme, not anyone's status.
		if v := sc.w(end + 1); (v == "visa" || v == "visas") && visaTopicWords[sc.w(end+2)] {
			continue
		}
		if rest := strings.TrimLeft(sc.s[toks[end].j:], " "); hasAnyPrefix(rest, []string{"签证", "ビザ", "비자", "査証", "visa"}) {
			sc.add(ruleImmigrationStatus, toks[k].i, toks[end].j)
			continue
		}
		if p := sc.w(k - 1); p == "on" || (p == "a" || p == "an") && sc.w(k-2) == "on" {
			sc.add(ruleImmigrationStatus, toks[k].i, toks[end].j)
			continue
		}
		for m := max(0, k-3); m <= min(len(toks)-1, end+3); m++ {
			if x := toks[m].w; x == "visa" || x == "visas" || x == "status" || x == "holder" || x == "holders" || x == "holding" || personNouns[x] {
				sc.add(ruleImmigrationStatus, toks[k].i, toks[end].j)
				break
			}
		}
	}
}

// ofOrigin: "of Korean descent", "of Chinese origin" (about a person), "of
// Iranian nationality".
func (sc *scanner) ofOrigin(k int) {
	toks := sc.toks
	m := k + 1
	if w := sc.w(m); w == "a" || w == "an" || w == "the" {
		m++
	}
	n := sc.demonymAt(m)
	if n == 0 && sc.w(m) != "mixed" && sc.w(m) != "foreign" && sc.w(m) != "immigrant" {
		return
	}
	m += max(n, 1)
	w := sc.w(m)
	switch w {
	case "descent", "ancestry", "heritage", "extraction", "parentage", "ethnicity", "ethnic":
		sc.add(ruleEthnicity, toks[k].i, toks[m].j)
	case "nationality", "citizenship":
		sc.add(ruleNationality, toks[k].i, toks[m].j)
	case "birth":
		sc.add(ruleBirthplace, toks[k].i, toks[m].j)
	case "origin", "background", "origins", "roots":
		if sc.personBefore(k, 4) && !sc.goodsNear(k) {
			sc.add(ruleNationality, toks[k].i, toks[m].j)
		}
	}
}

// goodsNear reports whether goods or funds are named near token k.
func (sc *scanner) goodsNear(k int) bool {
	for m := max(0, k-6); m < len(sc.toks) && m <= k+6; m++ {
		if goodsWords[sc.toks[m].w] {
			return true
		}
	}
	return false
}

// worship: "attends a mosque", "his church".
func (sc *scanner) worship(k int) {
	for m := k - 1; m >= 0 && m >= k-8; m-- {
		if sc.sentenceBreak(m) {
			return
		}
		if worshipLinks[sc.toks[m].w] {
			if sc.negatedBefore(m) {
				return
			}
			sc.add(ruleReligion, sc.toks[m].i, sc.toks[k].j)
			return
		}
	}
}

// religious: "a devout Muslim", "Christian researchers", "Muslims".
func (sc *scanner) religious(k int) {
	toks := sc.toks
	w := toks[k].w
	next := sc.w(k + 1)
	if orgNouns[next] || next == "university" || sc.between(k) == "-" {
		return
	}
	// Institution names: "International Islamic University", "Aligarh
	// Muslim University".
	for m := k + 1; m < len(toks) && m <= k+3 && sc.upper(m); m++ {
		if orgNouns[toks[m].w] {
			return
		}
	}
	if w == "islamic" || w == "orthodox" {
		return // adjectives of things far more often than of people
	}
	prev := sc.w(k - 1)
	switch {
	case personNouns[next] || next == "practitioner" || next == "practitioners" || next == "faith" || next == "believer" || next == "believers":
	case prev == "a" || prev == "an" || prev == "devout" || prev == "practising" || prev == "practicing" || prev == "observant" || prev == "ordained" || prev == "is" || prev == "are" || prev == "being" || prev == "as" || ethnonyms[prev] || demonyms[prev]:
	case strings.HasSuffix(w, "s") && w != "jews":
	case w == "jews":
	default:
		return
	}
	if sc.negatedBefore(k) {
		return
	}
	sc.add(ruleReligion, toks[k].i, toks[k].j)
}

// highRiskPerson: "high-risk researcher", "elevated risk individuals".
func (sc *scanner) highRiskPerson(k int) {
	m := k + 2
	switch {
	case sc.toks[k].w == "suspicious" || sc.toks[k].w == "dangerous" || sc.toks[k].w == "risky":
		m = k + 1
	case sc.w(k+1) != "risk":
		return
	}
	for sk := 0; sk < 2 && personModifiers[sc.w(m)]; sk++ {
		m++
	}
	w := sc.w(m)
	if personNouns[w] && !orgNouns[sc.w(m+1)] {
		sc.add(rulePersonRiskScore, sc.toks[k].i, sc.toks[m].j)
	}
}

// personScore: a risk, suspicion or trust score near a person and a value:
// "Risk score for Dr Chen (visiting professor): 0.8", "suspicion score of 0.7
// for the visiting researcher", "we rated the applicant as high risk".
func (sc *scanner) personScore(k int) {
	toks := sc.toks
	w := toks[k].w
	scoreAt := -1
	if w == "scored" || w == "rated" || w == "ranked" {
		scoreAt = k
	} else {
		for m := k + 1; m <= k+2 && m < len(toks); m++ {
			if scoreWordsEN[toks[m].w] {
				scoreAt = m
				break
			}
		}
		if scoreAt < 0 && k > 0 && (sc.w(k-1) == "per" || sc.w(k-1) == "individual") {
			scoreAt = k
		}
		if scoreAt < 0 && strongSeparator(sc.between(k)) {
			scoreAt = k // "Risk: high (Dr. Wang)"
		}
	}
	if scoreAt < 0 {
		return
	}
	person, value := false, false
	// Judgements that only people get need no value: "a loyalty score";
	// neither does scoring each person in turn.
	if w == "loyalty" || w == "suspicion" || w == "suspiciousness" || w == "trustworthiness" {
		value = true
	}
	for m := max(0, k-6); m < len(toks) && m <= scoreAt+8; m++ {
		x := toks[m].w
		if (x == "each" || x == "every") && personNouns[sc.w(m+1)] {
			value = true
		}
		if m < k && sc.sentenceBreak(m) {
			person, value = false, false
			continue
		}
		if m > scoreAt && sc.sentenceBreak(m-1) && m-1 >= scoreAt {
			break
		}
		if personRefs[x] && !orgNouns[sc.w(m+1)] && !orgNouns[sc.w(m+2)] && !(x == "member" || x == "members") {
			person = true
		}
		if x == "per" && (sc.w(m+1) == "person" || sc.w(m+1) == "individual" || sc.w(m+1) == "researcher") {
			person = true
		}
		if m > scoreAt-1 && (isNumber(x) || scoreValues[x]) {
			value = true
		}
	}
	if person && value && !sc.negatedBefore(k) {
		sc.add(rulePersonRiskScore, toks[k].i, toks[scoreAt].j)
	}
}

// identityWords start a mention of an identity document.
var identityWords = set(`passport passports residence zairyu id mynumber my national driver drivers
licence license паспорт паспорта ssn sin security uscis`)

// notPersonalLicence are words before "licence" that make it an
// organisation's or a shipment's licence, whose number is not a person's:
// "the export licence number EL-2026-00451" (since 2026-11-30, fourth round).
var notPersonalLicence = set(`export import exports imports re-export reexport business software trade
manufacturing operating broadcasting patent technology site validated general specific individual
ear itar meti bis dual-use licence`)

// idNumber: "passport number TZ1234567", "his passport (E12345678)".
func (sc *scanner) idNumber(k int) {
	toks := sc.toks
	w := toks[k].w
	switch w {
	case "licence", "license":
		if notPersonalLicence[sc.w(k-1)] {
			return
		}
	case "security": // "Social Security Number 123-45-6789"
		if sc.w(k-1) != "social" {
			return
		}
	case "sin": // Canada's Social Insurance Number: "his SIN (046 454 286)"
		if countDigits(sc.w(k+1)) == 0 && !(sc.w(k+1) == "number" || sc.w(k+1) == "no") {
			return
		}
	case "residence", "id", "my", "national", "driver", "drivers":
		n := sc.w(k + 1)
		if !(n == "card" || n == "number" || n == "id" || n == "licence" || n == "license" || n == "s") {
			return
		}
	}
	digits, first := 0, -1
	for m := k + 1; m < len(toks) && m <= k+8; m++ {
		if sc.sentenceBreak(m - 1) {
			return
		}
		if idLike(toks[m].w) {
			sc.add(ruleIdentityDocument, toks[k].i, toks[m].j)
			return
		}
		// "E 1234 5678": a number written in groups.
		if d := countDigits(toks[m].w); d > 0 || len(toks[m].w) <= 2 && first >= 0 {
			if first < 0 {
				first = m
			}
			digits += d
			if digits >= 6 {
				sc.add(ruleIdentityDocument, toks[k].i, toks[m].j)
				return
			}
		} else {
			digits, first = 0, -1
		}
	}
}

// idLike reports whether a word looks like a document number: six or more
// letters and digits, at least five of them digits.
func idLike(w string) bool {
	if len(w) < 6 || len(w) > 20 {
		return false
	}
	d := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= '0' && c <= '9':
			d++
		case c >= 'a' && c <= 'z':
		default:
			return false
		}
	}
	return d >= 5
}

// residenceCardNumbers: a Japanese residence card number (two letters, eight
// digits, two letters) anywhere.
func (sc *scanner) residenceCardNumbers() {
	for _, tk := range sc.toks {
		if residenceCardLike(tk.w) {
			sc.add(ruleIdentityDocument, tk.i, tk.j)
		}
	}
}

// residenceCardLike reports whether a word has the shape of a Japanese
// residence card number: two letters, eight digits, two letters.
func residenceCardLike(w string) bool {
	if len(w) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		c := w[i]
		if i < 2 || i >= 10 {
			if c < 'a' || c > 'z' {
				return false
			}
		} else if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// attributeWords are words for a protected attribute, with the rule each
// belongs to.
var attributeWords = map[string]string{
	"nationality": ruleNationality, "nationalities": ruleNationality, "citizenship": ruleNationality,
	"ethnicity": ruleEthnicity, "race": ruleRace, "religion": ruleReligion, "faith": ruleReligion,
	"beliefs": ruleReligion, "birthplace": ruleBirthplace, "hometown": ruleBirthplace,
	"passport": ruleIdentityDocument, "residence": ruleImmigrationStatus, "zairyu": ruleImmigrationStatus,
	"residency": ruleImmigrationStatus, "work": ruleImmigrationStatus, "ancestry": ruleEthnicity, "descent": ruleEthnicity, "heritage": ruleEthnicity,
}

// possessive: "his nationality", "the applicant's religion", "the
// citizenship of the researcher" — unless denied ("regardless of their
// nationality").
func (sc *scanner) possessive(k int) {
	toks := sc.toks
	rule := attributeWords[toks[k].w]
	if rule == ruleIdentityDocument {
		return // a passport's number is what matters: idNumber
	}
	if toks[k].w == "residence" || toks[k].w == "zairyu" || toks[k].w == "residency" || toks[k].w == "work" {
		if n := sc.w(k + 1); n != "card" && n != "permit" && n != "status" && n != "visa" {
			return
		}
		rule = ruleImmigrationStatus
	}
	prev := sc.w(k - 1)
	owner := false
	switch {
	case prev == "his" || prev == "her" || prev == "their" || prev == "whose":
		owner = true
	case prev == "s" && k >= 2 && strings.ContainsAny(sc.between(k-2), "'’") && (personNouns[sc.w(k-2)] || sc.upper(k-2)):
		owner = true
	case sc.w(k+1) == "of" && k+2 < len(toks):
		m := k + 2
		if w := sc.w(m); w == "the" || w == "a" || w == "an" || w == "this" || w == "that" || w == "these" || w == "those" || w == "each" {
			m++
		}
		for sk := 0; sk < 2 && personModifiers[sc.w(m)]; sk++ {
			m++
		}
		owner = personNouns[sc.w(m)] && !orgNouns[sc.w(m+1)]
	}
	if !owner {
		return
	}
	if rule == ruleRace || toks[k].w == "faith" || toks[k].w == "beliefs" {
		// "race" and "faith" have other senses; only with a value.
		if !sc.valueFollows(k) {
			return
		}
	}
	if sc.negatedNear(k, k+1) {
		return
	}
	i := toks[max(0, k-1)].i
	if prev == "s" {
		i = toks[k-2].i
	}
	sc.add(rule, i, toks[k].j)
}

// valueFollows reports whether a copula and a value follow token k:
// "race was Asian".
func (sc *scanner) valueFollows(k int) bool {
	m := k + 1
	if !copulas[sc.w(m)] {
		return false
	}
	for copulas[sc.w(m)] {
		m++
	}
	return sc.placeValue(m) || sc.upper(m)
}

// honorifics before a capitalised word make it a person's name.
var honorifics = set(`dr prof professor mr mrs ms mx miss`)

// subjects make "X is/was Chinese" a statement about a person.
var subjects = set(`he she researcher researchers student students applicant applicants scholar scholars
postdoc postdocs professor engineer engineers candidate candidates visitor visitors scientist scientists
employee employees staff fellow fellows investigator lecturer both two three`)

// copulaOrigin: "the two researchers were Tibetan", "she is Chinese".
func (sc *scanner) copulaOrigin(k int) {
	m := k + 1
	if w := sc.w(m); w != "is" && w != "was" && w != "are" && w != "were" {
		return
	}
	if strings.ContainsAny(sc.between(k), ".,;:()\n") {
		return
	}
	m++
	if w := sc.w(m); w == "a" || w == "an" || w == "both" || w == "all" {
		m++
	}
	n := sc.demonymAt(m)
	if n == 0 || !sc.upper(m) && !demonyms[sc.w(m)] {
		return
	}
	if sc.between(m+n-1) == "-" && sc.demonymAt(m+n) > 0 {
		n += sc.demonymAt(m + n) // "Chinese-American"
	}
	next := sc.w(m + n)
	if next != "" && !strings.ContainsAny(sc.between(m+n-1), ".,;:()\n") && !nationalFollowers[next] && next != "and" {
		return // "she was Chinese Academy …": a name follows
	}
	if sc.negatedNear(k, m) {
		return
	}
	rule := ruleNationality
	if ethnonyms[sc.w(m)] && !demonyms[sc.w(m)] {
		rule = ruleEthnicity
	}
	sc.add(rule, sc.toks[k].i, sc.toks[m+n-1].j)
}

// personFrom: "a graduate student from Iran", "the PI is from mainland
// China" — a person and a country, not an institution ("researchers from
// Tsinghua University" pass).
func (sc *scanner) personFrom(k int) {
	toks := sc.toks
	m := k + 1
	if w := sc.w(m); w == "mainland" || w == "the" {
		m++
	}
	n := sc.demonymAt(m)
	if n == 0 || !countries[strings.Join(tokenWords(sc, m, n), " ")] {
		return
	}
	if next := sc.w(m + n); orgNouns[next] || next == "s" || strings.HasPrefix(sc.between(m+n-1), "'") {
		return // "from China's Academy", "from China Mobile"
	}
	p := k - 1
	if w := sc.w(p); copulas[w] || motionVerbs[w] {
		p--
	} else if sc.w(p-1) == "to" && motionVerbs[sc.w(p-2)] && sc.upper(p) {
		p -= 3 // "came to Japan from Pakistan"
	}
	if p >= 0 && strings.ContainsAny(sc.between(p), ",(") {
		// A description in brackets after a person: "Visiting researcher
		// (female, 30s, from Shanghai)".
		if q := sc.bracketOwner(k); q >= 0 && !sc.negatedBefore(q) {
			sc.add(ruleNationality, toks[q].i, toks[m+n-1].j)
		}
		return
	}
	if p < 0 || strings.ContainsAny(sc.between(p), ".,;:()\n") {
		return
	}
	if !subjects[toks[p].w] && !personNouns[toks[p].w] {
		return
	}
	if sc.negatedBefore(p) {
		return
	}
	sc.add(ruleNationality, toks[p].i, toks[m+n-1].j)
}

// bracketOwner returns the person noun right before the bracket that token k
// is inside, if the bracket opened within six words, or -1.
func (sc *scanner) bracketOwner(k int) int {
	for m := k - 1; m >= 0 && m >= k-7; m-- {
		b := sc.between(m)
		if strings.ContainsAny(b, ").;\n") {
			return -1
		}
		if strings.Contains(b, "(") {
			if personNouns[sc.toks[m].w] || subjects[sc.toks[m].w] {
				return m
			}
			return -1
		}
	}
	return -1
}

func tokenWords(sc *scanner, k, n int) []string {
	out := make([]string, 0, n)
	for i := k; i < k+n && i < len(sc.toks); i++ {
		out = append(out, sc.toks[i].w)
	}
	return out
}

// parenthetical: "Mr. Zhang (Chinese)", "two postdocs (PRC)" — a demonym
// alone in brackets right after a person.
func (sc *scanner) parenthetical(k, n int) {
	if k == 0 || !strings.HasSuffix(strings.TrimSpace(sc.between(k-1)), "(") {
		return
	}
	if !strings.HasPrefix(strings.TrimSpace(sc.between(k+n-1)), ")") && !strings.HasPrefix(strings.TrimSpace(sc.between(k+n-1)), ",") {
		return
	}
	for m := k - 1; m >= 0 && m >= k-3; m-- {
		w := sc.toks[m].w
		if personNouns[w] || subjects[w] || (m > 0 && (sc.w(m-1) == "mr" || sc.w(m-1) == "ms" || sc.w(m-1) == "dr" || sc.w(m-1) == "prof" || sc.w(m-1) == "mrs")) {
			sc.add(ruleNationality, sc.toks[k].i, sc.toks[k+n-1].j)
			return
		}
	}
}

// peoplePlural reports a plural demonym or ethnonym used as a noun:
// "Iranians", "Uyghurs", "Kurds".
func peoplePlural(w string) bool {
	if len(w) < 5 || w[len(w)-1] != 's' {
		return false
	}
	stem := w[:len(w)-1]
	if w == "kurds" || w == "uyghurs" || w == "uighurs" || w == "tibetans" || w == "hazaras" {
		return true
	}
	return demonyms[stem] && stem != "swiss" && stem != "arab"
}

// tableCell: an attribute as a column or a cell of a table written in text
// ("name,role,nationality", "|citizenship|"): the table collects it.
func (sc *scanner) tableCell(k int) {
	before, after := "", ""
	if k > 0 {
		before = sc.between(k - 1)
	}
	if k+1 < len(sc.toks) {
		after = sc.between(k)
	}
	cell := func(b string) bool { return b == "," || b == "\t" || b == "|" || b == ";" }
	if tableCellAt(sc.s, sc.toks[k].i, sc.toks[k].j) {
		// A column of a table: "Passport No." in the next column is no
		// negation.
		sc.add(attributeWords[sc.toks[k].w], sc.toks[k].i, sc.toks[k].j)
		return
	}
	if !cell(before) && !cell(after) {
		return
	}
	if sc.negatedNear(k, k+1) {
		return
	}
	sc.add(attributeWords[sc.toks[k].w], sc.toks[k].i, sc.toks[k].j)
}

// listItem: a demonym as an item of a list about a person: "(1) PhD
// student, Chinese; (2) postdoc, Iranian".
func (sc *scanner) listItem(k int) {
	if k == 0 || !strings.Contains(sc.between(k-1), ",") {
		return
	}
	if k+1 < len(sc.toks) && !strings.ContainsAny(sc.between(k), ",;)\n|") {
		return
	}
	for m := k - 1; m >= 0 && m >= k-3; m-- {
		if personNouns[sc.toks[m].w] {
			sc.add(ruleNationality, sc.toks[k].i, sc.toks[k].j)
			return
		}
		if m < k-1 && strings.ContainsAny(sc.between(m), ";()\n") {
			return
		}
	}
}

// capitalisedOrgName reports whether the words from k on continue a name in
// capitals ("and", "of", "for", "in" allowed) up to an organisation word.
func (sc *scanner) capitalisedOrgName(k int) bool {
	for m := k; m < len(sc.toks) && m < k+6; m++ {
		if strings.ContainsAny(sc.between(m-1), ".,;:()\n") {
			return false
		}
		w := sc.toks[m].w
		if orgNouns[w] && sc.upper(m) {
			return true
		}
		if !sc.upper(m) && w != "and" && w != "of" && w != "for" && w != "in" && w != "the" {
			return false
		}
	}
	return false
}

// foreignTargeted: people singled out for being foreign. "Foreign
// nationals" alone is the vocabulary of export law ("a release of technology
// to a foreign national is a deemed export"), so it passes; a sentence that
// restricts, excludes, watches or scores foreign nationals, researchers or
// students judges people by nationality: "we restrict access to the
// cleanroom for foreign nationals". A sentence about technology, goods or a
// licence states the law and passes; so does one that denies it.
func (sc *scanner) foreignTargeted(k int) {
	toks := sc.toks
	end := k
	if toks[k].w == "foreign" {
		m := k + 1
		for m < len(toks) && m <= k+3 && personModifiers[toks[m].w] && !personNouns[toks[m].w] {
			m++
		}
		if m >= len(toks) || !(personNouns[toks[m].w] || toks[m].w == "faculty") {
			return
		}
		end = m
	}
	if sc.sentenceTargets(k, end) {
		sc.add(ruleNationality, toks[k].i, toks[end].j)
	}
}

// sentenceTargets reports whether the sentence holding tokens k..end
// restricts, excludes, watches or scores the people they name, and neither
// denies it nor is about technology, goods or a licence.
func (sc *scanner) sentenceTargets(k, end int) bool {
	toks := sc.toks
	lo := k
	for lo > 0 && !sc.sentenceBreak(lo-1) {
		lo--
	}
	hi := end
	for hi+1 < len(toks) && !sc.sentenceBreak(hi) {
		hi++
	}
	target := false
	for m := lo; m <= hi; m++ {
		w, next := toks[m].w, sc.w(m+1)
		if negations[w] || exportLawEN[w] || goodsWords[w] {
			return false
		}
		if targetingEN[w] || targetingBeforeEN[w] && targetedAfterEN[next] ||
			(w == "high" || w == "higher" || w == "elevated" || w == "increased") && next == "risk" ||
			w == "risk" && (next == "factor" || next == "factors" || next == "score" || next == "rating" || next == "level") {
			target = true
		}
	}
	return target
}

// targetingEN are what a sentence does to the people it singles out.
// (Risk and "additional" alone are not: "a briefing on risk management",
// "additional language support".)
var targetingEN = set(`restrict restricts restricted restricting restriction restrictions ban bans banned
banning bar barred barring exclude excludes excluded excluding exclusion deny denies denied denying
prohibit prohibits prohibited prohibiting limit limits limited limiting forbid forbids forbidden block
blocked refuse refused reject rejected flag flagged flagging monitor monitored monitoring surveil
surveillance watchlist watchlisted suspicious suspect suspected escort escorted proportion percentage
ratio quota`)

// targetingBeforeEN before targetedAfterEN: "extra scrutiny", "additional
// screening".
var (
	targetingBeforeEN = set(`extra additional enhanced stricter strict heightened special closer`)
	targetedAfterEN   = set(`screening scrutiny vetting checks check review reviews interview interviews
monitoring questioning`)
)

// exportLawEN make a sentence about technology, goods or a licence.
var exportLawEN = set(`licence license licences licenses licensing deemed ear itar controlled
classification classified dual-use export exports exported re-export`)

// ethnicOf after "ethnic" make it a person's: "the ethnic background of the
// applicant", "ethnic origin".
var ethnicOf = set(`background backgrounds origin origins heritage identity identities ancestry descent roots makeup profile profiling`)

// speechOrigin are languages that, in "X-speaking researchers", stand in for
// a person's origin.
var speechOrigin = set(`mandarin cantonese chinese korean russian persian farsi arabic uyghur tibetan
vietnamese urdu hindi turkish hebrew japanese`)

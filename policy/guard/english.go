package guard

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Personal data as the Canadian and US partners, and Japanese officers
// writing English, put it in running text (since 2026-11-30, fourth round):
// a link or handle that points at one person, a home address, an age or a
// year of birth, what someone looks like, a gender with a role only one
// person has, an alias, a personal device's address, and Western names
// without a title. Each is held for confirmation, never refused: the same
// shapes are sometimes an organisation's, and the user can say so.

var (
	// A profile page or handle of one person. A GitHub page with no
	// repository after it is a user's or an organisation's; both are held,
	// because the shape cannot tell them apart.
	reProfileLink = regexp.MustCompile(`(?i)\b(?:linkedin\.com/in/[\w\-%.]+` +
		`|researchgate\.net/profile/[\w\-%.]+` +
		`|scholar\.google\.[a-z.]+/citations\?\S*\buser=[\w\-]+` +
		`|(?:facebook|instagram)\.com/[a-z0-9]+[._][\w.]+` +
		`|(?:x|twitter)\.com/@\w+` +
		`|github\.com/[\w\-]+/?(?:[\s),;]|$)` +
		`|authorId=\d{6,}` +
		`|https?://\S+/~[a-z][\w.\-]*)` +
		`|\b(?:WeChat|Weixin|Telegram|WhatsApp|KakaoTalk|Signal)\b[^.\n]{0,20}?\b(?:id|ID|handle)\s*[:=]?\s*@?[\w.\-]{4,}` +
		`|(?:^|[\s(])@[A-Za-z][\w]{2,}`)
	reMailto = regexp.MustCompile(`(?i)\bmailto:\S+`)

	// A home and an address near it: "lives at 12 Elm St.", "her house on
	// 88 Maple Avenue", "自宅 is 〒113-0033".
	reHomeWord = regexp.MustCompile(`(?i)\b(?:lives?|living|resides?|residing) (?:at|in|on)\b|\bhome address\b` +
		`|\b(?:his|her|their|the [a-z]+'s) (?:home|house|residence|apartment|flat)\b|\bresidence at\b|\bapartment\b|\bprivate address\b|自宅`)
	reAddressShape = regexp.MustCompile(`\b\d{1,5}[A-Za-z]? [A-Z][a-z]+ (?:St|Street|Ave|Avenue|Rd|Road|Crescent|Cres|Dr|Drive|Blvd|Boulevard|Lane|Ln|Way|Court|Ct|Place|Pl|Terrace|Close)\b` +
		`|〒 ?\d{3}-\d{4}|\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b|\b[A-Z]{2} \d{5}(?:-\d{4})?\b|\b\d{1,2}-\d{1,2}-\d{1,3}\b|\b(?:Apt|Unit|Suite)\.? ?\d+`)

	// An age, a year of birth. "a 10-year-old programme" is not a person's.
	reAge = regexp.MustCompile(`(?i)\b\d{1,2}[- ]years?[- ]old\b(?: [a-z\-]+){0,2}? (?:` + personNounsRE + `)\b` +
		`|\baged \d{1,2}\b|\bin (?:his|her|their) (?:early |mid-?|late )?(?:teens|twenties|thirties|forties|fifties|sixties|seventies|[2-7]0s)\b` +
		`|\byear of birth\b|\b(?:` + personNounsRE + `) \((?:age )?\d{2}\)`)
	reBirthYear = regexp.MustCompile(`(?i)\b(?:born|b\.) ?(?:in )?(?:19|20)\d{2}\b`)

	// What a person looks like, or a picture of them.
	reAppearance = regexp.MustCompile(`(?i)\b(?:tall|short|slim|thin|heavy-?set|stocky|bald|blond|blonde|red-haired|dark-haired|grey-haired|gray-haired|bearded) (?:man|woman|men|women|male|female|person|guy|lady)\b` +
		`|\bwith (?:a |an )?(?:[a-z\-]+ ){0,2}(?:beard|moustache|mustache|tattoo|scar|glasses|ponytail)\b|\btattoo` +
		`|\b(?:short|long|red|grey|gray|blond|blonde|dark|black|brown|white|curly) hair\b|\b(?:about|around) 1\.\d{1,2} ?m\b` +
		`|\b(?:photo|photograph|picture|image|still|headshot|mugshot)s? (?:of|showing) (?:the|a|an|this|his|her) (?:[a-z\-]+ ){0,2}(?:` + personNounsRE + `)\b` +
		`|\bheadshot\b`)

	// A gender and a role only one person has: "the only female postdoc".
	reGenderUnique = regexp.MustCompile(`(?i)\b(?:only|sole|lone|the one) (?:female|male|woman|women|man|non-binary|nonbinary|transgender|trans|pregnant)(?: [a-z\-]+){0,2}? (?:` + personNounsRE + `)\b`)

	// An alias; read only with a person before it.
	reAlias = regexp.MustCompile(`(?i)\b(?:a\.k\.a\.?|aka|also known as|formerly known as|f/k/a|goes by|(?:also )?uses the name|(?:english|western) name)\b`)

	// A personal device's network address.
	reDeviceAddr   = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}\b`)
	rePersonalNode = regexp.MustCompile(`(?i)\b(?:personal|own|home|private)\s+(?:[a-z]+\s+)?(?:laptop|phone|smartphone|device|computer|pc|tablet|router|ip|network|wi-?fi|connection)\b`)
)

// personNounsRE are the nouns that make an age, a picture or a gender a
// person's.
const personNounsRE = `postdocs?|students?|researchers?|scientists?|engineers?|professors?|technicians?|man|woman|men|women|males?|females?|visitors?|applicants?|consultants?|scholars?|fellows?|employees?|staff|lecturers?|candidates?|pis?|assistants?|managers?|recruiters?|persons?|individuals?|faculty|members?|suspects?|trainees?|interns?`

// personBefore are words that put a person in the text before an alias or a
// birth year.
var rePersonBefore = regexp.MustCompile(`(?i)\b(?:` + personNounsRE + `|he|she|him|her|his|they|who|mr|ms|dr|prof)\b`)

// orgBefore are words that put an organisation there instead: "the
// supplier, formerly known as …", "the scheme was born in 2008".
var reOrgBefore = regexp.MustCompile(`(?i)\b(?:company|supplier|firm|vendor|distributor|organisation|organization|foundation|university|institute|programme|program|scheme|initiative|journal|entity|ltd|inc|corp|group|brand|fund|project|lab|laboratory)\b`)

// englishPersonal returns the personal data of the kinds above found in
// text, as rule and byte offset. names=false skips the names (fields that
// hold organisations' names).
func englishPersonal(text string, names bool, tf textFacts) (hits []personalHit) {
	note := func(rule string, i int) { hits = append(hits, personalHit{rule, i, 1}) }
	// Cheap tests first, as in textFindings: factsOfText's one pass over
	// the text noted which hint words start a word, so which expressions
	// can match at all.
	g := tf.hints
	if tf.digits >= 2 && parenTwoDigits(text) {
		g |= hintAge // "Visiting professor (62)"
	}
	if g == 0 && !tf.titlePair {
		return nil
	}
	if g&hintMailto != 0 {
		if loc := reMailto.FindStringIndex(text); loc != nil {
			note(ruleEmail, loc[0])
		}
	}
	if g&hintLink != 0 {
		for _, loc := range reProfileLink.FindAllStringIndex(text, -1) {
			note(rulePersonalID, loc[0])
		}
	}
	if tf.digits > 0 && g&hintHome != 0 {
		for loc := reHomeWord.FindStringIndex(text); loc != nil; loc = nextMatch(reHomeWord, text, loc) {
			lo, hi := max(0, loc[0]-150), min(len(text), loc[1]+150)
			if reAddressShape.MatchString(text[lo:hi]) {
				note(ruleHomeAddress, loc[0])
				break
			}
		}
	}
	if g&hintAge != 0 {
		if loc := reAge.FindStringIndex(text); loc != nil {
			note(rulePersonDescription, loc[0])
		}
	}
	if g&hintLooks != 0 {
		if loc := reAppearance.FindStringIndex(text); loc != nil {
			note(rulePersonDescription, loc[0])
		}
	}
	if g&hintUnique != 0 && g&hintGender != 0 {
		if loc := reGenderUnique.FindStringIndex(text); loc != nil {
			note(rulePersonDescription, loc[0])
		}
	}
	if tf.digits >= 4 && g&hintBorn != 0 {
		for _, loc := range reBirthYear.FindAllStringIndex(text, -1) {
			if personJustBefore(text, loc[0]) {
				note(rulePersonDescription, loc[0])
			}
		}
	}
	if g&hintAlias != 0 {
		for _, loc := range reAlias.FindAllStringIndex(text, -1) {
			if personJustBefore(text, loc[0]) {
				note(rulePersonDescription, loc[0])
			}
		}
	}
	if tf.digits >= 4 && g&hintDevice != 0 {
		if loc := reDeviceAddr.FindStringIndex(text); loc != nil && rePersonalNode.MatchString(text) {
			note(rulePersonalID, loc[0])
		}
	}
	if names && (tf.titlePair || g&hintAnchor != 0 || strings.Contains(text, ". ")) {
		if given, family := listedNameWords(text); !given && !family {
			return hits
		}
		for _, i := range westernNameAt(text) {
			note(rulePersonalName, i)
		}
	}
	return hits
}

// The groups of hint words: an expression runs only when a word of its
// group starts a word of the text.
const (
	hintMailto = 1 << iota
	hintLink
	hintHome
	hintAge
	hintLooks
	hintUnique
	hintGender
	hintBorn
	hintAlias
	hintDevice
	hintAnchor
)

// hintWords are the hint words of each group, matched at the start of a
// word, the first letter in either case.
var hintWords = map[int][]string{
	hintMailto: {"mailto:"},
	hintLink: {"linkedin", "researchgate", "scholar.", "facebook", "instagram", "x.com", "twitter", "github", "authorId", "@", "~",
		"weChat", "WeChat", "weixin", "telegram", "whatsApp", "WhatsApp", "kakaoTalk", "KakaoTalk", "signal"},
	hintHome: {"live", "living", "resid", "home", "house", "apartment", "flat", "private", "自宅"},
	hintAge:  {"year-old", "years-old", "year old", "years old", "aged", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "teens", "20s", "30s", "40s", "50s", "60s", "70s", "year of birth"},
	hintLooks: {"photo ", "photos ", "photograph", "picture", "image", "still of", "stills", "headshot", "mugshot", "tall ", "short ", "thin ", "slim ",
		"bald", "blond", "stocky", "heavy", "hair", "haired", "beard", "moustache", "mustache", "tattoo", "scar ", "scar,", "scar.", "glasses", "ponytail", "about 1.", "around 1."},
	hintUnique: {"only ", "sole ", "lone ", "one "},
	hintGender: {"female", "male ", "males", "woman", "women", "man ", "non-binary", "nonbinary", "transgender", "trans ", "pregnant"},
	hintBorn:   {"born", "b. "},
	hintAlias:  {"aka", "a.k.a", "known as", "goes by", "uses the name", "english name", "western name", "f/k/a", "alias"},
	hintDevice: {"personal", "own ", "home", "private"},
	hintAnchor: {"per ", "according", "cc", "forwarded", "signed", "told", "asked"},
}

// hintByPair indexes hintWords by their first two bytes, the first
// lower-cased (a one-byte word under each second byte), and hintPairs
// holds the same pairs as bits, for a quick no at most word starts.
var hintByPair, hintPairs = func() (t map[int][]hintWord, pairs [1 << 16 / 64]uint64) {
	t = map[int][]hintWord{}
	for grp, ws := range hintWords {
		for _, w := range ws {
			c := w[0]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			for x := 0; x < 256; x++ {
				if len(w) == 1 || x == int(w[1]) {
					p := int(c)<<8 | x
					pairs[p/64] |= 1 << (p % 64)
					t[p] = append(t[p], hintWord{w[1:], grp})
				}
			}
		}
	}
	return t, pairs
}()

type hintWord struct {
	rest  string
	group int
}

// wordByte marks ASCII letters and digits; lowerByte lower-cases ASCII.
var wordByte, lowerByte = func() (w [256]bool, l [256]byte) {
	for c := 0; c < 256; c++ {
		l[c] = byte(c)
		switch {
		case c >= 'A' && c <= 'Z':
			w[c], l[c] = true, byte(c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			w[c] = true
		}
	}
	return w, l
}()

// parenTwoDigits reports whether text has two digits in brackets: "(62)".
func parenTwoDigits(text string) bool {
	for i := strings.IndexByte(text, '('); i >= 0 && i+3 < len(text); {
		if isDigit(text[i+1]) && isDigit(text[i+2]) && text[i+3] == ')' {
			return true
		}
		k := strings.IndexByte(text[i+1:], '(')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// listedNameWords reports whether text has a capitalised word that is a
// listed Western given name, or a listed family name (Western or
// romanised Japanese): without one, the name expressions cannot match.
func listedNameWords(text string) (given, family bool) {
	var buf [16]byte
	for i := 0; i < len(text); {
		c := text[i]
		if c < 'A' || c > 'Z' || i > 0 && isAlnumASCII(text[i-1]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && text[j] >= 'a' && text[j] <= 'z' {
			j++
		}
		if n := j - i; n >= 2 && n <= len(buf) {
			w := buf[:n]
			copy(w, text[i:j])
			w[0] += 'a' - 'A'
			given = given || givenNamesEN[string(w)]
			family = family || surnamesEN[string(w)] || surnamesRomaji[string(w)]
			if given && family {
				return
			}
		}
		i = j
	}
	return
}

func nextMatch(re *regexp.Regexp, s string, prev []int) []int {
	loc := re.FindStringIndex(s[prev[1]:])
	if loc == nil {
		return nil
	}
	return []int{loc[0] + prev[1], loc[1] + prev[1]}
}

// personJustBefore reports whether the 80 bytes before i, in the same
// sentence, name a person and no organisation.
func personJustBefore(text string, i int) bool {
	before := text[max(0, i-80):i]
	if k := strings.LastIndex(before, ". "); k >= 0 {
		before = before[k+2:]
	}
	return rePersonBefore.MatchString(before) && !reOrgBefore.MatchString(before)
}

var (
	// A Western given name, an optional initial and a family name.
	reWesternName = regexp.MustCompile(`\b([A-Z][a-z]+)(?: [A-Z]\.)? ([A-Z][a-z]+(?:['’\-][A-Z]?[a-z]+)?|O['’][A-Z][a-z]+)\b`)
	// A listed family name after a word that puts a person before it, or an
	// initial: "per Smith's email", "according to Hernandez", "J. Walker asked".
	reSurnameAnchored = regexp.MustCompile(`\b(?:[Pp]er|[Aa]ccording to|[Cc]c:?|[Ff]orwarded by|[Ss]igned by|[Tt]old|[Aa]sked|[A-Z]\.) ([A-Z][a-z]+)(['’]s)?\b`)
	// A citation's initials after a family name: "Smith, J. (2020)".
	reCitedInitial = regexp.MustCompile(`^,? [A-Z]\.`)
	// An official's title before a name: a public official acting
	// officially is named in public, and passes.
	reOfficialBefore = regexp.MustCompile(`(?i)\b(?:secretary|minister|senator|commissioner|ambassador|governor|congress(?:man|woman)|representative|president|chancellor|mayor|(?-i:[A-Z]{2,6}) director|director of the)\b[^.]{0,50}$`)
)

// westernNameAt returns where Western names without a title start in text.
func westernNameAt(text string) (at []int) {
	// The matches may overlap ("Per Laura Chen"): after a pair that is not
	// a name, look again from its second word.
	for from := 0; from < len(text); {
		loc := reWesternName.FindStringSubmatchIndex(text[from:])
		if loc == nil {
			break
		}
		m := make([]int, len(loc))
		for k, v := range loc {
			m[k] = v + from
		}
		from = m[4]
		given, family := text[m[2]:m[3]], strings.TrimSuffix(strings.TrimSuffix(text[m[4]:m[5]], "'s"), "’s")
		if !givenNamesEN[strings.ToLower(given)] || notFamilyEN[strings.ToLower(family)] || orgNouns[strings.ToLower(family)] {
			continue
		}
		from = m[5]
		if historicalNamesEN[strings.ToLower(given+" "+family)] || orgAfter(text[m[4]:]) || thingAfterEN(text[m[5]:]) ||
			reOfficialBefore.MatchString(text[max(0, m[0]-60):m[0]]) {
			continue
		}
		at = append(at, m[0])
	}
	for _, m := range reSurnameAnchored.FindAllStringSubmatchIndex(text, -1) {
		fam := strings.ToLower(text[m[2]:m[3]])
		if !surnamesEN[fam] && !surnamesRomaji[fam] {
			continue
		}
		rest := text[m[3]:]
		if m[4] < 0 && (strings.HasPrefix(rest, " et al") || strings.HasPrefix(rest, " (1") || strings.HasPrefix(rest, " (2") || reCitedInitial.MatchString(rest)) {
			continue // a citation: "Smith et al. (2021)", "J. Walker (2019)"
		}
		if orgAfter(text[m[2]:]) {
			continue
		}
		at = append(at, m[0])
	}
	// A romanised Japanese family name first: "Kobayashi Haruto of …".
	for _, m := range reWesternName.FindAllStringSubmatchIndex(text, -1) {
		fam, given := strings.ToLower(text[m[2]:m[3]]), strings.ToLower(text[m[4]:m[5]])
		if surnamesRomaji[fam] && givenNamesRomaji[given] && !orgAfter(text[m[4]:]) {
			at = append(at, m[0])
		}
	}
	return at
}

// thingAfterEN reports whether a place or a law follows a name: "Grant
// Street", "the Bayh-Dole Act", "the Kavli Prize".
func thingAfterEN(rest string) bool {
	for n, w := range strings.Fields(rest) {
		if n >= 2 {
			break
		}
		w = strings.Trim(w, ".,;:()[]\"'’")
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
			return false
		}
		if placeNounsEN[strings.ToLower(w)] || notPersonNextEN[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// notPersonNextEN are capitalised words after a name that make it a thing's.
var notPersonNextEN = set(`act prize award medal lecture fellowship fellowships scholarship scholarships hall
centre center capital labs chair professorship memorial trust society collection`)

// givenNamesEN are common given names in the partners' countries (words
// that are mostly something else — May, Will, Mark, Grant, Jordan — are
// left out).
var givenNamesEN = set(`john james robert michael william david richard joseph thomas charles christopher daniel
matthew anthony donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason
jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory
alexander patrick jack dennis jerry tyler aaron henry adam douglas nathan peter zachary kyle walter
harold jeremy ethan carl keith roger gerald christian terry sean arthur austin noah lawrence jesse
dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene
vincent russell elijah louis bobby philip johnny mary patricia jennifer linda elizabeth barbara susan
jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda
dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda
pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather
diane ruth julie olivia joyce virginia kelly christina lauren joan evelyn judith megan andrea cheryl
hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail alice judy
sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie brittany
charlotte marie kayla alexis lori priya rahul anil sanjay deepak anjali sergei dmitri olga elena
natalia ivan mikhail hans klaus stefan wolfgang jurgen francois pierre jean-pierre claire sophie
mei emily alex lena fatima ahmed mohammed omar ali hassan`)

// notFamilyEN are capitalised words after a given name that are not a
// family name.
var notFamilyEN = set(`the and of for in on at to by with from university college institute school
department office lab labs said says told asked wrote foundation street road avenue`)

// surnamesEN are common family names read when a word before them puts a
// person there ("per Smith's email", "J. Walker asked"); words that are
// mostly something else (King, Green, White, Young) are left out.
var surnamesEN = set(`smith johnson williams jones garcia miller davis rodriguez martinez hernandez lopez
gonzalez wilson anderson taylor jackson thompson harris sanchez clark ramirez lewis robinson walker
allen wright torres nguyen flores adams nelson rivera campbell mitchell carter roberts becker schmidt
mueller fischer weber wagner cohen goldberg kowalski ivanov petrov obrien murphy kelly sullivan
patel singh kumar chen wang zhang liu kim park choi lau wong`)

// historicalNamesEN are persons of public history, named as history is
// (a short list, like historicalNames).
var historicalNamesEN = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{"klaus fuchs", "marie curie", "albert einstein", "alan turing", "robert oppenheimer",
		"isaac newton", "charles darwin", "julius rosenberg", "ethel rosenberg", "george washington",
		"abraham lincoln", "john kennedy", "thomas edison", "benjamin franklin", "niels bohr", "enrico fermi",
		"david hilbert", "wernher braun", "theodore hall", "harry gold", "george koval"} {
		m[n] = true
	}
	return m
}()

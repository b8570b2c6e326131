package guard

import (
	"strings"
	"unicode/utf8"
)

// Label-and-value rules: "Nationality: CN", "Country of citizenship of the
// applicants — PRC", "Nat.: CN", "国籍は中国", "国籍 中国", "国籍→中国",
// "Гражданство: КНР", "الجنسية: ...". A label with a strong separator (colon,
// equals, arrow, dash, bar) is refused whatever follows, unless what follows
// is a denial ("not considered", 不問); with a weak one (a space, "is", は,
// が) only when a country, people, code or document number follows.

// label is a phrase that names a protected attribute.
type label struct {
	words []string // tokens, for Latin, Cyrillic and Arabic labels
	rule  string
	// abbrev labels ("nat", "pob") need a country or code as their value.
	abbrev bool
	// short: the value must be short (bare "visa", "faith", "race", "born"
	// have other senses in headings).
	short bool
	// personOnly: "country of origin" is refused only about a person.
	personOnly bool
}

var latinLabels = func() map[string][]label {
	m := make(map[string][]label)
	add := func(rule string, flags string, phrases ...string) {
		for _, p := range phrases {
			l := label{words: strings.Fields(p), rule: rule}
			l.abbrev = strings.Contains(flags, "a")
			l.short = strings.Contains(flags, "s")
			l.personOnly = strings.Contains(flags, "p")
			m[l.words[0]] = append(m[l.words[0]], l)
		}
	}
	add(ruleNationality, "", "nationality", "nationalities", "citizenship", "citizenships",
		"country of citizenship", "countries of citizenship", "citizenship status", "national origin",
		"nation of origin", "kokuseki", "nationalite", "nacionalidad", "nazionalita", "nationalitat",
		"staatsangehorigkeit", "staatsburgerschaft", "citoyennete", "ciudadania", "гражданство",
		"национальность", "подданство", "الجنسية", "جنسية", "الجنسيه", "home country", "citizen of", "kokuseki betsu")
	add(ruleNationality, "a", "nat", "natl", "ctzn", "cit", "nat'l", "nation")
	add(ruleNationality, "p", "country of origin", "origin country", "origin", "country", "place of origin")
	add(ruleEthnicity, "", "ethnicity", "ethnicities", "ethnic origin", "ethnic group", "ethnic background",
		"ethnic identity", "minzoku", "jinshu", "этническая принадлежность", "этничность", "الأصل العرقي", "العرقية", "ethnie", "etnia")
	add(ruleRace, "s", "race", "racial group", "racial background", "раса", "العرق")
	add(ruleReligion, "", "religion", "religious affiliation", "religious belief", "religious beliefs",
		"религия", "вероисповедание", "الديانة", "الدين", "konfession", "religionszugehorigkeit")
	add(ruleReligion, "s", "faith", "creed", "denomination")
	add(ruleBirthplace, "", "birthplace", "place of birth", "country of birth", "city of birth",
		"birth country", "birth city", "birth place", "hometown", "home town", "native country",
		"native place", "место рождения", "مكان الميلاد", "محل الميلاد", "geburtsort", "lieu de naissance",
		"lugar de nacimiento", "born in", "shusshin", "shushin", "shusshinkoku", "shusshinchi", "shusseichi")
	add(ruleBirthplace, "a", "pob")
	add(ruleBirthplace, "s", "born")
	add(ruleImmigrationStatus, "", "visa status", "visa type", "visa category", "visa class",
		"immigration status", "residence status", "residency status", "resident status",
		"status of residence", "period of stay", "residence permit", "work permit", "visa holder",
		"вид на жительство", "التأشيرة", "تأشيرة", "الإقامة", "aufenthaltstitel", "zairyu shikaku", "zairyuu shikaku",
		"zairyuu kikan", "zairyu kikan")
	add(ruleImmigrationStatus, "s", "visa", "виза", "immigration")
	add(ruleIdentityDocument, "", "passport number", "passport no", "passport num", "passport id",
		"residence card", "residence card number", "residence card no", "my number", "mynumber",
		"national id", "national id number", "id card number", "номер паспорта", "رقم جواز السفر",
		"رقم الجواز", "جواز السفر", "reisepass", "personalausweis", "zairyu card", "zairyu kado", "zairyuu kaado", "zairyuu kaado bangou",
		"zairyu kado bango", "ryoken bangou", "ryoken bango", "pasupooto bangou")
	add(ruleIdentityDocument, "s", "passport", "паспорт")
	return m
}()

// qualifierWords may stand between a label and its separator: "Country of
// citizenship of the applicants:", "Nationality (self-reported):".
var qualifierWords = set(`of the a an for on in as per if any each all self reported declared listed
stated iso code codes holder holders current former primary secondary applicant applicants researcher
breakdown distribution split mix profile summary count counts data details info information field
statistics stats by group groups
researchers student students person persons people individual individuals scholar scholars visitor
visitors staff member members employee employees candidate candidates pi dr prof professor mr ms
mrs visiting his her their`)

// strongSeparator reports whether the text between a label and its value
// separates them as a label: ":", "=", "→", " - ", "—", "|".
func strongSeparator(b string) bool {
	if strings.ContainsAny(b, ":=→⇒➔>|—–…") || strings.Contains(b, "...") {
		return true // "Nationality: CN", a form's dot leaders "Ethnicity ..... Han"
	}
	if i := strings.IndexByte(b, '-'); i >= 0 {
		return strings.ContainsAny(b, " \t") // "Nationality - CN", not "nationality-based"
	}
	return false
}

// denial reports whether a value starts by denying: "not considered", "n/a".
func denial(words []string) bool {
	if len(words) == 0 {
		return true
	}
	switch words[0] {
	case "not", "never", "irrelevant", "disregarded", "ignored":
		return true
	case "n":
		return len(words) > 1 && words[1] == "a"
	case "no":
		return len(words) > 1 && (words[1] == "restriction" || words[1] == "restrictions" || words[1] == "requirement" || words[1] == "factor" || words[1] == "role")
	}
	return false
}

// labelRules finds Latin, Cyrillic and Arabic labels among the tokens, and
// CJK labels in the string.
func (sc *scanner) labelRules() {
	toks := sc.toks
	for k := 0; k < len(toks); k++ {
		for _, l := range latinLabels[toks[k].w] {
			end := k + len(l.words)
			if end > len(toks) {
				continue
			}
			ok := true
			for x := 1; x < len(l.words); x++ {
				if toks[k+x].w != l.words[x] || strings.ContainsAny(sc.between(k+x-1), ".:;,\n") {
					ok = false
					break
				}
			}
			if ok {
				sc.latinLabel(k, end, l)
			}
		}
	}
}

func (sc *scanner) latinLabel(k, end int, l label) {
	toks := sc.toks
	// "listed China as (her) country of citizenship".
	if a := k - 1; a >= 1 && !l.abbrev && !l.personOnly {
		if w := sc.w(a); w == "his" || w == "her" || w == "their" || w == "the" {
			a--
		}
		if sc.w(a) == "as" {
			for m := a - 1; m >= 0 && m >= a-3; m-- {
				if sc.placeValue(m) {
					sc.add(l.rule, toks[m].i, toks[end-1].j)
					return
				}
			}
		}
	}
	if l.rule == ruleRace {
		if p := sc.w(k - 1); p == "arms" || p == "data" || p == "space" || p == "rat" || p == "the" || p == "a" {
			return
		}
	}
	// The label starts its clause: "Nationality: X", "- Nationality: X",
	// "... applicant. Nationality: X"; not "the lab's origin: a grant".
	if l.abbrev || l.personOnly {
		if k > 0 && !sc.sentenceBreak(k-1) && !strings.ContainsAny(sc.between(k-1), ",(•*-|/[{\"'") {
			return
		}
	}
	// Skip a qualifier: "of the applicants", "(self-reported)".
	p := end - 1 // the last token of the label and qualifier
	person := false
	paren := false
	for steps := 0; steps < 8; steps++ {
		b := sc.between(p)
		if strings.Contains(b, "(") {
			paren = true
		}
		if strings.Contains(b, ")") {
			paren = false
		}
		if !paren && strongSeparator(strings.ReplaceAll(b, ")", "")) {
			break
		}
		if p+1 >= len(toks) || strings.ContainsAny(b, "\n.;") && !paren {
			sc.weakLabel(k, end, l)
			return
		}
		w := toks[p+1].w
		if !paren && !qualifierWords[w] {
			sc.weakLabel(k, end, l)
			return
		}
		if personRefs[w] || personNouns[w] {
			person = true
		}
		p++
	}
	if !strongSeparator(strings.ReplaceAll(sc.between(p), ")", "")) {
		return
	}
	v := p + 1
	if v >= len(toks) || strings.Contains(sc.between(p), "\n") && !strings.ContainsAny(strings.TrimRight(sc.between(p), " \t"), ":=") {
		return
	}
	// The value, up to the end of its line or sentence.
	var value []string
	for m := v; m < len(toks) && len(value) < 12; m++ {
		value = append(value, toks[m].w)
		if sc.sentenceBreak(m) || strings.Contains(sc.between(m), "\n") {
			break
		}
	}
	if denial(value) {
		return
	}
	if l.abbrev && !sc.placeValue(v) {
		return
	}
	if l.short && len(value) > 6 {
		return
	}
	if l.personOnly {
		if l.words[0] == "country" || l.words[0] == "origin" {
			if len(l.words) == 1 && !person {
				return // "Country: JP" of an organisation
			}
		}
		if !person && !sc.personBefore(k, 10) || sc.goodsNear(k) {
			return
		}
	}
	sc.add(l.rule, toks[k].i, toks[v].j)
}

// weakLabel: "her nationality is Chinese", "Nationality Chinese", "passport
// TK1234567" — a label followed by a copula or a space and then a country,
// people, code or number.
func (sc *scanner) weakLabel(k, end int, l label) {
	if l.personOnly || l.short && l.rule != ruleIdentityDocument {
		return
	}
	m := end
	if strings.ContainsAny(sc.between(m-1), ".,;:()\n") {
		return
	}
	for copulas[sc.w(m)] || sc.w(m) == "a" || sc.w(m) == "an" || sc.w(m) == "the" {
		m++
	}
	if m >= len(sc.toks) {
		return
	}
	if l.rule == ruleIdentityDocument {
		if idLike(sc.toks[m].w) {
			sc.add(l.rule, sc.toks[k].i, sc.toks[m].j)
		}
		return
	}
	quoted := strings.ContainsAny(sc.between(m-1), "'\"‘“「")
	if l.rule == ruleImmigrationStatus && (quoted || sc.upper(m)) && m > end && !sc.negatedNear(k, m) {
		sc.add(l.rule, sc.toks[k].i, sc.toks[m].j)
		return
	}
	if sc.placeValue(m) && !sc.negatedNear(k, m) {
		if n := sc.w(m + 1); orgNouns[n] {
			return // "nationality Chinese university"?: not a value
		}
		sc.add(l.rule, sc.toks[k].i, sc.toks[m].j)
	}
}

// cjkLabel is a Japanese, Chinese or Korean label.
type cjkLabel struct {
	text string
	rule string
}

var cjkLabelList = []cjkLabel{
	{"国籍", ruleNationality}, {"國籍", ruleNationality}, {"市民権", ruleNationality}, {"公民身份", ruleNationality},
	{"国籍・地域", ruleNationality}, {"国籍(地域)", ruleNationality}, {"ビザの種類", ruleImmigrationStatus},
	{"在留資格の種類", ruleImmigrationStatus}, {"ビザ種類", ruleImmigrationStatus}, {"査証の種類", ruleImmigrationStatus}, {"국적", ruleNationality}, {"시민권", ruleNationality},
	{"出身国", ruleBirthplace}, {"出身地", ruleBirthplace}, {"出生地", ruleBirthplace}, {"出生国", ruleBirthplace},
	{"本籍", ruleBirthplace}, {"籍贯", ruleBirthplace}, {"籍貫", ruleBirthplace}, {"出身", ruleBirthplace},
	{"출생지", ruleBirthplace}, {"출신지", ruleBirthplace}, {"출신국", ruleBirthplace}, {"고향", ruleBirthplace},
	{"民族", ruleEthnicity}, {"민족", ruleEthnicity}, {"人種", ruleRace}, {"人种", ruleRace}, {"種族", ruleRace},
	{"인종", ruleRace}, {"宗教", ruleReligion}, {"信仰", ruleReligion}, {"宗派", ruleReligion}, {"종교", ruleReligion},
	{"在留資格", ruleImmigrationStatus}, {"在留期間", ruleImmigrationStatus}, {"在留期限", ruleImmigrationStatus},
	{"ビザ", ruleImmigrationStatus}, {"査証", ruleImmigrationStatus}, {"签证", ruleImmigrationStatus},
	{"簽證", ruleImmigrationStatus}, {"居留", ruleImmigrationStatus}, {"비자", ruleImmigrationStatus},
	{"체류자격", ruleImmigrationStatus}, {"체류 자격", ruleImmigrationStatus}, {"ビザ種別", ruleImmigrationStatus},
	{"旅券の番号", ruleIdentityDocument}, {"パスポートの番号", ruleIdentityDocument}, {"在留カードの番号", ruleIdentityDocument},
	{"旅券番号", ruleIdentityDocument}, {"旅券", ruleIdentityDocument}, {"パスポート番号", ruleIdentityDocument},
	{"パスポート", ruleIdentityDocument}, {"在留カード番号", ruleIdentityDocument}, {"在留カード", ruleIdentityDocument},
	{"护照号码", ruleIdentityDocument}, {"护照", ruleIdentityDocument}, {"護照", ruleIdentityDocument},
	{"身份证", ruleIdentityDocument}, {"여권번호", ruleIdentityDocument}, {"여권", ruleIdentityDocument},
	{"マイナンバー", ruleIdentityDocument}, {"個人番号", ruleIdentityDocument},
	{"運転免許証番号", ruleIdentityDocument}, {"免許証番号", ruleIdentityDocument},
	{"コクセキ", ruleNationality}, {"シュッシン", ruleBirthplace}, {"外国人登録番号", ruleIdentityDocument}, {"外国人登録証明書番号", ruleIdentityDocument}, {"外国人登録証", ruleIdentityDocument},
}

// cjkQualifiers may stand between a label and its separator.
var cjkQualifiers = []string{"別の内訳", "別内訳", "別の人数", "別人数", "の内訳", "内訳", "別", "構成", "情報", "区分", "一覧", "分布", "分布为", "构成"}

// visaKindsJA are statuses of residence written as a value: 在留資格は留学.
var visaKindsJA = []string{"留学", "就労", "研究", "家族滞在", "永住", "定住", "特定活動", "高度専門職", "技術・人文知識",
	"教授", "短期滞在", "特別永住", "日本人の配偶者", "文化活動", "研修", "技能実習", "特定技能", "経営・管理"}

// cjkLabels finds CJK labels followed by a separator and a value.
func (sc *scanner) cjkLabels() {
	cjkLabelMatcher.each(sc.s, func(pi, i int) {
		l := cjkLabelList[pi]
		sc.cjkLabel(l, i, i+len(l.text))
	})
}

var cjkLabelMatcher = func() *multiMatcher {
	pats := make([]string, len(cjkLabelList))
	for i, l := range cjkLabelList {
		pats[i] = l.text
	}
	return newMultiMatcher(pats)
}()

func (sc *scanner) cjkLabel(l cjkLabel, i, j int) {
	s := sc.s
	// A longer label that contains this one (出身国 ⊃ 出身, 旅券番号 ⊃ 旅券)
	// is read on its own.
	if strings.HasPrefix(s[j:], "国") || strings.HasPrefix(s[j:], "地") || strings.HasPrefix(s[j:], "番号") ||
		strings.HasPrefix(s[j:], "・地域") || strings.HasPrefix(s[j:], "種別") || strings.HasPrefix(s[j:], "号码") ||
		strings.HasPrefix(s[j:], "번호") {
		return
	}
	// A column of a table pasted as text: 氏名\t所属\t国籍 over rows of
	// values. The table collects the attribute of everyone in it.
	if tableCellAt(s, i, j) {
		sc.add(l.rule, i, j)
		return
	}
	rest := s[j:]
	// Skip a qualifier: 国籍別の内訳：…, 国籍情報：…
	for _, q := range cjkQualifiers {
		if strings.HasPrefix(rest, q) {
			rest = rest[len(q):]
			break
		}
	}
	// Skip a qualifier in brackets: 国籍（自己申告）：…
	if strings.HasPrefix(rest, "(") {
		if k := strings.IndexByte(rest, ')'); k > 0 && k < 40 {
			rest = rest[k+1:]
		}
	}
	trimmed := strings.TrimLeft(rest, " \t")
	spaced := len(trimmed) < len(rest)
	strong := false
	weakParticle := false
	for _, sep := range []string{":", "=", "→", "⇒", "->", "=>", ">", "|", "-", "—", "–", "ー", "〜", "「", "『", "["} {
		if strings.HasPrefix(trimmed, sep) {
			trimmed = strings.TrimLeft(trimmed[len(sep):], " \t-")
			strong = sep != "ー" || spaced
			weakParticle = !strong
			break
		}
	}
	if !strong {
		for _, p := range []string{"は", "が", "も", "为", "為", "是", "은", "는", "이", "가", "を"} {
			if strings.HasPrefix(trimmed, p) {
				trimmed = strings.TrimLeft(trimmed[len(p):], " \t、,「『\"'")
				weakParticle = true
				break
			}
		}
	}
	// An organisation's "nationality" (country of incorporation): 当該企業の国籍.
	if hasAnySuffix(s[:i], orgBeforeLabel) {
		return
	}
	if !strong && !weakParticle && !spaced {
		// Right after the label: an identity number (パスポートTZ1234567) or,
		// for Chinese and Korean, a place (国籍中国) is still a value.
		if !(l.rule == ruleIdentityDocument && idPrefix(trimmed) > 0) && !(l.rule != ruleImmigrationStatus && cjkPlaceAt(trimmed) > 0) {
			return
		}
	}
	if trimmed == "" || strings.HasPrefix(trimmed, "\n") {
		return
	}
	value := trimmed
	if n := strings.IndexAny(value, "\n。；;"); n >= 0 {
		value = value[:n]
	}
	if cjkDenial(value) {
		return
	}
	end := j + (len(s[j:]) - len(trimmed))
	vEnd := end + firstWordLen(trimmed)
	switch {
	case strong:
		// Prose that uses the word as a topic, not a label: "宗教: 関連する
		// 事案はない" is a denial (handled above); anything else is a value.
	case l.rule == ruleIdentityDocument:
		if n := idPrefix(trimmed); n > 0 {
			vEnd = end + n
			break
		}
		return
	case l.rule == ruleImmigrationStatus && hasAnyPrefix(trimmed, visaKindsJA):
	case l.rule == ruleImmigrationStatus && (l.text == "在留期限" || l.text == "在留期間") && trimmed[0] >= '0' && trimmed[0] <= '9':
	case l.rule == ruleReligion && hasAnyPrefix(trimmed, religionsJA):
	case l.rule == ruleEthnicity && strings.Contains(prefixRunes(trimmed, 6), "族"):
	case cjkPlaceAt(trimmed) > 0:
		vEnd = end + cjkPlaceAt(trimmed)
	default:
		// A Latin country code or demonym: 国籍 CN, 国籍は Chinese.
		if w := latinWord(trimmed); w != "" && (demonyms[w] || countries[w] || len(w) == 2 && sc.t.isUpper(end)) {
			vEnd = end + len(w)
			break
		}
		return
	}
	sc.add(l.rule, i, min(vEnd, len(s)))
}

// religionsJA are religions written as a value: 宗教はキリスト教.
var religionsJA = []string{"キリスト教", "イスラム教", "イスラーム", "仏教", "ユダヤ教", "ヒンドゥー教", "無宗教", "カトリック",
	"プロテスタント", "神道", "基督教", "伊斯兰教", "佛教", "기독교", "불교", "이슬람", "천주교"}

// prefixRunes returns the first n characters of s.
func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// cjkDenial reports whether a value denies: 不問, 問わない, 考慮していない.
func cjkDenial(v string) bool {
	head := v
	if utf8.RuneCountInString(head) > 16 {
		r := []rune(head)
		head = string(r[:16])
	}
	for _, n := range cjkNegations {
		if strings.Contains(head, n) {
			return true
		}
	}
	return strings.HasPrefix(v, "not ") || strings.HasPrefix(v, "n/a")
}

// orgBeforeLabel, right before a label, make it an organisation's:
// 企業の国籍 is where a company is incorporated.
var orgBeforeLabel = []string{"企業の", "会社の", "法人の", "機関の", "団体の", "大学の", "企業", "法人", "公司的", "기업의", "회사의"}

func hasAnySuffix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// idPrefix returns the length of a document number at the start of s, or 0.
func idPrefix(s string) int {
	n := 0
	for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] >= 'a' && s[n] <= 'z') {
		n++
	}
	if idLike(s[:n]) {
		return n
	}
	return digitGroups(s)
}

// digitGroups returns the length of a number written in groups at the start
// of s (個人番号 1234 5678 9012, 1234-5678-9012): two or more groups of digits
// joined by one space or hyphen, eight or more digits in all; or 0.
func digitGroups(s string) int {
	n, end, digits, groups := 0, 0, 0, 0
	for {
		g := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
			g++
		}
		if g == 0 {
			break
		}
		digits += g
		groups++
		end = n
		if n+1 < len(s) && (s[n] == ' ' || s[n] == '-') && s[n+1] >= '0' && s[n+1] <= '9' {
			n++
			continue
		}
		break
	}
	if groups >= 2 && digits >= 8 {
		return end
	}
	return 0
}

// latinWord returns the Latin word at the start of s.
func latinWord(s string) string {
	n := 0
	for n < len(s) && s[n] >= 'a' && s[n] <= 'z' {
		n++
	}
	return s[:n]
}

// firstWordLen is the length of the first run of non-space characters, at
// most 8 characters.
func firstWordLen(s string) int {
	n, c := 0, 0
	for n < len(s) && c < 8 {
		r, size := utf8.DecodeRuneInString(s[n:])
		if r == ' ' || r == '\n' || r == '、' || r == '。' || r == ',' {
			break
		}
		n += size
		c++
	}
	return n
}

// cjkPlaceAt returns the length of a gazetteer place at the start of s.
func cjkPlaceAt(s string) int {
	best := 0
	for _, p := range cjkPlaces {
		if len(p) > best && strings.HasPrefix(s, p) {
			best = len(p)
		}
	}
	return best
}

// cjkPlaceBefore returns the gazetteer place that ends at s[:i], or "".
func cjkPlaceBefore(s string, i int) string {
	best := ""
	head := s[:i]
	if strings.HasSuffix(head, " ") && i+1 < len(s) && s[i] >= 0xea {
		head = head[:len(head)-1] // Korean spaces words: 중국 국적
	}
	for _, p := range cjkPlaces {
		if len(p) > len(best) && strings.HasSuffix(head, p) {
			best = p
		}
	}
	return best
}

package guard

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Detectors for personal data in free text. They run on the NFKC form of
// every string value, so full-width "０３－１２３４－５６７８" and "＠" are seen
// as their ASCII forms. They flag (ask for confirmation); they never refuse.

var (
	reORCID = regexp.MustCompile(`(?i)(?:https?://)?(?:www\.)?(?:orcid\.org/)?\b\d{4}-\d{4}-\d{4}-\d{3}[\dX]\b`)
	reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}` +
		`|[A-Za-z0-9._%+\-]+\s*[\[(]\s*at\s*[\])]\s*[A-Za-z0-9\-]+(?:\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*[A-Za-z0-9\-]+)+`)
	// Phone shapes. Each candidate is also checked for its boundaries and its
	// digit count, so dates (2025-01-15), periods, versions, IP addresses and
	// ORCID iDs do not match.
	rePhones = []*regexp.Regexp{
		regexp.MustCompile(`\+\d{1,3}(?:[ .\-]?\(?\d{1,4}\)?){2,5}`),               // +81-3-1234-5678, +1 (555) 123-4567
		regexp.MustCompile(`0\d{1,4}(?:-|\(| )\d{1,4}(?:-|\)| )\d{3,4}`),           // 03-1234-5678, 090-1234-5678, 03(1234)5678
		regexp.MustCompile(`\(\d{3}\) ?\d{3}[\-. ]\d{4}`),                          // (555) 123-4567
		regexp.MustCompile(`[2-9]\d{2}[\-.]\d{3}[\-.]\d{4}`),                       // 555-123-4567
		regexp.MustCompile(`0[5789]0\d{8}`),                                        // 09012345678
		regexp.MustCompile(`\(0\d{1,4}\) ?\d{1,4}-\d{3,4}`),                        // (03) 1234-5678
		regexp.MustCompile(`(?i)(?:電話|携帯|tel|phone|fax)(?:番号)?\.? ?:? ?0\d{9,10}`), // 電話番号 0312345678
	}
	// A date of birth in prose: "(1985年3月12日生)", "DOB 1979-07-21",
	// "born on 12 March 1985". As a field or a "DOB:" label it is read by the
	// label rules; here it has no label.
	reDateOfBirth = regexp.MustCompile(`(?:\d{4}|(?:昭和|平成|令和)\d{1,2}|(?:昭和|平成|令和)元)年\d{1,2}月\d{1,2}日 ?(?:生まれ|生|出生)` +
		`|(?i)\b(?:dob|d\.o\.b\.?|date of birth|born on|born)\s*[:(]?\s*(?:\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})`)
	// Honorific + capitalised word(s): "Dr. Jane Smith", "Prof Yamada", "Ms Tanaka".
	reHonorific = regexp.MustCompile(`\b(?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx|Miss|Sir|Dame)\.?\s+(?:[A-Z]\.\s*)*[A-Z][\p{L}'’\-]+`)
	// A romanised name before a Japanese honorific: "Zhang Wei 博士",
	// "Tanaka 教授", "Smith氏".
	reLatinCJKHonorific = regexp.MustCompile(`\b[A-Z][a-z]+(?: [A-Z][a-z]+){0,2} ?(?:氏|さん|様|准教授|教授|博士|先生|助教|講師)`)
	// Romanised Japanese honorific suffix: "Yamada-sensei", "Tanaka-san".
	reRomajiHonorific = regexp.MustCompile(`\b[A-Z][a-z]+-(?:san|sama|sensei|kun|hakase|shi)\b`)
	// A CJK name-like run followed by an honorific: 田中氏, 山田太郎教授, スミス様, 王先生, 김민수 씨.
	// A space may stand inside the name and before the honorific: 中村 由美 先生.
	reCJKHonorific = regexp.MustCompile(`([\p{Han}\p{Katakana}ー・]{1,8}(?: [\p{Han}\p{Katakana}ー・]{1,8})?) ?(氏|さん|様|さま|准教授|教授|博士|先生|女士|君|くん|助教|講師)` +
		`|([\p{Hangul}]{2,4}) ?(씨|교수님|박사님|선생님|님)`)
)

// notNameBefore are CJK runs before an honorific that make it a role or a
// reference, not a name: 客員教授 (visiting professor), 同氏 (the said person),
// 工学博士 (Doctor of Engineering).
var notNameBefore = []string{"客員", "特任", "名誉", "准", "副", "招聘", "非常勤", "兼任", "主任", "担当",
	"指導", "大学", "学部", "研究科", "研究所", "同", "当該", "各", "某", "両", "諸", "本", "上記", "前記",
	"学", "外国人", "海外", "国内", "研究", "若手", "教", "元", "現", "前", "旧"}

// personalHit is personal data of one kind found in text: how many, and
// where the first is (a byte of text).
type personalHit struct {
	rule string
	i, n int
}

// ranksBeforeTitle are ranks written between a name and 教授 or 講師.
var ranksBeforeTitle = []string{"准", "特任", "客員", "名誉", "副", "招聘", "非常勤", "兼任", "主任", "特命"}

// textFindings returns the personal data found in text, one entry a rule in
// the order e-mail, ORCID, phone, date of birth, name. names=false skips personal-name
// detection (for fields that hold organisation names).
func textFindings(text string, names bool) []personalHit {
	var found []personalHit
	note := func(rule string, i int) {
		for k := range found {
			if found[k].rule == rule {
				found[k].n++
				found[k].i = min(found[k].i, i)
				return
			}
		}
		found = append(found, personalHit{rule, i, 1})
	}
	masked := text
	// mask notes the matches of re and blanks them out, so that a later
	// detector does not see them again (an ORCID iD is not a phone number).
	mask := func(re *regexp.Regexp, rule string, ok func(s string, i, j int) bool) {
		var b strings.Builder
		last := 0
		for _, loc := range re.FindAllStringIndex(masked, -1) {
			if ok != nil && !ok(masked, loc[0], loc[1]) {
				continue
			}
			note(rule, loc[0])
			b.WriteString(masked[last:loc[0]])
			b.WriteString(strings.Repeat("x", loc[1]-loc[0]))
			last = loc[1]
		}
		if last > 0 {
			b.WriteString(masked[last:])
			masked = b.String()
		}
	}
	// Cheap tests first: most text has no '@', few digits and no honorific,
	// and the regular expressions below cost far more than these scans.
	tf := factsOfText(text)
	digits := tf.digits
	if digits >= 15 {
		mask(reORCID, ruleORCID, digitBounded)
	}
	if strings.Contains(masked, "@") || strings.Contains(masked, "[at]") || strings.Contains(masked, "(at)") || strings.Contains(masked, "[ at ]") {
		mask(reEmail, ruleEmail, nil)
	}
	// A phone number has at least ten digits, or eight after a "+" (see
	// phoneLike); dates and versions have fewer.
	if digits >= 10 || digits >= 8 && strings.Contains(masked, "+") {
		for _, re := range rePhones {
			mask(re, rulePhone, phoneLike)
		}
	}
	if digits >= 3 && containsAny(masked, dobHints) {
		mask(reDateOfBirth, ruleDateOfBirth, nil)
	}
	for _, i := range personalIDAt(masked, tf) {
		note(rulePersonalID, i)
	}
	for _, h := range englishPersonal(masked, names, tf) {
		note(h.rule, h.i)
	}
	if names {
		for _, i := range nameHits(masked, tf) {
			note(rulePersonalName, i)
		}
		for _, i := range relativeAt(masked, tf) {
			note(rulePersonalRelation, i)
		}
		// 出席者：山田、田中（敬称略）: "honorifics omitted" follows names.
		if i := strings.Index(masked, "敬称略"); i >= 0 {
			note(rulePersonalName, i)
		}
		if tf.colon || tf.nonASCII || strings.ContainsAny(masked, ",\t|") {
			if i, _ := tableColumns(masked); i >= 0 {
				note(rulePersonalName, i)
			}
		}
		if containsAny(masked, honorificHints) {
			for _, loc := range reHonorific.FindAllStringIndex(masked, -1) {
				note(rulePersonalName, loc[0])
			}
		}
		if strings.Contains(masked, "-") {
			for _, loc := range reRomajiHonorific.FindAllStringIndex(masked, -1) {
				note(rulePersonalName, loc[0])
			}
		}
		if tf.nonASCII && containsAny(masked, cjkHonorificHints) {
			for _, loc := range reLatinCJKHonorific.FindAllStringIndex(masked, -1) {
				if latinCJKName(masked, loc) {
					note(rulePersonalName, loc[0])
				}
			}
			for _, m := range reCJKHonorific.FindAllStringSubmatchIndex(masked, -1) {
				if cjkName(masked, m) {
					note(rulePersonalName, m[0])
				}
			}
		}
	}
	return found
}

// dobHints are substrings without which reDateOfBirth cannot match.
// (生 alone is in 学生 and 発生: the day must come right before it.)
var dobHints = []string{"日生", "日 生", "日出生", "orn", "ORN", "ob", "OB", "irth", "IRTH", "o.b", "O.B"}

// honorificHints and cjkHonorificHints are substrings without which the
// honorific expressions cannot match; they only decide whether to run them.
var (
	honorificHints    = []string{"Dr", "Prof", "Mr", "Ms", "Mx", "Miss", "Sir", "Dame"}
	cjkHonorificHints = []string{"氏", "さん", "様", "さま", "教授", "博士", "先生", "女士", "君", "くん", "助教", "講師", "씨", "님"}
)

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// digitBounded reports whether s[i:j] is not part of a longer run of digits,
// letters or hyphens.
func digitBounded(s string, i, j int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			return false
		}
	}
	if j < len(s) {
		r, _ := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			return false
		}
	}
	return true
}

// phoneLike checks a phone candidate's surroundings and digit count.
func phoneLike(s string, i, j int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsDigit(r) || strings.ContainsRune("-./+_", r) || unicode.IsLetter(r) && !phoneLabelEnd(s[:i]) {
			return false
		}
	}
	if j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-/_", r) {
			return false
		}
		if r == '.' && j+size < len(s) {
			if n, _ := utf8.DecodeRuneInString(s[j+size:]); unicode.IsDigit(n) {
				return false
			}
		}
	}
	digits := 0
	for _, r := range s[i:j] {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if strings.HasPrefix(s[i:j], "+") {
		return digits >= 8 && digits <= 15
	}
	return digits >= 10 && digits <= 11
}

// phoneLabelEnd reports whether text ends with a phone label written without
// a space before the number: 電話番号0312345678, Tel03-….
func phoneLabelEnd(s string) bool {
	for _, l := range []string{"電話", "番号", "携帯", "tel", "Tel", "TEL", "phone", "Phone", "fax", "Fax", "FAX", "は", "先"} {
		if strings.HasSuffix(s, l) {
			return true
		}
	}
	return false
}

// cjkName decides whether a reCJKHonorific match is a name.
func cjkName(s string, m []int) bool {
	if m[2] < 0 { // Hangul alternative
		return true
	}
	run := s[m[2]:m[3]]
	honorific := s[m[4]:m[5]]
	// A rank between the name and the title: 鈴木准教授, 田中特任准教授,
	// 佐藤客員教授. Without a name before it (客員教授) it is a role.
	for stripped := true; stripped; {
		stripped = false
		for _, rank := range ranksBeforeTitle {
			if r := strings.TrimSuffix(run, rank); r != run && r != "" {
				run, stripped = r, true
			}
		}
	}
	for _, w := range notNameBefore {
		if strings.HasSuffix(run, w) {
			return false
		}
	}
	// The honorific must end the word: 様式 (form), 博士課程 (doctoral course)
	// and 教授会 (faculty meeting) are not honorifics.
	if m[5] < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[m[5]:]); unicode.Is(unicode.Han, r) && !hasAnyPrefix(s[m[5]:], afterNameJA) {
			return false
		}
	}
	// 氏 right after a single character is mostly a clan or a pronoun (彼氏).
	if honorific == "氏" && utf8.RuneCountInString(run) == 1 && strings.ContainsAny(run, "彼同某両") {
		return false
	}
	return true
}

// afterNameJA may follow an honorific in one word with it and leave it a
// name: 田中様方 (care of), 山田太郎氏提供資料 (provided by), 鈴木氏宅 (home).
var afterNameJA = []string{"方", "宅", "提供", "作成", "所有", "発言", "談", "記", "撮影", "所蔵", "寄贈"}

// labelsInText extracts the "Label" of each "Label: value" entry in text,
// for labels of at most 5 words (or 12 CJK characters) that a value follows.
func labelsInText(text string) []string {
	if !strings.ContainsAny(text, ":=：") {
		return nil
	}
	var labels []string
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != ':' && r != '：' && r != '=' {
			i += size
			continue
		}
		// A value must follow (not "http://" and not end of text).
		rest := strings.TrimLeft(text[i+size:], " \t")
		if rest == "" || strings.HasPrefix(rest, "//") || strings.HasPrefix(rest, "\n") {
			i += size
			continue
		}
		start := i
		if start > 0 && text[start-1] == '.' {
			start-- // "Passport No.: …"
		}
		for start > 0 {
			p, psize := utf8.DecodeLastRuneInString(text[:start])
			if strings.ContainsRune("\n\r.;,()[]{}\"|、。，；「」『』（）•*#>:：=", p) {
				break
			}
			start -= psize
			if i-start > 80 {
				break
			}
		}
		label := strings.TrimSpace(text[start:i])
		label = strings.TrimLeft(label, "-–— ")
		if label != "" {
			f := normName(label)
			if len(f.tokens) <= 5 && utf8.RuneCountInString(f.compact) <= 48 {
				labels = append(labels, label)
			}
		}
		i += size
	}
	return labels
}

// latinCJKName decides whether a reLatinCJKHonorific match is a name: the
// honorific must end the word (Tanaka 博士課程 is a course, as in cjkName).
func latinCJKName(s string, loc []int) bool {
	if loc[1] < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[loc[1]:]); unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// subjectNamesPerson reports whether an indicator subject's name is a
// person's: a name with a title or an honorific (Dr. Mei Chen, 山本 健一
// 准教授, Zhang Wei 博士) and no word for an organisation, so that "Dr.
// Reddy's Laboratories" and 野口英世記念財団 stay organisations.
func subjectNamesPerson(text string) bool {
	// A sole trader is a person, whatever the trade is called: "Kevin Lau
	// trading as KL Photonics", "Mei Chen (sole proprietor)".
	if reSoleTrader.MatchString(text) {
		return true
	}
	named := false
	for _, pd := range textFindings(text, true) {
		if pd.rule == rulePersonalName {
			named = true
		}
	}
	if !named {
		return false
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if (orgNouns[w] || orgNouns[strings.TrimSuffix(w, "s")]) && !personalOffice[w] {
			return false
		}
	}
	return !containsAny(text, orgWordsJA) && !containsAny(text, []string{"記念", "協会", "学会", "研究室", "センター", "株式", "有限"})
}

// reSoleTrader marks a business that is one person.
var reSoleTrader = regexp.MustCompile(`(?i)\b(?:trading as|t/a|d/b/a|doing business as|sole (?:proprietor|proprietorship|trader))\b`)

// personalOffice are organisation words that a person's own office or
// practice takes: "Prof. Hiroshi Tanaka Office" is the professor.
var personalOffice = set(`office offices practice`)

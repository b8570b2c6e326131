package guard

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Special-care personal information (要配慮個人情報, APPI Art. 2(3)) about a
// person: health and medical history, a criminal record or an arrest,
// political opinion and party membership, union membership, sexual
// orientation and gender identity, social or family origin, disability, and
// having been the victim of a crime. APPI lets it be acquired only with the
// person's consent (Art. 20(2)), which a federation of offices never has, and
// it is the information people are discriminated by, so a record carrying it
// is refused like a record carrying someone's origin.
//
// The reader is a list of terms, as the place gazetteer is (docs/DESIGN-NOTES.md,
// 2026-11-29): every finding is explainable in one line. A term that is about
// a person by itself (前科, 党員, "criminal record", "CCP member") is refused
// wherever it stands; a term that may be a topic (がん, うつ病, "depression",
// 在留期間) only in a sentence that names a person (当該研究員, 担当の准教授,
// "the postdoc", "she"). A sentence that denies it (問わない, "regardless of")
// or counts people (組合員数, 件数, "number of") passes, and a health term
// in a sentence about research (研究, 臨床, "programme", "trial") passes, so
// health-research programmes, union and party statistics, and
// non-discrimination statements are not refused.
//
// Three neighbouring forms are read here too, under their own rules: a
// religious body joined by a person (創価学会の会員, "a practising Jehovah's
// Witness"), a person's period of stay (在留期間の更新中, "status of residence
// of the researcher"), and origin told by circumstance (旧正月に帰省, "went
// home for the Spring Festival") or in romaji prose (gaikokujin kenkyuusha
// wa … kinshi).

const ruleSpecialCare = "special-care"

// Special-care categories, each with what a finding says it gives.
const (
	careHealth = iota
	careCriminal
	carePolitical
	careUnion
	careSexual
	careOrigin
	careDisability
	careVictim
)

var careWhat = [...]struct{ en, ja string }{
	careHealth:     {"a person's health or medical history", "人の病歴・健康状態"},
	careCriminal:   {"a person's criminal record or arrest", "人の犯罪歴・逮捕歴"},
	carePolitical:  {"a person's political opinion or party membership", "人の政治的信条・党籍"},
	careUnion:      {"a person's trade-union membership", "人の労働組合への加入"},
	careSexual:     {"a person's sexual orientation or gender identity", "人の性的指向・性自認"},
	careOrigin:     {"a person's social or family origin", "人の社会的身分・出自"},
	careDisability: {"a person's disability", "人の障害"},
	careVictim:     {"that a person was the victim of a crime", "人が犯罪の被害を受けた事実"},
}

// careTerm is one term of the reader.
type careTerm struct {
	term   string // NFKC; Latin terms lower-case words joined by single spaces
	rule   string // ruleSpecialCare, or the existing rule the term belongs to
	cat    int    // for ruleSpecialCare: what it gives
	person bool   // needs a person named in the sentence
	with   []string
	// with: one of these must also be in the sentence (創価学会 … 会員)
}

func jaTerms(rule string, cat int, person bool, with []string, terms string) []careTerm {
	var out []careTerm
	for _, t := range strings.Fields(terms) {
		out = append(out, careTerm{term: t, rule: rule, cat: cat, person: person, with: with})
	}
	return out
}

func enTerms(rule string, cat int, person bool, with []string, terms ...string) []careTerm {
	var out []careTerm
	for _, t := range terms {
		out = append(out, careTerm{term: t, rule: rule, cat: cat, person: person, with: with})
	}
	return out
}

var careTermsJA = concat(
	jaTerms(ruleSpecialCare, careHealth, false, nil, `病歴 既往歴 治療歴 持病 服薬中`),
	jaTerms(ruleSpecialCare, careHealth, true, nil, `通院 入院 休職 うつ病 鬱病 がんの治療 癌 糖尿病 てんかん 心臓の病気
精神疾患 統合失調症 双極性障害 適応障害 パニック障害 認知症 病気療養 健康診断の結果 HIV陽性 メンタル不調`),
	jaTerms(ruleSpecialCare, careCriminal, false, nil, `前科 逮捕歴 犯罪歴 補導歴 服役 有罪判決 容疑で逮捕 違反で逮捕 罪で逮捕 書類送検 逮捕され 起訴され`),
	jaTerms(ruleSpecialCare, careCriminal, true, nil, `逮捕 執行猶予`),
	jaTerms(ruleSpecialCare, carePolitical, false, nil, `党員 党籍 入党 支持政党 政治信条 思想信条`),
	jaTerms(ruleSpecialCare, carePolitical, true, nil, `反政府的な思想 政治的思想 政治的な思想 思想を持って`),
	jaTerms(ruleSpecialCare, careUnion, false, nil, `組合員 組合の執行委員 組合活動家`),
	jaTerms(ruleSpecialCare, careUnion, true, []string{"組合"}, `執行委員 書記長`),
	jaTerms(ruleSpecialCare, careSexual, false, nil, `同性愛 同性のパートナー 同性パートナー バイセクシュアル トランスジェンダー 性的指向 性自認 レズビアン 戸籍上の性別`),
	jaTerms(ruleSpecialCare, careOrigin, false, nil, `被差別部落 部落出身 同和地区出身`),
	jaTerms(ruleSpecialCare, careOrigin, true, nil, `出自 部落`),
	jaTerms(ruleSpecialCare, careDisability, false, nil, `障害者手帳 療育手帳 精神障害者保健福祉手帳 障害等級`),
	jaTerms(ruleSpecialCare, careDisability, true, nil, `知的障害 発達障害 精神障害 身体障害 聴覚障害 視覚障害 車椅子を使用 車いすを使用`),
	jaTerms(ruleSpecialCare, careVictim, true, nil, `ストーカー被害 性被害 犯罪被害 被害に遭 被害にあ`),
	jaTerms(ruleReligion, 0, false, nil, `入信 信徒 教徒`),
	jaTerms(ruleReligion, 0, true, []string{"会員", "信者", "入信", "属し", "属する", "熱心"}, `創価学会 幸福の科学 統一教会 エホバの証人 天理教 立正佼成会 霊友会 真如苑 宗教団体 教団`),
	jaTerms(ruleImmigrationStatus, 0, true, nil, `在留期間 在留期限 特定活動`),
	jaTerms(ruleNationality, 0, false, nil, `在日韓国人 在日朝鮮人 在日中国人 旧正月に帰省 春節に帰省 春節に帰国 旧正月に帰国`),
)

var careTermsEN = concat(
	enTerms(ruleSpecialCare, careHealth, false, nil, "medical history", "treated for", "diagnosed with", "sick leave",
		"hiv positive", "takes medication", "on medication", "mental illness", "hospitalised", "hospitalized"),
	enTerms(ruleSpecialCare, careHealth, true, nil, "depression", "cancer", "diabetes", "epilepsy", "bipolar",
		"schizophrenia", "dementia", "hiv"),
	enTerms(ruleSpecialCare, careCriminal, false, nil, "criminal record", "prior conviction", "arrest record",
		"was arrested", "been arrested", "were arrested", "convicted of", "conviction for", "served time",
		"police record"),
	enTerms(ruleSpecialCare, carePolitical, false, nil, "ccp member", "cpc member", "party member",
		"member of the communist party", "member of the chinese communist party", "registered republican",
		"registered democrat", "donor to the party", "party study session", "party study sessions",
		"political views", "political opinions"),
	enTerms(ruleSpecialCare, carePolitical, true, nil, "vote for the", "votes for the", "voted for the"),
	enTerms(ruleSpecialCare, careUnion, false, nil, "union member", "shop steward", "member of the union",
		"member of the staff union", "union activist"),
	enTerms(ruleSpecialCare, careSexual, false, nil, "openly gay", "is gay", "is lesbian", "is bisexual",
		"is transgender", "sexual orientation", "gender identity", "same sex partner"),
	enTerms(ruleSpecialCare, careOrigin, true, nil, "caste", "buraku"),
	enTerms(ruleSpecialCare, careDisability, false, nil, "is autistic", "has adhd", "has autism",
		"wheelchair user", "uses a wheelchair", "is deaf", "is blind", "learning disability"),
	enTerms(ruleSpecialCare, careVictim, true, nil, "victim of", "was assaulted", "was stalked"),
	enTerms(ruleReligion, 0, false, nil, "jehovah s witness", "practising catholic", "practicing catholic",
		"practising muslim", "practicing muslim", "practising jew", "practicing jew"),
	enTerms(ruleReligion, 0, true, []string{"member"}, "latter day saints"),
	enTerms(ruleImmigrationStatus, 0, true, nil, "status of residence", "period of stay"),
	enTerms(ruleNationality, 0, false, nil, "home for the spring festival", "home for spring festival",
		"home for the lunar new year", "home for lunar new year", "home for chuseok", "home for nowruz"),
)

func concat(lists ...[]careTerm) []careTerm {
	var out []careTerm
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// What must not follow a Japanese term for it to be about one person:
// 組合員数, 通院患者, 障害者雇用, 部落問題.
var careNotAfterJA = []string{"数", "率", "患者", "制度", "雇用", "支援", "対策", "統計", "調査", "研究", "問題", "差別", "解消", "法", "者数", "の数", "の割合", "の比率"}

// Sentences that deny or count: the term is not said of anyone.
var (
	careDenialJA = []string{"不問", "問わ", "収集しない", "収集していない", "収集せず", "記載しない", "記載していない",
		"差別", "考慮しない", "関係なく", "によらず", "尋ねない", "聞かない", "扱わない", "規程", "規定", "方針", "設けていない", "統計", "件数", "人数", "割合", "比率"}
	careDenialEN = []string{"regardless", "irrespective", "not collected", "not recorded", "do not ask", "does not ask",
		"never ask", "not collect", "never collect", "discriminat", "not a factor", "statistic", "survey", "percent", "number of", "rate of", "share of"}
	// A health term in a sentence about research is a research topic.
	careResearchJA = []string{"研究に", "研究を", "研究の", "研究で", "研究が", "研究基盤", "研究費", "臨床", "治験", "事業", "プログラム", "患者", "創薬", "ワクチン"}
	careResearchEN = []string{"research", "programme", "program", "trial", "study", "studies", "patients", "cohort",
		"vaccine", "consortium", "clinical"}
)

// An organisation's record is no person's. A criminal term in a sentence
// about an organisation and no person (前科のある企業, "the firm was
// convicted of export violations") is about the organisation; a party term
// too when the sentence counts people within one (当該企業の役員の一部は党員,
// "the board includes several CCP members"): an organisation's ties to a
// party are what research-security officers assess. A role that is one
// person (社長, "the CEO") keeps the term about that person.
var (
	careOrgJA       = []string{"企業", "会社", "同社", "当該社", "法人", "団体", "機関", "財団", "研究所", "メーカー", "取引先", "子会社"}
	careOneRoleJA   = []string{"社長", "会長", "代表取締役", "創業者", "理事長", "CEO", "ＣＥＯ"}
	careAggregateJA = []string{"一部", "複数", "多く", "数名", "大半", "半数", "過半"}
	careOrgEN       = set(`company companies corporation corp firm firms entity entities institute ltd inc co organisation organization
subsidiary manufacturer supplier vendor enterprise conglomerate board`)
	careOneRoleEN   = set(`ceo founder chairman chairwoman chairperson president`)
	careAggregateEN = set(`several some many most members`)
)

// careAboutOrgJA reports whether sent, holding a criminal or party term of
// category cat, is about an organisation rather than a person.
func careAboutOrgJA(cat int, sent string) bool {
	if (cat != careCriminal && cat != carePolitical) || !hasAnyWord(sent, careOrgJA) || hasAnyWord(sent, careOneRoleJA) || personInSentenceJA(sent) {
		return false
	}
	return cat == careCriminal || hasAnyWord(sent, careAggregateJA)
}

// careAboutOrgEN is careAboutOrgJA for the words lo..hi of ws.
func careAboutOrgEN(cat int, ws []enWord, lo, hi int) bool {
	if cat != careCriminal && cat != carePolitical {
		return false
	}
	org, agg := false, false
	for m := lo; m <= hi; m++ {
		w := ws[m].w
		if careOneRoleEN[w] || carePersonEN[w] {
			return false
		}
		org = org || careOrgEN[w]
		agg = agg || careAggregateEN[w]
	}
	return org && (cat == careCriminal || agg)
}

// Words that name a person in a sentence.
var (
	carePersonJA = []string{"当該", "本人", "彼女", "彼は", "彼が", "彼の", "者は", "者が", "者の", "者に", "者で",
		"研究員", "職員", "教員", "准教授", "教授", "助教", "講師", "院生", "学生", "ポスドク", "担当者", "担当の",
		"窓口", "責任者", "代表者", "代表は", "技術者", "顧問", "所長", "社員", "補佐員", "来訪者", "訪問者",
		"一人", "人物", "上司", "同僚", "部下", "氏", "さん", "私は", "私が"}
	// 職員 in 教職員組合, 教員 in 教員組合, 当該 in 当該企業: an organisation.
	carePersonNotBefore = []string{"組合", "会", "団体", "数", "企業", "法人", "機関", "財団", "研究所", "社", "大学", "メーカー"}
	carePersonEN        = set(`he she his her him i my applicant postdoc postdocs researcher researchers student students
professor lecturer lecturers technician engineer employee staff scholar manager assistant hire contact liaison
consultant colleague person agent candidate scientist officer director who whose someone one individual`)
)

var (
	careOnce     sync.Once
	careJA       *multiMatcher
	careAnchorEN map[string][]int // a term's longest word → indexes into careTermsEN
	careWordsEN  [][]string
	careAnchorAt []int // where in its term the anchor word is
	// careLenFirst marks the length and first letter of the anchor words
	// and of romajiForeign, so that most words are skipped without a lookup.
	careLenFirst [25][26]bool
)

func initCare() {
	pats := make([]string, len(careTermsJA))
	for i, t := range careTermsJA {
		pats[i] = t.term
	}
	careJA = newMultiMatcher(pats)
	careAnchorEN = make(map[string][]int)
	careWordsEN = make([][]string, len(careTermsEN))
	careAnchorAt = make([]int, len(careTermsEN))
	for i, t := range careTermsEN {
		ws := strings.Fields(t.term)
		careWordsEN[i] = ws
		a := 0
		for k, w := range ws {
			if len(w) > len(ws[a]) {
				a = k
			}
		}
		careAnchorAt[i] = a
		careAnchorEN[ws[a]] = append(careAnchorEN[ws[a]], i)
		careLenFirst[len(ws[a])][ws[a][0]-'a'] = true
	}
	for w := range romajiForeign {
		careLenFirst[len(w)][w[0]-'a'] = true
	}
}

// careHit is a term found about a person, at bytes [i, j) of the text.
type careHit struct {
	t    *careTerm
	i, j int
}

// specialCare returns the special-care terms said of a person in text (NFKC).
func specialCare(text string) []careHit {
	careOnce.Do(initCare)
	var hits []careHit
	if !isASCII(text) {
		careJA.each(text, func(pi, i int) {
			t := &careTermsJA[pi]
			j := i + len(t.term)
			if hasAnyPrefix(text[j:], careNotAfterJA) {
				return
			}
			if t.term == "部落" && (strings.HasPrefix(text[j:], "出身") || strings.HasSuffix(text[:i], "被差別")) {
				return // the longer term reads it
			}
			lo, hi := sentenceAround(text, i, j)
			sent := text[lo:hi]
			// 被差別部落 holds 差別 and is no denial.
			if hasAnyWord(strings.ReplaceAll(sent, "被差別", ""), careDenialJA) {
				return
			}
			if t.rule == ruleSpecialCare && t.cat == careHealth && hasAnyWord(sent, careResearchJA) {
				return
			}
			if t.with != nil && !hasAnyWord(sent, t.with) {
				return
			}
			if t.person && !personInSentenceJA(sent) {
				return
			}
			if t.rule == ruleSpecialCare && careAboutOrgJA(t.cat, sent) {
				return
			}
			hits = append(hits, careHit{t, i, j})
		})
	}
	hits = append(hits, specialCareEN(text)...)
	return hits
}

// sentenceAround returns the bounds of the sentence holding [i, j): up to
// 。！？ or a line break (a hearing note's answer is its own line).
func sentenceAround(text string, i, j int) (int, int) {
	lo := strings.LastIndexAny(text[:i], "。！？!?\n")
	if lo < 0 {
		lo = 0
	} else {
		_, n := utf8.DecodeRuneInString(text[lo:])
		lo += n
	}
	hi := strings.IndexAny(text[j:], "。！？!?\n")
	if hi < 0 {
		hi = len(text)
	} else {
		hi += j
	}
	return lo, hi
}

func personInSentenceJA(sent string) bool {
	for _, p := range carePersonJA {
		for k := 0; ; {
			x := strings.Index(sent[k:], p)
			if x < 0 {
				break
			}
			end := k + x + len(p)
			if !hasAnyPrefix(sent[end:], carePersonNotBefore) {
				return true
			}
			k = end
		}
	}
	return false
}

// enWord is a lower-case ASCII word of the text and where it is.
type enWord struct {
	w    string
	i, j int
	stop bool // a sentence ends after it
}

// specialCareEN reads the Latin words of text. A first pass only asks
// whether a term's longest word is there ("arrested", not "was"), so most
// prose costs one scan of its bytes.
func specialCareEN(text string) []careHit {
	any := false
	var buf [24]byte
	for i := 0; i < len(text) && !any; {
		c := text[i]
		if !isAlnumASCII(c) {
			// A character of several bytes is skipped whole.
			switch {
			case c >= 0xF0:
				i += 4
			case c >= 0xE0:
				i += 3
			case c >= 0xC0:
				i += 2
			default:
				i++
			}
			continue
		}
		j := i + 1
		for j < len(text) && isAlnumASCII(text[j]) {
			j++
		}
		if l, f := j-i, c|0x20; l < len(careLenFirst) && f >= 'a' && f <= 'z' && careLenFirst[l][f-'a'] {
			w := lowerInto(buf[:0], text[i:j])
			_, ok := careAnchorEN[string(w)]
			any = ok || romajiForeign[string(w)]
		}
		i = j
	}
	if !any {
		return nil
	}
	var ws []enWord
	eachASCIIWord(text, func(i, j int) bool {
		if n := len(ws); n > 0 {
			if gap := text[ws[n-1].j:i]; strings.ContainsAny(gap, "!?;\n。！？") || strings.Contains(gap, ". ") {
				ws[n-1].stop = true
			}
		}
		ws = append(ws, enWord{w: strings.ToLower(text[i:j]), i: i, j: j})
		return true
	})
	var hits []careHit
	for k := range ws {
		for _, ti := range careAnchorEN[ws[k].w] {
			terms := careWordsEN[ti]
			start := k - careAnchorAt[ti]
			if start < 0 || !wordsAt(ws, start, terms) {
				continue
			}
			t := &careTermsEN[ti]
			end := start + len(terms) - 1
			lo, hi := sentenceWords(ws, start, end)
			if careExcludedEN(t, ws, start, end, lo, hi) {
				continue
			}
			hits = append(hits, careHit{t, ws[start].i, ws[end].j})
		}
	}
	if h, ok := romajiSinglingOut(ws); ok {
		hits = append(hits, h)
	}
	return hits
}

func careExcludedEN(t *careTerm, ws []enWord, k, end, lo, hi int) bool {
	sent := sentenceText(ws, lo, hi)
	for _, d := range careDenialEN {
		if strings.Contains(sent, d) {
			return true
		}
	}
	if t.rule == ruleSpecialCare && t.cat == careHealth {
		for _, d := range careResearchEN {
			if strings.Contains(sent, d) {
				return true
			}
		}
	}
	prev := ""
	if k > 0 && !ws[k-1].stop {
		prev = ws[k-1].w
	}
	next := ""
	if end+1 < len(ws) && !ws[end].stop {
		next = ws[end+1].w
	}
	switch t.term {
	case "party member":
		// "a third-party member institution", "a working party member"
		if prev == "third" || prev == "working" || prev == "3rd" || prev == "consortium" {
			return true
		}
	case "status of residence", "period of stay":
		if next == "system" || next == "systems" || next == "category" || next == "categories" || next == "rules" {
			return true
		}
	case "victim of":
		if next != "a" && next != "an" && next != "stalking" && next != "assault" && next != "fraud" && next != "crime" && next != "theft" {
			return true // "a victim of its own success"
		}
	case "vote for the", "votes for the", "voted for the":
		found := false
		for m := end + 1; m <= end+5 && m < len(ws); m++ {
			if ws[m].w == "party" {
				found = true
				break
			}
			if ws[m-1].stop {
				break
			}
		}
		if !found {
			return true
		}
	}
	if t.rule == ruleSpecialCare && careAboutOrgEN(t.cat, ws, lo, hi) {
		return true
	}
	if t.with != nil {
		ok := false
		for m := lo; m <= hi; m++ {
			for _, w := range t.with {
				if ws[m].w == w {
					ok = true
				}
			}
		}
		if !ok {
			return true
		}
	}
	if t.person {
		ok := false
		for m := lo; m <= hi; m++ {
			if carePersonEN[ws[m].w] {
				ok = true
				break
			}
		}
		if !ok {
			return true
		}
	}
	return false
}

// romajiForeign and romajiRestrict: people singled out for being foreign
// in romaji prose — "gaikokujin kenkyuusha wa nyuushitsu kinshi",
// "gaikokuseki no kenkyuuin ni wa tsuika no shinsa".
var (
	romajiForeign  = set(`gaikokujin gaikokuseki ryuugakusei ryugakusei gaikokujinkenkyuusha`)
	romajiRestrict = set(`kinshi seigen jogai kanshi youchuui yochui shinsa chuui`)
)

func romajiSinglingOut(ws []enWord) (careHit, bool) {
	for k := range ws {
		if !romajiForeign[ws[k].w] {
			continue
		}
		lo, hi := sentenceWords(ws, k, k)
		for m := lo; m <= hi; m++ {
			if romajiRestrict[ws[m].w] && !(m+1 <= hi && (ws[m+1].w == "shinai" || ws[m+1].w == "nashi")) {
				return careHit{&romajiTerm, ws[k].i, ws[k].j}, true
			}
		}
	}
	return careHit{}, false
}

var romajiTerm = careTerm{term: "gaikokujin", rule: ruleNationality}

func wordsAt(ws []enWord, k int, terms []string) bool {
	if k+len(terms) > len(ws) {
		return false
	}
	for n, t := range terms {
		if ws[k+n].w != t || n > 0 && ws[k+n-1].stop {
			return false
		}
	}
	return true
}

// sentenceWords returns the first and last word of the sentence holding
// words k … end.
func sentenceWords(ws []enWord, k, end int) (int, int) {
	lo := k
	for lo > 0 && !ws[lo-1].stop {
		lo--
	}
	hi := end
	for hi+1 < len(ws) && !ws[hi].stop {
		hi++
	}
	return lo, hi
}

func sentenceText(ws []enWord, lo, hi int) string {
	var sb strings.Builder
	for m := lo; m <= hi; m++ {
		sb.WriteString(ws[m].w)
		sb.WriteByte(' ')
	}
	return sb.String()
}

// eachASCIIWord calls fn with the bounds of each run of ASCII letters and
// digits, until fn returns false.
func eachASCIIWord(s string, fn func(i, j int) bool) {
	for i := 0; i < len(s); {
		if !isAlnumASCII(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isAlnumASCII(s[j]) {
			j++
		}
		if !fn(i, j) {
			return
		}
		i = j
	}
}

func isAlnumASCII(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func lowerInto(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// specialCareRules turns the hits into refusals that quote the phrase and say
// what it gives, in English and Japanese.
func (c *collector) specialCareRules(text string) {
	for _, h := range specialCare(text) {
		phrase := text[h.i:h.j]
		off := utf8.RuneCountInString(text[:h.i])
		f := Finding{Rule: h.t.rule, Severity: Refuse, Offset: off, Phrase: phrase}
		switch {
		case h.t.rule == ruleSpecialCare:
			w := careWhat[h.t.cat]
			f.Message = quoteShort(phrase) + " gives " + w.en
			f.MessageJA = quoteJA(phrase) + "は" + w.ja + "を示しています"
		case h.t == &romajiTerm:
			f.Message = quoteShort(phrase) + " singles people out for being foreign (romaji)"
			f.MessageJA = quoteJA(phrase) + "は外国人であることを理由に人を区別しています（ローマ字）"
		case h.t.rule == ruleNationality && (strings.Contains(h.t.term, "帰") || strings.HasPrefix(h.t.term, "home ")):
			f.Message = quoteShort(phrase) + " tells a person's origin by a circumstance of it"
			f.MessageJA = quoteJA(phrase) + "は状況から人の出自を示しています"
		default:
			f.Message, f.MessageJA = textMessages(h.t.rule, phrase, "")
		}
		c.add(f)
	}
}

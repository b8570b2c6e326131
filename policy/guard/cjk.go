package guard

import (
	"strings"
	"unicode/utf8"
)

// Japanese, Chinese and Korean prose without labels: a place from the
// gazetteer followed by 籍, 人, 系, 出身, 生まれ (中国籍の研究員, 上海生まれ,
// 中国系米国人), and the everyday words for a status (永住権を保有,
// 留学ビザで在籍, 帰化, 二重国籍), a religion (ムスリム, 教会に通う) or a
// person's score (鈴木准教授のリスク評価: 高).
//
// A place must end right where the suffix starts, so an organisation's name
// in between breaks the match: 北京大学出身 (an alumnus of a university) and
// 中国人民大学 (a university) are not about origin, 北京出身 is.

// originSuffix is a suffix that, after a place, states a person's origin.
type originSuffix struct {
	text string
	rule string
}

var originSuffixes = []originSuffix{
	{"籍", ruleNationality}, {"人", ruleNationality}, {"出身", ruleBirthplace}, {"生まれ", ruleBirthplace},
	{"で生まれ", ruleBirthplace}, {"系", ruleEthnicity}, {"인", ruleNationality}, {"출신", ruleBirthplace},
	{"국적", ruleNationality}, {"国籍", ruleNationality}, {"國籍", ruleNationality}, {"사람", ruleNationality},
	{"からの", ruleNationality}, {"から来た", ruleNationality}, {"から来日した", ruleNationality},
	{"の出身", ruleBirthplace}, {"での生まれ", ruleBirthplace}, {"生", ruleBirthplace}, {"出生", ruleBirthplace},
	{"にルーツ", ruleEthnicity},
}

// cjkWords are refused wherever they occur, unless a denial follows.
var cjkWords = []struct {
	text string
	rule string
	// unlessNext: an office doing its job (ビザ申請の支援) or a thing, not a
	// person (帰化植物).
	unlessNext []string
}{
	{"永住権", ruleImmigrationStatus, visaTopicJA}, {"永住者", ruleImmigrationStatus, visaTopicJA},
	{"特別永住", ruleImmigrationStatus, nil}, {"帰化", ruleNationality, []string{"植物", "種", "生物"}},
	{"二重国籍", ruleNationality, nil}, {"無国籍", ruleNationality, nil}, {"難民認定", ruleImmigrationStatus, nil},
	{"難民申請", ruleImmigrationStatus, nil}, {"難民として", ruleImmigrationStatus, nil},
	{"留学ビザ", ruleImmigrationStatus, visaTopicJA}, {"就労ビザ", ruleImmigrationStatus, visaTopicJA},
	{"研究ビザ", ruleImmigrationStatus, visaTopicJA}, {"短期滞在ビザ", ruleImmigrationStatus, visaTopicJA},
	{"配偶者ビザ", ruleImmigrationStatus, visaTopicJA}, {"家族滞在", ruleImmigrationStatus, visaOfficeWork},
	{"学生ビザ", ruleImmigrationStatus, visaTopicJA}, {"ビザで", ruleImmigrationStatus, []string{"の"}},
	{"ビザを保有", ruleImmigrationStatus, nil}, {"ビザを保持", ruleImmigrationStatus, nil},
	{"ビザを所持", ruleImmigrationStatus, nil}, {"ビザの期限", ruleImmigrationStatus, nil},
	{"ビザが切れ", ruleImmigrationStatus, nil}, {"ビザ保有者", ruleImmigrationStatus, nil},
	{"ビザ保持者", ruleImmigrationStatus, nil}, {"在留期限が", ruleImmigrationStatus, nil},
	{"オーバーステイ", ruleImmigrationStatus, nil}, {"不法滞在", ruleImmigrationStatus, nil},
	{"签证持有", ruleImmigrationStatus, nil}, {"持有签证", ruleImmigrationStatus, nil},
	{"永久居留", ruleImmigrationStatus, nil}, {"绿卡", ruleImmigrationStatus, nil},
	{"グリーンカード", ruleImmigrationStatus, nil}, {"영주권", ruleImmigrationStatus, nil},
	{"ムスリム", ruleReligion, []string{"フレンドリー", "対応", "向け"}}, {"イスラム教徒", ruleReligion, nil},
	{"キリスト教徒", ruleReligion, nil}, {"仏教徒", ruleReligion, nil}, {"ヒンドゥー教徒", ruleReligion, nil},
	{"ユダヤ教徒", ruleReligion, nil}, {"創価学会員", ruleReligion, nil}, {"信者", ruleReligion, nil},
	{"信徒", ruleReligion, nil}, {"教会に通", ruleReligion, nil}, {"モスクに通", ruleReligion, nil},
	{"礼拝に通", ruleReligion, nil}, {"寺院に通", ruleReligion, nil}, {"入信", ruleReligion, nil},
	{"改宗", ruleReligion, nil}, {"穆斯林", ruleReligion, nil}, {"基督徒", ruleReligion, nil},
	{"무슬림", ruleReligion, nil}, {"기독교인", ruleReligion, nil},
	{"を信仰し", ruleReligion, nil}, {"を信仰する", ruleReligion, nil}, {"の在留資格で", ruleImmigrationStatus, nil},
	{"在留資格で滞在", ruleImmigrationStatus, nil}, {"在留資格で在籍", ruleImmigrationStatus, nil},
	{"亡命者", ruleImmigrationStatus, nil}, {"脱北者", ruleImmigrationStatus, nil}, {"亡命した", ruleImmigrationStatus, nil},
	{"少数民族", ruleEthnicity, []string{"政策", "地域", "研究", "言語"}}, {"ウイグル族", ruleEthnicity, nil},
	{"チベット族", ruleEthnicity, nil}, {"朝鮮族", ruleEthnicity, nil}, {"漢族", ruleEthnicity, nil},
	{"回族", ruleEthnicity, nil}, {"満州族", ruleEthnicity, nil}, {"モンゴル族", ruleEthnicity, nil},
	{"维吾尔族", ruleEthnicity, nil}, {"汉族", ruleEthnicity, nil}, {"藏族", ruleEthnicity, nil},
	{"在日コリアン", ruleEthnicity, nil}, {"조선족", ruleEthnicity, nil}, {"黒人", ruleRace, nil},
	{"白人", ruleRace, nil}, {"要注意人物", rulePersonRiskScore, nil},
	// Chinese 外籍 (of foreign nationality) is said of people: 外籍研究人员;
	// 外籍船舶 and 外籍企业 are things.
	{"外籍", ruleNationality, []string{"船", "企业", "公司", "机构", "資本", "企業"}},
	// A person's ethnic background in prose (民族的背景を考慮して), and the
	// words for the Chinese diaspora (華人系の研究者, 華僑). 中華人民共和国
	// holds 華人 and is a state, so 華人 before 民 is not a match.
	{"民族的背景", ruleEthnicity, nil}, {"民族的出自", ruleEthnicity, nil}, {"民族的属性", ruleEthnicity, nil},
	{"民族背景", ruleEthnicity, nil}, {"民族性", ruleEthnicity, nil}, {"華人", ruleEthnicity, []string{"民"}},
	{"华人", ruleEthnicity, []string{"民"}}, {"華僑", ruleEthnicity, nil}, {"华侨", ruleEthnicity, nil},
	{"華裔", ruleEthnicity, nil}, {"华裔", ruleEthnicity, nil}, {"日系人", ruleEthnicity, nil},
	// Birthplace words in prose, not only as labels: 出身国別に, 本籍地と出生地が.
	// (出身大学 and 出身校 are a person's alma mater, which the label rule lets
	// through; 出身 alone is read with a place before it.)
	{"出生地", ruleBirthplace, nil}, {"本籍地", ruleBirthplace, nil}, {"出身地", ruleBirthplace, nil},
	{"出身国", ruleBirthplace, nil},
	// Classifying people by an attribute in prose: 国籍別にリスクを評価.
	{"国籍別", ruleNationality, nil}, {"国籍ごと", ruleNationality, nil}, {"民族別", ruleEthnicity, nil},
	{"人種別", ruleRace, nil}, {"宗教別", ruleReligion, nil},
	{"危険人物", rulePersonRiskScore, nil}, {"混血", ruleRace, nil}, {"ハーフ", ruleRace, []string{"ミラー", "サイズ"}},
}

// notBelieverBefore, before 信者, make a word about messages: 送信者, 受信者.
var notBelieverBefore = []string{"送", "受", "発", "通", "返", "着", "配", "交", "電", "私", "与", "確", "自", "音", "花", "来"}

// visaOfficeWork after a visa word makes it the visa office's work, not a
// person's status: 留学ビザの申請書類の確認.
var visaOfficeWork = []string{"申請", "手続", "の申請", "の手続", "支援", "の支援", "書類", "窓口", "事務", "の要件", "要件", "取得支援", "の案内", "案内"}

// visaTopicJA after a visa or residence word make it a topic — the
// office's work, a statistic, the rules (就労ビザの発給件数, 永住権の取得要件)
// — not a person's status.
var visaTopicJA = append([]string{"の発給", "発給", "制度", "の制度", "件数", "の件数", "の数", "数は", "の取得要件",
	"取得要件", "の審査基準", "の統計"}, visaOfficeWork...)

// personWordsJA make a nearby score a person's.
var personWordsJA = []string{"研究者", "研究員", "教授", "准教授", "講師", "助教", "氏", "先生", "学生", "留学生",
	"教員", "職員", "社員", "技術者", "当該者", "応募者", "候補者",
	"さん", "人物", "個人", "本人", "彼女", "彼", "ポスドク", "院生", "申請者", "연구자", "교수", "학생", "씨",
	"研究人员", "学者", "博士生"}

// riskWordsJA name a score or judgement about someone.
var riskWordsJA = []string{"リスクスコア", "リスク評価", "リスク値", "リスク度", "リスクレベル", "リスク点数", "危険度", "疑わしさ",
	"要注意度", "疑惑度", "信頼度", "懸念度", "スコア", "위험 점수", "위험도", "风险评分", "风险等级", "风险分"}

var (
	originMatcher = func() *multiMatcher {
		pats := make([]string, len(originSuffixes))
		for i, o := range originSuffixes {
			pats[i] = o.text
		}
		return newMultiMatcher(pats)
	}()
	cjkWordMatcher = func() *multiMatcher {
		pats := make([]string, len(cjkWords))
		for i, w := range cjkWords {
			pats[i] = w.text
		}
		return newMultiMatcher(pats)
	}()
	riskMatcherJA = newMultiMatcher(riskWordsJA)
)

func (sc *scanner) cjkRules() {
	s := sc.s
	originMatcher.each(s, func(pi, i int) {
		suf := originSuffixes[pi]
		from := i + len(suf.text)
		p := cjkPlaceBefore(s, i)
		if p == "" || !sc.originOK(suf.text, p, s[from:], i-len(p)) {
			return
		}
		if (p == "無国" || p == "二重国") && suf.text != "籍" {
			return
		}
		sc.add(suf.rule, i-len(p), from)
	})
	cjkWordMatcher.each(s, func(pi, i int) {
		w := cjkWords[pi]
		from := i + len(w.text)
		rest := s[from:]
		if hasAnyPrefix(rest, w.unlessNext) || cjkDenialAfter(rest) {
			return
		}
		// 送信者 (sender), 受信者, 発信者, 配信者 hold 信者 (believer): an
		// e-mail header is not a religion.
		if (w.text == "信者" || w.text == "信徒") && hasAnySuffix(s[:i], notBelieverBefore) {
			return
		}
		sc.add(w.rule, i, from)
	})
	sc.cjkScores()
	sc.foreignTargetedJA()
	// Chinese "born in" before a place: 出生于上海.
	bornBeforeMatcher.each(s, func(pi, i int) {
		from := i + len(bornBefore[pi])
		if n := cjkPlaceAt(s[from:]); n > 0 {
			sc.add(ruleBirthplace, i, from+n)
		}
	})
}

// bornBefore, before a place, say where someone was born or is from.
var (
	bornBefore        = []string{"出生于", "出生在", "生于", "籍贯为", "籍贯是"}
	bornBeforeMatcher = newMultiMatcher(bornBefore)
)

// originOK checks what is around a place + suffix match.
func (sc *scanner) originOK(suf, place, rest string, at int) bool {
	next, _ := utf8.DecodeRuneInString(rest)
	switch suf {
	case "人":
		// 外国人 is the generic "foreign person" of export rules; 日本人 is
		// the home population; 中国人民大学, 人材, 人事 are not persons.
		if place == "外国" || place == "他国" || place == "日本" || place == "無国" || place == "二重国" {
			return false
		}
		for _, n := range cjkNotAfterPerson {
			if strings.HasPrefix(rest, n) {
				return false
			}
		}
	case "籍":
		// 書籍, 学籍: only after a place; 国籍 itself is a label.
		return true
	case "系":
		// 日系企業, 中国系銀行: organisations; 中国系米国人, 韓国系の研究者: people.
		r := strings.TrimPrefix(rest, "の")
		if hasAnyPrefix(r, cjkPersonWords) || hasAnyPrefix(r, []string{"アメリカ人", "米国人", "カナダ人", "日本人", "移民"}) {
			return true
		}
		// Said of a person: 当該研究員はチベット系であり. Said of a company
		// (同社は中国系である) it is ownership, so a person must be the topic.
		return hasAnyPrefix(rest, copulasJA) && sc.personTopicBefore(at)
	case "出身", "출신":
		return !hasAnyPrefix(rest, []string{"大学", "校", "機関", "企業", "学部"})
	case "生まれ", "で生まれ":
		// 大阪生まれの技術, 京都生まれのブランド: a product's origin.
		return !hasAnyPrefix(strings.TrimPrefix(rest, "の"), thingsBornJA)
	case "生", "出生":
		// 上海生 (born in Shanghai) but not 上海生物 (Shanghai biology).
		if suf == "生" {
			// 上海生まれ is read by the 生まれ suffix.
			return !strings.HasPrefix(rest, "まれ") && (next == '、' || next == '。' || next == 'の' || next == ')' || next == ' ')
		}
		return hasAnyPrefix(rest, []string{"の", "、", "。", "で"})
	case "인", "사람":
		return true
	case "국적":
		return true
	case "国籍", "國籍":
		return place != "外国" && place != "他国"
	case "の出身":
		return true
	case "からの", "から来た", "から来日した":
		// 中国からの留学生 (origin); 中国からの資金 (funds) passes, and so
		// does 中国からの人材 (talent); あの国から来た人 is a person.
		if strings.HasPrefix(rest, "人") {
			return suf != "からの" && !hasAnyPrefix(rest[len("人"):], cjkNotAfterPerson)
		}
		return hasAnyPrefix(rest, cjkPersonWords)
	}
	if place == "外国" && suf != "籍" {
		return false
	}
	return true
}

// thingsBornJA are things, not people, that are "born" somewhere.
var thingsBornJA = []string{"技術", "製品", "企業", "会社", "ブランド", "商品", "スタートアップ", "ベンチャー", "サービス", "ソフト", "アプリ", "素材", "品種"}

// cjkDenialAfter reports whether a denial follows within a few characters:
// 永住権の有無は確認していない.
func cjkDenialAfter(rest string) bool {
	n := 0
	end := 0
	for end < len(rest) && n < 14 {
		r, size := utf8.DecodeRuneInString(rest[end:])
		if r == '。' || r == '\n' {
			break
		}
		end += size
		n++
	}
	head := rest[:end]
	// A mismatch compares the values, it does not deny holding them:
	// 本籍地と出生地が一致しない.
	// Not holding a status is a status: 就労ビザを持っていない.
	for _, cmp := range []string{"一致しない", "一致せず", "一致していない", "合わない",
		"を持っていない", "を持たない", "を有していない", "を保有していない", "を取得していない", "がない"} {
		head = strings.ReplaceAll(head, cmp, "")
	}
	// 差別 after it makes the mention about discrimination by it, which the
	// sentence names to forbid: 国籍・出身地による差別は禁止されている.
	for _, neg := range []string{"ない", "なく", "せず", "しない", "なし", "不問", "問わ", "無関係", "関係なく", "差別", "않", "없"} {
		if strings.Contains(head, neg) {
			return true
		}
	}
	return false
}

// cjkScores: a score word near a person word and a value.
func (sc *scanner) cjkScores() {
	s := sc.s
	riskMatcherJA.each(s, func(pi, i int) {
		from := i + len(riskWordsJA[pi])
		lo, hi := runeWindow(s, i, from, 24)
		win := s[lo:hi]
		person := false
		for _, p := range personWordsJA {
			if strings.Contains(win, p) {
				person = true
				break
			}
		}
		if !person {
			return
		}
		after := s[from:hi]
		// A value, or a score given to each person in turn (研究者ごとに,
		// 一人ひとりに, 個別に) makes it a person's score.
		perPerson := strings.Contains(win, "ごとに") || strings.Contains(win, "一人ひとり") || strings.Contains(win, "一人一人") || strings.Contains(win, "個別に") || strings.Contains(win, "各研究者") || strings.Contains(win, "各学生")
		if !perPerson && !strings.ContainsAny(after, "0123456789高中低") && !strings.Contains(after, "high") && !strings.Contains(after, "요주의") {
			return
		}
		if cjkDenialAfter(s[from:]) {
			return
		}
		sc.add(rulePersonRiskScore, i, from)
	})
}

// runeWindow returns byte bounds n characters around s[i:j], within the
// same sentence.
func runeWindow(s string, i, j, n int) (int, int) {
	lo := i
	for c := 0; c < n && lo > 0; c++ {
		r, size := utf8.DecodeLastRuneInString(s[:lo])
		if r == '。' || r == '\n' {
			break
		}
		lo -= size
	}
	hi := j
	for c := 0; c < n && hi < len(s); c++ {
		r, size := utf8.DecodeRuneInString(s[hi:])
		if r == '。' || r == '\n' {
			break
		}
		hi += size
	}
	return lo, hi
}

// copulasJA, after X系, make it a description of the topic: チベット系であり.
var copulasJA = []string{"であ", "です", "だ。", "だと", "だっ", "の方", "の人", "とのこと", "だという", "だそう", "らしい"}

// personTopicBefore reports whether the sentence before byte at has a
// person word and no organisation word: 当該研究員はチベット系であり, not
// 同社はチベット系である.
func (sc *scanner) personTopicBefore(at int) bool {
	lo, _ := runeWindow(sc.s, at, at, 20)
	before := sc.s[lo:at]
	if hasAnyWord(before, orgWordsJA) {
		return false
	}
	return hasAnyWord(before, personWordsJA) || hasAnyWord(before, cjkPersonWords)
}

// orgWordsJA make the topic of a sentence an organisation.
var orgWordsJA = []string{"社", "企業", "会社", "機関", "大学", "研究所", "財団", "法人", "団体", "基金", "銀行", "商社", "政府"}

func hasAnyWord(s string, ws []string) bool {
	for _, w := range ws {
		if w != "人" && strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Singling out people for being foreign. 外国人 alone is the generic
// "foreign person" of export rules (外国人への技術提供), so it is let through;
// but a sentence that restricts, excludes, watches or scores 外国人 研究者 or
// 在日外国人 judges people by nationality: 外国人研究者の受け入れを制限,
// 在日外国人の研究者による装置利用をリスク要因として記録. A sentence about
// technology or goods (技術提供, 輸出, 外為法, 該非) states export law and
// passes; so does one that denies it (国籍を理由に制限しない).

// foreignPeopleJA name people by being foreign, or by a mother tongue
// standing in for origin (中国語を母語とする研究者; ロシア語が話せる職員 is a
// skill and passes unless the sentence singles them out).
var foreignPeopleJA = []string{"外国人", "外国出身", "海外出身", "外国籍", "在日外国", "を母語とする", "を母国語とする", "が母語の", "が母国語の"}

// targetingJA are what a sentence does to the people it singles out.
// (リスク alone is not: リスク管理の手順を説明した.)
var targetingJA = []string{"制限", "禁止", "排除", "除外", "見送", "拒否", "拒む", "お断り", "断る", "厳格", "重点",
	"監視", "警戒", "リスク要因", "リスクが高", "高リスク", "リスク評価", "リスクとみな", "リスクスコア", "リスク扱い",
	"要注意", "比率", "割合", "追加審査", "追加の確認", "審査を強化", "認めない", "受け入れない", "受入れない",
	"入れない", "停止", "不可", "危険視", "懸念があ", "懸念され", "懸念対象"}

// exportLawJA make a sentence about technology or goods, not people.
var exportLawJA = []string{"技術提供", "技術の提供", "輸出", "外為法", "該非", "みなし輸出", "貨物", "役務", "特定類型"}

// denialJA in the sentence deny the judgement: 国籍を問わず, 制限しない.
// They are looked for once the targeting words are taken out, so that
// 受け入れない is not read as its own denial.
var denialJA = []string{"問わ", "関係なく", "ない", "せず", "ではなく", "同じ", "同様"}

// notPeopleAfterJA after 外国人 make it an investor or a company, whose
// share in a company is an investment-screening fact: 外国人投資家の出資比率.
var notPeopleAfterJA = []string{"投資家", "株主", "投資", "出資", "持株", "特別研究員事業", "研究者招へい事業", "招へい研究者事業"}

var foreignPeopleMatcher = newMultiMatcher(foreignPeopleJA)

func (sc *scanner) foreignTargetedJA() {
	s := sc.s
	foreignPeopleMatcher.each(s, func(pi, i int) {
		from := i + len(foreignPeopleJA[pi])
		// 外国人特別研究員事業 (a JSPS programme), 外国人投資家: not people
		// judged by nationality.
		if hasAnyPrefix(s[from:], notPeopleAfterJA) {
			return
		}
		lo, hi := runeWindow(s, i, from, 60)
		sentence := s[lo:hi]
		if !hasAnyWord(sentence, targetingJA) || hasAnyWord(sentence, exportLawJA) {
			return
		}
		rest := sentence
		for _, w := range targetingJA {
			rest = strings.ReplaceAll(rest, w, "")
		}
		if hasAnyWord(rest, denialJA) {
			return
		}
		rule := ruleNationality
		if strings.Contains(foreignPeopleJA[pi], "母") {
			rule = ruleEthnicity
		}
		sc.add(rule, i, from)
	})
}

package guard

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text as officers paste it: lines broken by a PDF's layout, e-mail headers
// and signature blocks, minutes that list who attended, spreadsheet rows.
// The rules here find what those genres carry about people that prose rules
// miss: a word broken across lines (国\n籍, eth-\nnicity), a name after a
// role label (差出人: 高橋 美咲, 担当：ｻﾄｳ ﾐｷ), a surname before a job title
// (山本委員長), a family name in capitals (YAMADA Taro), staff and student
// numbers and messenger or author IDs (学籍番号 25D1234, LINE ID …).

// ---- lines broken by a layout ----

// joinBrokenLines joins what a PDF's layout broke: a line break between two
// CJK characters (国\n籍 → 国籍) and a hyphen at the end of a line between
// two letters (eth-\nnicity → ethnicity). It returns the joined text as
// characters, for each of them its character offset in s, and where the
// joins are (indexes into joined); joins is empty if there is nothing to join.
func joinBrokenLines(s string) (joined []rune, offs []int32, joins []int) {
	if !strings.Contains(s, "\n") && (isASCII(s) || !strings.Contains(s, " ") && !strings.Contains(s, "\u3000")) {
		return nil, nil, nil
	}
	rs := []rune(s)
	joined = make([]rune, 0, len(rs))
	offs = make([]int32, 0, len(rs))
	spacedEnd := -1 // end of a run of single characters spaced out (国　籍)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if i > spacedEnd && isWideLetter(r) && !isWideLetter(prevRune(rs, i)) {
			spacedEnd = spacedRun(rs, i)
		}
		if (r == ' ' || r == '\u3000') && i < spacedEnd {
			if len(joins) == 0 || joins[len(joins)-1] != len(joined) {
				joins = append(joins, len(joined))
			}
			continue
		}
		if r == '\n' || r == '\r' {
			// 国\n籍: both sides CJK letters (not punctuation or a bullet).
			if isWideLetter(prevRune(rs, i)) && isWideLetter(nextRune(rs, i)) {
				if len(joins) == 0 || joins[len(joins)-1] != len(joined) {
					joins = append(joins, len(joined))
				}
				continue
			}
		}
		if r == '-' && i+1 < len(rs) && (rs[i+1] == '\n' || rs[i+1] == '\r') && i > 0 && unicode.IsLetter(rs[i-1]) {
			k := i + 1
			for k < len(rs) && (rs[k] == '\n' || rs[k] == '\r' || rs[k] == ' ') {
				k++
			}
			if k < len(rs) && unicode.IsLower(rs[k]) {
				joins = append(joins, len(joined))
				i = k - 1
				continue
			}
		}
		joined = append(joined, r)
		offs = append(offs, int32(i))
	}
	return joined, offs, joins
}

// spacedRun returns where a run of single CJK characters separated by
// spaces ends, if one starts at i: a form's label spaced out to align it
// (国　籍, 氏　名, 出 身 地). It returns i if there is none.
func spacedRun(rs []rune, i int) int {
	n, k := 0, i
	for k < len(rs) && isWideLetter(rs[k]) {
		if k+1 < len(rs) && isWideLetter(rs[k+1]) {
			break // a word of two characters or more ends the run
		}
		n++
		j := k + 1
		for j < len(rs) && (rs[j] == ' ' || rs[j] == '\u3000') {
			j++
		}
		if j == k+1 || j >= len(rs) || !isWideLetter(rs[j]) {
			k++
			break
		}
		k = j
	}
	if n < 2 {
		return i
	}
	return k
}

func prevRune(rs []rune, i int) rune {
	for k := i - 1; k >= 0; k-- {
		if rs[k] != '\r' {
			return rs[k]
		}
	}
	return 0
}

func nextRune(rs []rune, i int) rune {
	for k := i + 1; k < len(rs); k++ {
		if rs[k] != '\r' && rs[k] != '\n' {
			return rs[k]
		}
	}
	return 0
}

// isWideLetter reports a CJK ideograph, kana or Hangul syllable: not
// punctuation, not a bullet (・ ■ ①).
func isWideLetter(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		(unicode.Is(unicode.Katakana, r) && r != '・') || unicode.Is(unicode.Hangul, r) || r == 'ー'
}

// joinWindow is how many characters around a join are read again: enough
// for a label and its value (国\n籍はミャンマー) or a name and its honorific.
const joinWindow = 24

// joinedRules reads again, with its broken lines joined, the text around
// each place a PDF's layout broke s, and adds what the text rules and the
// name detectors find across the break; the findings point into s. Only the
// windows around the joins are read, so a long pasted text costs little more.
func (c *collector) joinedRules(s string, names bool) {
	joined, offs, joins := joinBrokenLines(s)
	for w := 0; w < len(joins); {
		// One window for joins close together.
		a := max(0, joins[w]-joinWindow)
		last := w
		for last+1 < len(joins) && joins[last+1]-joins[last] < joinWindow {
			last++
		}
		b := min(len(joined), joins[last]+joinWindow)
		inside := joins[w : last+1]
		w = last + 1
		c.windowRules(string(joined[a:b]), offs[a:b], a, inside, names, utf8.RuneCountInString(s))
	}
}

// windowRules runs the rules over one window of joined text (starting at
// character a of the joined text) and keeps what spans a join.
func (c *collector) windowRules(win string, offs []int32, a int, joins []int, names bool, n int) {
	back := func(runeOff int) int {
		if runeOff >= 0 && runeOff < len(offs) {
			return int(offs[runeOff])
		}
		return n
	}
	spans := func(i, j int) bool { // rune offsets in the window
		for _, x := range joins {
			if i < x-a && x-a < j {
				return true
			}
		}
		return false
	}
	t := normalizeText(win)
	hits, _ := scanText(t)
	for _, h := range hits {
		phrase, off := t.quote(h.i, h.j)
		end := off + utf8.RuneCountInString(phrase)
		if !spans(off, end+1) {
			continue
		}
		en, ja := textMessages(h.rule, phrase, "")
		c.add(Finding{Rule: h.rule, Severity: Refuse, Offset: back(off), Phrase: phrase, Message: en, MessageJA: ja})
	}
	text := normNFKC(win)
	if len(text) != len(win) {
		return // NFKC moved characters: offsets would not map back
	}
	for _, pd := range textFindings(text, names) {
		if pd.rule != rulePersonalName {
			continue
		}
		off := utf8.RuneCountInString(text[:pd.i])
		if spans(off, off+8) {
			c.addPersonal(pd, text, back(off))
		}
	}
}

// ---- names after a role label, before a job title, in capitals ----

// roleLabels name the person an e-mail, a form or minutes are about; the value
// after one is a name when it has a name's shape.
var roleLabels = []string{"差出人", "送信者", "発信者", "起案者", "起票者", "担当者", "担当", "受入予定者", "受入者",
	"申請者", "申請人", "応募者", "出席者", "出席", "参加者", "報告者", "作成者", "記入者", "代表者", "研究代表者",
	"責任者", "招へい者", "招聘者", "連絡先", "窓口", "申请人", "联系人", "负责人", "报告人", "담당자", "신청자", "연락처",
	"From", "Sender", "Applicant", "Contact", "PI", "Co-PI", "co-PI", "Principal investigator", "Host",
	"Tantousha", "Tantosha", "Shinseisha", "Prepared by", "Reported by", "Requested by"}

// surnamesJA are common Japanese family names (a gazetteer, like the place
// names): before a job title (山本委員長) or a given name after a space
// (佐藤 健一) they make a person's name.
var surnamesJA = set(`佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 渡邉 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上
木村 林 斎藤 斉藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上
遠藤 青木 坂本 福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田
森田 上田 原 柴田 酒井 工藤 横山 宮崎 宮本 内田 高木 安藤 島田 谷口 大野 高田 丸山 今井 河野 藤本 村田
武田 上野 杉山 増田 小山 大塚 平野 菅原 久保 松井 千葉 岩崎 桜井 木下 野口 松尾 菊地 野村 新井 渡部`)

// surnamesRomaji are common Japanese, Chinese, Korean and Vietnamese family
// names in Latin letters, for names written family-name first in capitals
// (YAMADA Taro, KIM Minjun) or given-name first (Kenichi SATO).
var surnamesRomaji = set(`sato suzuki takahashi tanaka ito watanabe yamamoto nakamura kobayashi kato
yoshida yamada sasaki yamaguchi matsumoto inoue kimura hayashi saito shimizu yamazaki mori ikeda hashimoto
abe ishikawa yamashita nakajima ishii ogawa maeda okada hasegawa fujita goto kondo murakami endo aoki
sakamoto fukuda ota nishimura fujii kaneko okamoto fujiwara nakano miura harada nakagawa matsuda takeuchi
ono tamura nakayama wada ishida morita ueda hara shibata sakai kudo yokoyama miyazaki miyamoto uchida
takagi ando shimada taniguchi ohno takada maruyama imai kono fujimoto murata takeda ueno sugiyama
kim lee park choi jung jeong kang cho yoon jang lim han oh seo shin kwon hwang ahn song
wang li zhang liu chen yang huang zhao wu zhou xu sun zhu hu guo lin luo zheng liang xie tang deng
feng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lu ding ren shen yao
nguyen tran pham hoang phan vu dang bui do ngo duong`)

// jobTitlesJA after a surname make a person: 山本委員長, 鈴木課長補佐.
var jobTitlesJA = []string{"副理事長", "理事長", "総長", "学部長", "研究所長", "機構長", "本部長", "副委員長", "委員長", "課長補佐", "課長代理", "課長", "副部長", "部長", "係長", "室長", "所長",
	"副センター長", "センター長", "事務局長", "事務長", "理事", "副学長", "学長", "研究科長", "主査", "主任", "専門員",
	"研究員", "助教", "准教授", "特任教授", "委員"}

var (
	// A family name in capitals before a given name, or after one:
	// "YAMADA Taro", "KIM Minjun", "Kenichi SATO".
	reCapsFamilyFirst = regexp.MustCompile(`\b([A-Z]{2,})\s+([A-Z][a-z]{1,})\b`)
	reCapsFamilyLast  = regexp.MustCompile(`\b([A-Z][a-z]{1,})\s+([A-Z]{2,})\b`)
	// A Japanese surname and a given name with a space between: 佐藤 健一.
	reSpacedNameJA = regexp.MustCompile(`(?:^|[^\p{Han}])(\p{Han}{1,3})[ \x{3000}](\p{Han}{1,3}|\p{Hiragana}{2,4})`)
	// A surname before a job title: 山本委員長, 中村 副委員長.
	reSurnameTitle = regexp.MustCompile(`(\p{Han}{1,3}?) ?(` + strings.Join(jobTitlesJA, "|") + `)`)
)

// notGivenName end a word that follows a surname but is a place or a unit:
// 中村 研究室, 石川 県.
var notGivenName = []string{"室", "課", "部", "所", "会", "社", "科", "局", "係", "館", "院", "校", "県", "市", "区", "町", "村", "長", "学", "賞", "団", "庁", "省",
	"駅", "閣", "線", "港", "派", "組", "店", "屋", "湖", "党", "軍", "法", "案", "式", "型", "版", "号", "邸", "家", "寺", "城", "橋", "通", "台", "園", "塾", "基金", "財団"}

// katakanaOrgWords make two katakana words a name of a thing, not a person:
// アジア センター, ロシア アカデミー.
var katakanaOrgWords = set(`センター グループ チーム ラボ オフィス デスク プログラム ユニット アカデミー ファンド
ファウンデーション コーポレーション カンパニー ホールディングス ジャパン インターナショナル ネットワーク
システム システムズ サービス ソリューションズ テクノロジー テクノロジーズ ラボラトリー ラボラトリーズ
インスティテュート ユニバーシティ カレッジ スクール ジャーナル プレス マテリアルズ フォトニクス`)

// notGivenEN are capitalised words that start a phrase, not a given name:
// "The KIM Foundation".
var notGivenEN = set(`the a an and of for in on at to by with from via per see team lab group this that our`)

var jobTitleMatcher = newMultiMatcher(jobTitlesJA)

// nameHits returns where personal names of the pasted genres start in text
// (bytes).
func nameHits(text string, tf textFacts) []int {
	at := nameHitsAll(text, tf)
	slices.Sort(at)
	return slices.Compact(at)
}

func nameHitsAll(text string, tf textFacts) []int {
	var at []int
	ascii := !tf.nonASCII
	// A family name in capitals, with a given name.
	if tf.capsRun {
		for _, m := range reCapsFamilyFirst.FindAllStringSubmatchIndex(text, -1) {
			fam, given := strings.ToLower(text[m[2]:m[3]]), strings.ToLower(text[m[4]:m[5]])
			if surnamesRomaji[fam] && len(fam) >= 2 && fam != "ma" && fam != "he" && fam != "do" && fam != "so" && !orgNouns[given] && !orgAfter(text[m[1]:]) {
				at = append(at, m[0])
			}
		}
		for _, m := range reCapsFamilyLast.FindAllStringSubmatchIndex(text, -1) {
			given, fam := strings.ToLower(text[m[2]:m[3]]), strings.ToLower(text[m[4]:m[5]])
			if surnamesRomaji[fam] && len(fam) >= 3 && !orgNouns[given] && !notGivenEN[given] && !orgAfter(text[m[1]:]) {
				at = append(at, m[0])
			}
		}
	}
	if !ascii && (strings.Contains(text, " ") || strings.Contains(text, "\u3000")) {
		for _, m := range reSpacedNameJA.FindAllStringSubmatchIndex(text, -1) {
			if surnameAt(text, m[2], m[3]) && !hasAnySuffix(text[m[4]:m[5]], notGivenName) && nameEndsAt(text, m[5]) {
				at = append(at, m[2])
			}
		}
	}
	if !ascii {
		if jobTitleMatcher.has(text) {
			for _, m := range reSurnameTitle.FindAllStringSubmatchIndex(text, -1) {
				if surnameAt(text, m[2], m[3]) && !hanAfter(text, m[5]) {
					at = append(at, m[2])
				}
			}
		}
	}
	// A name with no anchor at all: 山田太郎は, 張偉が, Zhang Wei, Mariko
	// Tsujimoto (unanchored.go).
	if !ascii {
		at = append(at, unanchoredNamesJA(text)...)
	}
	if tf.titlePair {
		at = append(at, unanchoredNamesLatin(text, tf)...)
	}
	// A name after a role label.
	if !tf.colon {
		return at
	}
	// Each colon: is a role label before it, and a name after it?
	for c := 0; c < len(text); {
		k := strings.IndexByte(text[c:], ':')
		if w := strings.Index(text[c:], "："); w >= 0 && (k < 0 || w < k) {
			k = w
		}
		if k < 0 {
			break
		}
		colon := c + k
		_, size := utf8.DecodeRuneInString(text[colon:])
		c = colon + size
		before := strings.TrimRight(text[:colon], " \t\u3000")
		for _, l := range roleLabels {
			if !strings.HasSuffix(before, l) {
				continue
			}
			i := len(before) - len(l)
			if i > 0 {
				// The label starts a line, a cell or a clause.
				if p, _ := utf8.DecodeLastRuneInString(text[:i]); unicode.IsLetter(p) || unicode.IsDigit(p) {
					continue
				}
			}
			if v, ok := labelValue(text[colon:]); ok && nameShaped(v) {
				at = append(at, colon+strings.Index(text[colon:], v))
			}
			break
		}
	}
	return at
}

// textFacts is what one pass over a text's bytes says about it, so that
// each detector of personal data can skip text it cannot match.
type textFacts struct {
	digits     int
	nonASCII   bool
	capsRun    bool // two capital letters in a row: a family name in capitals may be there
	titlePair  bool // two capitalised words with a space between: "Zhang Wei", "HAYASHIBARA Kenta"
	colon      bool // ":" or "：": a role label may be there
	idMark     bool // "@", "_" or "/": a handle or a profile URL may be there
	apostrophe bool // "'" or "’": "the applicant's father" may be there
	hints      int  // the groups of English hint words that start a word (english.go)
}

func factsOfText(text string) textFacts {
	var f textFacts
	for i := 0; i < len(text); i++ {
		c := text[i]
		if i+1 < len(text) && (i == 0 || !wordByte[text[i-1]]) {
			// A word starts: does a hint word of english.go start it?
			p := int(lowerByte[c])<<8 | int(text[i+1])
			if hintPairs[p/64]&(1<<(p%64)) != 0 {
				for _, h := range hintByPair[p] {
					if f.hints&h.group == 0 && strings.HasPrefix(text[i+1:], h.rest) {
						f.hints |= h.group
					}
				}
			}
		}
		switch {
		case c >= '0' && c <= '9':
			f.digits++
		case c >= 'A' && c <= 'Z':
			if i > 0 && text[i-1] >= 'A' && text[i-1] <= 'Z' {
				f.capsRun = true
			}
			if !f.titlePair && i >= 2 && text[i-1] == ' ' && isAlnumASCII(text[i-2]) {
				k := i - 2
				for k > 0 && isAlnumASCII(text[k-1]) {
					k--
				}
				f.titlePair = text[k] >= 'A' && text[k] <= 'Z'
			}
		case c == ':':
			f.colon = true
		case c == '@' || c == '_' || c == '/':
			f.idMark = true
		case c == '\'':
			f.apostrophe = true
		case c >= 0x80:
			f.nonASCII = true
			// "：" is EF BC 9A, "’" is E2 80 99.
			if c == 0xEF && i+2 < len(text) && text[i+1] == 0xBC && text[i+2] == 0x9A {
				f.colon = true
			}
			if c == 0xE2 && i+2 < len(text) && text[i+1] == 0x80 && text[i+2] == 0x99 {
				f.apostrophe = true
			}
		}
	}
	return f
}

// surnameAt reports whether text[i:j] is a listed surname standing alone on
// its left (not the end of a longer word: 研究推進課 is not 課).
func surnameAt(text string, i, j int) bool {
	if !surnamesJA[text[i:j]] {
		// A longer run may end in a surname after an office: 研究推進課 伊藤.
		return false
	}
	if i > 0 {
		p, _ := utf8.DecodeLastRuneInString(text[:i])
		if unicode.Is(unicode.Han, p) {
			return false
		}
	}
	return true
}

// nameEndsAt reports whether a given name can end at byte j: what follows
// is not more of a word (Han, or kana that is not a particle).
func nameEndsAt(text string, j int) bool {
	r, _ := utf8.DecodeRuneInString(text[j:])
	switch {
	case unicode.Is(unicode.Han, r):
		return false
	case unicode.Is(unicode.Hiragana, r):
		return strings.ContainsRune("のはがをにともへやさく", r) // particles, さん, くん
	}
	return true
}

func hanAfter(text string, j int) bool {
	r, _ := utf8.DecodeRuneInString(text[j:])
	return unicode.Is(unicode.Han, r)
}

// orgAfter reports whether an organisation word ends the run of capitalised
// words that follows: "LI Ka Shing Foundation".
func orgAfter(rest string) bool {
	n := 0
	for _, w := range strings.Fields(rest) {
		if strings.HasPrefix(w, "-") {
			continue // the rest of a hyphenated given name: "KIM Dae-jung"
		}
		w = strings.Trim(w, ".,;:()[]\"'")
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
			return false // the name has ended: "Minjun KIM of the partner lab"
		}
		if orgNouns[strings.ToLower(w)] {
			return true
		}
		if n++; n >= 3 {
			break
		}
	}
	return false
}

// labelValue returns the value after a role label: a separator (":", "：")
// and the text up to the end of the line, a bracket or an address.
func labelValue(rest string) (string, bool) {
	t := strings.TrimLeft(rest, " \t\u3000")
	switch {
	case strings.HasPrefix(t, ":"):
		t = t[1:]
	case strings.HasPrefix(t, "："):
		t = t[len("："):]
	default:
		return "", false
	}
	t = strings.TrimLeft(t, " \t\u3000")
	if k := strings.IndexAny(t, "\n<(（[「,、;；/|"); k >= 0 {
		t = t[:k]
	}
	return strings.TrimSpace(t), t != ""
}

// nameShaped reports whether a label's value ends in a name: two words, the
// first a listed surname (研究推進課 伊藤 翔太, Tanaka Ichiro), two words of
// katakana (サトウ ミキ), a Chinese name of two or three characters (李明) or a
// Korean one (김민준 박사).
func nameShaped(v string) bool {
	f := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\u3000' || r == '\t' })
	if len(f) == 0 {
		return false
	}
	if len(f) >= 2 {
		a, b := f[len(f)-2], f[len(f)-1]
		if surnamesJA[a] && allRunes(b, isHanOrKana) && utf8.RuneCountInString(b) <= 3 && !hasAnySuffix(b, notGivenName) {
			return true
		}
		if allRunes(a, isKatakana) && allRunes(b, isKatakana) && between(utf8.RuneCountInString(a), 2, 6) && between(utf8.RuneCountInString(b), 1, 6) &&
			!katakanaOrgWords[a] && !katakanaOrgWords[b] && cjkPlaceAt(a) != len(a) {
			return true
		}
		// A romanised name, in a value with no organisation word: "Tanaka
		// Ichiro", not "Park Systems Corp." or "Tanaka Lab".
		for _, w := range f {
			if orgNouns[strings.ToLower(strings.Trim(w, ".,()"))] {
				return false
			}
		}
		for _, p := range [][2]string{{a, b}, {f[0], f[1]}} {
			x, y := strings.ToLower(p[0]), strings.ToLower(p[1])
			if (surnamesRomaji[x] || surnamesRomaji[y]) && capitalised(p[0]) && capitalised(p[1]) && !orgNouns[x] && !orgNouns[y] {
				return true
			}
		}
	}
	first := f[0]
	n := utf8.RuneCountInString(first)
	r, _ := utf8.DecodeRuneInString(first)
	switch {
	case allRunes(first, isHan) && between(n, 2, 3) && strings.ContainsRune(surnamesZH, r) && !hasAnySuffix(first, notGivenName):
		return true
	case allRunes(first, isHangul) && between(n, 2, 4) && strings.ContainsRune(surnamesKO, r):
		return true
	}
	return false
}

// surnamesZH and surnamesKO are the commonest Chinese and Korean family names.
const (
	surnamesZH = "李王张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖董袁潘蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁沈姚卢盧姜崔钟鍾谭譚陆陸汪范金廖贾賈夏韦邹孟熊秦邱尹薛闫段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵钱錢严嚴覃戴莫孔汤湯"
	surnamesKO = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부황보"
)

func isHan(r rune) bool      { return unicode.Is(unicode.Han, r) }
func isHangul(r rune) bool   { return unicode.Is(unicode.Hangul, r) }
func isKatakana(r rune) bool { return unicode.Is(unicode.Katakana, r) && r != '・' || r == 'ー' }
func isHanOrKana(r rune) bool {
	return isHan(r) || unicode.Is(unicode.Hiragana, r) || isKatakana(r)
}

func allRunes(s string, f func(rune) bool) bool {
	for _, r := range s {
		if !f(r) {
			return false
		}
	}
	return s != ""
}

func between(n, lo, hi int) bool { return n >= lo && n <= hi }

func capitalised(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || len(w) < 2 {
		return false
	}
	for _, q := range w[size:] {
		if !unicode.IsLetter(q) {
			return false
		}
	}
	return true
}

// ---- a person through a relative ----

var (
	// 申請者の父親, 客員研究員の妻: a person singled out by a relative.
	reRelativeJA = regexp.MustCompile(`(?:申請者|応募者|研究者|研究員|教授|准教授|講師|助教|留学生|院生|大学院生|ポスドク|当該者|本人|同氏|招へい者|招聘者)の(?:父親|母親|実父|実母|妻|夫|配偶者|奥様|奥さん|ご主人|息子|娘|兄|弟|姉|妹|親族|親戚|义父|岳父)`)
	// "the applicant's father", "the visiting scholar …, whose wife".
	reRelativeEN      = regexp.MustCompile(`(?i)\b(?:applicant|researcher|scholar|postdoc|professor|student|visitor|fellow|engineer|candidate|scientist|pi)s?(?:(?:'s|’s)\s+|\b[^.;\n]{0,80}?\bwhose\s+)(?:wife|husband|spouse|father|mother|son|daughter|brother|sister|parents|father-in-law|mother-in-law|relative|relatives)\b`)
	relativeHintsJA   = []string{"の父", "の母", "の実", "の妻", "の夫", "の配偶者", "の奥", "のご主人", "の息子", "の娘", "の兄", "の弟", "の姉", "の妹", "の親", "の义", "の岳"}
	relativeMatcherJA = newMultiMatcher(relativeHintsJA)
	kinHintsEN        = []string{"wife", "husband", "spouse", "father", "mother", "son", "daughter", "brother", "sister", "parents", "relative"}
)

// relativeAt returns where text singles out a person by a relative.
func relativeAt(text string, tf textFacts) []int {
	var at []int
	if tf.nonASCII && relativeMatcherJA.has(text) {
		for _, loc := range reRelativeJA.FindAllStringIndex(text, -1) {
			at = append(at, loc[0])
		}
	}
	// "'s" or "whose" first: an apostrophe is rare, and "whose" starts with
	// a rarer letter than the kin words ("son" is in "reason").
	if (tf.apostrophe || strings.Contains(text, "whose")) && containsAny(text, kinHintsEN) {
		for _, loc := range reRelativeEN.FindAllStringIndex(text, -1) {
			at = append(at, loc[0])
		}
	}
	return at
}

// ---- staff and student numbers, messenger and author IDs ----

// rePersonalID finds an identifier that points at one person: a staff,
// student or employee number, a messenger account, an author profile.
var rePersonalID = regexp.MustCompile(
	`(?:学籍番号|学生番号|学生証番号|職員番号|教職員番号|社員番号|従業員番号|研究者番号|学号|工号|工作证号|학번|사번|직원번호)\s*[:：]?\s*(?:[A-Za-z\-]*\d){4}` +
		`|(?i:student|staff|employee|personnel)\s*(?i:id|no\.?|number|#)\s*[:：]?\s*(?:[A-Za-z\-]*\d){4}` +
		`|(?i:scopus\s*author\s*id|researcher\s*id|researcherid|web\s*of\s*science\s*id|kaken\s*id)\s*[:：]?\s*[A-Za-z\-]{0,4}\d{5,}` +
		`|LINE(?:\s*ID)?\s*[:：]?\s*(?:@[A-Za-z0-9_.\-]{3,}|[A-Za-z][A-Za-z0-9_.\-]*[0-9_][A-Za-z0-9_.\-]*)` +
		`|(?:微信号?|WeChat(?:\s*ID)?|KakaoTalk(?:\s*ID)?|카카오톡(?:\s*ID)?|Telegram|WhatsApp)\s*[:：]?\s*@?[A-Za-z][A-Za-z0-9_\-]{4,}` +
		`|researchmap\.jp/[A-Za-z0-9_\-]{3,}` +
		`|scholar\.google\.[a-z.]+/citations\?user=[A-Za-z0-9_\-]+`)

// personalIDHints are substrings without which rePersonalID cannot match.
var (
	personalIDHintsCJK = newMultiMatcher([]string{"番号", "学号", "工号", "证号", "학번", "사번", "번호", "微信", "카카오"})
	personalIDHints    = []string{"tudent", "taff", "mployee", "ersonnel", "copus", "esearcher", "cience", "aken", "LINE",
		"WeChat", "akao", "elegram", "hatsApp", "researchmap", "scholar.google"}
)

// personalIDAt returns where personal identifiers start in text (bytes).
// Every identifier has four digits, or (a handle or a profile URL) one of
// "@", "_", "/"; text with neither is not searched.
func personalIDAt(text string, tf textFacts) []int {
	if tf.digits < 4 && !tf.idMark {
		return nil
	}
	if !containsAny(text, personalIDHints) && (!tf.nonASCII || !personalIDHintsCJK.has(text)) {
		return nil
	}
	var at []int
	for _, loc := range rePersonalID.FindAllStringIndex(text, -1) {
		at = append(at, loc[0])
	}
	return at
}

// normNFKC is the NFKC form of s, as stringFindingsUncached reads it.
func normNFKC(s string) string {
	if norm.NFKC.IsNormalString(s) {
		return s
	}
	return norm.NFKC.String(s)
}

// ---- tables pasted as text ----

// tableCellAt reports whether s[i:j] is a whole cell of a table pasted as
// text: cells separated by tabs, commas or bars, on a line with at least two
// separators, next to a line with as many. A header cell there names a
// column, and the rows beside it fill it.
func tableCellAt(s string, i, j int) bool {
	ls := strings.LastIndexByte(s[:i], '\n') + 1
	le := strings.IndexByte(s[j:], '\n')
	if le < 0 {
		le = len(s)
	} else {
		le += j
	}
	before := strings.TrimRight(s[ls:i], " \u3000")
	after := strings.TrimLeft(s[j:le], " \u3000")
	sepBefore := before == "" || strings.ContainsAny(before[len(before)-1:], ",\t|")
	if !sepBefore {
		return false
	}
	if after != "" && !strings.ContainsAny(after[:1], ",\t|") {
		return false
	}
	sep, n := cellSeparator(s[ls:le])
	if n < 2 {
		return false
	}
	// A table of organisations (団体名, company) with no column for a
	// person: its 国籍 is a company's, as in prose (当該企業の国籍).
	if hdr := strings.ToLower(s[ls:le]); containsAny(hdr, orgColumns) && !containsAny(hdr, personColumns) {
		return false
	}
	// A neighbouring line with as many cells.
	if le < len(s) {
		next := s[le+1:]
		if k := strings.IndexByte(next, '\n'); k >= 0 {
			next = next[:k]
		}
		if strings.Count(next, sep) == n {
			return true
		}
	}
	if ls > 0 {
		prev := s[:ls-1]
		prev = prev[strings.LastIndexByte(prev, '\n')+1:]
		if strings.Count(prev, sep) == n {
			return true
		}
	}
	return false
}

// orgColumns and personColumns are words of a table's header that say whose
// rows they are.
var (
	orgColumns    = []string{"団体", "企業", "機関", "会社", "法人", "組織", "company", "organisation", "organization", "entity", "institution", "supplier", "vendor", "funder"}
	personColumns = []string{"氏名", "名前", "学籍", "職員", "社員", "研究者", "研究員", "学生", "申請者", "受入", "姓", "researcher", "student", "applicant", "staff", "person", "visitor", "full name", "surname", "given name", "employee"}
)

// isOrgValue reports whether a cell names an organisation: an organisation
// word or a company suffix (Ltd., Inc., 株式会社, 有限公司, 大学 …).
func isOrgValue(cell string) bool {
	l := strings.ToLower(cell)
	for _, w := range strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if orgNouns[w] || orgNouns[strings.TrimSuffix(w, "s")] || companySuffixes[w] {
			return true
		}
	}
	return containsAny(cell, orgWordsJA) || containsAny(cell, []string{"株式会社", "有限公司", "公司", "大学", "研究所", "研究院", "財団", "基金", "协会", "協会", "센터", "대학", "연구원"})
}

// companySuffixes end a company's name.
var companySuffixes = set(`ltd limited inc co corp llc gmbh ag sa plc bv kk pte jsc ooo`)

// cellSeparator returns a line's commonest cell separator and its count.
func cellSeparator(line string) (string, int) {
	best, n := "", 0
	for _, sep := range []string{"\t", ",", "|"} {
		if c := strings.Count(line, sep); c > n {
			best, n = sep, c
		}
	}
	return best, n
}

// ---- columns of a pasted table ----

// nameColumns head a column of people's names; originColumns a column of
// where they are from. A table whose header has a name column and rows
// under it lists people: the names are flagged, and an origin column beside
// them (Country, 国, 出身) is refused as it is in an object about a person.
var (
	nameColumns   = set(`name full_name fullname surname family_name given_name 氏名 名前 姓名 성명 이름 shimei 研究者名 申請者名 学生氏名 氏名(ローマ字) 氏名(漢字) 氏名(カナ)`)
	originColumns = set(`country country_of_origin origin home_country 国 国・地域 国名 出身 出身国 出身地 국가 国家 country/region`)
)

// tableColumns reads the header of each table pasted in text (a line of at
// least two separators next to a line with as many) and returns where a name
// column and an origin column of a table of people start (bytes; -1 if none).
func tableColumns(text string) (nameAt, originAt int) {
	nameAt, originAt = -1, -1
	if !strings.Contains(text, "\n") || !strings.ContainsAny(text, ",\t|") {
		return
	}
	lines := strings.Split(text, "\n")
	off := 0
	for li, line := range lines {
		start := off
		off += len(line) + 1
		sep, n := cellSeparator(line)
		if n < 2 {
			continue
		}
		if !(li+1 < len(lines) && strings.Count(lines[li+1], sep) == n) {
			continue
		}
		hdr := strings.ToLower(line)
		if containsAny(hdr, orgColumns) && !containsAny(hdr, personColumns) {
			continue
		}
		name, origin := -1, -1
		nameCol := -1
		pos := start
		for ci, cell := range strings.Split(line, sep) {
			c := strings.TrimSpace(cell)
			key := strings.ReplaceAll(strings.ToLower(norm.NFKC.String(c)), " ", "_")
			switch {
			case nameColumns[key] || nameColumns[strings.ReplaceAll(key, "_", "")]:
				if name < 0 {
					name, nameCol = pos+strings.Index(cell, c), ci
				}
			case originColumns[key]:
				if origin < 0 {
					origin = pos + strings.Index(cell, c)
				}
			}
			pos += len(cell) + len(sep)
		}
		// "Name, Country" over "Northbridge Photonics Ltd., HK" is a list of
		// organisations (an export list's extract), not of people.
		if name >= 0 {
			if cells := strings.Split(lines[li+1], sep); nameCol < len(cells) && isOrgValue(cells[nameCol]) {
				continue
			}
		}
		if name >= 0 && nameAt < 0 {
			nameAt = name
		}
		if name >= 0 && origin >= 0 && originAt < 0 {
			originAt = origin
		}
	}
	return nameAt, originAt
}

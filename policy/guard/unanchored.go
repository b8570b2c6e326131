package guard

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names with no anchor: no honorific, title, role label or space to say
// "this is a person" — 山田太郎は, 岡島由香が, 張偉が, "Zhang Wei forwarded",
// "Mariko Tsujimoto", "HAYASHIBARA Kenta". A surname alone cannot be told
// from a place or a company (金沢, 福田町, 山田製作所, 鈴木商店), so these
// readers need a GIVEN name from a list as well: common Japanese given
// names in kanji, kana and romaji, and the commonest characters and
// syllables of Chinese given names. The lists are a gazetteer like the
// surname and place lists (docs/DESIGN-NOTES.md, 2026-11-29); a given name
// outside them passes, which docs/GUARDRAILS.md lists as a known limit.
//
// A name must end where a particle or punctuation starts (は が と を も の 、),
// so an organisation named after a person (松下幸之助記念財団, 吉田茂国際基金,
// 孫正義育英財団) is not read as one. Historical persons named in public
// history (孫文, 野口英世, 湯川秀樹) are a short list of their own.

// givenNamesJA are common Japanese given names. Words that are also
// ordinary nouns (陽子 "proton", 光子 "photon") are left out.
var givenNamesJA = set(`太郎 次郎 一郎 二郎 三郎 健太 翔太 大輔 健一 健二 健太郎 浩二 浩一 雅之 裕之 秀樹 英樹 大樹
翔平 拓也 直樹 和也 達也 智也 哲也 誠一 誠二 隆之 博之 和彦 正人 正樹 雅人 雅彦 康弘 信之 洋平 亮太 亮介
陽翔 悠真 大翔 蓮斗 湊 陸斗 海斗 颯太 悠斗 優太 慎太郎 俊介 圭介 恭平 航平 拓海 拓真 大和 将太 翔
美咲 由香 裕子 恵子 花子 明美 直美 由美 真由美 愛子 舞子 彩香 結衣 陽菜 美穂 香織 智子 洋子 京子
久美子 幸子 美紀 真理子 麻美 由紀 由紀子 恵美 恵理 理恵 沙織 早紀 奈々 遥 彩 綾香 加奈 美香 優子 明子
直子 典子 順子 真美 亜希子 千尋 美和 里美 友美 瞳 葵 凛 結菜 さくら ひなた あおい ゆい みさき
まゆみ かおり ゆか あやか はるか`)

// givenNamesJA1 are one-character given names: only after a listed surname
// (木村誠が, 鈴木健は), never after an unknown one (自己愛 is not a name).
var givenNamesJA1 = set(`誠 浩 隆 博 翔 蓮 健 亮 学 修 聡 剛 徹 淳 恵 愛 舞 彩 遥 瞳 葵 凛 湊 茂 豊 稔 勇 忠 明 実 薫 望`)

// givenCharsZH are the commonest characters of Chinese given names; a
// surname and one or two of them make a name (李明, 张伟, 王静).
const givenCharsZH = "伟偉明静靜敏丽麗强強磊洋勇艳艶杰傑娟涛濤超芳娜刚剛华華玲红紅霞斌鹏鵬辉輝婷宇浩凯凱俊帆欣鑫晨琳颖穎倩慧莉雪雯峰毅翔亮秀英桂兰蘭萍燕鹰鷹"

// historicalNames are persons of public history, named as history is.
var historicalNames = set(`孫文 孙文 毛沢東 毛泽东 周恩来 鄧小平 邓小平 蒋介石 野口英世 湯川秀樹 坂本龍馬 吉田茂 松下幸之助
福沢諭吉 伊藤博文 西郷隆盛 夏目漱石 豊田佐吉 本田宗一郎 北里柴三郎 朝永振一郎 田中角栄 山本五十六
徳川家康 織田信長 豊臣秀吉 李鴻章 袁世凱 魯迅 鲁迅 孔子 孟子 司馬遼太郎 渋沢栄一 岩崎弥太郎`)

// notNamesZH are words that begin with a surname character and end with a
// given-name character, and are words: 文明, 高峰, 周波.
var notNamesZH = set(`文明 光明 黎明 和平 公平 太平 水平 高峰 高波 周波 電波 马华 高華 金华 高明 宋明 唐明 程明 史明 明明
高强 高強 高超 高涛 金刚 金剛 金海 东海 東海 黄海 黃海 程华 高建 马建 高俊 丁寧 叶平 石英 高英 孔明 何平 严明 嚴明 秦明`)

// nameEnd reports whether an unanchored name may end at byte j: a particle
// (は が と を も の で に), punctuation, a line's end or the text's end.
func nameEnd(text string, j int) bool {
	if j >= len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	switch {
	case strings.ContainsRune("はがとをものでに", r):
		return true
	case strings.ContainsRune("、，,。\n　 ）)」", r):
		return true
	}
	return false
}

// unanchoredNamesJA returns where unspaced Japanese and Chinese names start
// in text (bytes): a run of Han (or Han then kana) that is a surname and a
// listed given name, standing alone on its left and ending at a particle.
func unanchoredNamesJA(text string) []int {
	var at []int
	dot := false // a middle dot: katakana names may be there
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			i++
			continue
		}
		// Kana and CJK punctuation (U+3000–U+33FF, lead byte E3, second
		// byte below 90) are most of Japanese text and are not Han; 々 and
		// 〇 do not start a name.
		if text[i] == 0xE3 && i+2 < len(text) && text[i+1] < 0x90 {
			dot = dot || text[i+1] == 0x83 && text[i+2] == 0xBB
			i += 3
			continue
		}
		size := hanAt(text, i)
		if size == 0 {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
			continue
		}
		// A run of Han.
		j := i + size
		for j < len(text) {
			n := hanAt(text, j)
			if n == 0 {
				break
			}
			j += n
		}
		if !katakanaBefore(text, i) {
			if k := nameInRun(text, i, j); k > 0 {
				at = append(at, i)
			}
		}
		i = j
	}
	if dot {
		at = append(at, katakanaNamesAt(text)...)
	}
	return at
}

// katakanaBefore reports whether katakana or 々 ends right before byte i
// (a run of Han after katakana is the end of a longer word: ドイツ銀行).
func katakanaBefore(text string, i int) bool {
	if i < 3 || text[i-3] != 0xE3 {
		return false
	}
	b1, b2 := text[i-2], text[i-1]
	return b1 == 0x82 && b2 >= 0xA1 || b1 == 0x83 && b2 <= 0xBA || b1 == 0x83 && b2 == 0xBC || b1 == 0x80 && b2 == 0x85
}

// givenNamesKatakana are common Western given names in katakana: one of
// them, a middle dot and a katakana family name make a name (ジョン・スミスは).
// ジョンズ・ホプキンス大学 goes on into Han, so it is not one.
var givenNamesKatakana = set(`ジョン マイケル デビッド デイビッド ジェームズ ロバート ウィリアム リチャード トーマス マーク ポール
ピーター ジョージ スティーブン ケビン ブライアン エリック アンドリュー ダニエル クリス クリストファー マシュー
メアリー エミリー サラ アンナ マリア エリザベス ジェニファー リサ ローラ ジェシカ ミシェル カレン ナンシー
アレックス イワン セルゲイ アレクサンドル ドミトリー オルガ ハンス ピエール ジャン アフマド モハマド`)

// katakanaNamesAt returns where a katakana given name, a middle dot and a
// katakana family name start, ending at a particle.
func katakanaNamesAt(text string) []int {
	var at []int
	for k := 0; ; {
		d := strings.Index(text[k:], "・")
		if d < 0 {
			break
		}
		dot := k + d
		k = dot + len("・")
		i := dot
		for i > 0 {
			r, n := utf8.DecodeLastRuneInString(text[:i])
			if !isKatakana(r) {
				break
			}
			i -= n
		}
		j := k
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !isKatakana(r) {
				break
			}
			j += n
		}
		if givenNamesKatakana[text[i:dot]] && j > k && !katakanaOrgWords[text[k:j]] && nameEnd(text, j) {
			at = append(at, i)
		}
	}
	return at
}

// hanAt returns the length of the Han character at text[i], or 0. The
// unified ideographs (U+4E00–U+9FFF, lead bytes E4–E9) are read from their
// lead byte alone.
func hanAt(text string, i int) int {
	if c := text[i]; c >= 0xE4 && c <= 0xE9 && i+2 < len(text) {
		return 3
	} else if c < 0xE3 {
		return 0
	}
	r, n := utf8.DecodeRuneInString(text[i:])
	if fastHan(r) {
		return n
	}
	return 0
}

// fastHan is isHan with the common cases first: the unified ideographs,
// and kana and punctuation, which are not Han.
func fastHan(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	case r < 0x2E80 || r >= 0x3040 && r <= 0x30FF || r >= 0xFF00:
		return false
	}
	return isHan(r)
}

// nameInRun reports whether text[i:j], a run of Han, with a kana given name
// after it, is a name that ends at a particle; it returns the name's end.
func nameInRun(text string, i, j int) int {
	run := text[i:j]
	if len(run) > 18 {
		return 0 // more than six characters
	}
	// A kana given name after a listed surname: 木下さくら.
	if j < len(text) && text[j] == 0xE3 && len(run) <= 9 && hanBit(&surnameFirstBits, run) && surnamesJA[run] && !historicalNames[run] {
		for g := range givenKanaJA {
			if strings.HasPrefix(text[j:], g) && nameEnd(text, j+len(g)) {
				return j + len(g)
			}
		}
	}
	// A given name ends the run at a particle: most runs end in a character
	// no listed given name ends in (財団, 研究室), and are not split at all.
	if len(run) < 3 || !hanBit(&givenLastBits, run[len(run)-3:]) || !nameEnd(text, j) {
		return 0
	}
	if utf8.RuneCountInString(run) < 2 || historicalNames[run] {
		return 0
	}
	// Split the run into a surname and a given name; the given name is
	// looked up first (most runs are not names, and the lists are small).
	for s := i; s < j; {
		_, size := utf8.DecodeRuneInString(text[s:])
		s += size
		sur, given := text[i:s], text[s:j]
		if given == "" {
			break
		}
		ns, ng := utf8.RuneCountInString(sur), utf8.RuneCountInString(given)
		if ng > 3 || ns > 3 {
			continue
		}
		if givenNamesJA[given] && (surnamesJA[sur] || ns >= 2 && ng >= 2) {
			return j
		}
		if givenNamesJA1[given] && surnamesJA[sur] {
			return j
		}
		if ns == 1 && ng <= 2 && surnameZH[sur] && allRunes(given, func(r rune) bool { return givenCharZH[r] }) && !notNamesZH[run] {
			return j
		}
	}
	return 0
}

// hanBits is a set of unified ideographs (U+4E00–U+9FFF), one bit each.
type hanBits [(0x9FFF - 0x4E00 + 64) / 64]uint64

func (h *hanBits) add(r rune) {
	if r >= 0x4E00 && r <= 0x9FFF {
		h[(r-0x4E00)/64] |= 1 << ((r - 0x4E00) % 64)
	}
}

// hanBit reports whether the first character of s is in h.
func hanBit(h *hanBits, s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r >= 0x4E00 && r <= 0x9FFF && h[(r-0x4E00)/64]&(1<<((r-0x4E00)%64)) != 0
}

var (
	// givenLastBits: the last characters of the listed given names (kanji)
	// and the Chinese given-name characters. surnameFirstBits: the first
	// characters of the listed Japanese surnames.
	givenLastBits, surnameFirstBits = func() (g, f hanBits) {
		for _, set := range []map[string]bool{givenNamesJA, givenNamesJA1} {
			for n := range set {
				r, _ := utf8.DecodeLastRuneInString(n)
				g.add(r)
			}
		}
		for _, r := range givenCharsZH {
			g.add(r)
		}
		for n := range surnamesJA {
			r, _ := utf8.DecodeRuneInString(n)
			f.add(r)
		}
		return g, f
	}()
	surnameZH = func() map[string]bool {
		m := map[string]bool{}
		for _, r := range surnamesZH {
			m[string(r)] = true
		}
		return m
	}()
	givenCharZH = func() map[rune]bool {
		m := map[rune]bool{}
		for _, r := range givenCharsZH {
			m[r] = true
		}
		return m
	}()
)

var givenKanaJA = func() map[string]bool {
	m := map[string]bool{}
	for g := range givenNamesJA {
		if allRunes(g, func(r rune) bool { return unicode.Is(unicode.Hiragana, r) }) {
			m[g] = true
		}
	}
	return m
}()

// Latin names with no anchor.
var (
	// givenNamesRomaji are common Japanese given names in Latin letters.
	givenNamesRomaji = set(`taro jiro ichiro kenta shota daisuke kenichi makoto hiroshi takashi hiroki haruto yuma
takuya naoki kazuya tatsuya kenji koji masayuki hiroyuki hideki daiki shohei ryo manabu osamu satoshi tsuyoshi
toru megumi misaki yuka yoko yuko keiko hanako akemi naomi yumi mayumi sakura miho kaori tomoko kyoko kumiko
kazuko sachiko miki mariko asami yuki mami emi rie saki haruka ayaka kana kaito riku sota yuto yusuke kosuke
ryota yuta takumi kazuki tomoya masato akira hiroto shunsuke kohei yohei junko noriko akiko naoko reiko
michiko eri chihiro ayumi nozomi shinji shingo tetsuya tomohiro masahiro kazuhiro yoshiko`)
	// givenSyllablesZH are the commonest syllables of Chinese given names in
	// pinyin; a listed surname and one of them, both capitalised, make a name
	// (Zhang Wei, Wang Lei).
	givenSyllablesZH = set(`wei lei ming jing min qiang jun yong jie juan tao chao fang na gang hua ling hong xia bin
peng hui ting hao kai jian xin xue wen feng ning yi xiang liang yan yun dong hai ping guo lan fei bo jia jiahui yang ying
xiaoming xiaohong zhiwei jianguo haiyan xiuying guiying yuxuan zihan haoran yuting`)
	surnamesPinyin = set(`zhang wang li liu chen yang huang zhao wu zhou xu sun zhu hu guo gao luo zheng liang xie
song tang han feng deng cao peng zeng xiao tian dong yuan pan jiang cai yu du ye cheng su wei lu ding shen yao
lu jiang cui zhong tan fan jin liao jia xia qin qiu yin xue yan duan lei hou long shi tao he`)
	reRomajiShape = regexp.MustCompile(`^(?:(?:ky|gy|sh|ch|ny|hy|my|ry|by|py|ts|[kstp]{2}|[kgsztdnhbpmyrwfj])?[aiueo]|n)+$`)
)

// unanchoredNamesLatin returns where Latin names with no anchor start: a
// listed Chinese surname and given syllable (Zhang Wei), a listed Japanese
// given name and a word of romaji shape (Mariko Tsujimoto), or a family
// name in capitals of romaji shape and a listed given name (HAYASHIBARA
// Kenta). One pass over the bytes; only two capitalised words in a row
// are looked up.
func unanchoredNamesLatin(text string, tf textFacts) []int {
	var at []int
	pi, pj := -1, -1 // the previous word, if capitalised
	var buf [32]byte
	for i := 0; i < len(text); {
		c := text[i]
		if !isAlnumASCII(c) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && isAlnumASCII(text[j]) {
			j++
		}
		if c < 'A' || c > 'Z' || j-i > len(buf) {
			pi, pj = -1, -1
			i = j
			continue
		}
		if pi >= 0 && pj+1 == i && text[pj] == ' ' && latinNamePair(text, pi, pj, i, j, buf[:0]) {
			at = append(at, pi)
		}
		pi, pj = i, j
		i = j
	}
	return at
}

// latinNamePair reports whether text[pi:pj] and text[i:j], two capitalised
// words with one space between, are a name.
func latinNamePair(text string, pi, pj, i, j int, buf []byte) bool {
	allCaps := pj-pi >= 4
	for k := pi + 1; k < pj && allCaps; k++ {
		allCaps = text[k] >= 'A' && text[k] <= 'Z'
	}
	if j-i > 16 {
		return false
	}
	// Both words lowered into buf, without allocating: a, then b.
	ab := lowerInto(buf, text[pi:pj])
	ab = lowerInto(ab, text[i:j])
	a, b := ab[:pj-pi], ab[pj-pi:]
	var ok bool
	if allCaps {
		ok = givenNamesRomaji[string(b)] && reRomajiShape.Match(a)
	} else {
		ok = surnamesPinyin[string(a)] && givenSyllablesZH[string(b)] ||
			givenNamesRomaji[string(a)] && len(b) >= 4 && reRomajiShape.Match(b)
	}
	return ok && !orgNouns[string(a)] && !orgNouns[string(b)] && !notPersonAfter[string(b)] && !orgAfter(text[j:]) &&
		!placeAfter(text[j:]) && !capitalisedBefore(text, pi) && !strings.HasPrefix(text[j:], "-")
}

// notPersonAfter are romanised words of companies and places that a
// given-name-shaped word may stand before: Yuki Kaisha, Kenta Shoji.
var notPersonAfter = set(`kaisha kabushiki shoji kogyo sangyo seisakusho ginko daigaku kenkyujo shoten
denki jidosha seiki kagaku`)

// placeAfter reports whether a place noun follows: "Zhang Wei Road".
func placeAfter(rest string) bool {
	f := strings.Fields(rest)
	if len(f) == 0 {
		return false
	}
	return placeNounsEN[strings.ToLower(strings.Trim(f[0], ".,;:()"))]
}

var placeNounsEN = set(`road street avenue lu jie district tower building bridge station square park village
town county province temple hall`)

// capitalisedBefore reports whether a capitalised word ends right before
// byte i: "Bank of China Wang Lei Street" is part of a longer name.
func capitalisedBefore(text string, i int) bool {
	t := strings.TrimRight(text[:i], " ")
	if len(t) == len(text[:i]) || t == "" {
		return false
	}
	k := strings.LastIndexAny(t, " \n\t(\"'")
	w := t[k+1:]
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) && !strings.HasSuffix(w, ".") && !strings.HasSuffix(w, ":") && !strings.HasSuffix(w, ",")
}

// Command corpusgen writes the screening corpus in node/screen/testdata/corpus:
// 1,000 fictional indicator subjects (organisations in English, Japanese and
// Chinese, some with acronyms and ROR ids) and a list of entries to screen
// against them, each with the subject it should match (or none) and the
// variant it exercises. It is deterministic; the files are checked in and
// not regenerated unless the corpus itself changes.
//
//	go run ./node/screen/internal/corpusgen -out node/screen/testdata/corpus
package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/ursic/ursic/node/screen"
)

type name struct {
	Value string `json:"value"`
	Lang  string `json:"lang,omitempty"`
	Type  string `json:"type,omitempty"`
}

type subject struct {
	CID          string `json:"cid"`
	Names        []name `json:"names"`
	ROR          string `json:"ror,omitempty"`
	Jurisdiction string `json:"jurisdiction,omitempty"`
	style        string // cn-company, cn-university, jp-company, west-company
	place        int    // index into cnPlaces, or -1
}

type pair struct{ en, zh string }

var cnPlaces = []pair{
	{"Beijing", "北京"}, {"Shanghai", "上海"}, {"Tianjin", "天津"}, {"Chongqing", "重庆"}, {"Shenzhen", "深圳"},
	{"Guangzhou", "广州"}, {"Wuhan", "武汉"}, {"Nanjing", "南京"}, {"Hangzhou", "杭州"}, {"Xi'an", "西安"},
	{"Chengdu", "成都"}, {"Harbin", "哈尔滨"}, {"Changsha", "长沙"}, {"Hefei", "合肥"}, {"Dalian", "大连"},
	{"Shenyang", "沈阳"}, {"Jinan", "济南"}, {"Qingdao", "青岛"}, {"Suzhou", "苏州"}, {"Xiamen", "厦门"},
	{"Kunming", "昆明"}, {"Lanzhou", "兰州"}, {"Taiyuan", "太原"}, {"Zhengzhou", "郑州"}, {"Fuzhou", "福州"},
	{"Nanchang", "南昌"}, {"Changchun", "长春"}, {"Guiyang", "贵阳"}, {"Nanning", "南宁"}, {"Wuxi", "无锡"},
}

// cnCores are brand names; the last ones are kept for entries that must not match.
var cnCores = []pair{
	{"Huaxin", "华信"}, {"Zhongke", "中科"}, {"Tianhe", "天河"}, {"Xinghai", "星海"}, {"Longteng", "龙腾"},
	{"Haiguang", "海光"}, {"Jinghua", "精华"}, {"Ruida", "锐达"}, {"Hongtu", "宏图"}, {"Changcheng", "长城"},
	{"Dongfang", "东方"}, {"Yuanwang", "远望"}, {"Shenzhou", "神舟"}, {"Kunlun", "昆仑"}, {"Taishan", "泰山"},
	{"Huanyu", "寰宇"}, {"Jiuzhou", "九州"}, {"Tianyi", "天翼"}, {"Hengtong", "亨通"}, {"Guoxin", "国芯"},
	{"Xinyuan", "芯源"}, {"Weiguang", "微光"}, {"Leiming", "雷鸣"}, {"Feiyue", "飞跃"}, {"Qiming", "启明"},
	{"Haitai", "海泰"}, {"Ruixin", "瑞芯"}, {"Boyuan", "博源"}, {"Jingwei", "经纬"}, {"Zhiyuan", "智远"},
	{"Hualong", "华龙"}, {"Tianma", "天马"}, {"Yinhe", "银河"}, {"Fenghuo", "烽火"}, {"Shuguang", "曙光"},
	{"Lingyun", "凌云"}, {"Baiyun", "白云"}, {"Jinlong", "金龙"}, {"Yunhai", "云海"}, {"Xinghuo", "星火"},
	{"Zhongtian", "中天"}, {"Haixing", "海星"}, {"Dingtai", "鼎泰"}, {"Hongyuan", "宏远"}, {"Anke", "安科"},
	{"Tongfang", "同方"}, {"Huayi", "华宜"}, {"Zhongwei", "中微"}, {"Guanghua", "光华"}, {"Ruiguang", "瑞光"},
	// for negatives only:
	{"Qianfan", "千帆"}, {"Zhuoyue", "卓越"}, {"Kaiyuan", "开元"}, {"Shengda", "盛达"}, {"Yida", "亿达"},
	{"Juxin", "聚芯"}, {"Tengyun", "腾云"}, {"Mingde", "明德"}, {"Hexin", "和信"}, {"Jiahe", "嘉禾"},
}

const cnCoresUsed = 50

var cnFields = []pair{
	{"Photonics", "光电"}, {"Microelectronics", "微电子"}, {"Semiconductor", "半导体"}, {"Aerospace", "航天"},
	{"Precision Machinery", "精密机械"}, {"Advanced Materials", "新材料"}, {"Optics", "光学"}, {"Robotics", "机器人"},
	{"Electronics", "电子"}, {"Instruments", "仪器"}, {"Information Technology", "信息技术"}, {"Communication", "通信"},
	{"New Energy", "新能源"}, {"Biotechnology", "生物技术"}, {"Navigation", "导航"}, {"Quantum", "量子"},
	{"Software", "软件"}, {"Trading", "贸易"}, {"Intelligent Equipment", "智能装备"}, {"Laser", "激光"},
}

var cnDisciplines = []struct{ en, zh, kind string }{
	{"University of Technology", "理工大学", "uni"}, {"University of Science and Technology", "科技大学", "uni"},
	{"University of Aeronautics and Astronautics", "航空航天大学", "uni"}, {"University of Posts and Telecommunications", "邮电大学", "uni"},
	{"University of Chemical Technology", "化工大学", "uni"}, {"Institute of Technology", "理工学院", "uni"},
	{"Normal University", "师范大学", "suffix"}, {"Jiaotong University", "交通大学", "suffix"},
	{"University of Electronic Science and Technology", "电子科技大学", "uni"}, {"Institute of Optics and Fine Mechanics", "光学精密机械研究所", "uni"},
	{"Research Institute of Electronics", "电子研究所", "suffix"}, {"Academy of Engineering Physics", "工程物理研究院", "uni"},
}

var jpCores = []struct{ en, ja string }{
	{"Zephyr", "ゼファー"}, {"Altair", "アルタイル"}, {"Nova", "ノヴァ"}, {"Mirage", "ミラージュ"}, {"Orion", "オリオン"},
	{"Vega", "ベガ"}, {"Sirius", "シリウス"}, {"Lumina", "ルミナ"}, {"Cascade", "カスケード"}, {"Nexus", "ネクサス"},
	{"Astra", "アストラ"}, {"Helios", "ヘリオス"}, {"Soleil", "ソレイユ"}, {"Kitahashi", "北橋"}, {"Toho", "東邦"},
	{"Yamato", "大和"}, {"Sanko", "三光"}, {"Nisshin", "日進"}, {"Asahigawa", "旭川"}, {"Minamisawa", "南沢"},
	{"Takamine", "高峰"}, {"Shiranami", "白波"}, {"Kazeno", "風野"}, {"Hoshizora", "星空"}, {"Aozora", "青空"},
	// for negatives only:
	{"Polaris", "ポラリス"}, {"Aurora", "オーロラ"}, {"Kurogane", "黒鉄"}, {"Midorikawa", "緑川"}, {"Tsubasa", "翼"},
}

const jpCoresUsed = 25

var jpFields = []struct{ en, ja string }{
	{"Optics", "光学"}, {"Electronics", "電子"}, {"Precision", "精機"}, {"Trading", "通商"}, {"Chemical", "化学"},
	{"Industries", "工業"}, {"Materials", "マテリアル"}, {"Technology", "テクノロジー"}, {"Instruments", "計器"}, {"Photonics", "フォトニクス"},
}

var westCores = []string{
	"Northbridge", "Tidewater", "Ironwood", "Silverline", "Bluepeak", "Redstone", "Westgate", "Eastfield", "Highmark",
	"Clearwater", "Stonebridge", "Brightwave", "Deepfield", "Goldcrest", "Greenhill", "Falconridge", "Oakmont",
	"Riverbend", "Summitview", "Lakeshore", "Copperfield", "Ashford", "Blackthorn", "Crestline", "Driftwood",
	"Evergreen", "Foxglove", "Granite Peak", "Harborview", "Juniper", "Kestrel", "Lionsgate", "Maplewood",
	"Northstar", "Pinecrest", "Quarry Hill", "Ravenwood", "Sandstone", "Thornbury", "Upland", "Valemont",
	// for negatives only:
	"Windmere", "Yellowstone", "Zenith Ridge", "Amberfield", "Birchwood", "Cobalt Bay", "Dunmore", "Elmstead",
}

const westCoresUsed = 41

var westFields = []string{"Photonics", "Optics", "Instruments", "Systems", "Dynamics", "Materials", "Technologies", "Trading", "Logistics", "Analytics", "Microsystems", "Aerospace", "Semiconductors"}

var westLegal = []struct{ form, country string }{
	{"GmbH", "DE"}, {"Inc.", "US"}, {"LLC", "US"}, {"Ltd.", "GB"}, {"Corp.", "US"}, {"AG", "CH"}, {"B.V.", "NL"},
	{"Pte. Ltd.", "SG"}, {"FZE", "AE"}, {"LLP", "GB"}, {"S.A.", "FR"}, {"JSC", "RU"}, {"Limited", "HK"},
}

func main() {
	out := flag.String("out", "node/screen/testdata/corpus", "directory to write")
	flag.Parse()
	r := rand.New(rand.NewPCG(13, 2026))
	subjects := makeSubjects(r, 1000)
	entries := makeEntries(r, subjects)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(filepath.Join(*out, "indicators.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, s := range subjects {
		if err := enc.Encode(s); err != nil {
			log.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	g, err := os.Create(filepath.Join(*out, "list.csv"))
	if err != nil {
		log.Fatal(err)
	}
	w := csv.NewWriter(g)
	w.Write([]string{"name", "ror", "country", "expected", "variant"})
	for _, e := range entries {
		w.Write([]string{e.name, e.ror, e.country, e.expected, e.variant})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		log.Fatal(err)
	}
	if err := g.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d subjects, %d list entries\n", len(subjects), len(entries))
}

// makeSubjects makes n subjects whose names are all distinct once normalised.
func makeSubjects(r *rand.Rand, n int) []*subject {
	var out []*subject
	keys := map[string]bool{}
	fresh := func(s *subject) bool {
		var ks []string
		for _, nm := range s.Names {
			nn := screen.Normalise(nm.Value)
			ks = append(ks, nn.Key, nn.Sorted)
			if nn.Acronym != "" {
				ks = append(ks, "acronym:"+nn.Acronym)
			}
		}
		for _, k := range ks {
			if keys[k] {
				return false
			}
		}
		for _, k := range ks {
			keys[k] = true
		}
		return true
	}
	rors := map[string]bool{}
	for len(out) < n {
		var s *subject
		switch k := r.IntN(100); {
		case k < 35:
			s = cnCompany(r)
		case k < 50:
			s = cnUniversity(r)
		case k < 75:
			s = jpCompany(r)
		default:
			s = westCompany(r)
		}
		if !fresh(s) {
			continue
		}
		if r.IntN(4) == 0 {
			for {
				id := rorID(r)
				if !rors[id] {
					rors[id] = true
					s.ROR = id
					break
				}
			}
		}
		s.CID = fmt.Sprintf("ind-%04d", len(out)+1)
		out = append(out, s)
	}
	return out
}

func cnCompany(r *rand.Rand) *subject {
	p, c, f := r.IntN(len(cnPlaces)), cnCores[r.IntN(cnCoresUsed)], cnFields[r.IntN(len(cnFields))]
	pl := cnPlaces[p]
	s := &subject{Jurisdiction: "CN", style: "cn-company", place: p}
	switch r.IntN(3) {
	case 0:
		s.Names = []name{{pl.en + " " + c.en + " " + f.en + " Co., Ltd.", "en", "legal"}, {pl.zh + c.zh + f.zh + "有限公司", "zh-Hans", "legal"}}
	case 1:
		s.Names = []name{{c.en + " " + f.en + " Technology Co., Ltd.", "en", "legal"}, {c.zh + f.zh + "科技股份有限公司", "zh-Hans", "legal"}}
		s.place = -1
	default:
		s.Names = []name{{pl.en + " " + c.en + " " + f.en + " Group Corporation", "en", "legal"}, {pl.zh + c.zh + f.zh + "集团有限公司", "zh-Hans", "legal"}}
	}
	return s
}

func cnUniversity(r *rand.Rand) *subject {
	p, d := r.IntN(len(cnPlaces)), cnDisciplines[r.IntN(len(cnDisciplines))]
	pl := cnPlaces[p]
	en := pl.en + " " + d.en
	s := &subject{Jurisdiction: "CN", style: "cn-university", place: p}
	s.Names = []name{{en, "en", "official"}, {pl.zh + d.zh, "zh-Hans", "official"}}
	if a := screen.Normalise(en).Acronym; a != "" && r.IntN(2) == 0 {
		s.Names = append(s.Names, name{strings.ToUpper(a), "en", "acronym"})
	}
	return s
}

func jpCompany(r *rand.Rand) *subject {
	c, f := jpCores[r.IntN(jpCoresUsed)], jpFields[r.IntN(len(jpFields))]
	s := &subject{Jurisdiction: "JP", style: "jp-company", place: -1}
	if r.IntN(2) == 0 {
		s.Names = []name{{c.en + " " + f.en + " Co., Ltd.", "en", "legal"}, {"株式会社" + c.ja + f.ja, "ja", "legal"}}
	} else {
		s.Names = []name{{c.en + " " + f.en + " Corporation", "en", "legal"}, {c.ja + f.ja + "株式会社", "ja", "legal"}}
	}
	return s
}

func westCompany(r *rand.Rand) *subject {
	c, f, l := westCores[r.IntN(westCoresUsed)], westFields[r.IntN(len(westFields))], westLegal[r.IntN(len(westLegal))]
	sep := " "
	if l.form == "Inc." || l.form == "Ltd." || l.form == "Corp." || l.form == "LLC" {
		sep = ", "
	}
	return &subject{Jurisdiction: l.country, style: "west-company", place: -1, Names: []name{{c + " " + f + sep + l.form, "en", "legal"}}}
}

// rorID makes a valid ROR id: 0, six base-32 characters, a MOD 97-10 checksum.
func rorID(r *rand.Rand) string {
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	b := []byte{'0'}
	var n uint64
	for range 6 {
		v := r.IntN(32)
		b = append(b, alphabet[v])
		n = n*32 + uint64(v)
	}
	return fmt.Sprintf("%s%02d", b, 98-(n*100)%97)
}

type entry struct{ name, ror, country, expected, variant string }

func makeEntries(r *rand.Rand, subjects []*subject) []entry {
	var out []entry
	// Positives: each subject at most once, each variant in turn on a
	// subject it applies to.
	variants := []string{"exact", "case", "fullwidth", "legal-form", "punctuation", "spacing", "traditional", "halfwidth-kana",
		"word-order", "abbreviation", "typo", "typo", "acronym", "ror", "other-script", "legal-form", "case+legal-form", "country"}
	used := map[int]bool{}
	for made := 0; made < 300; made++ {
		v := variants[made%len(variants)]
		for try := 0; ; try++ {
			i := r.IntN(len(subjects))
			if used[i] {
				continue
			}
			if try > 200 {
				v = "legal-form"
			}
			e, ok := variant(r, subjects[i], v)
			if !ok {
				continue
			}
			used[i] = true
			e.expected, e.variant = subjects[i].CID, v
			out = append(out, e)
			break
		}
	}
	// Negatives: generic words alone, and organisations not among the subjects
	// that share words, places or fields with them.
	for _, g := range []string{"University", "Institute of Technology", "Research Institute", "National University", "Technology Co., Ltd.",
		"大学", "研究所", "株式会社", "有限公司", "Co., Ltd.", "Academy of Sciences", "科技有限公司", "工業大学", "Graduate School", "International Trading Co., Ltd.",
		"Photonics GmbH", "Research Center", "School of Engineering", "Laboratory", "Software Inc."} {
		out = append(out, entry{name: g, variant: "generic"})
	}
	for _, g := range []string{"Kyoto University", "Osaka University", "Tohoku University", "Toyota Motor Corporation", "株式会社日立製作所", "東京大学",
		"Sony Group Corporation", "Massachusetts Institute of Technology", "University of Toronto", "Max Planck Society", "RIKEN",
		"National Institute for Materials Science", "University of Cambridge", "Panasonic Holdings Corporation", "京都大学", "大阪大学"} {
		out = append(out, entry{name: g, variant: "unrelated"})
	}
	keys := map[string]bool{}
	for _, s := range subjects {
		for _, n := range s.Names {
			keys[screen.Normalise(n.Value).Key] = true
		}
	}
	add := func(n, v string) {
		if !keys[screen.Normalise(n).Key] {
			out = append(out, entry{name: n, variant: v})
			keys[screen.Normalise(n).Key] = true
		}
	}
	for len(out) < 300+36+100 {
		switch r.IntN(6) {
		case 0: // an unused brand with a used field and place
			c, f, p := cnCores[cnCoresUsed+r.IntN(len(cnCores)-cnCoresUsed)], cnFields[r.IntN(len(cnFields))], cnPlaces[r.IntN(len(cnPlaces))]
			if r.IntN(2) == 0 {
				add(p.en+" "+c.en+" "+f.en+" Co., Ltd.", "unused-brand")
			} else {
				add(p.zh+c.zh+f.zh+"有限公司", "unused-brand")
			}
		case 1: // a used brand and field in another place
			s := subjects[r.IntN(len(subjects))]
			if s.style != "cn-company" || s.place < 0 {
				continue
			}
			p := cnPlaces[(s.place+1+r.IntN(len(cnPlaces)-1))%len(cnPlaces)]
			n := s.Names[0].Value
			add(p.en+" "+n[strings.IndexByte(n, ' ')+1:], "other-place")
		case 2: // a used place with another discipline
			p, d := cnPlaces[r.IntN(len(cnPlaces))], cnDisciplines[r.IntN(len(cnDisciplines))]
			if r.IntN(2) == 0 {
				add(p.en+" "+d.en, "other-discipline")
			} else {
				add(p.zh+d.zh, "other-discipline")
			}
		case 3: // an unused Japanese brand
			c, f := jpCores[jpCoresUsed+r.IntN(len(jpCores)-jpCoresUsed)], jpFields[r.IntN(len(jpFields))]
			if r.IntN(2) == 0 {
				add(c.en+" "+f.en+" Co., Ltd.", "unused-brand")
			} else {
				add("株式会社"+c.ja+f.ja, "unused-brand")
			}
		case 4: // an unused Western brand
			c, f := westCores[westCoresUsed+r.IntN(len(westCores)-westCoresUsed)], westFields[r.IntN(len(westFields))]
			add(c+" "+f+" GmbH", "unused-brand")
		default: // a used brand with another field
			s := subjects[r.IntN(len(subjects))]
			if s.style != "west-company" {
				continue
			}
			core := s.Names[0].Value
			for _, f := range westFields {
				if i := strings.Index(core, " "+f); i > 0 {
					core = core[:i]
					break
				}
			}
			add(core+" "+westFields[r.IntN(len(westFields))]+" Inc.", "other-field")
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// variant writes a list entry for s that exercises v.
func variant(r *rand.Rand, s *subject, v string) (entry, bool) {
	en := s.Names[0].Value
	var local string
	if len(s.Names) > 1 && s.Names[1].Lang != "en" {
		local = s.Names[1].Value
	}
	e := entry{}
	switch v {
	case "exact":
		e.name = en
	case "case":
		e.name = strings.ToUpper(en)
	case "fullwidth":
		e.name = strings.Map(func(c rune) rune {
			switch {
			case c == ' ':
				return '　'
			case c > ' ' && c < 0x7f:
				return c + 0xFEE0
			}
			return c
		}, en)
	case "legal-form":
		if local != "" && r.IntN(2) == 0 {
			e.name = swapCJKLegal(r, local)
		} else {
			e.name = swapLegal(r, en)
		}
	case "case+legal-form":
		e.name = strings.ToLower(swapLegal(r, en))
	case "punctuation":
		e.name = strings.NewReplacer(",", "", ".", "", "'", "").Replace(en)
		if e.name == en {
			e.name = strings.Replace(en, " ", " - ", 1)
		}
	case "spacing":
		e.name = "  " + strings.ReplaceAll(en, " ", "  ") + " "
		if s.style == "cn-company" {
			// "Huaxin" written "Hua Xin", as pinyin often is.
			w := strings.Fields(en)
			for i, x := range w {
				if len(x) >= 6 && unicode.IsUpper(rune(x[0])) && !strings.ContainsAny(x, ".,'") && i < 2 {
					w[i] = x[:3] + " " + strings.ToUpper(x[3:4]) + x[4:]
					break
				}
			}
			e.name = strings.Join(w, " ")
		}
	case "traditional":
		if s.style != "cn-company" && s.style != "cn-university" {
			return e, false
		}
		e.name = traditional(local)
		if e.name == local {
			return e, false
		}
	case "halfwidth-kana":
		if s.style != "jp-company" {
			return e, false
		}
		e.name = halfWidth(local)
		if e.name == local {
			return e, false
		}
	case "word-order":
		if !strings.Contains(en, " University of ") && !strings.Contains(en, " Institute of ") {
			return e, false
		}
		i := strings.Index(en, " of ")
		head := en[:i]
		sp := strings.LastIndexByte(head, ' ')
		e.name = head[:sp] + " " + en[i+4:] + " " + head[sp+1:]
		if r.IntN(2) == 0 {
			e.name = head[sp+1:] + " of " + en[i+4:] + ", " + head[:sp]
		}
	case "abbreviation":
		rep := strings.NewReplacer("University", "Univ.", "Institute", "Inst.", "Technology", "Tech.", "Laboratory", "Lab.", "Science", "Sci.")
		e.name = rep.Replace(en)
		if e.name == en {
			return e, false
		}
	case "typo":
		e.name = typo(r, en)
		if e.name == "" {
			return e, false
		}
	case "acronym":
		for _, n := range s.Names {
			if n.Type == "acronym" {
				e.name = n.Value
			}
		}
		if e.name == "" {
			return e, false
		}
	case "ror":
		if s.ROR == "" {
			return e, false
		}
		e.ror = "https://ror.org/" + s.ROR
		if r.IntN(2) == 0 {
			e.ror = s.ROR
		}
		e.name = "Department of Physics (as given by the lab)"
	case "other-script":
		if local == "" {
			return e, false
		}
		e.name = local
	case "country":
		e.name = en
		e.country = map[string]string{"CN": "China", "JP": "日本", "DE": "Germany", "US": "USA"}[s.Jurisdiction]
		if e.country == "" {
			e.country = s.Jurisdiction
		}
	}
	return e, e.name != ""
}

func swapLegal(r *rand.Rand, n string) string {
	forms := []string{" Co., Ltd.", " Corporation", " Group Corporation", " Technology Co., Ltd.", ", Inc.", " GmbH", " LLC", ", Ltd.", " Corp.", " AG", " B.V.", " Pte. Ltd.", " FZE", " LLP", " S.A.", " JSC", " Limited"}
	for _, f := range forms {
		if strings.HasSuffix(n, f) && f != " Technology Co., Ltd." && f != " Group Corporation" {
			alts := []string{" Co. Ltd", " Ltd", " Limited", ", Inc.", " Corp", " Company Limited", " Co.,Ltd.", ""}
			return strings.TrimSuffix(n, f) + alts[r.IntN(len(alts))]
		}
	}
	return n + " Co., Ltd."
}

func swapCJKLegal(r *rand.Rand, n string) string {
	switch {
	case strings.HasPrefix(n, "株式会社"):
		base := strings.TrimPrefix(n, "株式会社")
		return []string{base + "株式会社", "(株)" + base, "㈱" + base, base + "（株）", base}[r.IntN(5)]
	case strings.HasSuffix(n, "株式会社"):
		base := strings.TrimSuffix(n, "株式会社")
		return []string{"株式会社" + base, base + "(株)", "㈱" + base, base}[r.IntN(4)]
	case strings.HasSuffix(n, "集团有限公司"):
		base := strings.TrimSuffix(n, "集团有限公司")
		return []string{base + "集团", base + "有限公司", base + "集团股份有限公司"}[r.IntN(3)]
	case strings.HasSuffix(n, "股份有限公司"):
		base := strings.TrimSuffix(n, "股份有限公司")
		return []string{base + "有限公司", base, base + "有限责任公司"}[r.IntN(3)]
	case strings.HasSuffix(n, "有限公司"):
		base := strings.TrimSuffix(n, "有限公司")
		return []string{base + "股份有限公司", base, base + "有限责任公司", base + "公司"}[r.IntN(4)]
	}
	return n
}

var toTraditional = map[rune]rune{
	'华': '華', '东': '東', '电': '電', '术': '術', '业': '業', '际': '際', '机': '機', '实': '實', '验': '驗', '团': '團',
	'卫': '衛', '装': '裝', '备': '備', '导': '導', '飞': '飛', '发': '發', '开': '開', '资': '資', '讯': '訊', '网': '網',
	'长': '長', '门': '門', '军': '軍', '医': '醫', '药': '藥', '铁': '鐵', '车': '車', '阳': '陽', '产': '產', '兴': '興',
	'贸': '貿', '设': '設', '计': '計', '信': '信', '龙': '龍', '远': '遠', '宏': '宏', '图': '圖', '锐': '銳', '达': '達',
	'学': '學', '国': '國', '科': '科', '技': '技', '广': '廣', '庆': '慶', '汉': '漢', '邮': '郵', '航': '航', '师': '師',
	'范': '範', '体': '體', '仪': '儀', '器': '器', '软': '軟', '件': '件', '通': '通', '齐': '齊', '连': '連', '沈': '瀋',
	'济': '濟', '岛': '島', '苏': '蘇', '兰': '蘭', '贵': '貴', '无': '無', '锡': '錫', '镇': '鎮', '云': '雲',
	'微': '微', '光': '光', '芯': '芯', '源': '源', '亨': '亨', '经': '經', '纬': '緯', '智': '智', '烽': '烽', '凌': '凌',
	'鼎': '鼎', '泰': '泰', '宜': '宜', '级': '級', '质': '質',
}

func traditional(s string) string {
	return strings.Map(func(r rune) rune {
		if t, ok := toTraditional[r]; ok {
			return t
		}
		return r
	}, s)
}

// halfWidth writes katakana in half-width forms, as old systems export it.
func halfWidth(s string) string {
	full := "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー"
	half := []string{"ｱ", "ｲ", "ｳ", "ｴ", "ｵ", "ｶ", "ｷ", "ｸ", "ｹ", "ｺ", "ｻ", "ｼ", "ｽ", "ｾ", "ｿ", "ﾀ", "ﾁ", "ﾂ", "ﾃ", "ﾄ", "ﾅ", "ﾆ", "ﾇ", "ﾈ", "ﾉ", "ﾊ", "ﾋ", "ﾌ", "ﾍ", "ﾎ", "ﾏ", "ﾐ", "ﾑ", "ﾒ", "ﾓ", "ﾔ", "ﾕ", "ﾖ", "ﾗ", "ﾘ", "ﾙ", "ﾚ", "ﾛ", "ﾜ", "ｦ", "ﾝ", "ｧ", "ｨ", "ｩ", "ｪ", "ｫ", "ｬ", "ｭ", "ｮ", "ｯ", "ｰ"}
	voiced := map[rune]string{'ガ': "ｶﾞ", 'ギ': "ｷﾞ", 'グ': "ｸﾞ", 'ゲ': "ｹﾞ", 'ゴ': "ｺﾞ", 'ザ': "ｻﾞ", 'ジ': "ｼﾞ", 'ズ': "ｽﾞ", 'ゼ': "ｾﾞ", 'ゾ': "ｿﾞ",
		'ダ': "ﾀﾞ", 'デ': "ﾃﾞ", 'ド': "ﾄﾞ", 'バ': "ﾊﾞ", 'ビ': "ﾋﾞ", 'ブ': "ﾌﾞ", 'ベ': "ﾍﾞ", 'ボ': "ﾎﾞ", 'パ': "ﾊﾟ", 'ピ': "ﾋﾟ", 'プ': "ﾌﾟ", 'ペ': "ﾍﾟ", 'ポ': "ﾎﾟ", 'ヴ': "ｳﾞ"}
	var b strings.Builder
	fr := []rune(full)
	for _, c := range s {
		if v, ok := voiced[c]; ok {
			b.WriteString(v)
			continue
		}
		done := false
		for i, f := range fr {
			if f == c {
				b.WriteString(half[i])
				done = true
				break
			}
		}
		if !done {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// typo makes one realistic misspelling in the longest word of n that is at
// least six letters: a swap of two neighbours, a doubled, dropped or
// replaced letter.
func typo(r *rand.Rand, n string) string {
	words := strings.Fields(n)
	best := -1
	for i, w := range words {
		if len(w) >= 6 && strings.IndexFunc(w, func(c rune) bool { return !unicode.IsLetter(c) }) < 0 && (best < 0 || len(w) > len(words[best])) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	w := []rune(words[best])
	p := 1 + r.IntN(len(w)-2)
	switch r.IntN(4) {
	case 0:
		w[p], w[p+1] = w[p+1], w[p]
	case 1:
		w = append(w[:p+1], w[p:]...)
	case 2:
		w = append(w[:p], w[p+1:]...)
	default:
		c := 'a' + rune(r.IntN(26))
		if c == w[p] {
			c = 'e'
		}
		w[p] = c
	}
	words[best] = string(w)
	return strings.Join(words, " ")
}

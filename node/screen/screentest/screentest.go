// Package screentest makes large synthetic sets of organisation names for
// screening benchmarks: subjects with an English and a Chinese or Japanese
// name, and lists that name some of them (varied) among names that match
// nothing.
package screentest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Org is one synthetic organisation.
type Org struct {
	English, Local, Lang, Jurisdiction string
}

var (
	syllables = []string{"hua", "zhong", "tian", "xin", "long", "hai", "jing", "rui", "hong", "chang", "dong", "yuan",
		"shen", "kun", "tai", "yu", "jiu", "yi", "heng", "guo", "wei", "lei", "fei", "qi", "bo", "zhi", "ma", "yin",
		"feng", "shu", "ling", "bai", "jin", "yun", "ding", "an", "tong", "guang", "ke", "da", "sheng", "kai", "ming"}
	hanzi = []string{"华", "中", "天", "信", "龙", "海", "精", "锐", "宏", "长", "东", "远", "神", "昆", "泰", "宇", "九",
		"亿", "亨", "国", "微", "雷", "飞", "启", "博", "智", "马", "银", "烽", "曙", "凌", "白", "金", "云", "鼎", "安",
		"同", "光", "科", "达", "盛", "开", "明"}
	fields = []struct{ en, zh string }{
		{"Photonics", "光电"}, {"Microelectronics", "微电子"}, {"Semiconductor", "半导体"}, {"Aerospace", "航天"},
		{"Precision Machinery", "精密机械"}, {"Advanced Materials", "新材料"}, {"Optics", "光学"}, {"Robotics", "机器人"},
		{"Electronics", "电子"}, {"Instruments", "仪器"}, {"Communication", "通信"}, {"New Energy", "新能源"},
		{"Navigation", "导航"}, {"Quantum", "量子"}, {"Software", "软件"}, {"Laser", "激光"},
	}
	legal = []string{"Co., Ltd.", "Technology Co., Ltd.", "Group Corporation", "Inc.", "GmbH", "LLC", "Corporation"}
)

// brand makes a two- or three-syllable brand name and its characters.
func brand(r *rand.Rand) (string, string) {
	n := 2 + r.IntN(2)
	var en, zh strings.Builder
	for range n {
		i := r.IntN(len(syllables))
		en.WriteString(syllables[i])
		zh.WriteString(hanzi[i])
	}
	s := en.String()
	return strings.ToUpper(s[:1]) + s[1:], zh.String()
}

// Orgs makes n organisations with distinct names.
func Orgs(seed uint64, n int) []Org {
	r := rand.New(rand.NewPCG(seed, 1))
	seen := map[string]bool{}
	out := make([]Org, 0, n)
	for len(out) < n {
		b, bz := brand(r)
		f := fields[r.IntN(len(fields))]
		en := fmt.Sprintf("%s %s %s", b, f.en, legal[r.IntN(len(legal))])
		if seen[b+f.en] {
			continue
		}
		seen[b+f.en] = true
		out = append(out, Org{English: en, Local: bz + f.zh + "有限公司", Lang: "zh-Hans", Jurisdiction: "CN"})
	}
	return out
}

// List makes n list entries: about one in five names one of orgs, written
// differently (case, legal form, script, a typo); the rest are other
// organisations, which match nothing.
func List(seed uint64, orgs []Org, n int) []string {
	r := rand.New(rand.NewPCG(seed, 2))
	out := make([]string, 0, n)
	for len(out) < n {
		if r.IntN(5) == 0 {
			o := orgs[r.IntN(len(orgs))]
			switch r.IntN(4) {
			case 0:
				out = append(out, strings.ToUpper(o.English))
			case 1:
				out = append(out, o.Local)
			case 2:
				out = append(out, strings.TrimSuffix(o.English, " Co., Ltd.")+" Limited")
			default:
				w := []rune(o.English)
				p := 1 + r.IntN(4)
				w[p], w[p+1] = w[p+1], w[p]
				out = append(out, string(w))
			}
			continue
		}
		b, _ := brand(r)
		out = append(out, fmt.Sprintf("%s Zeta %s Ltd.", b, fields[r.IntN(len(fields))].en))
	}
	return out
}

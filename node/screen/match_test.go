package screen

import (
	"fmt"
	"slices"
	"testing"
)

func TestNormalise(t *testing.T) {
	for _, tc := range []struct {
		in, key string
		generic bool
	}{
		{"Huawei Technologies Co., Ltd.", "huaweitechnology", false},
		{"ＨＵＡＷＥＩ　ＴＥＣＨＮＯＬＯＧＩＥＳ ＣＯ．，ＬＴＤ．", "huaweitechnology", false},
		{"huawei technologies co ltd", "huaweitechnology", false},
		{"Northbridge Photonics GmbH", "northbridgephotonics", false},
		{"Acme Holdings, Inc.", "acme", false},
		{"The Acme Company LLC", "acme", false},
		{"Kabushiki Kaisha Toshiba", "toshiba", false},
		{"株式会社東芝", "东芝", false},
		{"東芝株式会社", "东芝", false},
		{"(株)東芝", "东芝", false},
		{"㈱東芝", "东芝", false},
		{"ｿﾆｰｸﾞﾙｰﾌﾟ株式会社", "ソニーグループ", false},
		{"华为技术有限公司", "华为技术", false},
		{"華為技術有限公司", "华为技术", false},
		{"中兴通讯股份有限公司", "中兴通讯", false},
		{"中国电子科技集团", "中国电子科技", false},
		{"Université de Montréal", "universitemontreal", false},
		{"Univ. of Tokyo", "universitytokyo", false},
		{"M.I.T.", "mit", false},
		{"Xi'an Jiaotong University", "xianjiaotonguniversity", false},
		{"Research & Development Centre", "researchdevelopmentcenter", true},
		{"University", "university", true},
		{"Institute of Technology", "institutetechnology", true},
		{"大学", "大学", true},
		{"研究所", "研究所", true},
		{"清華大学", "清华大学", false},
	} {
		n := Normalise(tc.in)
		if n.Key != tc.key || n.Generic() != tc.generic {
			t.Errorf("Normalise(%q): key %q generic %v (tokens %q core %q); want %q generic %v", tc.in, n.Key, n.Generic(), n.Tokens, n.Core, tc.key, tc.generic)
		}
	}
}

// testSubjects is a small consortium's view, with names in several scripts.
func testSubjects() []Subject {
	return []Subject{
		{CID: "c-huawei", Names: []SubjectName{{Value: "Huawei Technologies Co., Ltd.", Lang: "en"}, {Value: "华为技术有限公司", Lang: "zh-Hans"}, {Value: "ファーウェイ・テクノロジーズ", Lang: "ja"}}, Jurisdiction: "CN", Severity: "high"},
		{CID: "c-nudt", Names: []SubjectName{{Value: "National University of Defense Technology", Lang: "en"}, {Value: "国防科技大学", Lang: "zh"}, {Value: "NUDT", Type: "acronym"}}, ROR: "05d2yfz11", Jurisdiction: "CN", Severity: "critical"},
		{CID: "c-northbridge", Names: []SubjectName{{Value: "Northbridge Photonics Trading Co., Ltd.", Lang: "en"}, {Value: "北橋光学貿易株式会社", Lang: "ja"}}, Jurisdiction: "JP", Severity: "high"},
		{CID: "c-tsinghua", Names: []SubjectName{{Value: "Tsinghua University", Lang: "en"}, {Value: "清华大学", Lang: "zh"}}, Jurisdiction: "CN", Severity: "low"},
		{CID: "c-bit", Names: []SubjectName{{Value: "Beijing Institute of Technology", Lang: "en"}}, Jurisdiction: "CN", Severity: "medium"},
		{CID: "c-sugon", Names: []SubjectName{{Value: "Sugon Information Industry Co., Ltd."}, {Value: "曙光信息产业股份有限公司"}}, Jurisdiction: "CN", Severity: "high"},
		{CID: "c-harbin", Names: []SubjectName{{Value: "Harbin Engineering University"}}, Jurisdiction: "CN", Severity: "high"},
		{CID: "c-hik", Names: []SubjectName{{Value: "Hangzhou Hikvision Digital Technology Co., Ltd."}, {Value: "杭州海康威视数字技术股份有限公司"}}, Jurisdiction: "CN", Severity: "high"},
		{CID: "c-mobile", Names: []SubjectName{{Value: "China Mobile Communications Group Co., Ltd."}}, Jurisdiction: "CN", Severity: "medium"},
		{CID: "c-toshiba", Names: []SubjectName{{Value: "Kabushiki Kaisha Zephyr Optics"}, {Value: "株式会社ゼファー光学"}}, Jurisdiction: "JP", Severity: "medium"},
	}
}

func testIndex() *Index {
	x := NewIndex()
	for _, s := range testSubjects() {
		x.Add(s)
	}
	return x
}

func TestMatch(t *testing.T) {
	x := testIndex()
	for _, tc := range []struct {
		q    Query
		want string // "cid how", or "" for no hit
	}{
		{Query{Name: "Huawei Technologies Co., Ltd."}, "c-huawei exact"},
		{Query{Name: "HUAWEI TECHNOLOGIES CO LTD"}, "c-huawei normalised"},
		{Query{Name: "Ｈｕａｗｅｉ Ｔｅｃｈｎｏｌｏｇｉｅｓ"}, "c-huawei normalised"},
		{Query{Name: "Huawei Technology Inc."}, "c-huawei normalised"},
		{Query{Name: "華為技術有限公司"}, "c-huawei normalised"},
		{Query{Name: "华为技术"}, "c-huawei normalised"},
		{Query{Name: "ファーウェイテクノロジーズ"}, "c-huawei normalised"},
		{Query{Name: "Huawei Technolgies"}, "c-huawei fuzzy"},
		{Query{Name: "Huawie Technologies Co Ltd"}, "c-huawei fuzzy"},
		{Query{Name: "NUDT"}, "c-nudt exact"},
		{Query{Name: "National Univ. of Defense Technology"}, "c-nudt normalised"},
		{Query{Name: "National University of Defence Technology"}, "c-nudt normalised"},
		{Query{Name: "Defense Technology University, National"}, "c-nudt normalised"},
		{Query{Name: "Some Lab", ROR: "https://ror.org/05d2yfz11"}, "c-nudt ror"},
		{Query{Name: "北橋光学貿易(株)"}, "c-northbridge normalised"},
		{Query{Name: "北橋光学貿易"}, "c-northbridge normalised"},
		{Query{Name: "Northbridge Photonics Trading"}, "c-northbridge normalised"},
		{Query{Name: "Northbrige Photonics Trading Co."}, "c-northbridge fuzzy"},
		{Query{Name: "Tsinghua Univeristy"}, "c-tsinghua fuzzy"},
		{Query{Name: "清華大學"}, "c-tsinghua normalised"},
		{Query{Name: "BIT"}, "c-bit acronym"},
		{Query{Name: "曙光信息产业"}, "c-sugon normalised"},
		{Query{Name: "ゼファー光学"}, "c-toshiba normalised"},
		{Query{Name: "Zephyr Optics K.K."}, "c-toshiba normalised"},
		// Generic words alone, and names that share only them, match nothing.
		{Query{Name: "University"}, ""},
		{Query{Name: "Technology"}, ""},
		{Query{Name: "National University"}, ""},
		{Query{Name: "Institute of Technology"}, ""},
		{Query{Name: "大学"}, ""},
		{Query{Name: "研究所"}, ""},
		{Query{Name: "Beijing University of Technology"}, ""},
		{Query{Name: "Harbin Institute of Technology"}, ""},
		{Query{Name: "Tsinghua Institute"}, ""},
		{Query{Name: "Kyoto University"}, ""},
		{Query{Name: "Huawei"}, "c-huawei normalised"},
		{Query{Name: "华为"}, "c-huawei normalised"},
		{Query{Name: "Tsinghua"}, "c-tsinghua normalised"},
		{Query{Name: "Sugon"}, "c-sugon normalised"},
		{Query{Name: "Hikvision"}, "c-hik normalised"},
		{Query{Name: "HIKVISION DIGITAL TECHNOLOGY"}, "c-hik normalised"},
		{Query{Name: "海康威视"}, "c-hik normalised"},
		{Query{Name: "海康威视数字技术股份有限公司"}, "c-hik normalised"},
		{Query{Name: "China Mobile"}, "c-mobile normalised"},
		{Query{Name: "China Unicom"}, ""},
		{Query{Name: "China"}, ""},
		{Query{Name: "Hikvision Robotics"}, ""},
		{Query{Name: "Shanghai Hikvision Robotics"}, ""},
		{Query{Name: "国防科学技術大学"}, "c-nudt normalised"},
		{Query{Name: "Huawei Technologies Co., Ltd. Shenzhen Branch"}, "c-huawei normalised"},
		{Query{Name: "Beijing"}, ""},
		{Query{Name: "Beijing Institute"}, ""},
		{Query{Name: "北京"}, ""},
		{Query{Name: "Harbin"}, ""},
		{Query{Name: "Huawei Device Co., Ltd."}, ""},
		{Query{Name: "Northbridge GmbH & Co. KG"}, ""},
		{Query{Name: "Northbridge Photonics Trading GmbH & Co. KG"}, "c-northbridge normalised"},
		{Query{Name: "Northbridge Photonics Trading Coporation"}, "c-northbridge normalised"},
		{Query{Name: "Hua Technologies"}, ""},
		{Query{Name: "Bit"}, ""},
		{Query{Name: "Northbridge University"}, ""},
		{Query{Name: "Zephyr Photonics"}, ""},
		{Query{Name: "Sugon Tech"}, ""},
		{Query{Name: "国防大学"}, ""},
	} {
		hits := x.Match(tc.q)
		got := ""
		if len(hits) > 0 {
			got = hits[0].Subject.CID + " " + hits[0].How
		}
		if got != tc.want {
			var all []string
			for _, h := range hits {
				all = append(all, fmt.Sprintf("%s %s %.2f %q", h.Subject.CID, h.How, h.Score, h.Matched))
			}
			t.Errorf("Match(%+v) = %q; want %q (hits %q; normalised %+v)", tc.q, got, tc.want, all, Normalise(tc.q.Name))
		}
	}
}

func TestMatchCountry(t *testing.T) {
	x := testIndex()
	same := x.Match(Query{Name: "Tsinghua University", Country: "China"})
	other := x.Match(Query{Name: "Tsinghua University", Country: "JP"})
	if len(same) != 1 || len(other) != 1 || !(other[0].Score < same[0].Score) {
		t.Fatalf("a country that differs from the jurisdiction should lower the score: %v %v", same, other)
	}
}

func TestMatchRetracted(t *testing.T) {
	x := testIndex()
	x.Remove("c-tsinghua")
	if hits := x.Match(Query{Name: "Tsinghua University"}); len(hits) != 0 {
		t.Fatalf("a removed subject matched: %v", hits)
	}
}

func TestOSA(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		bound int
		want  int
	}{
		{"kitten", "sitting", 5, 3}, {"ab", "ba", 3, 1}, {"huawei", "huawie", 2, 1}, {"", "abc", 5, 3},
		{"abcdef", "uvwxyz", 2, 3}, {"清华", "清華", 2, 1},
	} {
		if got := osa(tc.a, tc.b, tc.bound); got != tc.want {
			t.Errorf("osa(%q, %q, %d) = %d; want %d", tc.a, tc.b, tc.bound, got, tc.want)
		}
	}
	if !slices.Equal(deletions("abc"), []string{"bc", "ac", "ab"}) {
		t.Error("deletions")
	}
}

func TestAlternatives(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Huawei", []string{"Huawei"}},
		{"東京大学 / The University of Tokyo", []string{"東京大学 / The University of Tokyo", "東京大学", "The University of Tokyo"}},
		{"National University of Defense Technology (NUDT)", []string{"National University of Defense Technology (NUDT)", "National University of Defense Technology", "NUDT"}},
		{"東京大学（The University of Tokyo）", []string{"東京大学（The University of Tokyo）", "東京大学(The University of Tokyo)", "東京大学", "The University of Tokyo"}},
		{"Sony Corporation (Japan)", []string{"Sony Corporation (Japan)", "Sony Corporation"}},
		{"ソニー(株)", []string{"ソニー(株)"}},
		{"Acme (Ltd.)", []string{"Acme (Ltd.)"}},
	} {
		if got := Alternatives(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Alternatives(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzMatch runs normalisation and matching on arbitrary names, seeded from
// the corpus list: they must not panic, and a hit is never below MinScore.
func FuzzMatch(f *testing.F) {
	c := loadCorpus(f)
	for _, e := range c.list.Entries {
		f.Add(e.Name(), e.ROR)
	}
	if len(c.list.Entries) == 0 {
		f.Fatal("no seeds")
	}
	x := testIndex()
	f.Fuzz(func(t *testing.T, name, ror string) {
		for _, alt := range Alternatives(name) {
			for _, h := range x.Match(Query{Name: alt, ROR: ror}) {
				if h.Score < MinScore || h.Subject == nil {
					t.Fatalf("hit %+v", h)
				}
			}
		}
		if id, err := ParseROR(ror); err == nil && id != "" {
			if again, err := ParseROR("https://ror.org/" + id); err != nil || again != id {
				t.Fatalf("ParseROR(%q) = %q, but the URL form gives %q, %v", ror, id, again, err)
			}
		}
	})
}

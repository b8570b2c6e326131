package screen

import "testing"

// TestMatchRealistic screens names as an officer might write them against
// subjects named as public lists name them (fictional indicators, real
// organisation names), each query through Alternatives as the node does.
// A katakana name does not match an English one: only the names an
// indicator gives are compared.
func TestMatchRealistic(t *testing.T) {
	subs := []Subject{
		{CID: "huawei", Names: []SubjectName{{Value: "Huawei Technologies Co., Ltd."}, {Value: "华为技术有限公司"}}},
		{CID: "nudt", Names: []SubjectName{{Value: "National University of Defense Technology"}, {Value: "中国人民解放军国防科技大学"}, {Value: "NUDT", Type: "acronym"}}, ROR: "05d2yfz11"},
		{CID: "hit", Names: []SubjectName{{Value: "Harbin Institute of Technology"}, {Value: "哈尔滨工业大学"}}},
		{CID: "buaa", Names: []SubjectName{{Value: "Beihang University"}, {Value: "北京航空航天大学"}, {Value: "Beijing University of Aeronautics and Astronautics", Type: "former"}}},
		{CID: "nwpu", Names: []SubjectName{{Value: "Northwestern Polytechnical University"}, {Value: "西北工业大学"}}},
		{CID: "caep", Names: []SubjectName{{Value: "China Academy of Engineering Physics"}, {Value: "中国工程物理研究院"}}},
		{CID: "hik", Names: []SubjectName{{Value: "Hangzhou Hikvision Digital Technology Co., Ltd."}, {Value: "杭州海康威视数字技术股份有限公司"}}},
		{CID: "smic", Names: []SubjectName{{Value: "Semiconductor Manufacturing International Corporation"}, {Value: "中芯国际集成电路制造有限公司"}, {Value: "SMIC", Type: "acronym"}}},
		{CID: "iust", Names: []SubjectName{{Value: "Iran University of Science and Technology"}}},
		{CID: "mipt", Names: []SubjectName{{Value: "Moscow Institute of Physics and Technology"}}},
		{CID: "ustc", Names: []SubjectName{{Value: "University of Science and Technology of China"}, {Value: "中国科学技术大学"}}},
		{CID: "sugon", Names: []SubjectName{{Value: "Dawning Information Industry Co., Ltd."}, {Value: "曙光信息产业股份有限公司"}, {Value: "Sugon", Type: "brand"}}},
		{CID: "zte", Names: []SubjectName{{Value: "ZTE Corporation"}, {Value: "中兴通讯股份有限公司"}}},
		{CID: "kitahashi", Names: []SubjectName{{Value: "Kitahashi Optical Trading K.K."}, {Value: "北橋光学貿易株式会社"}}},
	}
	x := NewIndex()
	for _, s := range subs {
		x.Add(s)
	}
	for _, tc := range []struct{ q, want string }{
		{"HUAWEI TECHNOLOGIES CO.,LTD.", "huawei"}, {"Huawei Technologies Co Ltd (China)", "huawei"}, {"華為技術有限公司", "huawei"},
		{"ファーウェイ", ""}, {"Huawei Technologies Japan K.K.", "huawei"},
		{"National Univ. of Defense Tech.", "nudt"}, {"国防科技大学", "nudt"}, {"國防科技大學", "nudt"}, {"NUDT", "nudt"},
		{"Harbin Inst. of Tech.", "hit"}, {"Harbin Institute of Techology", "hit"}, {"哈爾濱工業大學", "hit"}, {"Harbin Engineering University", ""},
		{"Beihang Univ.", "buaa"}, {"BUAA", "buaa"}, {"北京航空航天大学", "buaa"}, {"Beijing Univ. of Aeronautics & Astronautics", "buaa"},
		{"Northwestern Polytechnical Univ", "nwpu"}, {"Northwest University", ""}, {"NWPU", ""},
		{"CAEP", "caep"}, {"China Academy of Engineering Physics (CAEP)", "caep"},
		{"Hikvision", "hik"}, {"HIKVISION", "hik"},
		{"SMIC", "smic"}, {"Semiconductor Manufacturing International Corp.", "smic"}, {"中芯国际", "smic"},
		{"IUST", "iust"}, {"Iran Univ. of Sci. & Tech.", "iust"},
		{"MIPT", "mipt"}, {"Moscow Institute of Physics & Technology", "mipt"}, {"Moscow State University", ""},
		{"USTC", "ustc"}, {"Univ. of Science & Technology of China", "ustc"}, {"中国科学技术大学", "ustc"}, {"中国科技大学", "ustc"},
		{"Sugon", "sugon"}, {"Dawning Information Industry", "sugon"},
		{"ZTE", "zte"}, {"ZTE Corp.", "zte"}, {"中兴通讯", "zte"},
		{"Kitahashi Optical Trading Co., Ltd.", "kitahashi"}, {"北橋光学貿易", "kitahashi"},
		{"University of Tokyo", ""}, {"Tokyo Institute of Technology", ""}, {"Institute of Physics", ""}, {"China", ""},
		{"Academy of Engineering", ""}, {"Technology Co., Ltd.", ""}, {"International Corporation", ""},
	} {
		hits := screenEntry(x, Entry{Names: []string{tc.q}})
		got := ""
		if len(hits) > 0 {
			got = hits[0].Subject.CID + " " + hits[0].How
		}
		ok := (tc.want == "" && got == "") || (tc.want != "" && len(hits) > 0 && hits[0].Subject.CID == tc.want)
		if !ok {
			t.Errorf("%-50q got %-25q want %q (%d hits)", tc.q, got, tc.want, len(hits))
		}
	}
}

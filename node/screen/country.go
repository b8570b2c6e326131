package screen

import "strings"

// CountryCode returns the ISO 3166-1 alpha-2 code of a country as a list
// writes it: a code ("CN", "jp"), or a common English, Japanese or Chinese
// name. It returns "" for what it does not know; an unknown country never
// changes a match.
func CountryCode(s string) string {
	f := Fold(s)
	if f == "" {
		return ""
	}
	if len(f) == 2 && f[0] >= 'a' && f[0] <= 'z' && f[1] >= 'a' && f[1] <= 'z' {
		return strings.ToUpper(f)
	}
	return countries[strings.Trim(f, ". ")]
}

var countries = func() map[string]string {
	m := map[string]string{}
	for code, names := range map[string][]string{
		"JP": {"japan", "日本", "jpn"},
		"CN": {"china", "people's republic of china", "peoples republic of china", "prc", "中国", "中华人民共和国", "中華人民共和国", "chn"},
		"HK": {"hong kong", "香港", "hong kong sar"},
		"MO": {"macau", "macao", "澳门", "澳門", "マカオ"},
		"TW": {"taiwan", "台湾", "臺灣", "台灣", "twn"},
		"KR": {"korea", "south korea", "republic of korea", "韓国", "大韩民国", "韩国", "kor"},
		"KP": {"north korea", "dprk", "朝鮮", "北朝鮮", "朝鲜"},
		"US": {"united states", "united states of america", "usa", "u.s.a", "u.s", "america", "米国", "アメリカ", "美国", "アメリカ合衆国"},
		"GB": {"united kingdom", "uk", "u.k", "great britain", "britain", "england", "英国", "イギリス"},
		"DE": {"germany", "deutschland", "ドイツ", "德国", "独"},
		"FR": {"france", "フランス", "法国"},
		"RU": {"russia", "russian federation", "ロシア", "俄罗斯", "rus"},
		"IR": {"iran", "islamic republic of iran", "イラン", "伊朗"},
		"IN": {"india", "インド", "印度"},
		"SG": {"singapore", "シンガポール", "新加坡"},
		"CA": {"canada", "カナダ", "加拿大"},
		"AU": {"australia", "オーストラリア", "澳大利亚"},
		"IL": {"israel", "イスラエル", "以色列"},
		"MY": {"malaysia", "マレーシア", "马来西亚"},
		"TH": {"thailand", "タイ", "泰国"},
		"VN": {"vietnam", "viet nam", "ベトナム", "越南"},
		"AE": {"united arab emirates", "uae", "アラブ首長国連邦"},
		"TR": {"turkey", "türkiye", "turkiye", "トルコ"},
		"BY": {"belarus", "ベラルーシ"},
		"PK": {"pakistan", "パキスタン"},
		"SY": {"syria", "シリア"},
	} {
		for _, n := range names {
			m[Fold(n)] = code
		}
	}
	return m
}()

package guard

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestCategoryTokensNamingOrigin: a token field (tactic, reason_category,
// category, tech_areas …) that names people's nationality, ethnicity or
// origin is refused under the nationality or ethnicity rule; a token naming
// an organisation's country, a jurisdiction, a funding source or an export
// destination is not. Each refused token would, if it were let through,
// become a row of a trend report broken down by origin.
func TestCategoryTokensNamingOrigin(t *testing.T) {
	refused := []struct{ token, rule string }{
		{"chinese", ruleNationality},
		{"iranian", ruleNationality},
		{"korean", ruleNationality},
		{"iranians", ruleNationality},
		{"chinese_researchers", ruleNationality},
		{"overseas_chinese", ruleNationality},
		{"overseaschinese", ruleNationality},
		{"chineseresearchers", ruleNationality},
		{"country_of_origin_cn", ruleNationality},
		{"origin_cn", ruleNationality},
		{"nationality_cn", ruleNationality},
		{"prc-nationals", ruleNationality},
		{"foreign_national", ruleNationality},
		{"foreign-nationals", ruleNationality},
		{"foreign_researchers", ruleNationality},
		{"overseas_students", ruleNationality},
		{"dual_citizen", ruleNationality},
		{"citizens_of_concern", ruleNationality},
		{"citizenship_check", ruleNationality},
		{"kokuseki", ruleNationality},
		{"kokuseki_betsu", ruleNationality},
		{"gaikokujin_kenkyusha", ruleNationality},
		{"sri_lankan_staff", ruleNationality},
		{"east_asian", ruleNationality},
		{"chinese_academy_of_sciences", ruleNationality}, // ambiguous: refused in a category
		{"russian_state_funding", ruleNationality},
		{"Chinese_Researchers", ruleNationality},
		{"chinese.researchers", ruleNationality},
		{"ethnic_uyghur", ruleEthnicity},
		{"ethnicuyghur", ruleEthnicity},
		{"uyghur", ruleEthnicity},
		{"uyghurs", ruleEthnicity},
		{"tibetan_students", ruleEthnicity},
		{"ethnicity_profiling", ruleEthnicity},
		{"minzoku", ruleEthnicity},
		{"zainichi_koreans", ruleEthnicity},
		{"中国系", ruleEthnicity},
		{"ウイグル族", ruleEthnicity},
		{"イラン人研究者", ruleNationality},
		{"中国籍", ruleNationality},
		// A language word does not excuse a token about people.
		{"chinese_language_students", ruleNationality},
		{"japanese_speech_researchers", ruleNationality},
		{"korean_studies_phd", ruleNationality},
		{"chinese_nlp_chinese_staff", ruleNationality},
		{"uyghur_nlp", ruleEthnicity},
		{"tibetan_language", ruleEthnicity},
	}
	allowed := []string{
		"china_talent_plan", "export_control_us", "foreign_funding", "state_sponsored",
		"talent_recruitment", "export_control", "intermediary_funding", "undisclosed_affiliation",
		"undisclosed-foreign-talent-programme", "prc_talent_programme", "saudi_arabia_funding",
		"north_korea_sanctions", "national_security", "national_laboratory_access", "citizen_science",
		"goods_origin_misdeclaration", "country_of_origin_of_goods", "germanium_supply", "chemical_mechanical_polish",
		"black_box_testing", "whitelist_bypass", "indigenous_innovation", "english_language_requirement",
		"quantum", "semiconductors", "advanced-materials", "visa_sponsorship_scheme_abuse",
		"research_integrity", "procurement_front", "role_pattern", "member_observation", "know_how",
		"sponsor", "export_control_cn", "myanmar_sanctions", "tech_area", "reason_category",
		"中国人民大学", "中国", "人材",
		// A demonym that names a language or a field of study.
		"japanese_nlp", "chinese_nlp", "chinese_language_models", "korean_speech_recognition",
		"chinese_studies", "japanese_text_mining", "russian_translation", "persian_ocr",
	}
	fields := []string{"reason_category", "tactic", "category", "indicator_type", "asset_type"}
	for _, tc := range refused {
		for _, field := range fields {
			findings, err := Lint("", record(t, field, tc.token))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(Refused(findings), findingWith(findings, field, tc.rule)) {
				t.Errorf("%s %q: want refused under %s, got %v", field, tc.token, tc.rule, findings)
			}
		}
		// In an array of tokens, the element is named.
		findings, _ := Lint("", record(t, "tech_areas", []string{"quantum", tc.token}))
		if !slices.Contains(rulesAt(findings, "tech_areas[1]"), tc.rule) && !slices.Contains(rulesAt(findings, "tech_areas"), tc.rule) {
			t.Errorf("tech_areas [quantum %q]: want %s, got %v", tc.token, tc.rule, findings)
		}
		if r := rulesAt(findings, "tech_areas[0]"); len(r) != 0 {
			t.Errorf("tech_areas[0] quantum: got %v", r)
		}
	}
	for _, tok := range allowed {
		for _, field := range append(fields, "tech_areas") {
			var v any = tok
			if field == "tech_areas" {
				v = []string{tok}
			}
			findings, err := Lint("", record(t, field, v))
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) != 0 {
				t.Errorf("%s %q: want allowed, got %v", field, tok, findings)
			}
		}
	}
}

// findingWith returns the finding of rule at path, or the zero Finding.
func findingWith(findings []Finding, path, rule string) Finding {
	for _, f := range findings {
		if f.Path == path && f.Rule == rule {
			return f
		}
	}
	return Finding{}
}

// TestCategoryTokenMessage: the refusal of a token is the nationality rule's
// refusal, with its principle and messages in English and Japanese, and
// CheckContent refuses it even when personal data is confirmed.
func TestCategoryTokenMessage(t *testing.T) {
	body := []byte(`{"kind":"method","tactic":"overseas_chinese","narrative":"A visiting programme funded by an intermediary."}`)
	findings, err := CheckContent("method", body, true)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("CheckContent: err = %v, want ErrRefused", err)
	}
	f := findingWith(findings, "tactic", ruleNationality)
	if f.Rule == "" {
		t.Fatalf("no nationality finding at tactic: %v", findings)
	}
	if f.Principle != principleNonDiscrimination || f.PrincipleJA != principleNonDiscriminationJA {
		t.Errorf("principle = %q / %q", f.Principle, f.PrincipleJA)
	}
	en, ja := f.Text(English), f.Text(Japanese)
	if !strings.Contains(en, `"overseas_chinese"`) || !strings.Contains(en, "origin") {
		t.Errorf("English text: %s", en)
	}
	if !strings.Contains(ja, "overseas_chinese") || !strings.Contains(ja, "出自") {
		t.Errorf("Japanese text: %s", ja)
	}
}

// TestTokenFieldsOnly: the token check reads token fields, not prose: a
// demonym in a narrative about an organisation passes as before.
func TestTokenFieldsOnly(t *testing.T) {
	findings, err := Lint("", record(t, "narrative", "A Chinese university funded the chinese lab."))
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 0 {
		t.Errorf("narrative: %v", findings)
	}
}

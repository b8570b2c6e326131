package guard

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rulesAt returns the rules found at path.
func rulesAt(findings []Finding, path string) []string {
	var rules []string
	for _, f := range findings {
		if f.Path == path {
			rules = append(rules, f.Rule)
		}
	}
	return rules
}

// record builds {"key": value} as JSON.
func record(t *testing.T, key string, value any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{key: value})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRefusedFieldNames: a field whose name means a protected attribute is
// refused whatever its value, however the name is spelled.
func TestRefusedFieldNames(t *testing.T) {
	tests := []struct {
		key, rule string
	}{
		// nationality / citizenship
		{"nationality", ruleNationality}, {"Nationality", ruleNationality}, {"NATIONALITY", ruleNationality},
		{"nationalities", ruleNationality}, {"national_origin", ruleNationality}, {"nationOfOrigin", ruleNationality},
		{"citizenship", ruleNationality}, {"Citizenship", ruleNationality}, {"citizenshipStatus", ruleNationality},
		{"citizen_of", ruleNationality}, {"country_of_citizenship", ruleNationality},
		{"home_country", ruleNationality}, {"isForeignNational", ruleNationality}, {"nationalityCode", ruleNationality},
		{"researcher.nationality", ruleNationality}, {"nationality-iso", ruleNationality}, {"Nationality (ISO)", ruleNationality},
		{"ｎａｔｉｏｎａｌｉｔｙ", ruleNationality}, {"Staatsangehörigkeit", ruleNationality}, {"nationalité", ruleNationality},
		{"nacionalidad", ruleNationality}, {"国籍", ruleNationality}, {"研究者の国籍", ruleNationality}, {"國籍", ruleNationality},
		{"市民権", ruleNationality}, {"국적", ruleNationality}, {"nationalityofresearcher", ruleNationality},
		// ethnicity and race
		{"ethnicity", ruleEthnicity}, {"ethnic_group", ruleEthnicity}, {"ethnicOrigin", ruleEthnicity},
		{"ethnic_background", ruleEthnicity}, {"Ethnicities", ruleEthnicity}, {"tribe", ruleEthnicity},
		{"民族", ruleEthnicity}, {"race", ruleRace}, {"Race", ruleRace}, {"race_code", ruleRace}, {"racialGroup", ruleRace},
		{"skin_colour", ruleRace}, {"人種", ruleRace}, {"인종", ruleRace},
		// religion
		{"religion", ruleReligion}, {"religious_affiliation", ruleReligion}, {"religiousAffiliation", ruleReligion},
		{"faith", ruleReligion}, {"creed", ruleReligion}, {"denomination", ruleReligion}, {"宗教", ruleReligion},
		{"信仰", ruleReligion}, {"Religionszugehörigkeit", ruleReligion},
		// birthplace
		{"birthplace", ruleBirthplace}, {"place_of_birth", ruleBirthplace}, {"PLACE-OF-BIRTH", ruleBirthplace},
		{"placeOfBirth", ruleBirthplace}, {"countryOfBirth", ruleBirthplace}, {"country_of_birth", ruleBirthplace},
		{"birth_country", ruleBirthplace}, {"BirthCity", ruleBirthplace}, {"pob", ruleBirthplace}, {"born_in", ruleBirthplace},
		{"hometown", ruleBirthplace}, {"birthPrefecture", ruleBirthplace}, {"出身地", ruleBirthplace}, {"出身", ruleBirthplace},
		{"出生地", ruleBirthplace}, {"本籍", ruleBirthplace}, {"出身国", ruleBirthplace}, {"Geburtsort", ruleBirthplace},
		{"placeofbirth", ruleBirthplace},
		// visa and residence status
		{"visa", ruleImmigrationStatus}, {"visaType", ruleImmigrationStatus}, {"visa_status", ruleImmigrationStatus},
		{"VisaCategory", ruleImmigrationStatus}, {"residence_status", ruleImmigrationStatus},
		{"residencyStatus", ruleImmigrationStatus}, {"resident_status", ruleImmigrationStatus},
		{"immigration_status", ruleImmigrationStatus}, {"status_of_residence", ruleImmigrationStatus},
		{"period_of_stay", ruleImmigrationStatus}, {"work_permit", ruleImmigrationStatus},
		{"在留資格", ruleImmigrationStatus}, {"査証", ruleImmigrationStatus}, {"ビザ種別", ruleImmigrationStatus},
		{"ﾋﾞｻﾞ", ruleImmigrationStatus}, {"visastatus", ruleImmigrationStatus},
		// identity documents
		{"passport", ruleIdentityDocument}, {"passportNo", ruleIdentityDocument}, {"passport_number", ruleIdentityDocument},
		{"PassportNumber", ruleIdentityDocument}, {"residence_card", ruleIdentityDocument},
		{"residenceCardNumber", ruleIdentityDocument}, {"zairyu_card", ruleIdentityDocument},
		{"my_number", ruleIdentityDocument}, {"myNumber", ruleIdentityDocument}, {"旅券番号", ruleIdentityDocument},
		{"パスポート番号", ruleIdentityDocument}, {"在留カード番号", ruleIdentityDocument}, {"マイナンバー", ruleIdentityDocument},
		{"ssn", ruleIdentityDocument}, {"national_id_number", ruleIdentityDocument},
		// person-level risk scores by name
		{"person_risk_score", rulePersonRiskScore}, {"individual_risk", rulePersonRiskScore},
		{"researcher_risk_score", rulePersonRiskScore}, {"risk_score_person", rulePersonRiskScore},
		{"personalRisk", rulePersonRiskScore}, {"researcherThreatLevel", rulePersonRiskScore},
		{"studentSuspicionRating", rulePersonRiskScore}, {"個人リスク", rulePersonRiskScore},
		{"研究者リスク評価", rulePersonRiskScore},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			for _, value := range []any{"x", 1, nil, []any{}} {
				findings, err := Lint("indicator", record(t, tt.key, value))
				if err != nil {
					t.Fatal(err)
				}
				if rules := rulesAt(findings, renderPath([]pathSeg{{key: tt.key, index: -1}})); !slices.Contains(rules, tt.rule) {
					t.Fatalf("key %q (value %v): rules %v, want %q; all findings %+v", tt.key, value, rules, tt.rule, findings)
				}
				for _, f := range findings {
					if f.Rule == tt.rule && (f.Severity != Refuse || f.Principle == "" || f.Message == "") {
						t.Errorf("finding %+v: want a refusal with message and principle", f)
					}
				}
			}
		})
	}
}

// TestCleanFieldNames: legitimate fields of the record kinds, and names that
// only look like a protected word, are not findings.
func TestCleanFieldNames(t *testing.T) {
	keys := []string{
		"title", "indicator_type", "jurisdiction", "country", "reason_category", "summary", "tech_areas",
		"severity", "confidence", "valid_from", "valid_until", "source_type", "source_list", "source_url",
		"as_of", "legal_effect", "suggested_mitigation", "tactic", "period", "asset_type", "narrative",
		"observed_indicators", "detection", "outcome", "mitigations", "lessons", "role", "ror", "wikidata",
		"risk_score", "riskLevel", "threat_level", "dimension", "count", "value", "lang", "type", "kind",
		"trace_id", "tracer", "racetrack", "embrace", "graceful", "faithful", "visibility", "visit_count",
		"international_collaboration", "national_lab", "transnational", "passphrase", "citizen_science_project",
		"race_condition", "good_faith_effort", "review_due", "org_name", "names",
		"funding_source", "programme_risk", "student_exchange_programme_risk", "organisation_risk_score",
		"所在国", "管轄", "機関名", "リスク分類", "技術分野", "origin", "data_origin", "residence_hall_count",
		"person_count", "mail_server_policy",
	}
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			findings, err := Lint("indicator", record(t, key, "Example Institute of Technology"))
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) > 0 {
				t.Fatalf("key %q: unexpected findings %+v", key, findings)
			}
		})
	}
}

// TestStructural: risk scores inside people, subjects that are people, and
// names inside people, wherever they are.
func TestStructural(t *testing.T) {
	tests := []struct {
		name, body string
		path, rule string
	}{
		{"researcher risk score", `{"researcher": {"risk_score": 0.9}}`, "researcher.risk_score", rulePersonRiskScore},
		{"person score", `{"person": {"score": "high"}}`, "person.score", rulePersonRiskScore},
		{"people array riskScore", `{"people": [{"riskScore": 3}]}`, "people[0].riskScore", rulePersonRiskScore},
		{"researchers involved threat level", `{"researchers_involved": [{"threat_level": "high"}]}`, "researchers_involved[0].threat_level", rulePersonRiskScore},
		{"nested deep inside a pi", `{"case": {"pi": {"assessment": {"risk": 5}}}}`, "case.pi.assessment.risk", rulePersonRiskScore},
		{"object typed as a person", `{"entities": [{"type": "researcher", "rating": 2}]}`, "entities[0].rating", rulePersonRiskScore},
		{"japanese researcher", `{"研究者": {"リスク": 0.5}}`, "研究者.リスク", rulePersonRiskScore},
		{"visiting scholar", `{"visiting_scholar": {"suspicion": "low"}}`, "visiting_scholar.suspicion", rulePersonRiskScore},
		{"subject kind person", `{"kind": "indicator", "subject": {"kind": "person"}}`, "subject.kind", ruleSubjectIsPerson},
		{"subject kind individual", `{"subject": {"kind": "Individual"}}`, "subject.kind", ruleSubjectIsPerson},
		{"subject kind researcher", `{"subject": {"kind": "researcher"}}`, "subject.kind", ruleSubjectIsPerson},
		{"subject type natural person", `{"subject": {"type": "natural_person"}}`, "subject.type", ruleSubjectIsPerson},
		{"subject kind student", `{"subject": {"kind": "student"}}`, "subject.kind", ruleSubjectIsPerson},
		{"subject kind people", `{"subject": {"kind": "people"}}`, "subject.kind", ruleSubjectIsPerson},
		{"subject kind 人物", `{"subject": {"kind": "人物"}}`, "subject.kind", ruleSubjectIsPerson},
		{"subject kind 個人", `{"subject": {"kind": "個人"}}`, "subject.kind", ruleSubjectIsPerson},
		{"subject kind 研究者", `{"subject": {"kind": "研究者"}}`, "subject.kind", ruleSubjectIsPerson},
		{"subjectKind at top", `{"subjectKind": "PERSON"}`, "subjectKind", ruleSubjectIsPerson},
		{"name inside a researcher", `{"researcher": {"name": "Jane Roe"}}`, "researcher.name", rulePersonalNameField},
		{"name of a typed person", `{"entities": [{"kind": "person", "name": "Jane Roe"}]}`, "entities[0].name", rulePersonalNameField},
		{"researcher as a string", `{"researcher": "Jane Roe"}`, "researcher", rulePersonalNameField},
		{"contact person", `{"contact_person": "Jane Roe"}`, "contact_person", rulePersonalNameField},
		{"country of a person", `{"applicant": {"country": "XX"}}`, "applicant.country", ruleNationality},
		{"country of origin of a person", `{"researcher": {"countryOfOrigin": "XX"}}`, "researcher.countryOfOrigin", ruleNationality},
		{"origin of a typed person", `{"entities": [{"type": "person", "origin": "XX"}]}`, "entities[0].origin", ruleNationality},
		{"founder risk", `{"founder": {"risk": "high"}}`, "founder.risk", rulePersonRiskScore},
		{"director score", `{"board": {"director": {"score": 3}}}`, "board.director.score", rulePersonRiskScore},
		{"contact name", `{"contact": {"name": "Jane Roe"}}`, "contact.name", rulePersonalNameField},
		{"national id in a person", `{"applicant": {"NationalID": "X"}}`, "applicant.NationalID", ruleIdentityDocument},
		{"deep nationality", `{"orgs_involved": [{"members": [{"Citizenship": "X"}]}]}`, "orgs_involved[0].members[0].Citizenship", ruleNationality},
		{"suspicion score in a sighting", `{"kind": "sighting", "ref": "b", "suspicion_score": 0.7}`, "suspicion_score", rulePersonRiskScore},
		{"per-person score", `{"kind": "sighting", "per_person_score": 3}`, "per_person_score", rulePersonRiskScore},
		{"role pattern named after origin", `{"kind": "indicator", "subject": {"kind": "role_pattern", "names": [{"value": "Uyghur PhD students"}]}}`, "subject.names[0].value", ruleEthnicity},
		{"role pattern with visas", `{"kind": "indicator", "subject": {"kind": "role_pattern", "names": [{"value": "Graduate students holding J-1 visas in quantum labs"}]}}`, "subject.names[0].value", ruleImmigrationStatus},
		{"tag", `{"tags": ["quantum", "prc-nationals"]}`, "tags[1]", ruleNationality},
		{"reason category", `{"reason_category": "citizenship_check"}`, "reason_category", ruleNationality},
		{"tech area", `{"tech_areas": ["nationality-screening"]}`, "tech_areas[0]", ruleNationality},
		{"indicator type", `{"indicator_type": "ethnic_profile"}`, "indicator_type", ruleEthnicity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings, err := Lint("", []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if rules := rulesAt(findings, tt.path); !slices.Contains(rules, tt.rule) {
				t.Fatalf("at %s: %v, want %q; all %+v", tt.path, rules, tt.rule, findings)
			}
		})
	}
}

// TestNotPersons: subjects that are organisations or role patterns, and scores
// about organisations, pass.
func TestNotPersons(t *testing.T) {
	bodies := []string{
		`{"kind": "indicator", "subject": {"kind": "organisation", "names": [{"value": "Example University", "lang": "en", "type": "official"}], "jurisdiction": "XX"}, "risk_score": 0.9}`,
		`{"kind": "indicator", "subject": {"kind": "role_pattern"}}`,
		`{"kind": "indicator", "subject": {"kind": "researcher role pattern"}}`,
		`{"kind": "indicator", "subject": {"kind": "programme", "names": [{"value": "Dr. Sun Yat-sen University"}]}}`,
		`{"kind": "indicator", "subject": {"kind": "funding_source"}}`,
		`{"kind": "method", "orgs_involved": [{"ror": "https://ror.org/00example", "role": "recruiting institution"}], "tactic": "talent programme recruitment of visiting researchers"}`,
		`{"student_exchange_programme": {"risk": "medium"}}`,
		`{"researcher_role_pattern": {"home_institution_type": "university", "position": "visiting"}}`,
		`{"funding_source": {"country": "XX", "jurisdiction": "XX", "denomination_currency": "JPY"}}`,
		`{"personal_data": {"risk": "low"}, "human_rights_risk": 1, "person_count": 3}`,
		`{"kind": "trend", "metrics": [{"dimension": "tech_area", "value": "quantum", "count": 4}]}`,
	}
	for _, b := range bodies {
		t.Run(b[:min(len(b), 50)], func(t *testing.T) {
			findings, err := Lint("", []byte(b))
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) > 0 {
				t.Fatalf("unexpected findings %+v", findings)
			}
		})
	}
}

// TestValues: category-like values that encode a protected attribute are
// refused; free text that merely mentions one is not, unless it has the form
// "Attribute: value".
func TestValues(t *testing.T) {
	tests := []struct {
		key, value string
		rule       string // "" = no finding
	}{
		{"reason_category", "nationality", ruleNationality},
		{"reason_category", "Nationality-based", ruleNationality},
		{"reason_category", "by_nationality", ruleNationality},
		{"reason_category", "foreign national", ruleNationality},
		{"reason_category", "foreign nationality", ruleNationality},
		{"reason_category", "citizenship", ruleNationality},
		{"indicator_type", "ethnicity", ruleEthnicity},
		{"indicator_type", "ethnic origin", ruleEthnicity},
		{"tactic", "religion", ruleReligion},
		{"category", "race", ruleRace},
		{"dimension", "country_of_birth", ruleBirthplace},
		{"dimension", "国籍別", ruleNationality},
		{"type", "visa status", ruleImmigrationStatus},
		{"asset_type", "passport number", ruleIdentityDocument},
		{"kind", "person-level risk score", rulePersonRiskScore},
		{"tags", "place of birth", ruleBirthplace},
		{"group_by", "citizenship", ruleNationality},
		{"summary", "Nationality: X", ruleNationality},
		{"summary", "The applicant was screened.\nNationality: withheld", ruleNationality},
		{"narrative", "経緯：不明。国籍：某国", ruleNationality},
		{"narrative", "Place of birth: somewhere", ruleBirthplace},
		{"narrative", "details (visa status: pending)", ruleImmigrationStatus},
		{"narrative", "religion=none", ruleReligion},
		{"narrative", "Passport No.: TK0000000", ruleIdentityDocument},
		{"narrative", "在留資格 ： 留学", ruleImmigrationStatus},
		// Not refused.
		{"reason_category", "undisclosed foreign talent programme", ""},
		{"reason_category", "foreign government funding", ""},
		{"tactic", "visa sponsorship scheme abuse", ""},
		{"tech_areas", "race condition", ""},
		{"narrative", "We did not consider nationality, ethnicity or religion at any point.", ""},
		{"narrative", "国籍による判断は行っていない。", ""},
		{"narrative", "Note: the review did not consider nationality.", ""},
		{"summary", "Citizen science platform collecting sensor data", ""},
		{"jurisdiction", "CN", ""},
		{"jurisdiction", "United States", ""},
		{"title", "Undeclared affiliation with a defence university", ""},
		{"basis", "Entity List (US BIS), as of 2025-01-15", ""},
		{"source_url", "https://www.federalregister.gov/documents/2025/01/15/example", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			findings, err := Lint("", record(t, tt.key, tt.value))
			if err != nil {
				t.Fatal(err)
			}
			if tt.rule == "" {
				if len(findings) > 0 {
					t.Fatalf("unexpected findings %+v", findings)
				}
				return
			}
			if rules := rulesAt(findings, tt.key); !slices.Contains(rules, tt.rule) {
				t.Fatalf("rules %v, want %q", rules, tt.rule)
			}
			if len(Refused(findings)) == 0 {
				t.Fatalf("not refused: %+v", findings)
			}
		})
	}
}

// TestFlags: personal data in free text and personal-data field names are
// flagged, not refused; dates, periods, versions and CIDs are not phones.
func TestFlags(t *testing.T) {
	tests := []struct {
		name, body string
		rules      []string // flagged rules expected at path "x" (or the key given)
	}{
		{"email", `{"x": "write to jane.roe@example.ac.jp please"}`, []string{ruleEmail}},
		{"full-width email", `{"x": "ｊａｎｅ＠ｅｘａｍｐｌｅ．ａｃ．ｊｐ"}`, []string{ruleEmail}},
		{"obfuscated email", `{"x": "jane [at] example [dot] ac [dot] jp"}`, []string{ruleEmail}},
		{"orcid bare", `{"x": "author 0000-0002-1825-0097"}`, []string{ruleORCID}},
		{"orcid url", `{"x": "https://orcid.org/0000-0001-5109-3700"}`, []string{ruleORCID}},
		{"orcid with X", `{"x": "0000-0002-1694-233X"}`, []string{ruleORCID}},
		{"phone international", `{"x": "call +81-3-1234-5678"}`, []string{rulePhone}},
		{"phone international spaces", `{"x": "tel. +81 3 1234 5678"}`, []string{rulePhone}},
		{"phone tokyo", `{"x": "office 03-1234-5678."}`, []string{rulePhone}},
		{"phone mobile", `{"x": "mobile 090-1234-5678"}`, []string{rulePhone}},
		{"phone mobile no dashes", `{"x": "09012345678"}`, []string{rulePhone}},
		{"phone us", `{"x": "(555) 123-4567"}`, []string{rulePhone}},
		{"phone us dashes", `{"x": "555-123-4567"}`, []string{rulePhone}},
		{"phone us international", `{"x": "+1 (555) 123-4567"}`, []string{rulePhone}},
		{"phone full-width", `{"x": "０３－１２３４－５６７８"}`, []string{rulePhone}},
		{"honorific Dr", `{"x": "met Dr. Jane Roe at the workshop"}`, []string{rulePersonalName}},
		{"honorific Prof", `{"x": "Prof Yamada visited"}`, []string{rulePersonalName}},
		{"honorific Professor", `{"x": "according to Professor Zhang"}`, []string{rulePersonalName}},
		{"honorific Ms", `{"x": "Ms. O'Brien"}`, []string{rulePersonalName}},
		{"romaji honorific", `{"x": "Tanaka-sensei said"}`, []string{rulePersonalName}},
		{"japanese shi", `{"x": "田中氏が来訪した"}`, []string{rulePersonalName}},
		{"japanese kyouju", `{"x": "山田太郎教授の研究室"}`, []string{rulePersonalName}},
		{"japanese san", `{"x": "スミスさんから連絡"}`, []string{rulePersonalName}},
		{"chinese", `{"x": "王先生"}`, []string{rulePersonalName}},
		{"korean", `{"x": "김민수 씨"}`, []string{rulePersonalName}},
		{"labelled name", `{"x": "Full name: Jane Roe"}`, []string{rulePersonalName}},
		{"labelled plain name", `{"x": "Name: Jane Roe"}`, []string{rulePersonalName}},
		{"labelled contacts", `{"x": "E-mail: see above\nTel: see above\nDOB: withheld"}`, []string{ruleDateOfBirth, ruleEmail, rulePhone}},
		{"several at once", `{"x": "Dr. Roe, jane@example.org, +44 20 7946 0958, 0000-0002-1825-0097"}`,
			[]string{ruleEmail, ruleORCID, rulePersonalName, rulePhone}},
		// field names
		{"email field", `{"email": "x"}`, []string{ruleEmailField}},
		{"e_mail field", `{"e_mail": "x"}`, []string{ruleEmailField}},
		{"mail_address field", `{"mail_address": "x"}`, []string{ruleEmailField}},
		{"contactEmail field", `{"contactEmail": "x"}`, []string{ruleEmailField}},
		{"phone field", `{"phone": "x"}`, []string{rulePhoneField}},
		{"tel field", `{"tel": "x"}`, []string{rulePhoneField}},
		{"電話番号 field", `{"電話番号": "x"}`, []string{rulePhoneField}},
		{"orcid field", `{"orcid": "x"}`, []string{ruleORCIDField}},
		{"ORCiD field", `{"ORCiD": "x"}`, []string{ruleORCIDField}},
		{"full_name", `{"full_name": "x"}`, []string{rulePersonalNameField}},
		{"surname", `{"surname": "x"}`, []string{rulePersonalNameField}},
		{"givenName", `{"givenName": "x"}`, []string{rulePersonalNameField}},
		{"researcher_name", `{"researcher_name": "x"}`, []string{rulePersonalNameField}},
		{"pi_name", `{"pi_name": "x"}`, []string{rulePersonalNameField}},
		{"name_of_person", `{"name_of_person": "x"}`, []string{rulePersonalNameField}},
		{"氏名", `{"氏名": "x"}`, []string{rulePersonalNameField}},
		{"姓名", `{"姓名": "x"}`, []string{rulePersonalNameField}},
		{"date of birth", `{"dateOfBirth": "x"}`, []string{ruleDateOfBirth}},
		{"生年月日", `{"生年月日": "x"}`, []string{ruleDateOfBirth}},
		{"home address", `{"home_address": "x"}`, []string{ruleHomeAddress}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings, err := Lint("method", []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(Refused(findings)) > 0 {
				t.Fatalf("refused, want only flags: %+v", findings)
			}
			var got []string
			for _, f := range Flagged(findings) {
				got = append(got, f.Rule)
				if f.Principle != principlePersonalData {
					t.Errorf("principle %q", f.Principle)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.rules) {
				t.Fatalf("flags %v, want %v (%+v)", got, tt.rules, findings)
			}
		})
	}
}

// TestNotFlagged: text that must not be mistaken for personal data.
func TestNotFlagged(t *testing.T) {
	texts := []string{
		"Valid 2025-01-15 to 2026-03-31; period 2025-Q3; reviewed 2025/01/15.",
		"Observed at 2025-01-15T10:30:00+09:00 over P1Y2M10DT2H30M.",
		"Version 1.2.3, build 2025.01.15.1234, IP 192.168.100.200, port 4001.",
		"See bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi and QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N.",
		"Grant JP21K12345 and JSPS 22H01234; ISBN 978-4-06-123456-7; DOI 10.1000/182.",
		"Funding of 12,345,678 yen in FY2024; 1234 5678 9012 items.",
		"客員教授として招聘された。博士課程の学生を対象とする。申請様式を参照。工学博士。",
		"The programme recruited senior scientists from several universities.",
		"Professor emeritus positions were offered; the MS degree programme.",
		"Contact the security office through the consortium portal.",
		"同氏は既に退職している。",
	}
	for _, s := range texts {
		t.Run(s[:min(len(s), 40)], func(t *testing.T) {
			findings, err := Lint("method", record(t, "narrative", s))
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) > 0 {
				t.Fatalf("unexpected findings %+v", findings)
			}
		})
	}
}

// TestIndicatorSubjectNamesAreOrganisations: in an indicator, subject names
// are organisation names, so honorific-like text there is not a personal name
// (but an e-mail address still is personal data).
func TestIndicatorSubjectNamesAreOrganisations(t *testing.T) {
	body := `{"subject": {"kind": "organisation", "names": [{"value": "Dr. Sun Yat-sen Memorial Hospital"}, {"value": "info@example.org"}]}}`
	findings, err := Lint("indicator", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{{Path: "subject.names[1].value", Rule: ruleEmail, Severity: Flag}}
	if len(findings) != 1 || findings[0].Path != want[0].Path || findings[0].Rule != want[0].Rule {
		t.Fatalf("findings %+v, want %+v", findings, want)
	}
	// In another kind, the same text is flagged as a name.
	findings, _ = Lint("method", []byte(body))
	if !slices.Contains(rulesAt(findings, "subject.names[0].value"), rulePersonalName) {
		t.Fatalf("method: %+v", findings)
	}
}

func TestLintErrorsOnlyOnBadJSON(t *testing.T) {
	for _, b := range []string{``, `{`, `{"a":}`, `{} {}`, `{"a": 1} x`, `[1,]`, "\xff"} {
		t.Run(b, func(t *testing.T) {
			if _, err := Lint("", []byte(b)); err == nil {
				t.Fatalf("Lint(%q) = nil error", b)
			}
		})
	}
	for _, b := range []string{`{}`, `[]`, `"text"`, `1`, `null`, ` {"a": [1, {"b": null}]} `, "{\"a\":\"\xff\"}"} {
		t.Run(b, func(t *testing.T) {
			if _, err := Lint("", []byte(b)); err != nil {
				t.Fatalf("Lint(%q) = %v", b, err)
			}
		})
	}
}

func TestDepthBound(t *testing.T) {
	for _, depth := range []int{maxDepth, maxDepth + 1, 10_000, 200_000} {
		body := strings.Repeat(`{"a":[`, depth) + `"x"` + strings.Repeat(`]}`, depth)
		findings, err := Lint("", []byte(body))
		if err != nil {
			t.Fatalf("depth %d: %v", depth, err)
		}
		tooDeep := slices.ContainsFunc(findings, func(f Finding) bool { return f.Rule == ruleTooDeep && f.Severity == Refuse })
		if want := 2*depth > maxDepth; tooDeep != want {
			t.Fatalf("depth %d: too-deep finding %v, want %v", depth, tooDeep, want)
		}
	}
	// Shallow enough: content at the deepest level is still checked.
	body := strings.Repeat(`{"a":`, maxDepth-1) + `{"nationality":"x"}` + strings.Repeat(`}`, maxDepth-1)
	findings, err := Lint("", []byte(body))
	if err != nil || len(findings) != 1 || findings[0].Rule != ruleNationality {
		t.Fatalf("findings %+v, %v", findings, err)
	}
}

func TestFindingsSortedByPath(t *testing.T) {
	body := `{"z": "jane@example.org", "a": [{"email": "x"}, 2, 3, 4, 5, 6, 7, 8, 9, 10, {"nationality": 1}], "a2": {"race": 1},
		"odd key.with dots": {"passport": 1}, "a10": "Dr. Roe"}`
	findings, err := Lint("", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range findings {
		paths = append(paths, f.Path)
	}
	want := []string{"a[0].email", "a[10].nationality", "a10", "a2.race", `["odd key.with dots"].passport`, "z"}
	if !slices.Equal(paths, want) {
		t.Fatalf("paths %q\nwant  %q", paths, want)
	}
	again, _ := Lint("", []byte(body))
	if !slices.Equal(findings, again) {
		t.Fatal("Lint is not deterministic")
	}
}

func TestCheckContent(t *testing.T) {
	refused := []byte(`{"orgs_involved": [{"members": [{"Citizenship": "X"}]}], "narrative": "jane@example.org"}`)
	flagged := []byte(`{"narrative": "jane@example.org"}`)
	clean := []byte(`{"narrative": "nothing personal"}`)
	tests := []struct {
		name    string
		body    []byte
		confirm bool
		want    error
	}{
		{"refused", refused, false, ErrRefused},
		{"refused cannot be confirmed", refused, true, ErrRefused},
		{"flagged", flagged, false, ErrNeedsConfirmation},
		{"flagged and confirmed", flagged, true, nil},
		{"clean", clean, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings, err := CheckContent("method", tt.body, tt.confirm)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("CheckContent = %v, want %v", err, tt.want)
			}
			if err != nil {
				var ge *GuardrailError
				if !errors.As(err, &ge) || !slices.Equal(ge.Findings, findings) {
					t.Fatalf("not a *GuardrailError with the findings: %v", err)
				}
				if tt.want == ErrRefused && errors.Is(err, ErrNeedsConfirmation) {
					t.Error("a refusal also claims to need confirmation")
				}
			}
		})
	}
	_, err := CheckContent("method", refused, true)
	want := "field orgs_involved[0].members[0].Citizenship: the field name \"Citizenship\" refers to nationality or citizenship. " +
		principleNonDiscrimination + " What to do instead: describe the organisation or the method, not the person's origin. (and 1 more finding)"
	if err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err, want)
	}
	_, err = CheckContent("method", flagged, false)
	if !strings.HasPrefix(err.Error(), "field narrative, character 1: the text contains an e-mail address.") || !strings.Contains(err.Error(), "--confirm-personal-data") {
		t.Errorf("Error() = %q", err)
	}
	if _, err := CheckContent("method", []byte("{"), true); err == nil || errors.Is(err, ErrRefused) {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestSeverityText(t *testing.T) {
	b, err := json.Marshal(Finding{Path: "a", Rule: ruleEmail, Severity: Flag})
	if err != nil || !strings.Contains(string(b), `"Severity":"flag"`) {
		t.Fatalf("%s, %v", b, err)
	}
	var f Finding
	if err := json.Unmarshal([]byte(`{"Severity":"refuse"}`), &f); err != nil || f.Severity != Refuse {
		t.Fatalf("%+v, %v", f, err)
	}
	if err := json.Unmarshal([]byte(`{"Severity":"maybe"}`), &f); err == nil {
		t.Fatal("accepted an unknown severity")
	}
}

// TestTestdata runs every record in testdata/records through Lint. Files
// named refused-*.json must have a refusal, flagged-*.json flags and no
// refusal, clean-*.json nothing.
func TestTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/records/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			findings, err := Lint("", body)
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Base(file)
			switch {
			case strings.HasPrefix(base, "refused-"):
				if len(Refused(findings)) == 0 {
					t.Fatalf("not refused: %+v", findings)
				}
			case strings.HasPrefix(base, "flagged-"):
				if len(Refused(findings)) > 0 || len(Flagged(findings)) == 0 {
					t.Fatalf("want flags only: %+v", findings)
				}
			case strings.HasPrefix(base, "clean-"):
				if len(findings) > 0 {
					t.Fatalf("want nothing: %+v", findings)
				}
			default:
				t.Fatalf("file name must start with refused-, flagged- or clean-")
			}
		})
	}
}

// TestGuardrailsDoc: every rule appears in docs/GUARDRAILS.md with its
// severity.
func TestGuardrailsDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/GUARDRAILS.md")
	if err != nil {
		t.Skipf("docs not present: %v", err)
	}
	for _, r := range ruleCatalogue {
		if !strings.Contains(string(doc), "`"+r.Rule+"`") {
			t.Errorf("docs/GUARDRAILS.md does not list rule %q", r.Rule)
		}
	}
}

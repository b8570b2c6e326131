package share_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ursic/ursic/policy/guard"
	"github.com/ursic/ursic/share"
)

// TestCategoryTokensAsPublished publishes records whose token fields name
// people's origin the way a publish does — share.ParseRecord, then
// guard.CheckContent on the body, then Validate — and checks that each is
// a valid record of its kind (so Validate alone would let it through) and
// that the guard refuses it, even with personal data confirmed. The same
// records with an organisation's country instead pass all three.
func TestCategoryTokensAsPublished(t *testing.T) {
	const link = "0000000000000000000000000000000000000000000000000000000000000000"
	method := `{"kind":"method","title":"Visiting programme","tactic":"%s","period":"2026-Q3","tech_areas":["quantum","%s"],` +
		`"narrative":"A visiting programme was funded through an intermediary foundation.","outcome":"pending"}`
	indicator := `{"kind":"indicator","title":"Recruitment programme","indicator_type":"talent_programme",` +
		`"subject":{"kind":"programme","names":[{"value":"Example Talent Programme","lang":"en","type":"common"}]},` +
		`"reason_category":"%s","tech_areas":["%s"],"summary":"The programme asks for undisclosed obligations.",` +
		`"severity":"medium","confidence":"medium","basis":{"source_type":"member_observation","as_of":"2026-10-15"}}`
	facet := `{"kind":"facet","record_kind":"method","category":"%s","tech_areas":["%s"],"period":"2026-10","link":"` + link + `"}`

	refused := []string{"chinese", "overseas_chinese", "country_of_origin_cn", "nationality_cn", "ethnic_uyghur",
		"iranian_researchers", "foreign_national", "kokuseki", "chinese_academy_of_sciences"}
	allowed := []string{"china_talent_plan", "export_control_us", "foreign_funding", "state_sponsored"}

	publish := func(body string) (*share.Record, error, error) {
		t.Helper()
		rec, err := share.ParseRecord([]byte(body))
		if err != nil {
			t.Fatalf("ParseRecord %s: %v", body, err)
		}
		_, gerr := guard.CheckContent(rec.Kind, rec.Body, true)
		return rec, gerr, rec.Validate()
	}
	for _, tmpl := range []string{method, indicator, facet} {
		for _, tok := range refused {
			// The token in the category field, then in tech_areas alone.
			for _, pair := range [][2]string{{tok, "quantum"}, {"talent_recruitment", tok}} {
				body := strings.Replace(strings.Replace(tmpl, "%s", pair[0], 1), "%s", pair[1], 1)
				rec, gerr, verr := publish(body)
				if verr != nil {
					t.Errorf("%s: not a valid %s record, so it does not test a publish: %v", body, rec.Kind, verr)
				}
				if !errors.Is(gerr, guard.ErrRefused) {
					t.Errorf("%s %q: guard let it through: %v", rec.Kind, pair, gerr)
				}
			}
		}
		for _, tok := range allowed {
			body := strings.Replace(strings.Replace(tmpl, "%s", tok, 1), "%s", tok, 1)
			rec, gerr, verr := publish(body)
			if gerr != nil || verr != nil {
				t.Errorf("%s %q: stopped: guard %v, validate %v", rec.Kind, tok, gerr, verr)
			}
		}
	}
}

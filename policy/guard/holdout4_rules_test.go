package guard_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ursic/ursic/policy/guard"
)

// TestHoldout4Classes pins each class the fourth held-out round fixed with
// variants that are not in the corpus, and near-misses that must pass with
// no finding at all.
func TestHoldout4Classes(t *testing.T) {
	method := func(s string) []byte {
		return []byte(fmt.Sprintf(`{"kind":"method","title":"Case note","tactic":"unsolicited_contact","period":"2026-Q3","narrative":%q,"outcome":"declined"}`, s))
	}
	subject := func(name string) []byte {
		return []byte(fmt.Sprintf(`{"kind":"indicator","title":"Indicator","indicator_type":"procurement_front","subject":{"kind":"organisation","names":[{"value":%q,"lang":"en","type":"legal"}],"jurisdiction":"US"},"reason_category":"export_control","summary":"Reseller of lasers.","severity":"medium","confidence":"low"}`, name))
	}
	cases := []struct {
		want, rule string // want: refuse, flag or pass
		body       []byte
	}{
		// links and handles
		{"flag", "personal-id", method("The recruiter's profile is www.linkedin.com/in/anna-b-92 and lists the programme.")},
		{"flag", "personal-id", method("See researchgate.net/profile/Kenji_Ota for the co-authored preprints.")},
		{"flag", "personal-id", method("The messages came from x.com/@labwhisper last week.")},
		{"flag", "email", method("Reply link: mailto:someone at the lab.")},
		{"pass", "", method("The distributor's page linkedin.com/company/acme-optics lists no staff.")},
		{"pass", "", method("The altered firmware is at github.com/acme-optics/daq/releases/tag/v2.")},
		// home address
		{"flag", "home-address", method("The technician lives at 45 Birch Road, Madison, WI 53703.")},
		{"pass", "", method("The head office is at 45 Birch Road, Madison, WI 53703.")},
		// ages, birth years, appearance, unique role, alias
		{"flag", "person-description", method("A 41-year-old visiting scholar asked for the recipes.")},
		{"flag", "person-description", method("The engineer (born 1979) was hired in May.")},
		{"flag", "person-description", method("A bald man with glasses collected the parcel.")},
		{"flag", "person-description", method("The lab's only female technician was asked for the logbook.")},
		{"flag", "person-description", method("The consultant, also known as 'Doc', visited three labs.")},
		{"pass", "", method("The 20-year-old fellowship programme changed its terms.")},
		{"pass", "", method("The company was born in 1999 as a spin-off.")},
		{"pass", "", method("The distributor, formerly known as Acme Optics Ltd., changed its name in 2020.")},
		{"pass", "", method("Only one of the three suppliers answered.")},
		// names
		{"flag", "personal-name", method("Jennifer Walsh forwarded the offer to the students.")},
		{"flag", "personal-name", method("According to Kowalski, the samples left in July.")},
		{"pass", "", method("Walker et al. (2022) describe the programme.")},
		{"pass", "", method("The Kathleen Lonsdale Building and the Rosalind Franklin Institute are not involved.")},
		{"pass", "", method("Secretary of Commerce Howard Lutnick signed the rule.")},
		{"pass", "", method("NIH Director Michael Carter announced the policy.")},
		{"flag", "personal-name", method("The lab director Jennifer Walsh signed the MTA.")},
		// personal device
		{"flag", "personal-id", method("Her personal phone at 10.0.0.23 joined the instrument network.")},
		{"pass", "", method("The update server at 10.0.0.23 was replaced.")},
		// numbers
		{"refuse", "identity-document", method("The form showed Social Security Number 987-65-4321.")},
		{"pass", "", method("The import licence number IL 2026 004512 covers the shipment.")},
		// subjects
		{"refuse", "subject-is-person", subject("Anna Berg trading as Berg Optics")},
		{"refuse", "subject-is-person", subject("Prof. Kenji Ota Office")},
		{"pass", "", subject("Berg Optics AB")},
	}
	for _, c := range cases {
		fs, err := guard.CheckContent("", c.body, false)
		got := verdictOf(err)
		if strings.HasPrefix(got, "error") {
			t.Fatalf("%s: %v", c.body, err)
		}
		if got != c.want || c.want == "pass" && len(fs) > 0 {
			t.Errorf("%s: got %s %v, want %s", c.body, got, fs, c.want)
			continue
		}
		if c.rule == "" {
			continue
		}
		found := false
		for _, f := range fs {
			found = found || f.Rule == c.rule
		}
		if !found {
			t.Errorf("%s: no %s finding in %v", c.body, c.rule, fs)
		}
	}
}

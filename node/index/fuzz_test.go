package index

import (
	"encoding/json"
	"testing"
)

// FuzzScanBody: the one-pass scan of a record body never panics, and on a JSON object it finds
// the same top-level string members as encoding/json.
func FuzzScanBody(f *testing.F) {
	for _, seed := range []string{
		`{"title":"Shell company","valid_until":"2027-03-31","review_due":"2027-01-31"}`,
		`{"kind":"method","title":"a \"quoted\" title","narrative":"x","policy":{"tlp":"amber"}}`,
		`{"subject":{"title":"nested"},"title":"\u6771\u4eac"}`,
		`{"title":1,"valid_until":["2027-03-31"]}`,
		`{"title":"unterminated`,
		`[]`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := ScanBody(body)
		var obj map[string]any
		if json.Unmarshal(body, &obj) != nil {
			return
		}
		for name, have := range map[string]string{"title": got.Title, "valid_until": got.ValidUntil, "review_due": got.ReviewDue} {
			want, _ := obj[name].(string)
			if have != want {
				t.Errorf("%s: ScanBody found %q, encoding/json %q (body %q)", name, have, want, body)
			}
		}
	})
}

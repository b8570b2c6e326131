package console

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// FuzzForm: whatever a browser posts, the console builds valid JSON (or a
// record the node then refuses), never panics, and reads a language of ja or
// en from any Accept-Language. Seeded from testdata/forms.
func FuzzForm(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "forms", "*.form"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds in testdata/forms (%v)", err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "ja-JP,ja;q=0.9,en;q=0.8")
	}
	f.Fuzz(func(t *testing.T, body, acceptLanguage string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		for _, kind := range publishKinds {
			rec, err := buildRecord(kind, form)
			if err != nil {
				t.Fatalf("buildRecord(%s): %v", kind, err)
			}
			if !json.Valid(rec) {
				t.Fatalf("buildRecord(%s) made invalid JSON: %s", kind, rec)
			}
		}
		_ = policyQuery(form)
		_, _ = problemsOf("ja", body)
		_ = formFieldOf(body)
		req := httptest.NewRequest("GET", "/console/inbox", nil)
		req.Header.Set("Accept-Language", acceptLanguage)
		if l := langOf(req); l != "ja" && l != "en" {
			t.Fatalf("langOf(%q) = %q", acceptLanguage, l)
		}
	})
}

package guard

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzLint feeds arbitrary bytes to Lint, seeded from testdata/records. Lint
// must not panic, must fail only on invalid JSON, must be deterministic, and
// must return findings that are well formed and sorted.
func FuzzLint(f *testing.F) {
	files, err := filepath.Glob("testdata/records/*.json")
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatal("no seed files in testdata/records")
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		findings, err := Lint("", body)
		if err != nil {
			if findings != nil {
				t.Fatalf("findings with an error: %v", err)
			}
			return
		}
		again, err := Lint("", body)
		if err != nil || !slices.Equal(findings, again) {
			t.Fatalf("not deterministic: %v", err)
		}
		for _, fd := range findings {
			if fd.Rule == "" || fd.Message == "" || fd.Principle == "" || (fd.Severity != Flag && fd.Severity != Refuse) {
				t.Fatalf("malformed finding %+v", fd)
			}
		}
		if _, err := CheckContent("", body, false); (err == nil) != (len(findings) == 0) {
			t.Fatalf("CheckContent disagrees with Lint: %v, %d findings", err, len(findings))
		}
	})
}

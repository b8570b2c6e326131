// Package sharetest holds helpers for the tests of share and of the packages that use it, in the
// manner of net/http/httptest.
package sharetest

import (
	"os"
	"path/filepath"
	"testing"
)

// AddSeeds adds every file matching pattern to f's corpus, and fails if there is none: a fuzz
// test without seeds would test little (DESIGN.md §8: every parser has a fuzz test seeded from
// testdata/).
func AddSeeds(f *testing.F, pattern string) {
	f.Helper()
	files, _ := filepath.Glob(pattern)
	if len(files) == 0 {
		f.Fatalf("no seeds match %s", pattern)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

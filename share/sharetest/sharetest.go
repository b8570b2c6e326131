// Package sharetest holds helpers for the tests of share and of the packages that use it, in the
// manner of net/http/httptest.
package sharetest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// AddSeeds adds every file matching pattern to f's corpus, and fails if there is none: a fuzz
// test without seeds would test little (every parser has a fuzz test seeded from
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

// Golden compares got with the golden file at path, after rewriting the file with got if
// update is set, and returns the file's bytes. what names the encoding in the failure message,
// with what a change would break.
func Golden(t testing.TB, path string, got []byte, update bool, what string) []byte {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s changed:\n got %x\nwant %x", what, got, want)
	}
	return want
}

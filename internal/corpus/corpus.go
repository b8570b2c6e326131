// Package corpus reads the repository's record corpora for tests: the
// examples, share's test records, the screening corpus and the index's
// fuzz corpus, so that every package that checks a body reader against a
// reference checks it on the same bodies.
package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Patterns are the corpora, relative to the repository's root.
var Patterns = []string{
	"examples/records/*",
	"share/testdata/records/*",
	"node/screen/testdata/corpus/*.jsonl",
	"node/index/testdata/fuzz/*/*",
}

// Bodies returns each file of the corpora and, for a .jsonl file, each of
// its first lines lines as well (-1 for all), found from root, the
// repository's root relative to the test's directory. yield, if not nil,
// is told each line of a .jsonl file with the file's pattern, so a caller
// can add bodies made from it.
func Bodies(t testing.TB, root string, lines int, yield func(pattern string, line []byte) [][]byte) [][]byte {
	t.Helper()
	var bodies [][]byte
	for _, pattern := range Patterns {
		files, _ := filepath.Glob(filepath.Join(root, pattern))
		if len(files) == 0 {
			t.Fatalf("no corpus at %s", filepath.Join(root, pattern))
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			bodies = append(bodies, b)
			if !strings.HasSuffix(file, ".jsonl") {
				continue
			}
			for _, line := range bytes.SplitN(b, []byte("\n"), lines) {
				bodies = append(bodies, line)
				if yield != nil {
					bodies = append(bodies, yield(pattern, line)...)
				}
			}
		}
	}
	return bodies
}

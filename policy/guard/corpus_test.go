package guard_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ursic/ursic/policy/guard"
	"github.com/ursic/ursic/share"
)

// corpusRecord is one record of testdata/corpus with what it must do.
type corpusRecord struct {
	file     string // e.g. refuse-nationality.jsonl
	line     int
	category string // the file name without .jsonl
	want     string // "refuse", "pass" or "flag": the file name's first word
	data     []byte
}

// readCorpus reads every record of testdata/corpus/*.jsonl.
func readCorpus(t testing.TB) []corpusRecord {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in testdata/corpus: %v", err)
	}
	var out []corpusRecord
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(file)
		category := strings.TrimSuffix(base, ".jsonl")
		want, _, _ := strings.Cut(category, "-")
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for n := 1; sc.Scan(); n++ {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			out = append(out, corpusRecord{file: base, line: n, category: category, want: want, data: bytes.Clone(line)})
		}
	}
	return out
}

// TestCorpus runs the corpus of realistic records (testdata/corpus) through
// the guardrails: every record in a refuse-* file must be refused, every
// record in a flag-* file flagged and not refused, and every record in a
// pass-* file must have no finding at all. Each record is also a valid
// record of its kind, so the same files can be sent to POST /v1/check.
// With -v it prints the figures docs/GUARDRAILS.md quotes.
func TestCorpus(t *testing.T) {
	records := readCorpus(t)
	type tally struct{ n, ok int }
	byCategory := map[string]*tally{}
	byWant := map[string]*tally{}
	for _, r := range records {
		rec, err := share.ParseRecord(r.data)
		if err != nil {
			t.Errorf("%s:%d: not a record: %v", r.file, r.line, err)
			continue
		}
		if err := rec.Validate(); err != nil {
			t.Errorf("%s:%d: not a valid %s: %v", r.file, r.line, rec.Kind, err)
		}
		findings, err := guard.Lint(rec.Kind, rec.Body)
		if err != nil {
			t.Errorf("%s:%d: %v", r.file, r.line, err)
			continue
		}
		refused, flagged := len(guard.Refused(findings)) > 0, len(guard.Flagged(findings)) > 0
		var ok bool
		switch r.want {
		case "refuse":
			ok = refused
		case "flag":
			ok = flagged && !refused
		case "pass":
			ok = len(findings) == 0
		default:
			t.Fatalf("%s: a corpus file is named refuse-*, flag-* or pass-*", r.file)
		}
		for _, m := range []map[string]*tally{byCategory, byWant} {
			key := r.category
			if len(m) > 0 && m[r.want] != nil || m == nil {
				key = r.want
			}
			_ = key
		}
		add := func(m map[string]*tally, k string) {
			if m[k] == nil {
				m[k] = &tally{}
			}
			m[k].n++
			if ok {
				m[k].ok++
			}
		}
		add(byCategory, r.category)
		add(byWant, r.want)
		if !ok {
			var got []string
			for _, f := range findings {
				got = append(got, fmt.Sprintf("%s %s at %s %q", f.Severity, f.Rule, f.Path, f.Phrase))
			}
			t.Errorf("%s:%d: want %s, got %v\n\t%s", r.file, r.line, r.want, got, r.data)
		}
	}
	if n := byWant["refuse"]; n == nil || n.n < 100 {
		t.Errorf("the corpus needs at least 100 records to refuse")
	}
	if n := byWant["pass"]; n == nil || n.n < 80 {
		t.Errorf("the corpus needs at least 80 records to pass")
	}
	if n := byWant["flag"]; n == nil || n.n < 20 {
		t.Errorf("the corpus needs at least 20 records to flag")
	}
	keys := make([]string, 0, len(byCategory))
	for k := range byCategory {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := byCategory[k]
		t.Logf("%-28s %3d/%3d as expected", k, c.ok, c.n)
	}
	for _, k := range []string{"refuse", "flag", "pass"} {
		if c := byWant[k]; c != nil {
			t.Logf("%-28s %3d/%3d as expected", "all "+k, c.ok, c.n)
		}
	}
}

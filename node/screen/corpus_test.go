package screen

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// corpus is the screening corpus of testdata/corpus (written by
// internal/corpusgen): 1,000 fictional subjects and a list whose entries
// say which subject each should match, if any.
type corpus struct {
	subjects []Subject
	list     *List
	expected []string // per list entry: the CID it should match, "" for none
	variants []string
}

func loadCorpus(t testing.TB) corpus {
	t.Helper()
	dir := filepath.Join("testdata", "corpus")
	f, err := os.Open(filepath.Join(dir, "indicators.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c corpus
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var s struct {
			CID          string        `json:"cid"`
			Names        []SubjectName `json:"names"`
			ROR          string        `json:"ror"`
			Jurisdiction string        `json:"jurisdiction"`
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		c.subjects = append(c.subjects, Subject{CID: s.CID, Names: s.Names, ROR: s.ROR, Jurisdiction: s.Jurisdiction, Severity: "high"})
	}
	data, err := os.ReadFile(filepath.Join(dir, "list.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// The list goes through ParseList as a user's would; the expected
	// column is read beside it.
	if c.list, err = ParseList("list.csv", data); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		c.expected = append(c.expected, r[3])
		c.variants = append(c.variants, r[4])
	}
	if len(c.expected) != len(c.list.Entries) {
		t.Fatalf("%d expectations for %d entries", len(c.expected), len(c.list.Entries))
	}
	return c
}

// screenEntry is what the node does for one row: every name, and the ROR id.
func screenEntry(x *Index, e Entry) []Hit {
	var out []Hit
	queries := []Query{{ROR: e.ROR, Country: e.Country}}
	for _, n := range e.Names {
		for _, alt := range Alternatives(n) {
			queries = append(queries, Query{Name: alt, ROR: e.ROR, Country: e.Country})
		}
	}
	for _, q := range queries {
		for _, h := range x.Match(q) {
			if !slices.ContainsFunc(out, func(o Hit) bool { return o.Subject.CID == h.Subject.CID }) {
				out = append(out, h)
			}
		}
	}
	return out
}

// TestCorpusPrecisionRecall screens the corpus list and measures precision
// (hits that are right, over all hits) and recall (entries that should match
// and do, over all such entries). docs/SCREENING.md reports the figures.
func TestCorpusPrecisionRecall(t *testing.T) {
	c := loadCorpus(t)
	x := NewIndex()
	for _, s := range c.subjects {
		x.Add(s)
	}
	var tp, fp, fn, positives int
	missed, wrong := map[string]int{}, map[string]int{}
	for i, e := range c.list.Entries {
		hits := screenEntry(x, e)
		want := c.expected[i]
		if want != "" {
			positives++
		}
		found := false
		for _, h := range hits {
			if h.Subject.CID == want {
				found = true
				tp++
			} else {
				fp++
				wrong[c.variants[i]]++
				t.Logf("false positive: row %d %q (%s) matched %s %q by %s %.2f", e.Row, e.Name(), c.variants[i], h.Subject.CID, h.Matched, h.How, h.Score)
			}
		}
		if want != "" && !found {
			fn++
			missed[c.variants[i]]++
			t.Logf("missed: row %d %q (%s) should match %s", e.Row, e.Name(), c.variants[i], want)
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(positives)
	t.Logf("corpus: %d subjects, %d list entries (%d that should match, %d that should not)", len(c.subjects), len(c.list.Entries), positives, len(c.list.Entries)-positives)
	t.Logf("true positives %d, false positives %d, false negatives %d", tp, fp, fn)
	t.Logf("precision %.3f, recall %.3f", precision, recall)
	var keys []string
	for k := range missed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("missed by variant: %s %d", k, missed[k])
	}
	for k, v := range wrong {
		t.Logf("false positives by variant: %s %d", k, v)
	}
	if precision < 0.95 || recall < 0.95 {
		t.Errorf("precision %.3f, recall %.3f: the target is 0.95 for each", precision, recall)
	}
}

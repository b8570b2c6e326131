package guard

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ursic/ursic/share/sharetest"
)

// addCorpusLines adds every line of testdata/corpus/*.jsonl, and the record
// of every line of the held-out corpora (testdata/holdout-*.jsonl), as a seed.
func addCorpusLines(f *testing.F, each func(line []byte)) {
	f.Helper()
	files, _ := filepath.Glob("testdata/corpus/*.jsonl")
	if len(files) == 0 {
		f.Fatal("no seeds in testdata/corpus")
	}
	holdouts, _ := filepath.Glob("testdata/holdout-*.jsonl")
	for _, file := range holdouts {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			var c struct{ Record json.RawMessage }
			if json.Unmarshal(line, &c) == nil && len(c.Record) > 0 {
				each(bytes.Clone(c.Record))
			}
		}
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				each(bytes.Clone(line))
			}
		}
	}
}

// FuzzLint feeds arbitrary bytes to Lint, seeded from testdata/records and
// every record of testdata/corpus. Lint must not panic, must fail exactly on
// invalid JSON (content nested too deep to read is refused, not an error),
// must be deterministic, and must return well-formed findings whose phrase
// is what the record says at the offset given.
func FuzzLint(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/records/*.json")
	addCorpusLines(f, func(line []byte) { f.Add(line) })
	f.Fuzz(func(t *testing.T, body []byte) {
		findings, err := Lint("", body)
		if err != nil {
			if findings != nil {
				t.Fatalf("findings with an error: %v", err)
			}
			if json.Valid(body) {
				t.Fatalf("valid JSON refused as invalid: %v", err)
			}
			return
		}
		if !json.Valid(body) && !slices.ContainsFunc(findings, func(f Finding) bool { return f.Rule == ruleTooDeep }) {
			t.Fatalf("invalid JSON read without an error")
		}
		again, err := Lint("", body)
		if err != nil || !slices.Equal(findings, again) {
			t.Fatalf("not deterministic: %v", err)
		}
		for _, fd := range findings {
			if fd.Rule == "" || fd.Message == "" || fd.Principle == "" || fd.MessageJA == "" || (fd.Severity != Flag && fd.Severity != Refuse) {
				t.Fatalf("malformed finding %+v", fd)
			}
			if fd.Offset < -1 {
				t.Fatalf("offset %d", fd.Offset)
			}
		}
		if _, err := CheckContent("", body, false); (err == nil) != (len(findings) == 0) {
			t.Fatalf("CheckContent disagrees with Lint: %v, %d findings", err, len(findings))
		}
	})
}

// FuzzScanText feeds arbitrary text to the normaliser and the text rules,
// seeded from the corpus's strings. They must not panic, every hit must lie
// inside the normalised text, and every quoted phrase must be a piece of the
// original at the offset reported.
func FuzzScanText(f *testing.F) {
	addCorpusLines(f, func(line []byte) {
		var m map[string]any
		if json.Unmarshal(line, &m) != nil {
			return
		}
		for _, k := range []string{"narrative", "summary", "note", "title"} {
			if s, ok := m[k].(string); ok {
				f.Add(s)
			}
		}
	})
	f.Fuzz(func(t *testing.T, s string) {
		nt := normalizeText(s)
		if nt.off != nil && len(nt.off) != len(nt.s) {
			t.Fatalf("offset map of %d bytes for %d", len(nt.off), len(nt.s))
		}
		hits, _ := scanText(nt)
		runes := []rune(strings.ToValidUTF8(s, "\uFFFD"))
		for _, h := range hits {
			if h.i < 0 || h.j > len(nt.s) || h.i >= h.j {
				t.Fatalf("hit %+v outside %d bytes", h, len(nt.s))
			}
			phrase, off := nt.quote(h.i, h.j)
			if off < 0 || off > utf8.RuneCountInString(s) {
				t.Fatalf("offset %d outside the text", off)
			}
			if utf8.ValidString(s) && !strings.Contains(string(runes[off:]), phrase) {
				t.Fatalf("phrase %q not at offset %d of %q", phrase, off, s)
			}
		}
	})
}

// FuzzTokenOrigin fuzzes the reading of category tokens: it never panics,
// is deterministic, names a word of the token, and a refused token stays
// refused when another word is added after it ("chinese" → "chinese_case").
func FuzzTokenOrigin(f *testing.F) {
	for _, s := range []string{"chinese", "overseas_chinese", "country_of_origin_cn", "ethnicuyghur",
		"china_talent_plan", "export_control_us", "foreign_funding", "saudi_arabia", "foreign_national",
		"goods_origin", "germanium", "", "_", "--", "é_chinese", "ｃｈｉｎｅｓｅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rule, word, ok := tokenOrigin(s)
		r2, w2, ok2 := tokenOrigin(s)
		if rule != r2 || word != w2 || ok != ok2 {
			t.Fatalf("not deterministic: %q", s)
		}
		if !ok {
			if rule != "" || word != "" {
				t.Fatalf("not refused but rule %q word %q", rule, word)
			}
			return
		}
		if rule != ruleNationality && rule != ruleEthnicity {
			t.Fatalf("%q: rule %q", s, rule)
		}
		if word == "" {
			t.Fatalf("%q: refused without a word", s)
		}
		if _, _, ok := tokenOrigin(s + "_case"); !ok && len(s) < 190 {
			t.Fatalf("%q refused but %q is not", s, s+"_case")
		}
		if _, ok := tokenFinding(s); !ok {
			t.Fatalf("%q: no finding", s)
		}
	})
}

// FuzzPastedText feeds arbitrary text to the readers of pasted genres
// (paste.go): the join of lines a layout broke, table cells, names after
// role labels, identifiers. Seeded from the second held-out corpus. They must
// not panic; every joined character must map back to the same character of
// the original, in order; every finding must point inside the string.
func FuzzPastedText(f *testing.F) {
	seedFromCorpus(f, "testdata/holdout2-2026-11-30.jsonl", "narrative", "summary", "note", "detection", "lessons")
	f.Add("国\n籍\n\r\n-\n-a-\nb")
	f.Fuzz(func(t *testing.T, s string) {
		src := []rune(s)
		joined, offs, joins := joinBrokenLines(s)
		if len(joined) != len(offs) {
			t.Fatalf("%d characters, %d offsets", len(joined), len(offs))
		}
		for i, r := range joined {
			if i > 0 && offs[i] <= offs[i-1] {
				t.Fatalf("offsets out of order at %d", i)
			}
			if int(offs[i]) >= len(src) || src[offs[i]] != r {
				t.Fatalf("joined character %d %q does not map back", i, r)
			}
		}
		for i, j := range joins {
			if j < 0 || j > len(joined) || i > 0 && j < joins[i-1] {
				t.Fatalf("join %d at %d", i, j)
			}
		}
		n := utf8.RuneCountInString(s)
		for _, fd := range stringFindingsUncached(s, false) {
			if fd.Offset < -1 || fd.Offset > n {
				t.Fatalf("finding %s at %d of %d characters", fd.Rule, fd.Offset, n)
			}
		}
		for _, i := range nameHits(s, factsOfText(s)) {
			if i < 0 || i > len(s) {
				t.Fatalf("name at byte %d of %d", i, len(s))
			}
		}
		for i := 0; i < len(s); i++ {
			tableCellAt(s, i, min(len(s), i+2))
		}
	})
}

// FuzzSensitiveText feeds arbitrary text to the readers of special-care
// information and of names with no anchor (sensitive.go, unanchored.go),
// seeded from the third held-out corpus. They must not panic; every hit must
// lie inside the text on character boundaries, and a special-care finding's
// phrase must be what the text says at its offset.
func FuzzSensitiveText(f *testing.F) {
	seedFromCorpus(f, "testdata/holdout3-2026-11-30.jsonl", "narrative", "summary", "note")
	f.Add("山田太郎は・ジョン・スミスが\nZhang Wei HAYASHIBARA Kenta 前科 party member")
	f.Fuzz(func(t *testing.T, s string) {
		valid := utf8.ValidString(s)
		for _, h := range specialCare(s) {
			if h.i < 0 || h.j > len(s) || h.i >= h.j || valid && (!utf8.RuneStart(s[h.i]) || h.j < len(s) && !utf8.RuneStart(s[h.j])) {
				t.Fatalf("hit [%d, %d) of %d bytes", h.i, h.j, len(s))
			}
		}
		for _, i := range unanchoredNamesJA(s) {
			if i < 0 || i >= len(s) || valid && !utf8.RuneStart(s[i]) {
				t.Fatalf("name at byte %d of %d", i, len(s))
			}
		}
		for _, i := range unanchoredNamesLatin(s, factsOfText(s)) {
			if i < 0 || i >= len(s) {
				t.Fatalf("name at byte %d of %d", i, len(s))
			}
		}
		if !valid {
			return
		}
		c := &collector{}
		c.specialCareRules(s)
		rs := []rune(s)
		for _, fd := range c.found {
			p := []rune(fd.Phrase)
			if fd.Offset < 0 || fd.Offset+len(p) > len(rs) || string(rs[fd.Offset:fd.Offset+len(p)]) != fd.Phrase {
				t.Fatalf("finding %s at %d does not quote %q", fd.Rule, fd.Offset, fd.Phrase)
			}
			if fd.Message == "" || fd.MessageJA == "" {
				t.Fatalf("finding %s without its messages", fd.Rule)
			}
		}
	})
}

// FuzzEnglishPersonal feeds arbitrary text to the readers of personal data
// in English prose (english.go: links and handles, home addresses, ages,
// appearance, aliases, devices, Western names), seeded from the fourth
// held-out corpus. They must not panic, and every hit must lie inside the
// text.
func FuzzEnglishPersonal(f *testing.F) {
	seedFromCorpus(f, "testdata/holdout4-2026-11-30.jsonl", "narrative", "summary")
	f.Add("Per Laura Chen, J. Walker asked; lives at 12 Elm St. @x x.com/@a github.com/u born 1988")
	f.Fuzz(func(t *testing.T, s string) {
		for _, names := range []bool{true, false} {
			for _, h := range englishPersonal(s, names, factsOfText(s)) {
				if h.i < 0 || h.i >= len(s) {
					t.Fatalf("%s at byte %d of %d", h.rule, h.i, len(s))
				}
			}
		}
		_ = subjectNamesPerson(s)
	})
}

// seedFromCorpus adds to f's corpus the text fields named of every record
// of a held-out corpus (JSON Lines with a "record" each).
func seedFromCorpus(f *testing.F, file string, fields ...string) {
	f.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var c struct{ Record map[string]any }
		if json.Unmarshal(line, &c) != nil {
			continue
		}
		for _, k := range fields {
			if s, ok := c.Record[k].(string); ok {
				f.Add(s)
			}
		}
	}
}

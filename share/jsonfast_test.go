package share

import (
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/ursic/ursic/share/sharetest"
)

// slowParse is the reference: jsonParser alone, as records were parsed
// before fastParse.
func slowParse(data []byte) (any, error) {
	p, err := newJSONParser(data)
	if err != nil {
		return nil, err
	}
	v, err := p.value("", 0)
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	return v, nil
}

// sameParse fails t unless fastParse and jsonParser agree on data: both
// accept with equal trees, or both refuse.
func sameParse(t *testing.T, data []byte) {
	t.Helper()
	fast, ok := fastParse(data)
	slow, err := slowParse(data)
	switch {
	case ok && err != nil:
		t.Fatalf("%q: fastParse accepts what jsonParser refuses (%v)", data, err)
	case !ok && err == nil:
		t.Fatalf("%q: fastParse refuses what jsonParser accepts", data)
	case ok && !reflect.DeepEqual(fast, slow):
		t.Fatalf("%q: fastParse reads %#v, jsonParser %#v", data, fast, slow)
	}
}

var fastParseCases = []string{
	``, ` `, `{}`, `[]`, ` {} `, "{}\n", `{} {}`, `{}x`, `{`, `}`, `[`, `]`, `[1,]`, `{"a":1,}`,
	`{"a" 1}`, `{"a":}`, `{a:1}`, `{"a":1 "b":2}`, `[1 2]`, `{"a":1,"a":2}`, `{"a":{"b":1,"b":1}}`,
	`{"a":1,"\u0061":2}`, `null`, `true`, `false`, `nul`, `tru`, `truex`, `[truefalse]`, `"x"`,
	`0`, `-0`, `01`, `-`, `1.`, `.5`, `1.5e`, `1e+`, `1E-7`, `-12.5e+3`, `1e999`, `123456789012345678901234567890`,
	`[-]`, `[0x1]`, `[+1]`, `"a\"b"`, `"\\"`, `"\/"`, `"\u00e9"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
	`"\x"`, `"\u12"`, `"\u12g4"`, "\"tab\there\"", "\"nl\nhere\"", "\"del\x7f\"", `"é日本"`, "\"\xff\"", "\xef\xbb\xbf{}",
	`"unterminated`, `"a\`, `[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]`, `[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]`,
	`[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]`, `{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}}}}}}}}}`,
	`{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}}}}}}}}}}`,
	"{\"kind\":\"sighting\",\r\n\t\"note\":\"x\"}", `{"":1}`, `[null,true,false,"",{},[]]`,
}

func TestFastParseMatchesParser(t *testing.T) {
	for _, c := range fastParseCases {
		sameParse(t, []byte(c))
	}
	for _, r := range []string{benchRecord(""), benchRecord(strings.Repeat("line\\n\\u0001", 40))} {
		sameParse(t, []byte(r))
		if _, ok := fastParse([]byte(r)); !ok {
			t.Fatalf("fastParse refuses a valid record: %s", r)
		}
	}
}

// TestParseOneErrors: the errors of a refused body are jsonParser's, with
// their positions and paths.
func TestParseOneErrors(t *testing.T) {
	for _, c := range fastParseCases {
		_, want := slowParse([]byte(c))
		if want == io.EOF {
			continue // parseOne words the empty case itself
		}
		_, got := parseOne([]byte(c), "empty")
		if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
			t.Errorf("%q: parseOne says %v, jsonParser %v", c, got, want)
		}
	}
}

// FuzzFastParseMatchesParser is the differential test of fastParse against
// jsonParser: the same acceptance and the same tree on every input.
func FuzzFastParseMatchesParser(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/records/*")
	for _, c := range fastParseCases {
		f.Add([]byte(c))
	}
	f.Add([]byte(benchRecord("a\\u2028b\\\\c")))
	f.Fuzz(func(t *testing.T, b []byte) {
		sameParse(t, b)
	})
}

// benchRecord is an `indicator` body of about 1 KiB, as a node opens it;
// extra is JSON string content appended to its summary.
func benchRecord(extra string) string {
	prose := strings.Repeat("The offer arrived through an intermediary foundation and the funding agreement "+
		"named a second company as the beneficiary of all results. ", 5)[:560]
	q, _ := json.Marshal(prose)
	return `{"basis":{"as_of":"2026-03-15","legal_effect":"advisory","source_list":"METI End User List","source_type":"government_list"},` +
		`"confidence":"medium","indicator_type":"procurement_front","kind":"indicator","reason_category":"export_control","review_due":"2099-01-31",` +
		`"severity":"high","subject":{"jurisdiction":"JP","kind":"organisation","names":[{"lang":"en","type":"legal","value":"Northbridge Trading Co. 7"}]},` +
		`"suggested_mitigation":"Screen against the End User List before any MTA, quote or purchase.","summary":` + string(q[:len(q)-1]) + extra + `",` +
		`"tech_areas":["photonics"],"title":"bench indicator 7","valid_from":"2026-04-01","valid_until":"2099-03-31"}`
}

func BenchmarkValidate(b *testing.B) {
	r := &Record{Kind: KindIndicator, Body: []byte(benchRecord(""))}
	if err := r.Validate(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// hasControlRef is what the text rules checked before hasControl.
func hasControlRef(s string, breaks bool) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(breaks && (r == '\n' || r == '\t' || r == '\r'))
	}) >= 0
}

// TestHasControl compares hasControl with unicode.IsControl on every rune,
// alone and inside text, and on invalid UTF-8.
func TestHasControl(t *testing.T) {
	check := func(s string) {
		for _, breaks := range []bool{false, true} {
			if got, want := hasControl(s, breaks), hasControlRef(s, breaks); got != want {
				t.Fatalf("hasControl(%q, %v) = %v, want %v", s, breaks, got, want)
			}
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		check(string(r))
		if r < 0x200 {
			check("ab" + string(r) + "é")
		}
	}
	for _, s := range []string{"", "\xff", "a\xc2", "\xc2\x85", "\xc2\x9f", "\xc2\xa0", "\xed\xa0\x80", "x\x7fy", "line\r\nnext\ttab"} {
		check(s)
	}
}

func FuzzHasControl(f *testing.F) {
	f.Add("line\r\n\u0085\x7f\xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, breaks := range []bool{false, true} {
			if got, want := hasControl(s, breaks), hasControlRef(s, breaks); got != want {
				t.Fatalf("hasControl(%q, %v) = %v, want %v", s, breaks, got, want)
			}
		}
	})
}

package share

import (
	"encoding/json"
	"io"
	"reflect"
	"regexp"
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

// dateSyntaxRE is the syntax of `date` (SPEC.md §6.2) as a regular
// expression, the reference isDateSyntax is compared with.
var dateSyntaxRE = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])` +
	`(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$`)

var dateSyntaxCases = []string{
	"", "2026-04-01", "2026-4-01", "2026-00-01", "2026-13-01", "2026-12-00", "2026-12-32", "2026-02-31", "2026-10-19", "2026-11-30",
	"2026-04-01T", "2026-04-01T00:00:00Z", "2026-04-01T23:59:59Z", "2026-04-01T24:00:00Z", "2026-04-01T19:60:00Z", "2026-04-01T09:05:60Z",
	"2026-04-01t00:00:00Z", "2026-04-01T00:00:00z", "2026-04-01T00:00:00", "2026-04-01T00:00:00.Z", "2026-04-01T00:00:00.1Z",
	"2026-04-01T00:00:00.123456789Z", "2026-04-01T00:00:00.1234567890Z", "2026-04-01T00:00:00,5Z", "2026-04-01T00:00:00+09:00",
	"2026-04-01T00:00:00-23:59", "2026-04-01T00:00:00+24:00", "2026-04-01T00:00:00+09:60", "2026-04-01T00:00:00+0900",
	"2026-04-01T00:00:00+09:00Z", "2026-04-01T0:00:00Z", "2026-04-01 00:00:00Z", "2026-04-01\n", "２０２６-04-01", "+026-04-01", "20260-04-01",
}

func TestIsDateSyntax(t *testing.T) {
	for _, s := range dateSyntaxCases {
		if got, want := isDateSyntax(s), dateSyntaxRE.MatchString(s); got != want {
			t.Errorf("isDateSyntax(%q) = %v, the regular expression says %v", s, got, want)
		}
	}
	// Every two-character field value, in each position.
	base := []byte("2026-04-01T12:34:56.7+09:30")
	for _, pos := range []int{5, 8, 11, 14, 17, 22, 25} {
		for a := 0; a < 256; a++ {
			for _, b := range []byte("0123456789a") {
				s := append([]byte(nil), base...)
				s[pos], s[pos+1] = byte(a), b
				if got, want := isDateSyntax(string(s)), dateSyntaxRE.Match(s); got != want {
					t.Fatalf("isDateSyntax(%q) = %v, the regular expression says %v", s, got, want)
				}
			}
		}
	}
}

func FuzzIsDateSyntax(f *testing.F) {
	for _, s := range dateSyntaxCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isDateSyntax(s), dateSyntaxRE.MatchString(s); got != want {
			t.Fatalf("isDateSyntax(%q) = %v, the regular expression says %v", s, got, want)
		}
	})
}

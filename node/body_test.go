package node

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ursic/ursic/internal/benchrecords"
	"github.com/ursic/ursic/internal/corpus"
	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/share"
)

// bodyKinds are the kinds a body is read as in the differential tests: every
// branch of readBody's readers, and a kind none of them knows.
var bodyKinds = []string{share.KindIndicator, share.KindMethod, share.KindSighting, share.KindFacet,
	share.KindTrend, share.KindRetraction, "unknown"}

// corpusBodies returns every record body in the repository's corpora: the
// examples, share's, the index's and the screening corpus (each subject
// also as an indicator's), and ursic-bench's generated
// records (bench of them, and at most lines lines of a .jsonl file, -1 for
// all); each as written, and, where share.ParseRecord accepts it, as the
// compact, sorted body Envelope.Open yields.
func corpusBodies(t testing.TB, lines, bench int) [][]byte {
	t.Helper()
	raw := corpus.Bodies(t, "..", lines, func(pattern string, line []byte) [][]byte {
		if !strings.Contains(pattern, "screen") || len(line) == 0 {
			return nil
		}
		return [][]byte{fmt.Appendf(nil, `{"kind":"indicator","title":"t","subject":%s,"severity":"high"}`, line)}
	})
	raw = append(raw, benchrecords.Records("diff", 0, bench)...)
	bodies := raw
	for _, b := range raw {
		if r, err := share.ParseRecord(b); err == nil {
			bodies = append(bodies, r.Body)
		}
	}
	return bodies
}

// checkReadBody fails t if readBody reads body, as a record of any kind,
// otherwise than the reference decoders do.
func checkReadBody(t *testing.T, body []byte) {
	t.Helper()
	for _, kind := range bodyKinds {
		got := readBody("c1", kind, body)
		want := readBodySlowly("c1", kind, body, index.ScanBody(body))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("readBody(%s, %q) =\n%#v\nwant\n%#v", kind, body, got, want)
		}
	}
}

// scanned reports whether readBody takes body's members from its scan
// rather than from the reference decoders.
func scanned(body []byte) bool {
	m := new(bodyMembers)
	index.ScanBodyFunc(body, m.visit)
	return !m.odd
}

// TestReadBodyMatchesReference: for every body of the repository's corpora,
// read as every kind, the one scan yields what the separate decoders did:
// the index row's text and title, the screening subject and the case
// table's summary.
func TestReadBodyMatchesReference(t *testing.T) {
	bodies := corpusBodies(t, -1, 1000)
	for _, body := range bodies {
		checkReadBody(t, body)
	}
	t.Logf("%d bodies", len(bodies))
}

// TestReadBodyScansValidRecords: every record share accepts is read by the
// scan, not by the reference decoders — else the one parse would quietly
// be four again.
func TestReadBodyScansValidRecords(t *testing.T) {
	valid := 0
	for _, b := range corpusBodies(t, -1, 1000) {
		r, err := share.ParseRecord(b)
		if err != nil || r.Validate() != nil {
			continue
		}
		valid++
		if !scanned(r.Body) {
			t.Errorf("a valid %s record is read by the reference decoders: %s", r.Kind, r.Body)
		}
	}
	if valid < 1000 {
		t.Fatalf("only %d valid records in the corpora", valid)
	}
}

// TestReadBodyOddBodies: bodies encoding/json reads otherwise than a scan
// would — names in another case or folded, members twice, values of another
// type or null, not JSON — go to the reference decoders, and so read as
// before.
func TestReadBodyOddBodies(t *testing.T) {
	for _, body := range []string{
		`{"Title":"upper","title":"lower"}`,
		`{"TITLE":"upper"}`,
		`{"tech-areas":["x"],"tech_areas":["y"]}`,
		`{"techareas":["x"]}`,
		`{"ſeverity":"long s","severity":"high","subject":{"names":[]}}`,
		"{\"subject\":{\"names\":[],\"ids\":{\"\u212aror\":\"kelvin\"}}}",
		`{"subject":{"names":[{"Value":"folded","value":"x"}]}}`,
		`{"title":"a","title":"b"}`,
		`{"subject":{"names":[{"value":"a"}]},"subject":{"jurisdiction":"JP"}}`,
		`{"subject":{"names":[{"value":"a","value":"b"}]}}`,
		`{"severity":null,"subject":{"names":[]}}`,
		`{"subject":null}`,
		`{"subject":{"names":[null]}}`,
		`{"subject":{"names":["x"]}}`,
		`{"subject":{"names":{}}}`,
		`{"subject":{"ids":{"ror":5}}}`,
		`{"subject":[]}`,
		`{"tech_areas":"photonics","title":"t"}`,
		`{"tech_areas":["a",null]}`,
		`{"mitigations":[1]}`,
		`{"outcome":true,"ref":"r"}`,
		`{"period":{"from":"2026-01"},"record_kind":"method"}`,
		`[{"title":"array"}]`,
		`null`,
		`"string"`,
		`{"title":"no end"`,
		`{"title":"x"} {"title":"y"}`,
		`{"title":"bad \x escape","severity":"high"}`,
		"{\"title\":\"control \x01\",\"subject\":{}}",
	} {
		checkReadBody(t, []byte(body))
		if json := []byte(body); scanned(json) && !strings.Contains(body, "no end") && !strings.Contains(body, `} {`) &&
			!strings.Contains(body, `\x`) && !strings.Contains(body, "\x01") {
			t.Errorf("%s: read by the scan, not the reference decoders", body)
		}
	}
}

// TestReadBodyFastPathValues: a body read by the scan gives the subject,
// summary and title its members say (so that the differential tests are
// not comparing two empty results).
func TestReadBodyFastPathValues(t *testing.T) {
	body := []byte(`{"kind":"indicator","reason_category":"export_control","severity":"high",` +
		`"subject":{"ids":{"ror":"04wxnsj81"},"jurisdiction":"JP","names":[{"lang":"en","type":"legal","value":"Northbridge"},{"value":"北橋"}]},` +
		`"suggested_mitigation":"Screen","tech_areas":["photonics","quantum"],"title":"Front \u0022x\u0022"}`)
	if !scanned(body) {
		t.Fatal("not read by the scan")
	}
	b := readBody("c1", share.KindIndicator, body)
	s := b.subject
	if s == nil || s.CID != "c1" || s.ROR != "04wxnsj81" || s.Jurisdiction != "JP" || s.Severity != "high" || s.Mitigation != "Screen" ||
		len(s.Names) != 2 || s.Names[0].Value != "Northbridge" || s.Names[0].Lang != "en" || s.Names[1].Value != "北橋" {
		t.Errorf("subject = %+v", s)
	}
	if !b.summarised || b.summary.category != "export_control" || !reflect.DeepEqual(b.summary.techAreas, []string{"photonics", "quantum"}) {
		t.Errorf("summary = %+v", b.summary)
	}
	if b.title != `Front "x"` {
		t.Errorf("title = %q", b.title)
	}
	checkReadBody(t, body)
}

// FuzzReadBody: on any body, read as every kind, the one scan yields what
// the separate decoders do.
func FuzzReadBody(f *testing.F) {
	for _, b := range corpusBodies(f, 20, 20) { // the generated records differ little
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkReadBody(t, body)
	})
}

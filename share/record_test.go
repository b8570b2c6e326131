package share

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testCID  = "bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm"
	testCID2 = "bafyreib6epubmabzlffdhckpmvsodmjuro6xuaei2qwevs3t52xnlhaatu"
	testPeer = "12D3KooWQ6SC8QeL55fdVUnxYYHNba2J2GoLNPDPq3ey3WrPVtsC"
	testLink = "4f9d2c0e8b7a6d5c4b3a29180716f5e4d3c2b1a09f8e7d6c5b4a392817065f4e"
)

// Minimal valid records of every kind; the table below changes one thing.
var minimal = map[string]string{
	KindIndicator:  `{"kind":"indicator","title":"T","indicator_type":"t","subject":{"kind":"venue","names":[{"value":"Journal X"}]},"reason_category":"r","summary":"S","severity":"low","confidence":"low"}`,
	KindMethod:     `{"kind":"method","title":"T","tactic":"t","period":"2026-Q1","narrative":"N"}`,
	KindSighting:   `{"kind":"sighting","ref":"` + testCID + `","when":"2026-01-02","outcome":"pending"}`,
	KindTrend:      `{"kind":"trend","period":"2026-01","metrics":[],"suppression":{"k":3,"m":5}}`,
	KindRetraction: `{"kind":"retraction","target":"` + testCID + `","reason":"wrong"}`,
	KindFacet:      `{"kind":"facet","record_kind":"sighting","period":"2026-01","link":"` + testLink + `"}`,
}

// with replaces `"key":` … in a minimal record by adding or overriding one member.
func with(kind, member string) string {
	return strings.TrimSuffix(minimal[kind], "}") + "," + member + "}"
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, record string
		wantPath     string // "" means valid; "-" means an error that is not a FieldError
	}{
		{"indicator minimal", minimal[KindIndicator], ""},
		{"indicator full subject", strings.Replace(minimal[KindIndicator], `"kind":"venue","names":[{"value":"Journal X"}]`,
			`"kind":"organisation","names":[{"value":"X","lang":"zh-Hant","type":"legal"}],"jurisdiction":"JP","ids":{"ror":"https://ror.org/057zh3y96","wikidata":"Q1","isni":"000000012146438X","fundref":"10.13039/501100001691","issn":"1234-567X","lei":"5493001KJTIIGC8Y1R12"}`, 1), ""},
		{"indicator person subject", strings.Replace(minimal[KindIndicator], `"venue"`, `"person"`, 1), "subject.kind"},
		{"indicator jurisdiction of a venue", strings.Replace(minimal[KindIndicator], `"names"`, `"jurisdiction":"JP","names"`, 1), "subject.jurisdiction"},
		{"indicator no names", strings.Replace(minimal[KindIndicator], `[{"value":"Journal X"}]`, `[]`, 1), "subject.names"},
		{"indicator bad ror", strings.Replace(minimal[KindIndicator], `"names"`, `"ids":{"ror":"12345"},"names"`, 1), "subject.ids.ror"},
		{"indicator unknown id", strings.Replace(minimal[KindIndicator], `"names"`, `"ids":{"orcid":"0000-0002-1825-0097"},"names"`, 1), "subject.ids.orcid"},
		{"indicator severity", strings.Replace(minimal[KindIndicator], `"severity":"low"`, `"severity":"extreme"`, 1), "severity"},
		{"indicator confidence critical", strings.Replace(minimal[KindIndicator], `"confidence":"low"`, `"confidence":"critical"`, 1), "confidence"},
		{"indicator missing summary", strings.Replace(minimal[KindIndicator], `"summary":"S",`, ``, 1), "summary"},
		{"indicator dates", with(KindIndicator, `"valid_from":"2026-02-01","valid_until":"2026-01-31T00:00:00Z"`), "valid_until"},
		{"indicator bad date", with(KindIndicator, `"review_due":"31/12/2026"`), "review_due"},
		{"indicator basis", with(KindIndicator, `"basis":{"source_type":"government_list","source_url":"https://example.org/list","as_of":"2026-01-01"}`), ""},
		{"indicator basis url", with(KindIndicator, `"basis":{"source_type":"x","source_url":"ftp://example.org"}`), "basis.source_url"},
		{"indicator basis no type", with(KindIndicator, `"basis":{"source_list":"L"}`), "basis.source_type"},
		{"indicator nationality", with(KindIndicator, `"nationality":"XX"`), "nationality"},
		{"indicator tech area case", with(KindIndicator, `"tech_areas":["Quantum"]`), "tech_areas[0]"},
		{"indicator title newline", strings.Replace(minimal[KindIndicator], `"title":"T"`, `"title":"T\nU"`, 1), "title"},
		{"indicator null", strings.Replace(minimal[KindIndicator], `"title":"T"`, `"title":null`, 1), "title"},

		{"method minimal", minimal[KindMethod], ""},
		{"method full", with(KindMethod, `"tech_areas":["ai"],"asset_type":"data","observed_indicators":["`+testCID+`"],"orgs_involved":[{"ror":"057zh3y96","role":"sponsor"}],"detection":"D","outcome":"declined","mitigations":["M"],"lessons":"L"`), ""},
		{"method period month", strings.Replace(minimal[KindMethod], `"2026-Q1"`, `"2026-01"`, 1), "period"},
		{"method period Q5", strings.Replace(minimal[KindMethod], `"2026-Q1"`, `"2026-Q5"`, 1), "period"},
		{"method bad cid", with(KindMethod, `"observed_indicators":["QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"]`), "observed_indicators[0]"},
		{"method org without role", with(KindMethod, `"orgs_involved":[{"ror":"057zh3y96"}]`), "orgs_involved[0].role"},
		{"method outcome", with(KindMethod, `"outcome":"rejected"`), "outcome"},

		{"sighting minimal", minimal[KindSighting], ""},
		{"sighting time", strings.Replace(minimal[KindSighting], `"2026-01-02"`, `"2026-01-02T10:00:00+09:00"`, 1), ""},
		{"sighting no ref", strings.Replace(minimal[KindSighting], `"ref":"`+testCID+`",`, ``, 1), "ref"},
		{"sighting cidv0-ish", strings.Replace(minimal[KindSighting], testCID, "bafy", 1), "ref"},
		{"sighting outcome", strings.Replace(minimal[KindSighting], `"pending"`, `"maybe"`, 1), "outcome"},

		{"trend minimal", minimal[KindTrend], ""},
		{"trend metrics", strings.Replace(minimal[KindTrend], `[]`, `[{"dimension":"tech_area","value":"ai","count":3}]`, 1), ""},
		{"trend suppressed cell", strings.Replace(minimal[KindTrend], `[]`, `[{"dimension":"tech_area","value":"ai","count":2}]`, 1), "metrics[0].count"},
		{"trend negative", strings.Replace(minimal[KindTrend], `[]`, `[{"dimension":"tech_area","value":"ai","count":-4}]`, 1), "metrics[0].count"},
		{"trend float", strings.Replace(minimal[KindTrend], `[]`, `[{"dimension":"tech_area","value":"ai","count":3.5}]`, 1), "metrics[0].count"},
		{"trend k below 3", strings.Replace(minimal[KindTrend], `"k":3`, `"k":2`, 1), "suppression.k"},
		{"trend no suppression", strings.Replace(minimal[KindTrend], `,"suppression":{"k":3,"m":5}`, ``, 1), "suppression"},
		{"trend period", strings.Replace(minimal[KindTrend], `"2026-01"`, `"2026"`, 1), "period"},
		{"trend table", with(KindTrend, `"by":["category","outcome"],"table":[{"dims":{"category":"c","outcome":"declined"},"records":3,"members":5}],"totals":[{"dims":{"category":"c"},"records":7,"members":5}]`), ""},
		{"trend p", strings.Replace(minimal[KindTrend], `"m":5`, `"m":5,"p":70`, 1), ""},
		{"trend p weak", strings.Replace(minimal[KindTrend], `"m":5`, `"m":5,"p":71`, 1), "suppression.p"},
		{"trend unknown dimension", with(KindTrend, `"by":["nationality"]`), "by[0]"},
		{"trend cell below k", with(KindTrend, `"table":[{"dims":{"category":"c"},"records":2,"members":5}]`), "table[0].records"},
		{"trend cell below m", with(KindTrend, `"table":[{"dims":{"category":"c"},"records":9,"members":4}]`), "table[0].members"},
		{"trend total below k", with(KindTrend, `"totals":[{"dims":{},"records":1,"members":5}]`), "totals[0].records"},
		{"trend cell unknown dim", with(KindTrend, `"table":[{"dims":{"title":"x"},"records":9,"members":5}]`), "table[0].dims.title"},

		{"retraction minimal", minimal[KindRetraction], ""},
		{"retraction superseded", with(KindRetraction, `"superseded_by":"`+testCID2+`"`), ""},
		{"retraction no reason", strings.Replace(minimal[KindRetraction], `,"reason":"wrong"`, ``, 1), "reason"},
		{"retraction bad superseded", with(KindRetraction, `"superseded_by":"x"`), "superseded_by"},

		{"facet minimal", minimal[KindFacet], ""},
		{"facet full", with(KindFacet, `"category":"export_control","tech_areas":["ai"],"outcome":"accepted"`), ""},
		{"facet of a trend", strings.Replace(minimal[KindFacet], `"sighting"`, `"trend"`, 1), "record_kind"},
		{"facet quarter", strings.Replace(minimal[KindFacet], `"period":"2026-01"`, `"period":"2026-Q1"`, 1), "period"},
		{"facet link upper", strings.Replace(minimal[KindFacet], testLink, strings.ToUpper(testLink), 1), "link"},
		{"facet names record", with(KindFacet, `"ref":"`+testCID+`"`), "ref"},
		{"facet mitigations", with(KindFacet, `"mitigations":["contract","other"]`), ""},
		{"facet mitigation text", with(KindFacet, `"mitigations":["Read every annex"]`), "mitigations[0]"},

		{"policy", with(KindSighting, `"policy":{"tlp":"TLP:Amber+Strict","audience":["`+testPeer+`"],"caveats":["no-export"]}`), ""},
		{"policy tlp", with(KindSighting, `"policy":{"tlp":"white"}`), "policy.tlp"},
		{"policy group and peer", with(KindSighting, `"policy":{"audience":["members","`+testPeer+`"]}`), "policy.audience[0]"},
		{"policy bad peer", with(KindSighting, `"policy":{"audience":["12D3KooWnope"]}`), "policy.audience[0]"},
		{"policy caveat", with(KindSighting, `"policy":{"caveats":["No Export"]}`), "policy.caveats[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRecord([]byte(tt.record))
			if err == nil {
				err = r.Validate()
			}
			if tt.wantPath == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want a FieldError at %q, got %v", tt.wantPath, err)
			}
			if fe.Path != tt.wantPath {
				t.Fatalf("error at %q, want %q: %v", fe.Path, tt.wantPath, err)
			}
			if !errors.Is(err, ErrInvalidRecord) || !strings.HasPrefix(err.Error(), "share: ") {
				t.Fatalf("error %q does not wrap ErrInvalidRecord or lacks the prefix", err)
			}
		})
	}
}

func TestParseRecordErrors(t *testing.T) {
	tests := []struct {
		name, input string
		want        error
		contains    string
	}{
		{"empty", ``, ErrInvalidRecord, "empty"},
		{"not an object", `[1]`, ErrInvalidRecord, "JSON object"},
		{"no kind", `{"title":"x"}`, ErrInvalidRecord, "kind: required"},
		{"kind not a string", `{"kind":1}`, ErrInvalidRecord, "must be a string"},
		{"unknown kind", `{"kind":"person"}`, ErrUnknownKind, "indicator, method, sighting, trend, retraction, facet"},
		{"roster", `{"kind":"roster"}`, ErrControlKind, "written by nodes"},
		{"senderkey", `{"kind":"senderkey"}`, ErrControlKind, "written by nodes"},
		{"syntax", "{\"kind\":\"sighting\",\n \"when\": 2026-10-02}", ErrInvalidRecord, "line 2, column"},
		{"truncated", `{"kind":"sighting"`, ErrInvalidRecord, "unexpected end"},
		{"two values", `{"kind":"sighting"} {"kind":"sighting"}`, ErrInvalidRecord, "JSON Lines"},
		{"duplicate", `{"kind":"sighting","kind":"method"}`, ErrInvalidRecord, "duplicate"},
		{"nested duplicate", `{"kind":"trend","suppression":{"k":3,"k":4}}`, ErrInvalidRecord, "suppression.k: duplicate"},
		{"invalid utf-8", "{\"kind\":\"sighting\",\"note\":\"\xff\"}", ErrInvalidRecord, "UTF-8"},
		{"deep", `{"kind":"sighting","x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, ErrInvalidRecord, "nested"},
		{"policy not object", `{"kind":"sighting","policy":"red"}`, ErrInvalidRecord, "policy: must be an object"},
		{"policy unknown", `{"kind":"sighting","policy":{"tlp":"red","share":true}}`, ErrInvalidRecord, "policy.share: unknown"},
		{"policy audience type", `{"kind":"sighting","policy":{"audience":"members"}}`, ErrInvalidRecord, "array of strings"},
		{"too large", `{"kind":"sighting","note":"` + strings.Repeat("a", MaxPlaintextSize) + `"}`, ErrTooLarge, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRecord([]byte(tt.input))
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.contains) || !strings.HasPrefix(err.Error(), "share: ") {
				t.Fatalf("error %q should start with \"share: \" and contain %q", err, tt.contains)
			}
		})
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	_, err := ParseRecord([]byte("{\"kind\":\"sighting\",\n  \"when\": x}"))
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("want a SyntaxError, got %v", err)
	}
	if se.Line != 2 || se.Column < 9 || se.Offset < 20 {
		t.Fatalf("position line %d column %d offset %d", se.Line, se.Column, se.Offset)
	}
}

func TestParseRecordBody(t *testing.T) {
	r, err := ParseRecord([]byte(`{ "when": "2026-01-02", "kind": "sighting", "note": "<a> & b",
		"policy": {"tlp": "amber", "audience": ["members"]}, "outcome": "pending", "ref": "` + testCID + `" }`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"sighting","note":"<a> & b","outcome":"pending","ref":"` + testCID + `","when":"2026-01-02"}`
	if string(r.Body) != want {
		t.Fatalf("body\n got %s\nwant %s", r.Body, want)
	}
	if r.Kind != KindSighting || r.Policy == nil || r.Policy.TLP != "amber" || len(r.Policy.Audience) != 1 {
		t.Fatalf("record %+v policy %+v", r, r.Policy)
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	// A body must not carry a policy.
	bad := &Record{Kind: KindSighting, Body: []byte(strings.TrimSuffix(want, "}") + `,"policy":{}}`)}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "policy") {
		t.Fatalf("policy in body: %v", err)
	}
}

func TestParseRecords(t *testing.T) {
	rs, err := ParseRecords([]byte(minimal[KindSighting] + "\n\n" + minimal[KindMethod] + "\n"))
	if err != nil || len(rs) != 2 || rs[1].Kind != KindMethod {
		t.Fatalf("got %d records, %v", len(rs), err)
	}
	_, err = ParseRecords([]byte(minimal[KindSighting] + "\n" + `{"kind":"nope"}` + "\n"))
	if !errors.Is(err, ErrUnknownKind) || !strings.Contains(err.Error(), "record 2 (line 2)") {
		t.Fatalf("got %v", err)
	}
	if _, err := ParseRecords([]byte("  \n")); !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("empty input: %v", err)
	}
}

func TestValidateReportsAll(t *testing.T) {
	r, err := ParseRecord([]byte(`{"kind":"sighting","ref":"x","when":"y","outcome":"z","extra":1}`))
	if err != nil {
		t.Fatal(err)
	}
	err = r.Validate()
	for _, p := range []string{"extra", "outcome", "ref", "when"} {
		if !strings.Contains(err.Error(), "share: "+p+":") {
			t.Errorf("error does not mention %s: %v", p, err)
		}
	}
}

func TestTitle(t *testing.T) {
	for kind, rec := range minimal {
		r, err := ParseRecord([]byte(rec))
		if err != nil {
			t.Fatal(err)
		}
		if title := r.Title(); title == "" || strings.HasPrefix(title, "Untitled") {
			t.Errorf("%s: title %q", kind, title)
		}
	}
}

// TestRecordFiles checks testdata/records: valid-* must parse and validate,
// invalid-* must fail.
func TestRecordFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/records/*")
	if len(files) == 0 {
		t.Fatal("no record files in testdata/records")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := ParseRecords(b)
		for _, r := range rs {
			if err == nil {
				err = r.Validate()
			}
		}
		valid := strings.HasPrefix(filepath.Base(f), "valid-")
		if valid != (err == nil) {
			t.Errorf("%s: valid = %v, error %v", f, valid, err)
		}
	}
}

// TestROR checks ROR IDs against SPEC.md §6.2: "0", six Crockford base32
// characters, and the ISO/IEC 7064 MOD 97-10 check digits of their value.
func TestROR(t *testing.T) {
	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"057zh3y96", true}, // real ROR IDs
		{"05gq02987", true},
		{"00f54p054", true},
		{"03vek6s52", true},
		{"042nb2s44", true},
		{"https://ror.org/02jx3x895", true},
		{"000000098", true},  // n = 0
		{"0zzzzzz02", true},  // n = 32^6 − 1
		{"057zh3y95", false}, // wrong check digits
		{"057zh3y69", false},
		{"0zzzzzz00", false},
		{"157zh3y96", false}, // does not start with 0
		{"057ZH3Y96", false}, // upper case
		{"057zi3y96", false}, // i, l, o, u are not Crockford base32
		{"057zl3y96", false},
		{"057zo3y96", false},
		{"057zu3y96", false},
		{"057zh3y9", false},   // too short
		{"057zh3y960", false}, // too long
		{"057zh3y9a", false},
		{"http://ror.org/057zh3y96", false},
		{"https://ror.org/", false},
		{"ror.org/057zh3y96", false},
	} {
		if got := isROR(tt.s); got != tt.ok {
			t.Errorf("isROR(%q) = %v, want %v", tt.s, got, tt.ok)
		}
	}
}

// TestDate checks the RFC 3339 subset of SPEC.md §6.2.
func TestDate(t *testing.T) {
	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"2026-11-23", true},
		{"2028-02-29", true},
		{"2000-02-29", true},
		{"0000-01-01", true},
		{"2026-11-23T09:00:00Z", true},
		{"2026-11-23T23:59:59.123456789Z", true},
		{"2026-11-23T09:00:00.5+09:00", true},
		{"2026-11-23T09:00:00-00:00", true},
		{"2026-11-23T09:00:00+23:59", true},
		{"2026-02-29", false}, // not a leap year
		{"1900-02-29", false},
		{"2026-04-31", false},
		{"2026-00-10", false},
		{"2026-13-10", false},
		{"2026-1-23", false},
		{"+2026-11-23", false},
		{"26-11-23", false},
		{"2026-11-23t09:00:00Z", false}, // lower-case t or z
		{"2026-11-23T09:00:00z", false},
		{"2026-11-23 09:00:00Z", false},
		{"2026-11-23T09:00:00", false}, // no offset
		{"2026-11-23T09:00Z", false},
		{"2026-11-23T9:00:00Z", false},
		{"2026-11-23T24:00:00Z", false},
		{"2026-11-23T09:60:00Z", false},
		{"2026-11-23T09:00:60Z", false}, // no leap second
		{"2026-11-23T09:00:00,5Z", false},
		{"2026-11-23T09:00:00.Z", false},
		{"2026-11-23T09:00:00.1234567891Z", false},
		{"2026-11-23T09:00:00+24:00", false},
		{"2026-11-23T09:00:00+09:60", false},
		{"2026-11-23T09:00:00+0900", false},
		{"2026-11-23T09:00:00+09", false},
		{"2026-11-23Z", false},
	} {
		if _, got := parseDate(tt.s); got != tt.ok {
			t.Errorf("parseDate(%q) = %v, want %v", tt.s, got, tt.ok)
		}
	}
}

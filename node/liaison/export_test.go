package liaison_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/liaison/stixtest"
	"github.com/ursic/ursic/share"
)

var update = flag.Bool("update", false, "rewrite testdata/export.json, the example export docs/STIX.md shows")

const testPeer = "12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf"

func body(t testing.TB, data []byte) json.RawMessage {
	t.Helper()
	r, err := share.ParseRecord(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	return r.Body
}

func exampleBody(t testing.TB, name string) json.RawMessage {
	t.Helper()
	b, err := examples.Records.ReadFile("records/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return body(t, b)
}

var (
	methodRecord = `{"kind":"method","title":"Joint-lab offer routed through an intermediary foundation","tactic":"intermediary_funding","period":"2026-Q2","tech_areas":["semiconductors"],"asset_type":"know_how","narrative":"A foundation offered to fund a joint laboratory.","observed_indicators":["bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmqqme5yfu"],"orgs_involved":[{"ror":"0zzzzzz02","role":"sponsor"}],"detection":"Contract review.","outcome":"declined","mitigations":["Read every annex"],"lessons":"The signatory and the beneficiary can differ."}`
	trendRecord  = `{"kind":"trend","period":"2026-Q3","metrics":[{"dimension":"reason_category","value":"export_control","count":7},{"dimension":"tech_area","value":"ai","count":5}],"suppression":{"k":3,"m":3}}`
)

// sources are one record of every exported kind, at CLEAR and GREEN.
func sources(t testing.TB) []liaison.Source {
	created := time.Date(2026, 7, 1, 9, 30, 0, 123e6, time.UTC)
	leaves := map[string]bool{} // the CIDs of these sources, which all leave
	mayName := func(cid string) bool { return leaves[cid] }
	mk := func(cid, kind, tlp string, b json.RawMessage) liaison.Source {
		leaves[cid] = true
		return liaison.Source{CID: cid, Kind: kind, Author: testPeer, AuthorName: "Example University", AuthorROR: "057zh3y96", TLP: tlp, Created: created, Body: b, MayName: mayName}
	}
	return []liaison.Source{
		mk("bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgr3vb6pdb4gumolee", share.KindIndicator, "green", exampleBody(t, "indicator-green.json")),
		mk("bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm", share.KindIndicator, "clear", exampleBody(t, "indicator-clear.json")),
		mk("bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmqqme5yfu", share.KindMethod, "green", body(t, []byte(methodRecord))),
		mk("bafyreihdwdcefgh4dqkjv67uzcmw5ojee6xwdqd5w7jsujgi3vyuyehs2e", share.KindTrend, "green", body(t, []byte(trendRecord))),
	}
}

func exportAll(t testing.TB, srcs []liaison.Source) []byte {
	t.Helper()
	var objs []liaison.Object
	for _, s := range srcs {
		o, err := liaison.Export(s)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o...)
	}
	b, err := liaison.Bundle(objs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExportValidates: every object of an export validates against the OASIS
// STIX 2.1 schemas (bundle.json and the object's own type).
func TestExportValidates(t *testing.T) {
	v := stixtest.Load(t)
	srcs := sources(t)
	retracted := srcs[0]
	retracted.Body, retracted.RetractedAt = nil, retracted.Created.Add(time.Hour)
	for name, b := range map[string][]byte{
		"all":       exportAll(t, srcs),
		"retracted": exportAll(t, []liaison.Source{retracted, srcs[2]}),
		"empty":     exportAll(t, nil),
	} {
		if err := v.Bundle(b); err != nil {
			t.Errorf("%s: %v\n%s", name, err, b)
		}
		checkStrict(t, name, b)
	}
	golden := filepath.Join("testdata", "export.json")
	if *update {
		if err := os.WriteFile(golden, exportAll(t, srcs), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The example docs/STIX.md shows is what the export writes today,
	// ids included: a change to either must be a deliberate -update.
	if b, err := os.ReadFile(golden); err != nil || !bytes.Equal(b, exportAll(t, srcs)) {
		t.Errorf("%s is not today's export (%v): go test ./node/liaison -update", golden, err)
	}
}

// standard are the properties STIX 2.1 defines, by type: anything else at
// the top level would be a bare custom property.
var standard = map[string][]string{
	"*":                    {"type", "spec_version", "id", "created_by_ref", "created", "modified", "revoked", "labels", "confidence", "lang", "external_references", "object_marking_refs", "granular_markings", "extensions"},
	"identity":             {"name", "description", "roles", "identity_class", "sectors", "contact_information"},
	"report":               {"name", "description", "report_types", "published", "object_refs"},
	"attack-pattern":       {"name", "description", "aliases", "kill_chain_phases"},
	"marking-definition":   {"name", "definition_type", "definition"},
	"extension-definition": {"name", "description", "schema", "version", "extension_types", "extension_properties"},
}

// checkStrict checks what a strict OASIS validator also counts: no bare
// custom properties, extensions only through a declared extension
// definition, external references with a url carry hashes, the TLP
// markings exactly as published, and nothing AMBER or RED.
func checkStrict(t *testing.T, name string, b []byte) {
	t.Helper()
	var bundle struct {
		Objects []map[string]json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, o := range bundle.Objects {
		var typ, id string
		json.Unmarshal(o["type"], &typ)
		json.Unmarshal(o["id"], &id)
		if typ == "extension-definition" {
			declared[id] = true
		}
	}
	markings := map[string][]byte{}
	var published []json.RawMessage
	raw, _ := os.ReadFile("tlp2-markings.json")
	json.Unmarshal(raw, &published)
	for _, m := range published {
		var buf bytes.Buffer
		json.Compact(&buf, m)
		var x struct{ ID string }
		json.Unmarshal(m, &x)
		markings[x.ID] = buf.Bytes()
	}
	for _, o := range bundle.Objects {
		var typ, id string
		json.Unmarshal(o["type"], &typ)
		json.Unmarshal(o["id"], &id)
		allowed := map[string]bool{}
		for _, k := range append(standard["*"], standard[typ]...) {
			allowed[k] = true
		}
		for k := range o {
			if !allowed[k] {
				t.Errorf("%s: %s has the non-standard property %q", name, id, k)
			}
		}
		if typ == "marking-definition" {
			continue
		}
		var exts map[string]json.RawMessage
		json.Unmarshal(o["extensions"], &exts)
		for k := range exts {
			if !declared[k] {
				t.Errorf("%s: %s uses the undeclared extension %s", name, id, k)
			}
		}
		var refs []map[string]any
		json.Unmarshal(o["external_references"], &refs)
		for _, r := range refs {
			if _, ok := r["url"]; ok {
				if _, ok := r["hashes"]; !ok {
					t.Errorf("%s: %s has an external reference with a url and no hashes", name, id)
				}
			}
		}
	}
	for _, bad := range []string{liaison.MarkingAmber, liaison.MarkingAmberStrict, liaison.MarkingRed, "TLP:AMBER", "TLP:RED"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("%s: the export mentions %s", name, bad)
		}
	}
	for _, id := range []string{liaison.MarkingClear, liaison.MarkingGreen} {
		if !bytes.Contains(b, markings[id]) {
			t.Errorf("%s: marking %s is not byte for byte as published", name, id)
		}
	}
}

// TestExportDeterministic: exporting twice gives the same ids and bytes.
func TestExportDeterministic(t *testing.T) {
	a, b := exportAll(t, sources(t)), exportAll(t, sources(t))
	if !bytes.Equal(a, b) {
		t.Fatal("two exports of the same records differ")
	}
	if got, want := liaison.RecordID("report", "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgr3vb6pdb4gumolee"), "report--"; !strings.HasPrefix(got, want) || got[len(want)+14] != '4' {
		t.Fatalf("RecordID = %s, want a version 4 UUID (docs/STIX.md §2)", got)
	}
}

// TestExportRefusesNonExportable: AMBER, AMBER+STRICT and RED records give
// no object at all.
func TestExportRefusesNonExportable(t *testing.T) {
	for _, tlp := range []string{"amber", "amber+strict", "red", "", "white"} {
		s := sources(t)[0]
		s.TLP = tlp
		if objs, err := liaison.Export(s); err == nil || len(objs) > 0 {
			t.Errorf("TLP %q: exported %d objects, err %v", tlp, len(objs), err)
		}
	}
}

// TestExportRetractedIsRevoked: a retraction is a later version with
// revoked true and none of the body.
func TestExportRetractedIsRevoked(t *testing.T) {
	s := sources(t)[0]
	live, err := liaison.Export(s)
	if err != nil {
		t.Fatal(err)
	}
	s.Body, s.RetractedAt = nil, s.Created.Add(time.Hour)
	gone, err := liaison.Export(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(gone) != len(live) {
		t.Fatalf("retracted export has %d objects, live %d", len(gone), len(live))
	}
	for i := range gone {
		if gone[i].ID == liaison.AuthorID(testPeer) {
			continue // the author stays
		}
		if gone[i].ID != live[i].ID || !gone[i].Modified.After(live[i].Modified) {
			t.Errorf("object %d: %s@%v does not supersede %s@%v", i, gone[i].ID, gone[i].Modified, live[i].ID, live[i].Modified)
		}
		if !bytes.Contains(gone[i].JSON, []byte(`"revoked":true`)) {
			t.Errorf("object %s is not revoked: %s", gone[i].ID, gone[i].JSON)
		}
		if bytes.Contains(gone[i].JSON, []byte("Horizon Bridge")) || bytes.Contains(gone[i].JSON, []byte("side letters")) {
			t.Errorf("a retracted record's body leaks: %s", gone[i].JSON)
		}
	}
}

// TestImportOwnExport: an URSIC export read back gives the indicators and
// the method, skips the trend report and every supporting object.
func TestImportOwnExport(t *testing.T) {
	items, err := liaison.Import(exportAll(t, sources(t)), liaison.ImportOptions{Partner: "Example University", Self: testPeer})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, it := range items {
		switch {
		case it.Record != nil:
			r, err := share.ParseRecord(it.Record)
			if err != nil {
				t.Fatalf("%s: %v", it.ID, err)
			}
			if err := r.Validate(); err != nil {
				t.Errorf("%s: %v\n%s", it.ID, err, it.Record)
			}
			kinds[r.Kind]++
		case it.Refused != nil:
			t.Errorf("%s refused: %v", it.ID, it.Refused)
		case strings.Contains(it.Skipped, "trend"):
			kinds["trend skipped"]++
		}
	}
	if kinds["indicator"] != 2 || kinds["method"] != 1 || kinds["trend skipped"] != 1 {
		t.Errorf("imported %v", kinds)
	}
}

// TestExportNamesOnlyWhatLeaves: a method's observed_indicators keep only
// the CIDs the caller says may be named; with no MayName, none.
func TestExportNamesOnlyWhatLeaves(t *testing.T) {
	const (
		self  = "bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmqqme5yfu"
		green = "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgr3vb6pdb4gumolee"
		amber = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"
	)
	var rec map[string]any
	if err := json.Unmarshal([]byte(methodRecord), &rec); err != nil {
		t.Fatal(err)
	}
	rec["observed_indicators"] = []string{green, amber}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	src := liaison.Source{CID: self, Kind: share.KindMethod, Author: testPeer, TLP: "green", Created: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Body: b}
	for _, tc := range []struct {
		name    string
		mayName func(string) bool
		want    []string
	}{
		{"green only", func(cid string) bool { return cid == green }, []string{green}},
		{"none", nil, nil},
	} {
		src.MayName = tc.mayName
		objs, err := liaison.Export(src)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Extensions map[string]struct {
				Observed []string `json:"observed_indicators"`
			} `json:"extensions"`
		}
		if err := json.Unmarshal(objs[0].JSON, &got); err != nil {
			t.Fatal(err)
		}
		if o := got.Extensions[liaison.ExtensionID].Observed; !slices.Equal(o, tc.want) {
			t.Errorf("%s: observed_indicators = %v, want %v", tc.name, o, tc.want)
		}
		if bytes.Contains(objs[0].JSON, []byte(amber)) {
			t.Errorf("%s: the export names %s, which may not be named", tc.name, amber)
		}
	}
}

package liaison_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/liaison/stixtest"
	"github.com/ursic/ursic/share"
)

// everyRecord is every record body of an exported kind in examples/ and
// node/testdata/input, whatever its own TLP (the mapping does not read
// it), plus the edge cases of the fields the mapping turns into STIX
// vocabulary: every subject kind, every identifier, tactics of every
// token form.
func everyRecord(t *testing.T) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	add := func(name string, data []byte) {
		recs, err := share.ParseRecords(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range recs {
			if err := r.Validate(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if liaison.Exported(r.Kind) {
				out = append(out, r.Body)
			}
		}
	}
	err := fs.WalkDir(examples.Records, "records", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := examples.Records.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(path, "refused") {
			return nil // refused on purpose by the guardrails, never published
		}
		add(path, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../testdata/input/*.json*")
	for _, f := range files {
		if strings.Contains(f, "bad") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(f, b)
	}
	for _, kind := range []string{"organisation", "funding_source", "venue", "programme", "role_pattern"} {
		rec := fmt.Sprintf(`{"kind":"indicator","title":"Subject kind %s","indicator_type":"x","subject":{"kind":%q,"names":[{"value":"A %s"}],"ids":{"ror":"057zh3y96","wikidata":"Q42","issn":"2049-3630","lei":"529900T8BM49AURSDO55","isni":"0000000121032683","fundref":"501100001691"}},"reason_category":"y","summary":"s","severity":"high","confidence":"high","valid_from":"2026-01-01","valid_until":"2027-01-01","review_due":"2026-06-01","basis":{"source_type":"open_source","source_url":"https://example.org/list","legal_effect":"none"}}`, kind, kind, kind)
		if kind != "organisation" {
			rec = strings.Replace(rec, `"ror":"057zh3y96",`, "", 1)
		}
		out = append(out, body(t, []byte(rec)))
	}
	for _, tactic := range []string{"intermediary_funding", "talent.recruitment", "2024", "a-b_c.d", "x", "9_9"} {
		out = append(out, body(t, []byte(fmt.Sprintf(`{"kind":"method","title":"Tactic %s","tactic":%q,"period":"2026-Q1","narrative":"n"}`, tactic, tactic))))
	}
	out = append(out, body(t, []byte(`{"kind":"trend","period":"2026-Q1","metrics":[],"suppression":{"k":3,"m":3}}`)))
	return out
}

// TestExportStrict: everything an export can produce, from every example
// and test record, live and retracted, at CLEAR and GREEN, with and without
// the author's name and ROR, passes the checks a strict independent
// validator makes (stixtest.Strict) and the OASIS schemas.
func TestExportStrict(t *testing.T) {
	v := stixtest.Load(t)
	created := time.Date(2026, 7, 1, 9, 30, 0, 123456789, time.UTC)
	var objs []liaison.Object
	n := 0
	for i, b := range everyRecord(t) {
		var head struct{ Kind string }
		json.Unmarshal(b, &head)
		for _, tlp := range []string{"clear", "green"} {
			for _, retracted := range []bool{false, true} {
				src := liaison.Source{
					CID: fmt.Sprintf("bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgr3vb6pdb4gum%04d%s%v", i, tlp[:1], retracted), Kind: head.Kind,
					Author: testPeer, TLP: tlp, Created: created, Body: b,
				}
				if i%2 == 0 {
					src.AuthorName, src.AuthorROR = "Example University", "https://ror.org/057zh3y96"
				}
				if retracted {
					src.Body, src.RetractedAt = nil, created.Add(90*time.Minute+time.Microsecond)
				}
				o, err := liaison.Export(src)
				if err != nil {
					t.Fatalf("record %d (%s, %s): %v", i, head.Kind, tlp, err)
				}
				// Each export on its own carries what its objects
				// refer to.
				alone, err := liaison.Bundle(o)
				if err != nil {
					t.Fatal(err)
				}
				for _, err := range stixtest.Strict(alone) {
					t.Errorf("record %d (%s, %s, retracted %v) alone: %v", i, head.Kind, tlp, retracted, err)
				}
				objs = append(objs, o...)
				n++
			}
		}
	}
	bundle, err := liaison.Bundle(objs)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range stixtest.Strict(bundle) {
		t.Error(err)
	}
	if err := v.Bundle(bundle); err != nil {
		t.Error(err)
	}
	t.Logf("%d exports, %d objects checked", n, len(objs))
}

// TestStrictCatches: the strict checker is able to fail. Each broken
// bundle is a correct export with one thing a strict validator refuses.
func TestStrictCatches(t *testing.T) {
	good := string(exportAll(t, sources(t)))
	if errs := stixtest.Strict([]byte(good)); len(errs) > 0 {
		t.Fatalf("a good export fails: %v", errs)
	}
	report := liaison.RecordID("report", "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgr3vb6pdb4gumolee")
	// bundleID is the bundle's id up to its version digit, a 4.
	bundleID := good[:len(`{"type":"bundle","id":"bundle--xxxxxxxx-xxxx-4`)]
	for name, c := range map[string]struct{ old, new string }{
		"uuid version 1":      {report, "report--001cb776-5896-177b-8f72-19f413bcb08c"},
		"uuid version 5":      {report, "report--001cb776-5896-577b-8f72-19f413bcb08c"},
		"uuid no variant":     {report, "report--001cb776-5896-477b-0f72-19f413bcb08c"},
		"bundle version 5":    {bundleID, bundleID[:len(bundleID)-1] + "5"},
		"upper-case id":       {report, strings.ToUpper(report)},
		"seconds only":        {`"published":"2026-07-01T09:30:00.123Z"`, `"published":"2026-07-01T09:30:00Z"`},
		"microseconds":        {`"modified":"2026-07-01T09:30:00.123Z","confidence"`, `"modified":"2026-07-01T09:30:00.123456Z","confidence"`},
		"offset":              {`"created":"2026-07-01T09:30:00.123Z","modified":"2026-07-01T09:30:00.123Z","confidence"`, `"created":"2026-07-01T18:30:00.123+09:00","modified":"2026-07-01T09:30:00.123Z","confidence"`},
		"modified first":      {`"modified":"2026-07-01T09:30:00.123Z","confidence"`, `"modified":"2026-06-01T09:30:00.123Z","confidence"`},
		"spec_version":        {`"type":"report","spec_version":"2.1"`, `"type":"report","spec_version":"2.0"`},
		"custom property":     {`"report_types"`, `"x_ursic_cid":"1","report_types"`},
		"custom type":         {`{"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--`, `{"type":"x-ursic-method","spec_version":"2.1","id":"x-ursic-method--`},
		"undeclared ext":      {`"extensions":{"extension-definition--71c00491`, `"extensions":{"extension-definition--71c00491-deda-5e2e-baea-dbef9b07c992":{"extension_type":"property-extension"},"extension-definition--71c00491`},
		"extension type":      {`"extension_type":"property-extension","tlp_2_0":"clear"`, `"extension_type":"new-sdo","tlp_2_0":"clear"`},
		"TLP 1.0 marking":     {`"object_marking_refs":["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"],"name":"Hijacked`, `"object_marking_refs":["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"],"name":"Hijacked`},
		"marking not present": {`"object_marking_refs":["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"],"name":"Hijacked`, `"object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],"name":"Hijacked`},
		"unmarked":            {`"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],"name":"Joint-lab`, `"name":"Joint-lab`},
		"marking renamed":     {`"name":"TLP:GREEN"`, `"name":"TLP:GREEN "`},
		"created_by_ref":      {`"created_by_ref":"identity--fb05538a`, `"created_by_ref":"identity--fb05538b`},
		"object_refs":         {`"object_refs":["identity--a5a608cd`, `"object_refs":["identity--a5a608ce`},
		"identity_class":      {`"identity_class":"group","extensions"`, `"identity_class":"programme","extensions"`},
		"report_types":        {`"report_types":["identity"]`, `"report_types":["Identity"]`},
		"report type unknown": {`"report_types":["threat-report"]`, `"report_types":["trend-report"]`},
		"phase name":          {`"phase_name":"intermediary-funding"`, `"phase_name":"intermediary_funding"`},
		"numeric phase name":  {`"phase_name":"intermediary-funding"`, `"phase_name":"2024"`},
		"confidence":          {`"confidence":85`, `"confidence":101`},
		"lang":                {`"confidence":85`, `"lang":"english!","confidence":85`},
		"extref url":          {`"external_id":"0zzzzzz02"`, `"url":"https://ror.org/0zzzzzz02"`},
		"extref empty":        {`"source_name":"ror","description":"involved as sponsor","external_id":"0zzzzzz02"`, `"source_name":"ror"`},
		"duplicate version":   {"\n]}", ",\n" + `{"type":"identity","spec_version":"2.1","id":"` + liaison.ConsortiumID + `","created":"2026-11-29T00:00:00.000Z","modified":"2026-11-29T00:00:00.000Z","object_marking_refs":["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"],"name":"Copy","identity_class":"group"}` + "\n]}"},
		"bundle id":           {`"id":"bundle--`, `"id":"bundle--x`},
	} {
		if !strings.Contains(good, c.old) {
			t.Errorf("%s: the export has no %s", name, c.old)
			continue
		}
		bad := strings.Replace(good, c.old, c.new, 1)
		if errs := stixtest.Strict([]byte(bad)); len(errs) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}

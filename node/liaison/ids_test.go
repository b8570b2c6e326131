package liaison_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/liaison/stixtest"
)

// TestIDDerivation: the ids are the worked examples of docs/STIX.md §2,
// which were computed apart from this package, with Python's standard
// uuid module (uuid.UUID(bytes=uuid.uuid5(NS, name).bytes, version=4)).
// A change to the derivation changes every id a partner holds, so it
// must fail here first.
func TestIDDerivation(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{liaison.ConsortiumID, "identity--88ea1a8b-fd6a-4a0a-ac30-c301150ad41f"},
		{liaison.ExtensionID, "extension-definition--71c00491-deda-4e2e-baea-dbef9b07c991"},
		{liaison.RecordID("report", "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgr3vb6pdb4gumolee"), "report--001cb776-5896-477b-8f72-19f413bcb08c"},
		{liaison.AuthorID(testPeer), "identity--fb05538a-d96f-46b2-9898-4d0741668302"},
	} {
		if c.got != c.want {
			t.Errorf("id %s, want %s", c.got, c.want)
		}
	}
	// The bundle of an export with no record holds the four fixed
	// objects only.
	b, err := liaison.Bundle(nil)
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct{ ID string }
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	if want := "bundle--0e9e93b9-dde8-4847-8226-df43fa196235"; bundle.ID != want {
		t.Errorf("empty export's bundle id %s, want %s", bundle.ID, want)
	}
}

// TestUUIDCheck: the strict checker's uuid-check wants version 4 for the
// bundle and every domain, relationship and meta object, and for a
// process; version 5 for the other cyber observables; and counts a UUID
// without the RFC 9562 variant as neither.
func TestUUIDCheck(t *testing.T) {
	const (
		v4      = "001cb776-5896-477b-8f72-19f413bcb08c"
		v5      = "001cb776-5896-577b-8f72-19f413bcb08c"
		v1      = "001cb776-5896-177b-8f72-19f413bcb08c"
		v4ncs   = "001cb776-5896-477b-0f72-19f413bcb08c" // the NCS variant: no version
		v4upper = "001CB776-5896-477B-8F72-19F413BCB08C"
	)
	for _, c := range []struct {
		typ, uuid string
		ok        bool
	}{
		{"report", v4, true}, {"report", v5, false}, {"report", v1, false}, {"report", v4ncs, false},
		{"report", v4upper, true},
		{"bundle", v4, true}, {"bundle", v5, false},
		{"identity", v5, false}, {"extension-definition", v5, false}, {"marking-definition", v5, false},
		{"relationship", v4, true}, {"relationship", v5, false},
		{"ipv4-addr", v5, true}, {"ipv4-addr", v4, false}, {"file", v5, true}, {"file", v4, false},
		{"process", v4, true}, {"process", v5, false},
	} {
		err := stixtest.UUIDCheck(c.typ, c.typ+"--"+c.uuid)
		if (err == nil) != c.ok {
			t.Errorf("%s--%s: %v, want ok %v", c.typ, c.uuid, err, c.ok)
		}
	}
}

// oldForm rewrites every id this package makes in an export to the form
// it had before 2026-11-30: the same UUID with version 5. The OASIS TLP
// marking ids (version 4, not ours) are left alone.
var ourIDs = regexp.MustCompile(`((?:report|identity|attack-pattern|extension-definition|bundle)--[0-9a-f]{8}-[0-9a-f]{4}-)4`)

func oldForm(b []byte) []byte { return ourIDs.ReplaceAll(b, []byte("${1}5")) }

// TestImportOldIDs: a bundle exported before 2026-11-30 (version 5 ids,
// the URSIC extension under its old id) imports exactly as the same
// export today: the same records, field for field, only the provenance
// naming the object's own id. Partner ids of any version are admitted.
func TestImportOldIDs(t *testing.T) {
	now := exportAll(t, sources(t))
	old := oldForm(now)
	if bytes.Contains(old, []byte(liaison.ExtensionID)) || bytes.Equal(old, now) {
		t.Fatal("the old form still holds today's extension id")
	}
	opt := liaison.ImportOptions{Partner: "Example University", Self: testPeer}
	a, err := liaison.Import(now, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := liaison.Import(old, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d items today, %d from the old form", len(a), len(b))
	}
	records := 0
	for i := range a {
		if a[i].Refused != nil || b[i].Refused != nil || a[i].Skipped != b[i].Skipped {
			t.Errorf("object %d: today refused %v skipped %q; old form refused %v skipped %q", i, a[i].Refused, a[i].Skipped, b[i].Refused, b[i].Skipped)
			continue
		}
		if want := bytes.ReplaceAll(a[i].Record, []byte(a[i].ID), []byte(b[i].ID)); !bytes.Equal(want, b[i].Record) {
			t.Errorf("%s: the old form imports as\n%s\nwant\n%s", b[i].ID, b[i].Record, want)
		}
		if a[i].Record != nil {
			records++
		}
	}
	if records != 3 {
		t.Errorf("%d records imported, want 3 (two indicators, a method)", records)
	}

	// Admission takes ids of any version: ours in either form, a
	// partner's version 1 or 7.
	for name, bundle := range map[string][]byte{
		"today": now, "old form": old,
		"version 1": ourIDs.ReplaceAll(now, []byte("${1}1")),
		"version 7": ourIDs.ReplaceAll(now, []byte("${1}7")),
	} {
		objs, err := liaison.ParseBundle(bundle)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, adm := range liaison.Admit(objs) {
			if adm.Err != nil {
				t.Errorf("%s: %s refused: %v", name, adm.ID, adm.Err)
			}
		}
		items, err := liaison.Import(bundle, opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, it := range items {
			if it.Refused != nil && strings.Contains(it.Refused.Error(), "UUID") {
				t.Errorf("%s: %s refused: %v", name, it.ID, it.Refused)
			}
		}
	}
}

package liaison_test

import (
	"encoding/json"
	"testing"

	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/liaison/stixtest"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share/sharetest"
)

// FuzzImport: whatever a partner sends, Import does not panic, gives one
// item per object, and every record it makes is at the object's own TLP
// level (never lower), never RED, and has the policy a record file takes.
func FuzzImport(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := liaison.Import(data, liaison.ImportOptions{Self: testPeer})
		if err != nil {
			return
		}
		objs, err := liaison.ParseBundle(data)
		if err != nil || len(objs) != len(items) {
			t.Fatalf("%d items for %d objects (%v)", len(items), len(objs), err)
		}
		for _, it := range items {
			n := 0
			for _, set := range []bool{it.Record != nil, it.Skipped != "", it.Refused != nil} {
				if set {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%s: not exactly one of record, skipped, refused: %+v", it.ID, it)
			}
			if it.Record == nil {
				continue
			}
			var rec struct {
				Policy struct {
					TLP string `json:"tlp"`
				} `json:"policy"`
			}
			if err := json.Unmarshal(it.Record, &rec); err != nil {
				t.Fatalf("%s: record is not JSON: %v", it.ID, err)
			}
			if rec.Policy.TLP != it.Level.String() || it.Level == policy.Red || !it.Level.Valid() {
				t.Fatalf("%s: record at %q for a source at %v", it.ID, rec.Policy.TLP, it.Level)
			}
		}
	})
}

// FuzzStrict: the strict checker the tests use reads any input without
// panicking.
func FuzzStrict(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		stixtest.Strict(data)
	})
}

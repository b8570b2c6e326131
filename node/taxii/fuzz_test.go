package taxii_test

import (
	"net/url"
	"testing"

	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/taxii"
	"github.com/ursic/ursic/share/sharetest"
)

// FuzzParseQuery: any query string either fails with ErrQuery or gives a
// query whose page fits the limits, and Select over it does not panic.
func FuzzParseQuery(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/queries/*.txt")
	entries := []taxii.Entry{
		{ID: "report--001cb776-5896-477b-8f72-19f413bcb08c", Type: "report", Version: "2026-07-01T09:30:00.123Z"},
		{ID: "report--001cb776-5896-477b-8f72-19f413bcb08c", Type: "report", Version: "2026-07-02T09:30:00.123Z"},
		{ID: "identity--a5a608cd-4bee-40df-8689-54273f8e280c", Type: "identity", Version: "2026-07-01T09:30:00.123Z"},
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		v, err := url.ParseQuery(string(raw))
		if err != nil {
			return
		}
		q, err := taxii.ParseQuery(v)
		if err != nil {
			return
		}
		if q.Limit < 1 || q.Limit > taxii.MaxLimit || len(q.Versions) == 0 {
			t.Fatalf("query out of bounds: %+v", q)
		}
		page, _ := taxii.Select(entries, q)
		if len(page) > q.Limit {
			t.Fatalf("page of %d for limit %d", len(page), q.Limit)
		}
	})
}

// FuzzParseEnvelope: whatever is posted, the envelope parser and the
// inbox's admission do not panic, and admit nothing RED or unmarked.
func FuzzParseEnvelope(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/envelopes/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := taxii.ParseEnvelope(data)
		if err != nil {
			return
		}
		adms := liaison.Admit(objs)
		if len(adms) != len(objs) {
			t.Fatalf("%d admissions for %d objects", len(adms), len(objs))
		}
		for _, a := range adms {
			if a.Err == nil && (a.ID == "" || a.Version == "") {
				t.Fatalf("admitted without id or version: %+v", a)
			}
		}
	})
}

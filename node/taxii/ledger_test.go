package taxii_test

import (
	"bytes"
	"net/http/httptest"
	"net/url"
	"sort"
	"testing"

	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/taxii"
)

// TestTAXIIPolling: a partner that polls with added_after set to the last
// X-TAXII-Date-Added-Last it saw gets exactly what is new since — new
// records and the revoked version of a retracted one — and a new server
// on the same home gives every object the date it had.
func TestTAXIIPolling(t *testing.T) {
	ts := startServer(t)
	cred := ts.partner("maple", false)
	first := ts.publish("indicator", "Polled indicator one", "green")
	r := ts.get(cred, objectsPath, nil)
	var env envelope
	r.decode(t, &env)
	last := r.header.Get("X-TAXII-Date-Added-Last")
	before := manifestDates(t, ts, cred)

	second := ts.publish("indicator", "Polled indicator two", "green")
	if _, err := ts.n.Retract(first, "polling test"); err != nil {
		t.Fatal(err)
	}
	r = ts.get(cred, objectsPath, url.Values{"added_after": {last}})
	r.decode(t, &env)
	got := ids(t, env.Objects)
	sort.Strings(got)
	want := []string{liaison.RecordID("report", first), liaison.RecordID("report", second)}
	for _, id := range want {
		if !containsString(got, id) {
			t.Errorf("polling after %s misses %s; got %v", last, id, got)
		}
	}
	for _, o := range env.Objects {
		if bytes.Contains(o, []byte(liaison.RecordID("report", first))) && !bytes.Contains(o, []byte(`"revoked":true`)) {
			t.Errorf("the retracted record is polled without revoked: %s", o)
		}
	}
	if len(got) != 4 { // two reports, the first's revoked subject, the second's subject
		t.Errorf("polling returned %d objects, want 4: %v", len(got), got)
	}

	// A second server on the same home (a restart) keeps the dates.
	srv := httptest.NewServer(taxii.New(ts.n, nil))
	defer srv.Close()
	restarted := &testServer{t: t, n: ts.n, dir: ts.dir, base: srv.URL}
	after := manifestDates(t, restarted, cred)
	if len(after) < len(before) {
		t.Errorf("the restarted server lists %d objects, fewer than the %d before", len(after), len(before))
	}
	for key, d := range before {
		if a, ok := after[key]; ok && a != d {
			t.Errorf("%s: date added moved from %s to %s", key, d, a)
		}
	}
}

func manifestDates(t *testing.T, ts *testServer, cred string) map[string]string {
	t.Helper()
	var m struct{ Objects []taxii.ManifestRecord }
	ts.get(cred, manifestPath, nil).decode(t, &m)
	out := map[string]string{}
	for _, o := range m.Objects {
		out[o.ID+" "+o.Version] = o.DateAdded
	}
	return out
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

package taxii_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/liaison/stixtest"
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

// TestTAXIILedgerOldIDs: a ledger written before 2026-11-30, when the
// read collection's ids were version 5 UUIDs (docs/STIX.md §2), is read
// as it is by a server that serves today's ids: nothing fails, the old
// lines stay in the file, every object is served under its version 4 id
// with a date added after every old one — so a partner polling with
// added_after gets each object once more under its new id — and an old
// id is an unknown object.
func TestTAXIILedgerOldIDs(t *testing.T) {
	ts := startServer(t)
	cred := ts.partner("maple", false)
	cid := ts.publish("indicator", "Indicator from before the id change", "green")
	ts.get(cred, objectsPath, nil) // writes the ledger

	// Make the ledger the one an older node wrote: every id of ours in
	// its version 5 form, the OASIS markings as they are.
	path := filepath.Join(ts.dir, taxii.LedgerFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	oldForm := regexp.MustCompile(`((?:report|identity|attack-pattern|extension-definition)--[0-9a-f]{8}-[0-9a-f]{4}-)4`)
	old := oldForm.ReplaceAll(b, []byte("${1}5"))
	if bytes.Equal(old, b) {
		t.Fatalf("the ledger holds no id of ours:\n%s", b)
	}
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(old)), "\n")
	oldLast, _, _ := strings.Cut(lines[len(lines)-1], " ")
	oldReport := oldForm.ReplaceAllString(liaison.RecordID("report", cid), "${1}5")
	if !strings.Contains(string(old), oldReport) {
		t.Fatalf("the old ledger has no %s:\n%s", oldReport, old)
	}

	// A restart with the new ids.
	srv := httptest.NewServer(taxii.New(ts.n, nil))
	defer srv.Close()
	restarted := &testServer{t: t, n: ts.n, dir: ts.dir, base: srv.URL}
	r := restarted.get(cred, objectsPath, nil)
	if r.status != 200 {
		t.Fatalf("objects after the id change: %d %s", r.status, r.body)
	}
	var all envelope
	r.decode(t, &all)
	for _, o := range all.Objects {
		var h struct{ ID, Type string }
		json.Unmarshal(o, &h)
		if err := stixtest.UUIDCheck(h.Type, h.ID); err != nil {
			t.Errorf("served: %v", err)
		}
		if strings.Contains(string(old), h.ID) && !strings.HasPrefix(h.ID, "marking-definition--") {
			t.Errorf("%s is served under an id of the old ledger", h.ID)
		}
	}
	if !containsString(ids(t, all.Objects), liaison.RecordID("report", cid)) {
		t.Errorf("the record's report %s is not served", liaison.RecordID("report", cid))
	}
	for key, added := range manifestDates(t, restarted, cred) {
		if !strings.HasPrefix(key, "marking-definition--") && added <= oldLast {
			t.Errorf("%s: date added %s is not after the old ledger's last %s", key, added, oldLast)
		}
	}
	var polled envelope
	restarted.get(cred, objectsPath, url.Values{"added_after": {oldLast}}).decode(t, &polled)
	if got, want := len(polled.Objects), len(all.Objects)-2; got != want { // all but the two markings
		t.Errorf("polling after the old ledger's last date gives %d objects, want %d", got, want)
	}
	if got := restarted.get(cred, objectsPath+oldReport+"/", nil); got.status != 404 {
		t.Errorf("GET an old id: %d, want 404: %s", got.status, got.body)
	}
	now, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(now, old) || len(now) == len(old) {
		t.Errorf("the ledger was not appended to:\n%s", now)
	}
}

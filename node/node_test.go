package node_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/policy/guard"
	"github.com/ursic/ursic/share"
)

// testNode is one node home under t.TempDir, opened and reopened by the test.
type testNode struct {
	t   *testing.T
	dir string
	n   *node.Node
}

// startNode initialises a home in a fresh temporary directory and opens it.
// The node is closed when the test ends.
func startNode(t *testing.T, name string) *testNode {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: name}); err != nil {
		t.Fatalf("Init: %v", err)
	}
	tn := &testNode{t: t, dir: dir}
	tn.open()
	t.Cleanup(func() {
		if tn.n != nil {
			tn.n.Close()
		}
	})
	return tn
}

func (tn *testNode) open() {
	tn.t.Helper()
	h, err := node.LoadHome(tn.dir, "")
	if err != nil {
		tn.t.Fatalf("LoadHome: %v", err)
	}
	n, err := node.Open(h, node.Options{Logger: testLogger(tn.t)})
	if err != nil {
		tn.t.Fatalf("Open: %v", err)
	}
	tn.n = n
}

func (tn *testNode) close() {
	tn.t.Helper()
	if err := tn.n.Close(); err != nil {
		tn.t.Fatalf("Close: %v", err)
	}
	tn.n = nil
}

// reopen closes the node and opens it again from its home, as a restart does.
func (tn *testNode) reopen() {
	tn.t.Helper()
	tn.close()
	tn.open()
}

// testLogger writes the node's log into the test's output, shown on failure.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// publish publishes records and returns their CIDs in input order.
func (tn *testNode) publish(opt node.PublishOptions, records ...[]byte) ([]string, error) {
	opt.Again = true // tests mean a new record each time they publish a sample
	cids := make([]string, len(records))
	err := tn.n.Publish(context.Background(), records, opt, func(p node.Published) error {
		cids[p.Index] = p.CID
		return nil
	})
	return cids, err
}

func (tn *testNode) mustPublish(opt node.PublishOptions, records ...[]byte) []string {
	tn.t.Helper()
	cids, err := tn.publish(opt, records...)
	if err != nil {
		tn.t.Fatalf("Publish: %v", err)
	}
	for i, c := range cids {
		if c == "" {
			tn.t.Fatalf("Publish reported no CID for record %d", i)
		}
	}
	return cids
}

func (tn *testNode) status() node.Status {
	tn.t.Helper()
	s, err := tn.n.Status()
	if err != nil {
		tn.t.Fatalf("Status: %v", err)
	}
	return s
}

func (tn *testNode) list(opt node.ListOptions) []node.RecordView {
	tn.t.Helper()
	rs, total, err := tn.n.List(opt)
	if err != nil {
		tn.t.Fatalf("List: %v", err)
	}
	if opt.Limit == 0 && total != len(rs) {
		tn.t.Fatalf("List: total %d, but %d records returned without a limit", total, len(rs))
	}
	return rs
}

func (tn *testNode) show(cid string) node.RecordView {
	tn.t.Helper()
	v, err := tn.n.Show(cid)
	if err != nil {
		tn.t.Fatalf("Show(%s): %v", cid, err)
	}
	return v
}

func cidsOf(rs []node.RecordView) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.CID)
	}
	return out
}

// example returns a sample record from examples/records.
func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := examples.Records.ReadFile("records/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit decodes a JSON record, lets change alter it, and encodes it again.
func edit(t *testing.T, record []byte, change func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(record, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func uniqueMarker(t *testing.T) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "zzmarker" + hex.EncodeToString(b)
}

func TestPublishListShow(t *testing.T) {
	tn := startNode(t, "Test University")
	rec := example(t, "indicator-green.json")
	cids := tn.mustPublish(node.PublishOptions{}, rec)
	if !strings.HasPrefix(cids[0], "b") {
		t.Errorf("CID %q is not base32 (want a leading b)", cids[0])
	}
	if _, err := share.ParseCID(cids[0]); err != nil {
		t.Errorf("published CID does not parse: %v", err)
	}

	got := tn.list(node.ListOptions{})
	if !slices.Equal(cidsOf(got), cids) {
		t.Fatalf("List = %v, want %v", cidsOf(got), cids)
	}
	r := got[0]
	if r.Kind != "indicator" || r.Author != tn.n.PeerID() || r.Retracted || r.Body != nil {
		t.Errorf("List row = %+v; want an unretracted indicator by this node, without its body", r)
	}
	if !strings.Contains(r.Title, "Talent programme") {
		t.Errorf("title = %q", r.Title)
	}

	v := tn.show(cids[0])
	var sent, shown map[string]any
	json.Unmarshal(rec, &sent)
	if err := json.Unmarshal(v.Body, &shown); err != nil {
		t.Fatalf("Show body is not JSON: %v (%s)", err, v.Body)
	}
	for _, k := range []string{"title", "summary", "indicator_type", "subject"} {
		a, _ := json.Marshal(sent[k])
		b, _ := json.Marshal(shown[k])
		if !bytes.Equal(a, b) {
			t.Errorf("Show body %s = %s, want %s", k, b, a)
		}
	}
	if v.Handling == nil {
		t.Errorf("Show has no handling rules")
	}

	// It survives a restart: the index is rebuilt from the store.
	tn.reopen()
	if got := cidsOf(tn.list(node.ListOptions{})); !slices.Equal(got, cids) {
		t.Fatalf("after restart List = %v, want %v", got, cids)
	}
	if v := tn.show(cids[0]); !bytes.Contains(v.Body, []byte("Horizon Bridge")) {
		t.Errorf("after restart Show body = %s", v.Body)
	}
}

func TestPublishJSONLines(t *testing.T) {
	tn := startNode(t, "Test University")
	recs, err := node.SplitRecords(example(t, "batch.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 {
		t.Fatalf("batch.jsonl holds %d records; the test needs several", len(recs))
	}
	cids := tn.mustPublish(node.PublishOptions{}, recs...)
	if len(slices.Compact(slices.Sorted(slices.Values(cids)))) != len(recs) {
		t.Fatalf("CIDs are not distinct: %v", cids)
	}
	listed := cidsOf(tn.list(node.ListOptions{}))
	for _, c := range cids {
		if !slices.Contains(listed, c) {
			t.Errorf("published %s is not listed", c)
		}
	}
	// Status counts the records a user can read, not the sender-key envelope.
	if s := tn.status(); s.Records != len(recs) {
		t.Errorf("status records = %d, want %d", s.Records, len(recs))
	}
	for i, c := range cids {
		var m map[string]any
		json.Unmarshal(recs[i], &m)
		if got := tn.show(c).Title; got != m["title"] {
			t.Errorf("record %d: title %q, want %q (CIDs reported out of input order?)", i, got, m["title"])
		}
	}
}

func TestSplitRecordsSingleAndLines(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr string
	}{
		{"one pretty-printed record", "{\n  \"kind\": \"method\"\n}\n", 1, ""},
		{"json lines with a blank line", "{\"a\":1}\n\n{\"a\":2}\r\n{\"a\":3}\n", 3, ""},
		{"empty", "  \n", 0, "no record"},
		{"bad second line", "{\"a\":1}\n{\"a\":\n", 0, "line 2"},
		{"not json at all", "kind: method", 0, "malformed JSON"},
		// The position is that of the offending character.
		{"position of a bad value", "{\"a\": x}", 0, "line 1, column 7:"},
		{"position on a later line", "{\n\"a\": x}", 0, "line 2, column 6:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := node.SplitRecords([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("got %d records, err %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

func TestPolicyDefaultsAndOverrides(t *testing.T) {
	tn := startNode(t, "Test University")
	noPolicy := edit(t, example(t, "indicator-green.json"), func(m map[string]any) { delete(m, "policy") })
	ownPolicy := example(t, "indicator-green.json") // carries tlp green, audience members

	tests := []struct {
		name    string
		rec     []byte
		opt     node.PublishOptions
		wantTLP string
	}{
		{"defaults", noPolicy, node.PublishOptions{}, "amber"},
		{"record's own policy", ownPolicy, node.PublishOptions{}, "green"},
		{"flag overrides record", ownPolicy, node.PublishOptions{TLP: "amber+strict"}, "amber+strict"},
		{"flag with TLP: prefix and case", noPolicy, node.PublishOptions{TLP: "TLP:CLEAR"}, "clear"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cids := tn.mustPublish(tt.opt, tt.rec)
			v := tn.show(cids[0])
			if v.TLP != tt.wantTLP {
				t.Errorf("tlp = %q, want %q", v.TLP, tt.wantTLP)
			}
			if !slices.Equal(v.Audience, []string{"members"}) {
				t.Errorf("audience = %v, want [members]", v.Audience)
			}
		})
	}

	// The flag wins over the record for the audience too: an explicit list
	// of peers (here this node itself) instead of the record's group.
	cids := tn.mustPublish(node.PublishOptions{TLP: "red", Audience: []string{tn.n.PeerID()}}, ownPolicy)
	v := tn.show(cids[0])
	if v.TLP != "red" || !slices.Equal(v.Audience, []string{tn.n.PeerID()}) {
		t.Errorf("red to self: tlp %q audience %v, want red to [%s]", v.TLP, v.Audience, tn.n.PeerID())
	}
}

// TestCheckRefusesAndStoresNothing checks every way a publish is refused, and
// that a refused publish leaves the store exactly as it was.
func TestCheckRefusesAndStoresNothing(t *testing.T) {
	tn := startNode(t, "Test University")
	tn.mustPublish(node.PublishOptions{}, example(t, "indicator-clear.json"))

	good := example(t, "indicator-green.json")
	goodLines, err := node.SplitRecords(example(t, "batch.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		records  [][]byte
		opt      node.PublishOptions
		is       error  // errors.Is target, if any
		contains string // in the error text
		line     int    // RecordError.Line
		rule     string // a finding with this rule
	}{
		{name: "malformed JSON", records: [][]byte{[]byte(`{"kind": "indicator", "title": `)}, contains: "JSON at line 1, column"},
		{name: "unknown kind", records: [][]byte{[]byte(`{"kind": "person", "title": "x"}`)}, is: share.ErrUnknownKind, contains: "indicator"},
		{name: "node-only kind", records: [][]byte{[]byte(`{"kind": "retraction", "target": "x", "reason": "y"}`)}},
		{name: "nationality refused", records: [][]byte{example(t, "refused-nationality.json")}, is: guard.ErrRefused, rule: "nationality"},
		{name: "refused even when confirmed", records: [][]byte{example(t, "refused-nationality.json")}, opt: node.PublishOptions{ConfirmPersonalData: true}, is: guard.ErrRefused, rule: "nationality"},
		{name: "e-mail held without confirmation", records: [][]byte{example(t, "flagged-email.json")}, is: guard.ErrNeedsConfirmation, rule: "email"},
		{name: "unknown TLP level", records: [][]byte{good}, opt: node.PublishOptions{TLP: "purple"}, is: policy.ErrUnknownLevel, contains: "amber"},
		{name: "RED to a group", records: [][]byte{good}, opt: node.PublishOptions{TLP: "red"}, contains: "RED"},
		{name: "AMBER to partners", records: [][]byte{good}, opt: node.PublishOptions{TLP: "amber", Audience: []string{"partners"}}, contains: "partners"},
		{name: "unknown peer", records: [][]byte{good}, opt: node.PublishOptions{TLP: "red", Audience: []string{"12D3KooWNotARealPeerIDAtAll"}}},
		{name: "invalid field", records: [][]byte{edit(t, good, func(m map[string]any) { m["severity"] = "apocalyptic" })}, contains: "severity"},
		// One bad line in JSON Lines stores none of the good ones before it.
		{name: "bad last line of a batch", records: append(slices.Clone(goodLines), example(t, "refused-nationality.json")), is: guard.ErrRefused, line: len(goodLines) + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tn.status()
			listed := len(tn.list(node.ListOptions{All: true}))

			_, err := tn.publish(tt.opt, tt.records...)
			if err == nil {
				t.Fatal("Publish succeeded; want it refused")
			}
			if len(tt.records) == 1 {
				if _, cerr := tn.n.Check(tt.records[0], tt.opt); cerr == nil {
					t.Errorf("Check accepted what Publish refused (%v)", err)
				}
			}
			var re *node.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("err = %T %v, want a *node.RecordError", err, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.is)
			}
			if tt.contains != "" && !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("err = %q, want it to mention %q", err, tt.contains)
			}
			if re.Line != tt.line {
				t.Errorf("line = %d, want %d", re.Line, tt.line)
			}
			if tt.rule != "" && !slices.ContainsFunc(re.Findings, func(f guard.Finding) bool { return f.Rule == tt.rule && f.Path != "" }) {
				t.Errorf("findings = %+v, want one with rule %q and a path", re.Findings, tt.rule)
			}

			after := tn.status()
			if after.Records != before.Records || after.Logs != before.Logs || after.Retracted != before.Retracted {
				t.Errorf("store changed by a refused publish: before %+v, after %+v", before, after)
			}
			if n := len(tn.list(node.ListOptions{All: true})); n != listed {
				t.Errorf("list has %d records after a refused publish, had %d", n, listed)
			}
		})
	}
}

func TestFlaggedPublishesWithConfirmation(t *testing.T) {
	tn := startNode(t, "Test University")
	rec := example(t, "flagged-email.json")
	d, err := tn.n.Check(rec, node.PublishOptions{ConfirmPersonalData: true})
	if err != nil {
		t.Fatalf("Check with confirmation: %v", err)
	}
	if !slices.ContainsFunc(d.Findings, func(f guard.Finding) bool { return f.Rule == "email" }) {
		t.Errorf("confirmed draft findings = %+v, want the email flag kept for the audit trail", d.Findings)
	}
	cids := tn.mustPublish(node.PublishOptions{ConfirmPersonalData: true}, rec)
	if v := tn.show(cids[0]); !bytes.Contains(v.Body, []byte("procurement-desk@northbridge-photonics.example")) {
		t.Errorf("body = %s, want the confirmed e-mail address", v.Body)
	}
}

func TestRetract(t *testing.T) {
	tn := startNode(t, "Test University")
	cids := tn.mustPublish(node.PublishOptions{}, example(t, "indicator-amber.json"), example(t, "indicator-green.json"))
	target, other := cids[0], cids[1]

	if _, err := tn.n.Retract(target, "  "); err == nil {
		t.Error("Retract with an empty reason succeeded")
	}
	by, err := tn.n.Retract(target, "superseded by a later indicator")
	if err != nil {
		t.Fatalf("Retract: %v", err)
	}
	if by == "" || by == target {
		t.Fatalf("Retract returned retraction CID %q", by)
	}
	check := func(when string) {
		t.Helper()
		v := tn.show(target)
		if v.Kind != "indicator" || v.Author != tn.n.PeerID() || v.TLP != "amber" {
			t.Errorf("%s: the retraction stub lost its header: kind %q author %q tlp %q", when, v.Kind, v.Author, v.TLP)
		}
		if !v.Retracted || v.RetractReason != "superseded by a later indicator" || v.RetractedBy != by {
			t.Errorf("%s: Show = retracted %v by %q reason %q; want retracted by %s", when, v.Retracted, v.RetractedBy, v.RetractReason, by)
		}
		if len(v.Body) != 0 {
			t.Errorf("%s: a retracted record still shows its body: %s", when, v.Body)
		}
		if v := tn.show(other); v.Retracted || len(v.Body) == 0 {
			t.Errorf("%s: the other record was touched: %+v", when, v)
		}
		rows := tn.list(node.ListOptions{All: true})
		i := slices.IndexFunc(rows, func(r node.RecordView) bool { return r.CID == target })
		if i < 0 || !rows[i].Retracted {
			t.Errorf("%s: list does not show %s as retracted", when, target)
		}
		if s := tn.status(); s.Retracted != 1 {
			t.Errorf("%s: status retracted = %d, want 1", when, s.Retracted)
		}
	}
	retractAgain := func(when string) {
		t.Helper()
		if _, err := tn.n.Retract(target, "again"); err == nil || !strings.Contains(err.Error(), "already retracted") {
			t.Errorf("%s: retracting twice: err = %v, want already retracted", when, err)
		}
	}
	check("before restart")
	retractAgain("before restart")
	tn.reopen()
	check("after restart")

	// The body is gone from disk too, not just hidden.
	tn.close()
	assertNotInHome(t, tn.dir, "Northbridge Photonics")
	tn.open()

	retractAgain("after restart")
	unknown := share.CIDOf([]byte("never published")).String()
	if _, err := tn.n.Retract(unknown, "no such"); !errors.Is(err, node.ErrNotFound) {
		t.Errorf("retracting an unknown CID: err = %v, want ErrNotFound", err)
	}
	if _, err := tn.n.Retract("not-a-cid", "no such"); err == nil {
		t.Error("retracting a malformed CID succeeded")
	}
	if _, err := tn.n.Show(unknown); !errors.Is(err, node.ErrNotFound) {
		t.Errorf("Show unknown CID: err = %v, want ErrNotFound", err)
	}
}

// assertNotInHome fails if s occurs in any file under dir.
func assertNotInHome(t *testing.T, dir, s string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%q found in %s", s, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Fatalf("only %d files under %s: the walk found nothing to check", files, dir)
	}
}

// TestPlaintextNeverOnDisk publishes a body with a unique string and looks
// for it in every file of the home, while the node runs and after Close.
func TestPlaintextNeverOnDisk(t *testing.T) {
	tn := startNode(t, "Test University")
	marker := uniqueMarker(t)
	rec := edit(t, example(t, "method-amber-strict.json"), func(m map[string]any) {
		m["title"] = "Title " + marker
		m["narrative"] = "Narrative mentioning " + marker + " in the middle."
	})
	lines := [][]byte{rec, edit(t, example(t, "indicator-green.json"), func(m map[string]any) { m["summary"] = marker })}
	cids := tn.mustPublish(node.PublishOptions{}, lines...)
	if v := tn.show(cids[0]); !bytes.Contains(v.Body, []byte(marker)) {
		t.Fatalf("the marker is not in the shown body: the test would prove nothing")
	}
	if rs := tn.list(node.ListOptions{Text: marker}); len(rs) == 0 {
		t.Logf("search for the marker found nothing (search may not cover narratives)")
	}
	assertNotInHome(t, tn.dir, marker)
	tn.close()
	assertNotInHome(t, tn.dir, marker)
	tn.open()
	if v := tn.show(cids[1]); !bytes.Contains(v.Body, []byte(marker)) {
		t.Fatalf("after reopen the body lost the marker: %s", v.Body)
	}
	tn.close()
	assertNotInHome(t, tn.dir, marker)
}

func TestExpiredHiddenUnlessAll(t *testing.T) {
	tn := startNode(t, "Test University")
	expired := edit(t, example(t, "indicator-green.json"), func(m map[string]any) {
		m["title"] = "Expired indicator"
		m["valid_from"] = "2020-01-01"
		m["valid_until"] = "2021-01-01"
	})
	current := edit(t, example(t, "indicator-green.json"), func(m map[string]any) {
		m["title"] = "Current indicator"
		m["valid_until"] = "2999-12-31"
	})
	cids := tn.mustPublish(node.PublishOptions{}, expired, current)

	if got := cidsOf(tn.list(node.ListOptions{})); !slices.Equal(got, cids[1:]) {
		t.Errorf("List = %v, want only the current indicator %v", got, cids[1:])
	}
	all := tn.list(node.ListOptions{All: true})
	if len(all) != 2 {
		t.Fatalf("List all = %v, want both", cidsOf(all))
	}
	for _, r := range all {
		if want := r.CID == cids[0]; r.Expired != want {
			t.Errorf("%s (%s): expired = %v, want %v", r.CID, r.Title, r.Expired, want)
		}
	}
	// Show still serves an expired record, marked as such.
	if v := tn.show(cids[0]); !v.Expired {
		t.Errorf("Show of an expired indicator: expired = false")
	}
}

func TestListFilters(t *testing.T) {
	tn := startNode(t, "Test University")
	cids := tn.mustPublish(node.PublishOptions{}, example(t, "indicator-green.json"), example(t, "method-amber-strict.json"))
	if got := cidsOf(tn.list(node.ListOptions{Kind: "method"})); !slices.Equal(got, cids[1:]) {
		t.Errorf("kind=method: %v, want %v", got, cids[1:])
	}
	if got := cidsOf(tn.list(node.ListOptions{TLP: "TLP:GREEN"})); !slices.Equal(got, cids[:1]) {
		t.Errorf("tlp=TLP:GREEN: %v, want %v", got, cids[:1])
	}
	rs, total, err := tn.n.List(node.ListOptions{Limit: 1})
	if err != nil || len(rs) != 1 || total != 2 {
		t.Errorf("limit 1: %d rows, total %d, err %v; want 1 of 2", len(rs), total, err)
	}
	for _, bad := range []node.ListOptions{{Kind: "person"}, {TLP: "white"}, {Limit: -1}, {Offset: -1}} {
		if _, _, err := tn.n.List(bad); err == nil {
			t.Errorf("List(%+v) succeeded; want an error", bad)
		}
	}
}

func TestConfigStrict(t *testing.T) {
	valid := `{"version": 1, "name": "T", "role": "member", "listen": ["/ip4/127.0.0.1/tcp/4001"], "api": "127.0.0.1:7777"}`
	if _, err := node.ParseConfig([]byte(valid)); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	tests := []struct {
		name, config, mention string
	}{
		{"unknown key", `{"version": 1, "name": "T", "role": "member", "api": "127.0.0.1:7777", "apii": "x"}`, `"apii"`},
		{"version mismatch", `{"version": 2, "name": "T", "role": "member", "api": "127.0.0.1:7777"}`, `"version"`},
		{"version missing", `{"name": "T", "role": "member", "api": "127.0.0.1:7777"}`, `"version"`},
		{"bad role", `{"version": 1, "name": "T", "role": "admin", "api": "127.0.0.1:7777"}`, `"role"`},
		{"empty name", `{"version": 1, "name": " ", "role": "member", "api": "127.0.0.1:7777"}`, `"name"`},
		{"bad api", `{"version": 1, "name": "T", "role": "member", "api": "7777"}`, `"api"`},
		{"bad listen", `{"version": 1, "name": "T", "role": "member", "listen": ["127.0.0.1:4001"], "api": "127.0.0.1:7777"}`, `"listen"`},
		{"trailing data", valid + ` {}`, "trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := node.ParseConfig([]byte(tt.config))
			if !errors.Is(err, node.ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("err = %q, want it to name %s", err, tt.mention)
			}
		})
	}

	// A home whose config has an unknown key does not load, and says which.
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: "Test University"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, node.ConfigFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"version": 1,`), []byte(`"version": 1, "listen_adress": [],`), 1)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := node.LoadHome(dir, ""); err == nil || !strings.Contains(err.Error(), "listen_adress") {
		t.Errorf("LoadHome with an unknown key: err = %v, want it to name listen_adress", err)
	}
	if _, err := node.LoadHome(filepath.Join(t.TempDir(), "nothing"), ""); !errors.Is(err, node.ErrNoHome) {
		t.Errorf("LoadHome of an empty dir: err = %v, want ErrNoHome", err)
	}
	if _, err := node.Init(dir, node.InitOptions{Name: "Again"}); !errors.Is(err, node.ErrHomeExists) {
		t.Errorf("Init over a home: err = %v, want ErrHomeExists", err)
	}
}

func TestPassphraseProtectedHome(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	card, err := node.Init(dir, node.InitOptions{Name: "Test University", Passphrase: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = node.LoadHome(dir, "")
	if err == nil || !strings.Contains(err.Error(), node.PassphraseEnv) || node.PassphraseEnv != "URSIC_PASSPHRASE" {
		t.Fatalf("LoadHome without passphrase: err = %v, want it to name URSIC_PASSPHRASE", err)
	}
	if _, err := node.LoadHome(dir, "wrong"); err == nil {
		t.Fatal("LoadHome with a wrong passphrase succeeded")
	}
	h, err := node.LoadHome(dir, "correct horse battery staple")
	if err != nil {
		t.Fatalf("LoadHome with the passphrase: %v", err)
	}
	if h.Identity.PeerID() != card.PeerID {
		t.Errorf("peer ID %s, card says %s", h.Identity.PeerID(), card.PeerID)
	}
	key, err := os.ReadFile(filepath.Join(dir, node.IdentityFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(key, h.Identity.Marshal()) || bytes.Contains(key, []byte("AGE-SECRET-KEY")) {
		t.Error("the protected key file holds the key in the clear")
	}
}

func TestFileModes(t *testing.T) {
	tn := startNode(t, "Test University")
	tn.mustPublish(node.PublishOptions{}, example(t, "indicator-green.json"))
	for _, name := range []string{node.IdentityFile, node.TokenFile} {
		fi, err := os.Stat(filepath.Join(tn.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s mode = %o, want 600", name, m)
		}
	}
	fi, err := os.Stat(tn.dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		t.Errorf("home directory mode = %o, want no group or other access", m)
	}
	tok, err := node.ReadToken(tn.dir)
	if err != nil || len(tok) < 32 {
		t.Errorf("API token %q (err %v): want at least 32 characters", tok, err)
	}
}

// TestRestartReadsGroupRecords: group records open after a restart, which finds their sender
// keys through the store's list of control entries, and also in a store written before that list
// existed (its control bucket removed here), which the node then lists once.
func TestRestartReadsGroupRecords(t *testing.T) {
	tn := startNode(t, "Test University")
	cids := tn.mustPublish(node.PublishOptions{}, example(t, "indicator-amber.json"), example(t, "indicator-green.json"))
	for _, older := range []bool{false, true} {
		tn.close()
		if older {
			db, err := bolt.Open(filepath.Join(tn.dir, node.StoreFile), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("control")) }); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}
		tn.open()
		for _, c := range cids {
			if v := tn.show(c); v.Body == nil {
				t.Errorf("older store %v: %s has no body after restart", older, c)
			}
		}
		if got := tn.status().Records; got != len(cids) {
			t.Errorf("older store %v: status records = %d, want %d", older, got, len(cids))
		}
	}
}

// Publishing the same body with the same policy again reports the record
// published before and writes nothing, also after a restart; Again publishes
// anew; a retracted record is published anew; another policy is another
// record.
func TestPublishIsIdempotent(t *testing.T) {
	tn := startNode(t, "alpha")
	rec := example(t, "indicator-amber.json")
	pub := func(opt node.PublishOptions) node.Published {
		t.Helper()
		var got node.Published
		if err := tn.n.Publish(context.Background(), [][]byte{rec}, opt, func(p node.Published) error { got = p; return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := pub(node.PublishOptions{})
	if first.Existing {
		t.Fatal("the first publish is reported as existing")
	}
	before := tn.status().Envelopes
	if again := pub(node.PublishOptions{}); !again.Existing || again.CID != first.CID {
		t.Fatalf("a second publish of the same record: %+v, want existing %s", again, first.CID)
	}
	if tn.status().Envelopes != before {
		t.Fatal("a second publish of the same record wrote an envelope")
	}
	tn.reopen()
	if again := pub(node.PublishOptions{}); !again.Existing || again.CID != first.CID {
		t.Fatalf("after a restart: %+v, want existing %s", again, first.CID)
	}
	if other := pub(node.PublishOptions{TLP: "amber+strict"}); other.Existing {
		t.Fatal("the same body under another policy is reported as existing")
	}
	forced := pub(node.PublishOptions{Again: true})
	if forced.Existing || forced.CID == first.CID {
		t.Fatalf("Again: %+v, want a new record", forced)
	}
	if _, err := tn.n.Retract(first.CID, "superseded"); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.n.Retract(forced.CID, "superseded"); err != nil {
		t.Fatal(err)
	}
	if after := pub(node.PublishOptions{}); after.Existing {
		t.Fatalf("after its retraction the record is reported as existing: %+v", after)
	}
}

// A person may type a CID in upper case or abbreviate it to a unique prefix
// of at least 12 characters; an unknown CID says why it may be missing.
func TestShowAbbreviatedCID(t *testing.T) {
	tn := startNode(t, "alpha")
	cids := tn.mustPublish(node.PublishOptions{}, example(t, "indicator-amber.json"))
	c := cids[0]
	for _, typed := range []string{strings.ToUpper(c), c[:node.MinCIDPrefix], c[:20]} {
		v, err := tn.n.Show(typed)
		if err != nil || v.CID != c {
			t.Errorf("Show(%q) = %s, %v; want %s", typed, v.CID, err, c)
		}
	}
	if _, err := tn.n.Show(c[:node.MinCIDPrefix-1]); err == nil {
		t.Errorf("a prefix shorter than %d characters was accepted", node.MinCIDPrefix)
	}
	_, err := tn.n.Show("bafyreiaaaaaaaaaaaaaa")
	if !errors.Is(err, node.ErrNotFound) || !strings.Contains(err.Error(), "not be addressed to this node") {
		t.Errorf("Show of an unknown prefix: %v", err)
	}
}

// list's author filter takes a member's name (any case and width, or a
// unique part) as well as a peer ID.
func TestListByAuthorName(t *testing.T) {
	tn := startNode(t, "Kyoto University")
	tn.mustPublish(node.PublishOptions{}, example(t, "indicator-amber.json"))
	for _, a := range []string{"kyoto university", "ＫＹＯＴＯ", "Kyoto", tn.n.PeerID()} {
		recs, total, err := tn.n.List(node.ListOptions{Author: a})
		if err != nil || total != 1 || len(recs) != 1 {
			t.Errorf("List(author %q) = %d records (total %d), %v", a, len(recs), total, err)
		}
	}
	if _, _, err := tn.n.List(node.ListOptions{Author: "Osaka"}); !errors.Is(err, node.ErrUnknownAuthor) {
		t.Errorf("List(author Osaka) on a node that knows no Osaka: %v", err)
	}
}

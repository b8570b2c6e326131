package taxii_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/taxii"
)

// testServer is a node with a TAXII server on 127.0.0.1.
type testServer struct {
	t    testing.TB
	n    *node.Node
	dir  string
	base string // http://127.0.0.1:PORT
	logs bytes.Buffer
}

func startServer(t testing.TB) *testServer {
	t.Helper()
	ts := &testServer{t: t, dir: filepath.Join(t.TempDir(), "home")}
	if _, err := node.Init(ts.dir, node.InitOptions{Name: "Liaison University", Role: "liaison"}); err != nil {
		t.Fatal(err)
	}
	h, err := node.LoadHome(ts.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	lg := slog.New(slog.NewTextHandler(&ts.logs, nil))
	if ts.n, err = node.Open(h, node.Options{Logger: lg}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- taxii.Serve(ctx, taxii.New(ts.n, lg), node.TAXIIConfig{Version: 1, Listen: "127.0.0.1:0"}, func(a net.Addr) { addr <- a })
	}()
	select {
	case a := <-addr:
		ts.base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the TAXII server did not start within 10 s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("the TAXII server did not stop within 10 s")
		}
		ts.n.Close()
		if t.Failed() {
			t.Logf("node log:\n%s", ts.logs.String())
		}
	})
	return ts
}

func (ts *testServer) partner(name string, write bool) string {
	ts.t.Helper()
	cred, err := taxii.AddPartner(ts.dir, name, write)
	if err != nil {
		ts.t.Fatal(err)
	}
	return cred
}

func example(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := examples.Records.ReadFile("records/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "policy")
	return m
}

// publish publishes one record with title, at level, and returns its CID.
func (ts *testServer) publish(kind, title, level string) string {
	ts.t.Helper()
	var rec map[string]any
	if kind == "method" {
		rec = example(ts.t, "method-amber-strict.json")
	} else {
		rec = example(ts.t, "indicator-green.json")
	}
	rec["title"] = title
	rec["policy"] = map[string]any{"tlp": level, "audience": []string{"members"}}
	if level == "red" {
		rec["policy"] = map[string]any{"tlp": level, "audience": []string{ts.n.PeerID()}}
	}
	b, _ := json.Marshal(rec)
	var cid string
	err := ts.n.Publish(context.Background(), [][]byte{b}, node.PublishOptions{}, func(p node.Published) error { cid = p.CID; return nil })
	if err != nil {
		ts.t.Fatal(err)
	}
	return cid
}

// response is one HTTP answer, read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if e, ok := v.(*envelope); ok {
		*e = envelope{} // an envelope without objects leaves them out
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, r.body)
	}
}

type req struct {
	method, path string
	cred, user   string // user set: Basic auth
	accept       string
	ctype        string
	body         []byte
	query        url.Values
}

func (ts *testServer) do(r req) response {
	ts.t.Helper()
	u := ts.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, u, body)
	if err != nil {
		ts.t.Fatal(err)
	}
	switch {
	case r.user != "":
		hr.SetBasicAuth(r.user, r.cred)
	case r.cred != "":
		hr.Header.Set("Authorization", "Bearer "+r.cred)
	}
	if r.accept == "" {
		r.accept = taxii.MediaType
	}
	hr.Header.Set("Accept", r.accept)
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(hr)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	if resp.StatusCode != 200 || r.method != "DELETE" {
		if ct := resp.Header.Get("Content-Type"); ct != taxii.MediaType {
			ts.t.Errorf("%s %s: Content-Type %q, want %q", r.method, r.path, ct, taxii.MediaType)
		}
	}
	if resp.StatusCode >= 400 {
		var e taxii.Error
		if json.Unmarshal(b, &e) != nil || e.Title == "" || e.HTTPStatus != fmt.Sprint(resp.StatusCode) {
			ts.t.Errorf("%s %s: %d without a TAXII error body: %s", r.method, r.path, resp.StatusCode, b)
		}
	}
	return response{resp.StatusCode, resp.Header, b}
}

func (ts *testServer) get(cred, path string, q url.Values) response {
	ts.t.Helper()
	return ts.do(req{method: "GET", path: path, cred: cred, query: q})
}

type envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next"`
	Objects []json.RawMessage `json:"objects"`
}

func ids(t *testing.T, objs []json.RawMessage) []string {
	var out []string
	for _, o := range objs {
		var h struct{ ID string }
		json.Unmarshal(o, &h)
		out = append(out, h.ID)
	}
	return out
}

const (
	objectsPath  = taxii.APIRootPath + "collections/" + taxii.ExportCollection + "/objects/"
	manifestPath = taxii.APIRootPath + "collections/" + taxii.ExportCollection + "/manifest/"
	inboxObjects = taxii.APIRootPath + "collections/" + taxii.InboxCollection + "/objects/"
)

// TestTAXIIClient drives the server as a TAXII 2.1 client would, over real
// HTTP on 127.0.0.1: discovery, collections, paging with next and
// added_after, filters, manifest, versions, writes with status, deletes and
// authentication failures.
func TestTAXIIClient(t *testing.T) {
	ts := startServer(t)
	reader := ts.partner("maple", false)
	writer := ts.partner("eagle", true)
	other := ts.partner("kiwi", true)
	var cids []string
	for i := range 5 {
		cids = append(cids, ts.publish("indicator", fmt.Sprintf("Green indicator %d", i), "green"))
	}
	cids = append(cids, ts.publish("method", "Clear method", "clear"))

	t.Run("auth", func(t *testing.T) {
		for name, r := range map[string]req{
			"none":        {method: "GET", path: taxii.DiscoveryPath},
			"wrong token": {method: "GET", path: taxii.DiscoveryPath, cred: "ursic-taxii-wrong"},
			"wrong user":  {method: "GET", path: taxii.DiscoveryPath, cred: reader, user: "eagle"},
		} {
			if got := ts.do(r); got.status != 401 || got.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: %d, want 401 with WWW-Authenticate", name, got.status)
			}
		}
		if got := ts.do(req{method: "GET", path: taxii.DiscoveryPath, cred: reader, user: "maple"}); got.status != 200 {
			t.Errorf("Basic auth: %d, want 200", got.status)
		}
		hr, _ := http.NewRequest("GET", ts.base+taxii.DiscoveryPath, nil)
		hr.Header.Set("Authorization", "Token "+reader)
		if resp, err := http.DefaultClient.Do(hr); err != nil || resp.StatusCode != 200 {
			t.Errorf("Authorization: Token: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
		gone := ts.partner("gone", false)
		if err := taxii.RevokePartner(ts.dir, "gone"); err != nil {
			t.Fatal(err)
		}
		if got := ts.get(gone, taxii.DiscoveryPath, nil); got.status != 401 {
			t.Errorf("revoked partner: %d, want 401", got.status)
		}
		if got := ts.do(req{method: "GET", path: taxii.DiscoveryPath, cred: reader, accept: "application/json"}); got.status != 406 {
			t.Errorf("Accept application/json: %d, want 406", got.status)
		}
	})

	t.Run("discovery", func(t *testing.T) {
		var d struct {
			Default  string   `json:"default"`
			APIRoots []string `json:"api_roots"`
		}
		ts.get(reader, taxii.DiscoveryPath, nil).decode(t, &d)
		if d.Default != ts.base+taxii.APIRootPath || len(d.APIRoots) != 1 {
			t.Errorf("discovery %+v", d)
		}
		var root struct {
			Versions []string `json:"versions"`
			Max      int      `json:"max_content_length"`
		}
		ts.get(reader, taxii.APIRootPath, nil).decode(t, &root)
		if len(root.Versions) != 1 || root.Versions[0] != taxii.MediaType || root.Max <= 0 {
			t.Errorf("api root %+v", root)
		}
		var cs struct{ Collections []taxii.CollectionInfo }
		ts.get(reader, taxii.APIRootPath+"collections/", nil).decode(t, &cs)
		if len(cs.Collections) != 1 || cs.Collections[0].ID != taxii.ExportCollection || !cs.Collections[0].CanRead || cs.Collections[0].CanWrite {
			t.Errorf("a reader's collections: %+v", cs.Collections)
		}
		ts.get(writer, taxii.APIRootPath+"collections/", nil).decode(t, &cs)
		if len(cs.Collections) != 2 || !cs.Collections[1].CanWrite {
			t.Errorf("a writer's collections: %+v", cs.Collections)
		}
		if got := ts.get(reader, taxii.APIRootPath+"collections/"+taxii.InboxCollection+"/", nil); got.status != 404 {
			t.Errorf("a reader asking for the inbox: %d, want 404", got.status)
		}
		if got := ts.get(reader, taxii.APIRootPath+"collections/"+taxii.ExportCollection+"/", nil); got.status != 200 {
			t.Errorf("get collection: %d", got.status)
		}
	})

	var all []string
	t.Run("paging", func(t *testing.T) {
		var whole envelope
		r := ts.get(reader, objectsPath, nil)
		r.decode(t, &whole)
		all = ids(t, whole.Objects)
		// 4 fixed objects, 5 reports and 5 subjects, 1 attack-pattern, 1 member identity
		if len(all) != 16 || whole.More {
			t.Fatalf("%d objects (more %v), want 16", len(all), whole.More)
		}
		if r.header.Get("X-TAXII-Date-Added-First") == "" || r.header.Get("X-TAXII-Date-Added-Last") == "" {
			t.Error("no X-TAXII-Date-Added headers")
		}
		var paged []string
		q := url.Values{"limit": {"3"}}
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			var env envelope
			ts.get(reader, objectsPath, q).decode(t, &env)
			paged = append(paged, ids(t, env.Objects)...)
			if !env.More {
				break
			}
			if env.Next == "" {
				t.Fatal("more without next")
			}
			q.Set("next", env.Next)
		}
		if strings.Join(paged, " ") != strings.Join(all, " ") {
			t.Errorf("pages give\n%v\nwant\n%v", paged, all)
		}
		first := ts.get(reader, objectsPath, url.Values{"limit": {"5"}})
		var env envelope
		ts.get(reader, objectsPath, url.Values{"added_after": {first.header.Get("X-TAXII-Date-Added-Last")}}).decode(t, &env)
		for _, id := range ids(t, env.Objects) {
			for _, seen := range all[:4] {
				if id == seen {
					t.Errorf("added_after returned %s, added before it", id)
				}
			}
		}
		if len(env.Objects) == 0 || len(env.Objects) >= len(all) {
			t.Errorf("added_after returned %d of %d objects", len(env.Objects), len(all))
		}
		if got := ts.get(reader, objectsPath, url.Values{"next": {"garbage!"}}); got.status != 400 {
			t.Errorf("a bad next: %d, want 400", got.status)
		}
		if got := ts.get(reader, objectsPath, url.Values{"match[colour]": {"red"}}); got.status != 400 {
			t.Errorf("an unknown filter: %d, want 400", got.status)
		}
	})

	t.Run("filters", func(t *testing.T) {
		var env envelope
		ts.get(reader, objectsPath, url.Values{"match[type]": {"report"}}).decode(t, &env)
		if len(env.Objects) != 5 {
			t.Errorf("match[type]=report: %d objects, want 5", len(env.Objects))
		}
		ts.get(reader, objectsPath, url.Values{"match[type]": {"report,attack-pattern"}}).decode(t, &env)
		if len(env.Objects) != 6 {
			t.Errorf("match[type]=report,attack-pattern: %d objects, want 6", len(env.Objects))
		}
		id := liaison.RecordID("report", cids[0])
		ts.get(reader, objectsPath, url.Values{"match[id]": {id}}).decode(t, &env)
		if got := ids(t, env.Objects); len(got) != 1 || got[0] != id {
			t.Errorf("match[id]: %v", got)
		}
		for _, v := range []string{"first", "last", "all"} {
			ts.get(reader, objectsPath, url.Values{"match[id]": {id}, "match[version]": {v}}).decode(t, &env)
			if len(env.Objects) != 1 {
				t.Errorf("match[version]=%s: %d objects", v, len(env.Objects))
			}
		}
		ts.get(reader, objectsPath, url.Values{"match[spec_version]": {"2.0"}}).decode(t, &env)
		if len(env.Objects) != 0 {
			t.Errorf("match[spec_version]=2.0: %d objects", len(env.Objects))
		}
		r := ts.get(reader, objectsPath+id+"/", nil)
		r.decode(t, &env)
		if r.status != 200 || len(env.Objects) != 1 {
			t.Errorf("object by id: %d, %d objects", r.status, len(env.Objects))
		}
		if got := ts.get(reader, objectsPath+"report--00000000-0000-4000-8000-000000000000/", nil); got.status != 404 {
			t.Errorf("an unknown object: %d, want 404", got.status)
		}
		var vs struct {
			More     bool
			Versions []string
		}
		ts.get(reader, objectsPath+id+"/versions/", nil).decode(t, &vs)
		if len(vs.Versions) != 1 || vs.More {
			t.Errorf("versions: %+v", vs)
		}
	})

	t.Run("retracted", func(t *testing.T) {
		if _, err := ts.n.Retract(cids[1], "test"); err != nil {
			t.Fatal(err)
		}
		id := liaison.RecordID("report", cids[1])
		var env envelope
		ts.get(reader, objectsPath+id+"/", nil).decode(t, &env)
		if len(env.Objects) != 1 || !bytes.Contains(env.Objects[0], []byte(`"revoked":true`)) || bytes.Contains(env.Objects[0], []byte("Green indicator 1")) {
			t.Errorf("a retracted record is served as %s", env.Objects)
		}
	})

	t.Run("manifest", func(t *testing.T) {
		var m struct {
			More    bool
			Objects []taxii.ManifestRecord
		}
		r := ts.get(reader, manifestPath, url.Values{"match[type]": {"report"}, "limit": {"2"}})
		r.decode(t, &m)
		if len(m.Objects) != 2 || !m.More || r.header.Get("X-TAXII-Date-Added-First") == "" {
			t.Errorf("manifest: %+v", m)
		}
		for _, o := range m.Objects {
			if o.MediaType != taxii.STIXMediaType || o.Version == "" || o.DateAdded == "" {
				t.Errorf("manifest record %+v", o)
			}
		}
	})

	t.Run("writes", func(t *testing.T) {
		bundle, err := os.ReadFile("../liaison/testdata/partner-bundle.json")
		if err != nil {
			t.Fatal(err)
		}
		var b struct{ Objects []json.RawMessage }
		json.Unmarshal(bundle, &b)
		env, _ := json.Marshal(map[string]any{"objects": b.Objects})
		post := func(cred, path, ctype string, body []byte) response {
			return ts.do(req{method: "POST", path: path, cred: cred, ctype: ctype, body: body})
		}
		if got := post(writer, objectsPath, taxii.MediaType, env); got.status != 403 {
			t.Errorf("POST to the read collection: %d, want 403", got.status)
		}
		if got := post(reader, inboxObjects, taxii.MediaType, env); got.status != 404 {
			t.Errorf("POST to the inbox without --write: %d, want 404", got.status)
		}
		if got := post(writer, inboxObjects, "application/json", env); got.status != 415 {
			t.Errorf("POST as application/json: %d, want 415", got.status)
		}
		if got := post(writer, inboxObjects, taxii.MediaType, []byte(`{"objects":`)); got.status != 422 {
			t.Errorf("POST of broken JSON: %d, want 422", got.status)
		}
		if got := post(writer, inboxObjects, taxii.MediaType, bytes.Repeat([]byte(" "), taxii.MaxContentLength+1)); got.status != 413 {
			t.Errorf("POST larger than max_content_length: %d, want 413", got.status)
		}
		r := post(writer, inboxObjects, taxii.MediaType, env)
		var st taxii.Status
		r.decode(t, &st)
		// Refused at the door: RED, the unknown marking and the unmarked report.
		if r.status != 202 || st.Status != "complete" || st.TotalCount != 15 || st.FailureCount != 3 || st.SuccessCount != 12 {
			t.Fatalf("POST: %d %+v", r.status, st)
		}
		var again taxii.Status
		ts.get(writer, taxii.APIRootPath+"status/"+st.ID+"/", nil).decode(t, &again)
		if again.ID != st.ID || again.SuccessCount != 12 {
			t.Errorf("status: %+v", again)
		}
		if got := ts.get(other, taxii.APIRootPath+"status/"+st.ID+"/", nil); got.status != 404 {
			t.Errorf("another partner's status: %d, want 404", got.status)
		}
		var mine, theirs envelope
		ts.get(writer, inboxObjects, nil).decode(t, &mine)
		ts.get(other, inboxObjects, nil).decode(t, &theirs)
		if len(mine.Objects) != 12 || len(theirs.Objects) != 0 {
			t.Errorf("inbox read back: own %d (want 12), another partner's %d (want 0)", len(mine.Objects), len(theirs.Objects))
		}
		gone := "malware--3a1d7a4e-6f0b-4a4b-9f53-1d2e3f4a5b61"
		if got := ts.do(req{method: "DELETE", path: inboxObjects + gone + "/", cred: other}); got.status != 404 {
			t.Errorf("deleting another partner's object: %d, want 404", got.status)
		}
		if got := ts.do(req{method: "DELETE", path: objectsPath + liaison.RecordID("report", cids[0]) + "/", cred: writer}); got.status != 403 {
			t.Errorf("deleting from the read collection: %d, want 403", got.status)
		}
		if got := ts.do(req{method: "DELETE", path: inboxObjects + gone + "/", cred: writer}); got.status != 200 {
			t.Errorf("DELETE: %d, want 200", got.status)
		}
		if got := ts.get(writer, inboxObjects+gone+"/", nil); got.status != 404 {
			t.Errorf("a deleted object: %d, want 404", got.status)
		}
		// The operator accepts: the import runs through the guardrails.
		items, err := ts.n.InboxList()
		if err != nil || len(items) != 1 || items[0].Partner != "eagle" || len(items[0].Objects) != 11 {
			t.Fatalf("inbox: %+v, %v", items, err)
		}
		sealed, err := os.ReadFile(filepath.Join(ts.dir, node.InboxDir, items[0].ID+".age"))
		if err != nil || bytes.Contains(sealed, []byte("Northwind")) {
			t.Errorf("the inbox payload is not sealed at rest (%v)", err)
		}
		res, err := ts.n.InboxAccept(context.Background(), items[0].ID, node.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		published := 0
		for _, r := range res {
			if r.Outcome == node.ImportPublished {
				published++
			}
		}
		if published != 5 {
			t.Errorf("%d published from the inbox, want 5: %+v", published, res)
		}
		ts.get(writer, inboxObjects, nil).decode(t, &mine)
		if len(mine.Objects) != 0 {
			t.Errorf("%d objects still in the inbox after accept", len(mine.Objects))
		}
	})
}

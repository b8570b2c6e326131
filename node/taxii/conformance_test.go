package taxii_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node/liaison/stixtest"
)

// An outsider's TAXII 2.1 client: it knows the specification, the
// discovery URL and its credential, nothing of this package. It follows
// the URLs the server gives, and checks every answer as a conformance
// suite would.

const (
	taxiiType = "application/taxii+json;version=2.1"
	stixType  = "application/stix+json;version=2.1"
)

type outsider struct {
	t          *testing.T
	base       string
	user, pass string // Basic auth
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// call makes one request. Every answer but a DELETE's 200 must be TAXII
// JSON, and every error a TAXII error message with its status.
func (c *outsider) call(method, u string, hdr map[string]string, body []byte) answer {
	c.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = c.base + u
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	req.Header.Set("Accept", taxiiType)
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	a := answer{resp.StatusCode, resp.Header, b}
	if method == "DELETE" && a.status == 200 {
		return a
	}
	if ct := resp.Header.Get("Content-Type"); ct != taxiiType {
		c.t.Errorf("%s %s: %d with Content-Type %q, want %q", method, u, a.status, ct, taxiiType)
	}
	if a.status >= 400 {
		var e map[string]any
		if err := json.Unmarshal(b, &e); err != nil {
			c.t.Errorf("%s %s: %d: the error is not JSON: %q", method, u, a.status, b)
		} else if title, _ := e["title"].(string); title == "" || e["http_status"] != strconv.Itoa(a.status) {
			c.t.Errorf("%s %s: %d: not a TAXII error message (title, http_status as a string): %s", method, u, a.status, b)
		}
	}
	return a
}

func (c *outsider) get(u string, q url.Values, v any) answer {
	c.t.Helper()
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	a := c.call("GET", u, nil, nil)
	if a.status != 200 {
		c.t.Fatalf("GET %s: %d %s", u, a.status, a.body)
	}
	reflect.ValueOf(v).Elem().SetZero() // an absent member is absent, not left from before
	if err := json.Unmarshal(a.body, v); err != nil {
		c.t.Fatalf("GET %s: %v: %s", u, err, a.body)
	}
	return a
}

// The resources, as the specification defines them.
type (
	discoveryRes struct {
		Title    string   `json:"title"`
		Default  string   `json:"default"`
		APIRoots []string `json:"api_roots"`
	}
	apiRootRes struct {
		Title            string   `json:"title"`
		Versions         []string `json:"versions"`
		MaxContentLength int      `json:"max_content_length"`
	}
	collectionRes struct {
		ID         string   `json:"id"`
		Title      string   `json:"title"`
		CanRead    *bool    `json:"can_read"`
		CanWrite   *bool    `json:"can_write"`
		MediaTypes []string `json:"media_types"`
	}
	envelopeRes struct {
		More    bool              `json:"more"`
		Next    string            `json:"next"`
		Objects []json.RawMessage `json:"objects"`
	}
	manifestRes struct {
		More    bool   `json:"more"`
		Next    string `json:"next"`
		Objects []struct {
			ID        string `json:"id"`
			DateAdded string `json:"date_added"`
			Version   string `json:"version"`
			MediaType string `json:"media_type"`
		} `json:"objects"`
	}
	versionsRes struct {
		More     bool     `json:"more"`
		Next     string   `json:"next"`
		Versions []string `json:"versions"`
	}
	statusDetails struct {
		ID      *string `json:"id"`
		Version *string `json:"version"`
	}
	statusRes struct {
		ID           string          `json:"id"`
		Status       string          `json:"status"`
		TotalCount   *int            `json:"total_count"`
		SuccessCount *int            `json:"success_count"`
		FailureCount *int            `json:"failure_count"`
		PendingCount *int            `json:"pending_count"`
		Successes    []statusDetails `json:"successes"`
		Failures     []statusDetails `json:"failures"`
	}
)

var (
	uuidRE      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	timestampRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)
)

func taxiiTimestamp(t *testing.T, what, s string) time.Time {
	t.Helper()
	if !timestampRE.MatchString(s) {
		t.Errorf("%s %q is not a TAXII timestamp", what, s)
		return time.Time{}
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("%s %q: %v", what, s, err)
	}
	return v
}

// head is what the client reads of a STIX object.
type head struct {
	ID, Type, Created, Modified string
	SpecVersion                 string `json:"spec_version"`
}

func heads(t *testing.T, objs []json.RawMessage) []head {
	t.Helper()
	out := make([]head, len(objs))
	for i, o := range objs {
		if err := json.Unmarshal(o, &out[i]); err != nil || out[i].ID == "" || out[i].Type == "" || out[i].SpecVersion != "2.1" {
			t.Errorf("object %d is not a STIX 2.1 object: %s", i, o)
		}
	}
	return out
}

func (h head) version() string {
	if h.Modified != "" {
		return h.Modified
	}
	return h.Created
}

// TestTAXIIConformance drives every endpoint and header of TAXII 2.1 as an
// independent client over HTTP on 127.0.0.1, and checks every object of
// the read collection as a strict STIX validator would.
func TestTAXIIConformance(t *testing.T) {
	ts := startServer(t)
	readerCred := ts.partner("maple", false)
	writerCred := ts.partner("eagle", true)
	var cids []string
	for i := range 4 {
		cids = append(cids, ts.publish("indicator", fmt.Sprintf("Conformance indicator %d", i), []string{"green", "clear"}[i%2]))
	}
	cids = append(cids, ts.publish("method", "Conformance method", "green"))
	ts.publish("indicator", "Conformance amber", "amber") // never served
	reader := &outsider{t: t, base: ts.base, user: "maple", pass: readerCred}
	writer := &outsider{t: t, base: ts.base, user: "eagle", pass: writerCred}

	// Discovery, API root, collections.
	var disc discoveryRes
	reader.get("/taxii2/", nil, &disc)
	if disc.Title == "" || len(disc.APIRoots) == 0 || !slices.Contains(disc.APIRoots, disc.Default) {
		t.Fatalf("discovery: %+v", disc)
	}
	root := disc.Default
	if !strings.HasPrefix(root, ts.base+"/") || !strings.HasSuffix(root, "/") {
		t.Errorf("api root URL %q is not an absolute URL on this server ending in /", root)
	}
	var ar apiRootRes
	reader.get(root, nil, &ar)
	if ar.Title == "" || !slices.Contains(ar.Versions, taxiiType) || ar.MaxContentLength <= 0 {
		t.Errorf("api root: %+v", ar)
	}
	var cols struct{ Collections []collectionRes }
	reader.get(root+"collections/", nil, &cols)
	var readColl string
	for _, c := range cols.Collections {
		if !uuidRE.MatchString(c.ID) || c.Title == "" || c.CanRead == nil || c.CanWrite == nil || !slices.Contains(c.MediaTypes, stixType) {
			t.Errorf("collection %+v", c)
		}
		var one collectionRes
		reader.get(root+"collections/"+c.ID+"/", nil, &one)
		if one.ID != c.ID {
			t.Errorf("collection %s by id gives %s", c.ID, one.ID)
		}
		if c.CanRead != nil && *c.CanRead {
			readColl = root + "collections/" + c.ID + "/"
		}
	}
	if readColl == "" {
		t.Fatal("no readable collection")
	}
	var inbox string
	writer.get(root+"collections/", nil, &cols)
	for _, c := range cols.Collections {
		if c.CanWrite != nil && *c.CanWrite {
			inbox = root + "collections/" + c.ID + "/"
		}
	}
	if inbox == "" {
		t.Fatal("no writable collection for a writer")
	}

	t.Run("content negotiation", func(t *testing.T) {
		for accept, want := range map[string]int{
			taxiiType:                              200,
			"application/taxii+json":               200,
			"application/taxii+json; version=2.1":  200,
			"application/json;q=0.5, " + taxiiType: 200,
			"*/*":                                  200,
			"":                                     200,
			"application/json":                     406,
			"application/taxii+json;version=2.0":   406,
			stixType:                               406,
			taxiiType + ";q=0":                     406,
			"application/taxii+json;version=2.1;q=0, application/json": 406,
		} {
			if a := reader.call("GET", root, map[string]string{"Accept": accept}, nil); a.status != want {
				t.Errorf("Accept %q: %d, want %d", accept, a.status, want)
			}
		}
	})

	t.Run("methods", func(t *testing.T) {
		for _, c := range []struct{ method, u string }{
			{"PUT", "/taxii2/"}, {"POST", "/taxii2/"}, {"DELETE", root}, {"POST", root + "collections/"},
			{"PUT", readColl + "objects/"}, {"POST", readColl + "manifest/"}, {"PATCH", readColl},
		} {
			a := reader.call(c.method, c.u, nil, []byte("{}"))
			if a.status != 405 || a.header.Get("Allow") == "" {
				t.Errorf("%s %s: %d (Allow %q), want 405 with Allow", c.method, c.u, a.status, a.header.Get("Allow"))
			}
		}
		anon := &outsider{t: t, base: ts.base}
		if a := anon.call("PUT", "/taxii2/", nil, nil); a.status != 401 {
			t.Errorf("PUT without credentials: %d, want 401", a.status)
		}
	})

	t.Run("authentication", func(t *testing.T) {
		for name, c := range map[string]*outsider{
			"none":         {t: t, base: ts.base},
			"wrong user":   {t: t, base: ts.base, user: "eagle", pass: readerCred},
			"wrong secret": {t: t, base: ts.base, user: "maple", pass: readerCred + "x"},
		} {
			for _, u := range []string{"/taxii2/", root, readColl + "objects/", root + "status/" + "00000000-0000-4000-8000-000000000000/"} {
				if a := c.call("GET", u, nil, nil); a.status != 401 || !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Basic") {
					t.Errorf("%s: GET %s: %d (WWW-Authenticate %q), want 401 with a Basic challenge", name, u, a.status, a.header.Get("WWW-Authenticate"))
				}
			}
		}
	})

	// The whole read collection, every version.
	var whole envelopeRes
	wholeAns := reader.get(readColl+"objects/", url.Values{"match[version]": {"all"}}, &whole)
	all := heads(t, whole.Objects)
	var man manifestRes
	reader.get(readColl+"manifest/", url.Values{"match[version]": {"all"}}, &man)
	if len(man.Objects) != len(all) || whole.More || man.More {
		t.Fatalf("%d objects, %d manifest records (more %v %v)", len(all), len(man.Objects), whole.More, man.More)
	}
	added := map[string]time.Time{}
	var prev time.Time
	for i, m := range man.Objects {
		d := taxiiTimestamp(t, "date_added", m.DateAdded)
		if d.Before(prev) {
			t.Errorf("manifest record %d is added before the one before it", i)
		}
		prev = d
		added[m.ID+"@"+m.Version] = d
		if m.MediaType != stixType || m.ID != all[i].ID || m.Version != all[i].version() {
			t.Errorf("manifest record %d %+v does not describe object %+v", i, m, all[i])
		}
	}
	first := taxiiTimestamp(t, "X-TAXII-Date-Added-First", wholeAns.header.Get("X-TAXII-Date-Added-First"))
	last := taxiiTimestamp(t, "X-TAXII-Date-Added-Last", wholeAns.header.Get("X-TAXII-Date-Added-Last"))
	if !first.Equal(added[all[0].ID+"@"+all[0].version()]) || !last.Equal(prev) {
		t.Errorf("X-TAXII-Date-Added-First/Last %v/%v, the manifest says %v/%v", first, last, added[all[0].ID+"@"+all[0].version()], prev)
	}

	t.Run("strict STIX", func(t *testing.T) {
		b, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--6f2a0e86-3a7c-4b8e-9d1f-2c3b4a5d6e7f", "objects": whole.Objects})
		for _, err := range stixtest.Strict(b) {
			t.Error(err)
		}
		for _, o := range whole.Objects {
			for _, secret := range []string{"Conformance amber", "55d920b0-5e8b-4f79-9ee9-91f868d9b421"} {
				if bytes.Contains(o, []byte(secret)) {
					t.Errorf("the read collection serves %s", secret)
				}
			}
		}
	})

	t.Run("filters", func(t *testing.T) {
		count := func(pred func(head) bool) int {
			n := 0
			for _, h := range all {
				if pred(h) {
					n++
				}
			}
			return n
		}
		var env envelopeRes
		for _, types := range []string{"report", "identity", "report,attack-pattern", "marking-definition", "indicator"} {
			reader.get(readColl+"objects/", url.Values{"match[type]": {types}}, &env)
			got := heads(t, env.Objects)
			if want := count(func(h head) bool { return slices.Contains(strings.Split(types, ","), h.Type) }); len(got) != want {
				t.Errorf("match[type]=%s: %d objects, want %d", types, len(got), want)
			}
			for _, h := range got {
				if !slices.Contains(strings.Split(types, ","), h.Type) {
					t.Errorf("match[type]=%s gives a %s", types, h.Type)
				}
			}
		}
		ids := all[0].ID + "," + all[len(all)-1].ID
		reader.get(readColl+"objects/", url.Values{"match[id]": {ids}}, &env)
		if got := heads(t, env.Objects); len(got) != 2 || got[0].ID != all[0].ID || got[1].ID != all[len(all)-1].ID {
			t.Errorf("match[id]=%s: %+v", ids, got)
		}
		for _, sv := range []struct {
			v    string
			want int
		}{{"2.1", len(all)}, {"2.0", 0}, {"2.0,2.1", len(all)}} {
			a := reader.get(readColl+"objects/", url.Values{"match[spec_version]": {sv.v}, "match[version]": {"all"}}, &env)
			if len(env.Objects) != sv.want {
				t.Errorf("match[spec_version]=%s: %d objects, want %d", sv.v, len(env.Objects), sv.want)
			}
			if sv.want == 0 && (a.header.Get("X-TAXII-Date-Added-First") != "" || env.More) {
				t.Errorf("an empty answer has date headers or more: %v", a.header)
			}
		}
		report := all[slices.IndexFunc(all, func(h head) bool { return h.Type == "report" })]
		for _, v := range []string{"first", "last", "all", report.version(), "first,last"} {
			reader.get(readColl+"objects/", url.Values{"match[id]": {report.ID}, "match[version]": {v}}, &env)
			if got := heads(t, env.Objects); len(got) != 1 || got[0].version() != report.version() {
				t.Errorf("match[version]=%s: %+v", v, got)
			}
		}
		reader.get(readColl+"objects/", url.Values{"match[id]": {report.ID}, "match[version]": {"2001-01-01T00:00:00.000Z"}}, &env)
		if len(env.Objects) != 0 {
			t.Errorf("match[version] of a version that does not exist: %d objects", len(env.Objects))
		}
		for _, bad := range []url.Values{{"limit": {"0"}}, {"limit": {"ten"}}, {"added_after": {"yesterday"}}, {"match[version]": {"newest"}}, {"next": {"%%%"}}} {
			if a := reader.call("GET", readColl+"objects/?"+bad.Encode(), nil, nil); a.status != 400 {
				t.Errorf("GET objects?%s: %d, want 400", bad.Encode(), a.status)
			}
		}
	})

	t.Run("object and versions", func(t *testing.T) {
		for _, h := range all {
			var env envelopeRes
			a := reader.get(readColl+"objects/"+h.ID+"/", nil, &env)
			if got := heads(t, env.Objects); len(got) != 1 || got[0].ID != h.ID || a.header.Get("X-TAXII-Date-Added-First") == "" {
				t.Errorf("object %s: %+v", h.ID, got)
			}
			var vs versionsRes
			a = reader.get(readColl+"objects/"+h.ID+"/versions/", nil, &vs)
			if len(vs.Versions) == 0 || !slices.Contains(vs.Versions, h.version()) || vs.More || a.header.Get("X-TAXII-Date-Added-Last") == "" {
				t.Errorf("versions of %s: %+v", h.ID, vs)
			}
			for _, v := range vs.Versions {
				taxiiTimestamp(t, "version", v)
			}
		}
		missing := "report--4c2ab5a0-6a4e-4e59-9f59-0c0a3c0b1d2e"
		for _, u := range []string{readColl + "objects/" + missing + "/", readColl + "objects/" + missing + "/versions/", root + "collections/9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d/objects/"} {
			if a := reader.call("GET", u, nil, nil); a.status != 404 {
				t.Errorf("GET %s: %d, want 404", u, a.status)
			}
		}
		if a := reader.call("GET", readColl+"objects/"+all[0].ID+"/versions/?match%5Bversion%5D=all", nil, nil); a.status != 400 {
			t.Errorf("versions with match[version]: %d, want 400", a.status)
		}
	})

	// Paging: limit, more, next, added_after, with records published and
	// retracted between pages. No version is served twice; every version
	// that was there when paging began and is still there at the end is
	// served once; so is every new one.
	t.Run("paging", func(t *testing.T) {
		for _, endpoint := range []string{"objects/", "manifest/"} {
			seen := map[string]int{}
			q := url.Values{"limit": {"2"}, "match[version]": {"all"}}
			var lastAdded time.Time
			for page := 0; ; page++ {
				if page > 100 {
					t.Fatal("paging does not end")
				}
				var keys []string
				var a answer
				var more bool
				var next string
				if endpoint == "objects/" {
					var env envelopeRes
					a = reader.get(readColl+endpoint, q, &env)
					for _, h := range heads(t, env.Objects) {
						keys = append(keys, h.ID+"@"+h.version())
					}
					more, next = env.More, env.Next
				} else {
					var m manifestRes
					a = reader.get(readColl+endpoint, q, &m)
					for _, r := range m.Objects {
						keys = append(keys, r.ID+"@"+r.Version)
					}
					more, next = m.More, m.Next
				}
				if len(keys) > 2 {
					t.Errorf("page %d has %d entries, limit 2", page, len(keys))
				}
				if len(keys) > 0 {
					f := taxiiTimestamp(t, "X-TAXII-Date-Added-First", a.header.Get("X-TAXII-Date-Added-First"))
					if f.Before(lastAdded) {
						t.Errorf("page %d starts before the page before it ended", page)
					}
					lastAdded = taxiiTimestamp(t, "X-TAXII-Date-Added-Last", a.header.Get("X-TAXII-Date-Added-Last"))
				}
				for _, k := range keys {
					seen[k]++
				}
				if page == 1 && endpoint == "objects/" {
					cids = append(cids, ts.publish("indicator", "Published while paging", "green"))
					if _, err := ts.n.Retract(cids[0], "conformance"); err != nil {
						t.Fatal(err)
					}
				}
				if !more {
					if next != "" {
						t.Errorf("more false with next %q", next)
					}
					break
				}
				if next == "" {
					t.Fatal("more without next")
				}
				q.Set("next", next)
			}
			var now envelopeRes
			reader.get(readColl+"objects/", url.Values{"match[version]": {"all"}}, &now)
			for _, h := range heads(t, now.Objects) {
				if k := h.ID + "@" + h.version(); seen[k] != 1 {
					t.Errorf("%s: %s served %d times by paging", endpoint, k, seen[k])
				}
			}
			for k, n := range seen {
				if n != 1 {
					t.Errorf("%s: %s served %d times", endpoint, k, n)
				}
			}
		}

		// Polling: added_after the last date added seen gives nothing
		// until something is new, then only that.
		var env envelopeRes
		a := reader.get(readColl+"objects/", nil, &env)
		mark := a.header.Get("X-TAXII-Date-Added-Last")
		a = reader.get(readColl+"objects/", url.Values{"added_after": {mark}}, &env)
		if len(env.Objects) != 0 || env.More || a.header.Get("X-TAXII-Date-Added-First") != "" {
			t.Errorf("added_after the last date added: %d objects", len(env.Objects))
		}
		cid := ts.publish("method", "Polled method", "clear")
		a = reader.get(readColl+"objects/", url.Values{"added_after": {mark}}, &env)
		got := heads(t, env.Objects)
		if len(got) != 1 || got[0].Type != "attack-pattern" || !bytes.Contains(env.Objects[0], []byte(cid)) {
			t.Errorf("added_after after one new method: %+v", got)
		}
		if d := taxiiTimestamp(t, "X-TAXII-Date-Added-First", a.header.Get("X-TAXII-Date-Added-First")); !d.After(taxiiTimestamp(t, "mark", mark)) {
			t.Errorf("the new object's date added %v is not after %s", d, mark)
		}
	})

	t.Run("add objects and status", func(t *testing.T) {
		obj := func(id, extra string) string {
			return `{"type":"attack-pattern","spec_version":"2.1","id":"` + id + `","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-02T00:00:00.000Z","name":"Partner method","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]` + extra + `}`
		}
		good := "attack-pattern--0d9c8a55-3c1e-4e7b-9a5d-6f7e8d9c0b1a"
		env := []byte(`{"objects":[` + obj(good, "") + `,` +
			strings.Replace(obj("attack-pattern--1d9c8a55-3c1e-4e7b-9a5d-6f7e8d9c0b1a", ""), `"spec_version":"2.1"`, `"spec_version":"2.0"`, 1) + `,` +
			strings.Replace(obj("attack-pattern--2d9c8a55-3c1e-4e7b-9a5d-6f7e8d9c0b1a", ""), `"2026-11-02T00:00:00.000Z"`, `"last tuesday"`, 1) + `,` +
			strings.Replace(obj("attack-pattern--3d9c8a55-3c1e-4e7b-9a5d-6f7e8d9c0b1a", ""), "bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "e828b379-4e03-4974-9ac4-e53a884c97c1", 1) + `]}`)
		for ct, want := range map[string]int{"": 415, "application/json": 415, stixType: 415, "application/taxii+json;version=2.0": 415} {
			if a := writer.call("POST", inbox+"objects/", map[string]string{"Content-Type": ct}, env); a.status != want {
				t.Errorf("POST as %q: %d, want %d", ct, a.status, want)
			}
		}
		if a := writer.call("POST", readColl+"objects/", map[string]string{"Content-Type": taxiiType}, env); a.status != 403 {
			t.Errorf("POST to a read-only collection: %d, want 403", a.status)
		}
		if a := writer.call("POST", inbox+"objects/", map[string]string{"Content-Type": taxiiType}, []byte(`{"objects":[42]}`)); a.status != 422 {
			t.Errorf("POST of an envelope holding a number: %d, want 422", a.status)
		}
		a := writer.call("POST", inbox+"objects/", map[string]string{"Content-Type": taxiiType}, env)
		var st statusRes
		if err := json.Unmarshal(a.body, &st); err != nil || a.status != 202 {
			t.Fatalf("POST: %d %s", a.status, a.body)
		}
		checkStatus := func(st statusRes) {
			t.Helper()
			if !uuidRE.MatchString(st.ID) || (st.Status != "complete" && st.Status != "pending") || st.TotalCount == nil || st.SuccessCount == nil || st.FailureCount == nil || st.PendingCount == nil {
				t.Fatalf("status resource %+v", st)
			}
			if *st.TotalCount != 4 || *st.SuccessCount != 1 || *st.FailureCount != 3 || *st.PendingCount != 0 || len(st.Successes) != 1 || len(st.Failures) != 3 {
				t.Errorf("status counts: total %d success %d failure %d pending %d", *st.TotalCount, *st.SuccessCount, *st.FailureCount, *st.PendingCount)
			}
			for _, d := range append(st.Successes, st.Failures...) {
				if d.ID == nil || *d.ID == "" || d.Version == nil || *d.Version == "" {
					t.Errorf("status details without an id or version: %+v", d)
				}
			}
		}
		checkStatus(st)
		var again statusRes
		writer.get(root+"status/"+st.ID+"/", nil, &again)
		checkStatus(again)
		if a := reader.call("GET", root+"status/"+st.ID+"/", nil, nil); a.status != 404 {
			t.Errorf("another partner's status: %d, want 404", a.status)
		}

		var back envelopeRes
		writer.get(inbox+"objects/", nil, &back)
		if got := heads(t, back.Objects); len(got) != 1 || got[0].ID != good {
			t.Errorf("the inbox reads back %+v", got)
		}
		if a := writer.call("DELETE", inbox+"objects/"+good+"/?match%5Bversion%5D=2026-11-02T00:00:00.000Z", nil, nil); a.status != 200 {
			t.Errorf("DELETE: %d %s", a.status, a.body)
		}
		if a := writer.call("DELETE", inbox+"objects/"+good+"/", nil, nil); a.status != 404 {
			t.Errorf("DELETE again: %d, want 404", a.status)
		}
		if a := writer.call("DELETE", readColl+"objects/"+all[0].ID+"/", nil, nil); a.status != 403 {
			t.Errorf("DELETE from a read-only collection: %d, want 403", a.status)
		}
	})
}

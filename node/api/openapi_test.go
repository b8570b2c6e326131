package api_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/ursic/ursic/docs"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// openAPIFile names the OpenAPI description of the local API in messages;
// the test reads it as package docs embeds it.
const openAPIFile = "docs/openapi.yaml"

// openAPIBase is the URL the document is known by to the schema compiler;
// nothing is fetched from it.
const openAPIBase = "https://ursic.invalid/openapi.json"

// oaSpec is docs/openapi.yaml, parsed, with its schemas compiled on demand.
type oaSpec struct {
	doc     map[string]any
	c       *jsonschema.Compiler
	schemas map[string]*jsonschema.Schema
}

// oaOp is one documented operation.
type oaOp struct {
	method, path string // "GET", "/v1/records/{cid}"
	ptr          string // JSON pointer of the operation object
	obj          map[string]any
}

func (o oaOp) key() string { return o.method + " " + o.path }

// pending reports whether the operation is marked as being built elsewhere.
func (o oaOp) pending() bool { return o.obj["x-ursic-status"] == "pending" }

func loadOpenAPI(t *testing.T) *oaSpec {
	t.Helper()
	var y any
	if err := yaml.Unmarshal(docs.OpenAPI, &y); err != nil {
		t.Fatalf("%s: %v", openAPIFile, err)
	}
	// Through JSON, so that the schema library sees the values it expects
	// (json.Number, map[string]any).
	js, err := json.Marshal(y)
	if err != nil {
		t.Fatalf("%s does not convert to JSON: %v", openAPIFile, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	m, ok := doc.(map[string]any)
	if !ok || m["openapi"] != "3.1.0" {
		t.Fatalf("%s is not an OpenAPI 3.1.0 document", openAPIFile)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(openAPIBase, doc); err != nil {
		t.Fatal(err)
	}
	return &oaSpec{doc: m, c: c, schemas: map[string]*jsonschema.Schema{}}
}

func ptrEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// at returns the value at a JSON pointer of the document.
func (s *oaSpec) at(ptr string) (any, bool) {
	var v any = s.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return v, true
}

// resolve follows a local $ref, returning the object and its pointer.
func (s *oaSpec) resolve(t *testing.T, ptr string, v any) (string, map[string]any) {
	t.Helper()
	for range 8 {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("openapi: %s is not an object", ptr)
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return ptr, m
		}
		if !strings.HasPrefix(ref, "#/") {
			t.Fatalf("openapi: %s: only local references are used, not %q", ptr, ref)
		}
		ptr = strings.TrimPrefix(ref, "#")
		if v, ok = s.at(ptr); !ok {
			t.Fatalf("openapi: %s: %q does not resolve", ptr, ref)
		}
	}
	t.Fatalf("openapi: %s: references nest too deep", ptr)
	return "", nil
}

func (s *oaSpec) schema(t *testing.T, ptr string) *jsonschema.Schema {
	t.Helper()
	if sch, ok := s.schemas[ptr]; ok {
		return sch
	}
	sch, err := s.c.Compile(openAPIBase + "#" + ptr)
	if err != nil {
		t.Fatalf("openapi: schema at %s: %v", ptr, err)
	}
	s.schemas[ptr] = sch
	return sch
}

var oaMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

func (s *oaSpec) ops() []oaOp {
	var out []oaOp
	paths, _ := s.doc["paths"].(map[string]any)
	for p, item := range paths {
		im, _ := item.(map[string]any)
		for _, m := range oaMethods {
			if o, ok := im[m].(map[string]any); ok {
				out = append(out, oaOp{method: strings.ToUpper(m), path: p, ptr: "/paths/" + ptrEscape(p) + "/" + m, obj: o})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

func (s *oaSpec) op(method, path string) (oaOp, bool) {
	for _, o := range s.ops() {
		if o.method == method && o.path == path {
			return o, true
		}
	}
	return oaOp{}, false
}

// secured reports whether the operation needs the bearer token.
func (s *oaSpec) secured(o oaOp) bool {
	sec, ok := o.obj["security"].([]any)
	if !ok {
		sec, _ = s.doc["security"].([]any)
	}
	if len(sec) == 0 {
		return false
	}
	for _, r := range sec {
		if m, _ := r.(map[string]any); len(m) == 0 {
			return false // an empty requirement: the token is optional
		}
	}
	return true
}

// params returns the operation's parameters, references resolved.
func (s *oaSpec) params(t *testing.T, o oaOp) []map[string]any {
	t.Helper()
	var out []map[string]any
	ps, _ := o.obj["parameters"].([]any)
	for i, p := range ps {
		_, m := s.resolve(t, fmt.Sprintf("%s/parameters/%d", o.ptr, i), p)
		out = append(out, m)
	}
	return out
}

// mediaMatch reports whether a response's Content-Type is the documented
// media type: the same type and every parameter the documentation names.
func mediaMatch(documented, got string) bool {
	dt, dp, err1 := mime.ParseMediaType(documented)
	gt, gp, err2 := mime.ParseMediaType(got)
	if err1 != nil || err2 != nil || dt != gt {
		return false
	}
	for k, v := range dp {
		if gp[k] != v {
			return false
		}
	}
	return true
}

func isJSONMedia(mt string) bool {
	base, _, _ := mime.ParseMediaType(mt)
	return base == "application/json" || strings.HasSuffix(base, "+json")
}

// checkResponse holds one answer to the documented responses of o: its
// status is documented, its Content-Type is one the documentation names,
// and its body (each line of a JSON Lines stream) validates against the
// schema.
func (s *oaSpec) checkResponse(t *testing.T, o oaOp, status int, hdr http.Header, body []byte) {
	t.Helper()
	resps, _ := o.obj["responses"].(map[string]any)
	r, ok := resps[strconv.Itoa(status)]
	if !ok {
		t.Errorf("%s answered %d, which docs/openapi.yaml does not document: %.300s", o.key(), status, body)
		return
	}
	rptr, resp := s.resolve(t, o.ptr+"/responses/"+strconv.Itoa(status), r)
	s.checkBody(t, o.key(), status, rptr, resp, hdr, body)
}

func (s *oaSpec) checkBody(t *testing.T, what string, status int, rptr string, resp map[string]any, hdr http.Header, body []byte) {
	t.Helper()
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(body) != 0 {
			t.Errorf("%s %d: documented without a body, got %.200s", what, status, body)
		}
		return
	}
	ct := hdr.Get("Content-Type")
	var mt string
	for k := range content {
		if mediaMatch(k, ct) {
			mt = k
		}
	}
	if mt == "" {
		t.Errorf("%s %d: Content-Type %q is none of the documented %v", what, status, ct, slices.Sorted(mapKeys(content)))
		return
	}
	media, _ := content[mt].(map[string]any)
	if _, ok := media["schema"]; !ok {
		return
	}
	sptr := rptr + "/content/" + ptrEscape(mt) + "/schema"
	sch := s.schema(t, sptr)
	base, _, _ := mime.ParseMediaType(mt)
	switch {
	case base == "application/x-ndjson":
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 1<<20)
		n := 0
		for sc.Scan() {
			n++
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
			if err != nil {
				t.Errorf("%s %d: line %d is not JSON: %v", what, status, n, err)
				continue
			}
			if err := sch.Validate(v); err != nil {
				t.Errorf("%s %d: line %d %s does not match %s: %v", what, status, n, sc.Bytes(), sptr, err)
			}
		}
		if n == 0 {
			t.Errorf("%s %d: an empty stream", what, status)
		}
	case isJSONMedia(mt):
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s %d: the body is not JSON (%v): %.200s", what, status, err, body)
			return
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s %d: the body does not match %s: %v\n%.2000s", what, status, sptr, err, body)
		}
	default:
		// Text and binary bodies: the schema says only "a string"; the
		// scenario checks what is in them.
	}
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// oaClient sends requests to the node and holds each answer to the file.
type oaClient struct {
	t    *testing.T
	a    *apiNode
	spec *oaSpec
	// ok counts the 2xx answers per documented operation.
	ok map[string]int
}

type oaAnswer struct {
	status int
	hdr    http.Header
	body   []byte
}

// call sends METHOD path (with the query and path parameters filled in) as
// the documented operation METHOD tmpl and checks the answer against it.
func (c *oaClient) call(method, tmpl, path, token, ctype string, body []byte) oaAnswer {
	c.t.Helper()
	o, ok := c.spec.op(method, tmpl)
	if !ok {
		c.t.Fatalf("%s %s is not documented in docs/openapi.yaml", method, tmpl)
	}
	req, err := http.NewRequest(method, c.a.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.a.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	c.spec.checkResponse(c.t, o, resp.StatusCode, resp.Header, b)
	if resp.StatusCode/100 == 2 {
		c.ok[o.key()]++
	}
	return oaAnswer{status: resp.StatusCode, hdr: resp.Header, body: b}
}

// want is call with the status it must answer.
func (c *oaClient) want(status int, method, tmpl, path string, body []byte) oaAnswer {
	c.t.Helper()
	ans := c.call(method, tmpl, path, c.a.token, "", body)
	if ans.status != status {
		c.t.Errorf("%s %s: status %d, want %d: %.500s", method, path, ans.status, status, ans.body)
	}
	return ans
}

// registeredRoutes reads the route patterns this package registers from its
// source: every s.handle, mux.Handle or mux.HandleFunc call. A pattern that
// is not a string literal fails the test, since it could not be checked.
func registeredRoutes(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	routes := map[string]string{} // pattern → file:line
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var params []string // of the function being walked
		ast.Inspect(af, func(n ast.Node) bool {
			if fd, ok := n.(*ast.FuncDecl); ok {
				params = nil
				for _, f := range fd.Type.Params.List {
					for _, id := range f.Names {
						params = append(params, id.Name)
					}
				}
				return true
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !slices.Contains([]string{"handle", "Handle", "HandleFunc"}, sel.Sel.Name) {
				return true
			}
			if id, ok := call.Args[0].(*ast.Ident); ok && slices.Contains(params, id.Name) {
				return true // a helper such as Server.handle: its callers pass the pattern
			}
			if sel, ok := call.Args[0].(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "console" {
					// The web console's subtree (console.Prefix, "/console/"):
					// HTML pages, not part of this API.
					return true
				}
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a route registered with a pattern that is not a string literal: the OpenAPI test cannot check it", fset.Position(call.Pos()))
				return true
			}
			p, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			routes[p] = fset.Position(call.Pos()).String()
			return true
		})
	}
	return routes
}

// splitPattern splits a ServeMux pattern into its method ("" for any) and
// path (a host in the pattern is not used by this API).
func splitPattern(p string) (method, path string) {
	if m, rest, ok := strings.Cut(p, " "); ok {
		method, p = m, strings.TrimSpace(rest)
	}
	if i := strings.Index(p, "/"); i > 0 {
		p = p[i:]
	}
	return method, p
}

// consoleRoute reports whether a path belongs to the web console: HTML
// pages and their assets, served beside the API but not part of it, so
// docs/openapi.yaml does not describe them.
func consoleRoute(path string) bool {
	return path == "/console" || strings.HasPrefix(path, "/console/")
}

// TestOpenAPIRoutesDocumented: every route the server registers is in
// docs/openapi.yaml, and every documented operation that is not marked
// pending is registered.
func TestOpenAPIRoutesDocumented(t *testing.T) {
	spec := loadOpenAPI(t)
	routes := registeredRoutes(t)
	if len(routes) < 10 {
		t.Fatalf("found only %d routes in the package's source: %v", len(routes), routes)
	}
	registered := map[string]bool{}
	for p, where := range routes {
		method, path := splitPattern(p)
		if consoleRoute(path) {
			continue
		}
		if method == "" {
			t.Errorf("%s: route %q answers every method; register it with one so that it can be documented", where, p)
			continue
		}
		registered[method+" "+path] = true
		if _, ok := spec.op(method, path); !ok {
			t.Errorf("%s: route %q is not documented in docs/openapi.yaml", where, p)
		}
	}
	for _, o := range spec.ops() {
		switch {
		case registered[o.key()] && o.pending():
			t.Logf("%s is served now: drop its x-ursic-status: pending", o.key())
		case !registered[o.key()] && o.pending():
			t.Logf("%s is pending: not served yet", o.key())
		case !registered[o.key()]:
			t.Errorf("docs/openapi.yaml documents %s, which the server does not register (mark it x-ursic-status: pending if it is being built)", o.key())
		}
	}
}

// TestOpenAPIDocument: the file is well formed as far as the conformance
// test relies on it: every operation has an id, documents 401 when it needs
// the token, every schema compiles, and every reference resolves.
func TestOpenAPIDocument(t *testing.T) {
	spec := loadOpenAPI(t)
	ids := map[string]string{}
	for _, o := range spec.ops() {
		id, _ := o.obj["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", o.key())
		} else if prev, dup := ids[id]; dup {
			t.Errorf("%s and %s share operationId %q", prev, o.key(), id)
		}
		ids[id] = o.key()
		resps, _ := o.obj["responses"].(map[string]any)
		if spec.secured(o) {
			if _, ok := resps["401"]; !ok {
				t.Errorf("%s needs the token but does not document 401", o.key())
			}
		}
		if _, ok := resps["421"]; !ok {
			t.Errorf("%s does not document 421 (the Host allowlist)", o.key())
		}
		for code, r := range resps {
			rptr, resp := spec.resolve(t, o.ptr+"/responses/"+code, r)
			content, _ := resp["content"].(map[string]any)
			for mt, m := range content {
				if mm, _ := m.(map[string]any); mm["schema"] != nil {
					spec.schema(t, rptr+"/content/"+ptrEscape(mt)+"/schema")
				}
			}
		}
		spec.params(t, o)
		// A request body's JSON example is valid against its schema.
		if rb, ok := o.obj["requestBody"]; ok {
			bptr, body := spec.resolve(t, o.ptr+"/requestBody", rb)
			content, _ := body["content"].(map[string]any)
			for mt, m := range content {
				mm, _ := m.(map[string]any)
				ex, ok := mm["example"]
				if !ok || mm["schema"] == nil || !isJSONMedia(mt) {
					continue
				}
				if err := spec.schema(t, bptr+"/content/"+ptrEscape(mt)+"/schema").Validate(ex); err != nil {
					t.Errorf("%s: the %s request example does not match its schema: %v", o.key(), mt, err)
				}
			}
		}
	}
	for _, name := range []string{"NotFound", "MethodNotAllowed"} {
		spec.schema(t, "/components/responses/"+name+"/content/application~1json/schema")
	}
}

// TestOpenAPIConformance starts a real node with its API on 127.0.0.1 and,
// for every documented operation, sends valid requests and some invalid
// ones, holding each answer's status, media type and body to
// docs/openapi.yaml.
func TestOpenAPIConformance(t *testing.T) {
	spec := loadOpenAPI(t)
	a := startAPI(t)
	c := &oaClient{t: t, a: a, spec: spec, ok: map[string]int{}}

	// The node.
	c.call("GET", "/healthz", "/healthz", "", "", nil)
	c.want(200, "GET", "/v1/status", "/v1/status", nil)
	c.want(200, "GET", "/v1/card", "/v1/card", nil)
	c.want(200, "GET", "/v1/peers", "/v1/peers", nil)
	c.want(200, "GET", "/v1/audit/verify", "/v1/audit/verify", nil)
	if m := c.want(200, "GET", "/metrics", "/metrics", nil); !bytes.Contains(m.body, []byte("ursic_records")) {
		t.Errorf("/metrics lacks ursic_records")
	}
	c.want(200, "GET", "/v1/records", "/v1/records", nil)
	c.want(200, "GET", "/v1/inbox", "/v1/inbox", nil)

	// Check and publish.
	c.want(200, "POST", "/v1/check", "/v1/check?tlp=amber", example(t, "indicator-green.json"))
	c.want(200, "POST", "/v1/check", "/v1/check", example(t, "refused-nationality.json"))
	c.want(200, "POST", "/v1/check", "/v1/check", example(t, "flagged-email.json"))
	c.want(200, "POST", "/v1/check", "/v1/check", []byte(`{"kind": "person", "title": "x"}`))
	c.want(200, "POST", "/v1/check", "/v1/check", []byte(`not json`))
	c.want(413, "POST", "/v1/check", "/v1/check", bytes.Repeat([]byte(" "), 1<<20+1))
	c.want(422, "POST", "/v1/publish", "/v1/publish", example(t, "refused-nationality.json"))
	c.want(422, "POST", "/v1/publish", "/v1/publish", example(t, "flagged-email.json"))
	c.want(422, "POST", "/v1/publish", "/v1/publish", []byte("{\"kind\": \"person\"}\n"))
	pub := c.want(200, "POST", "/v1/publish", "/v1/publish", example(t, "batch.jsonl"))
	var cids []string
	for _, line := range bytes.Split(bytes.TrimSpace(pub.body), []byte("\n")) {
		var ev struct{ CID string }
		if json.Unmarshal(line, &ev) == nil && ev.CID != "" {
			cids = append(cids, ev.CID)
		}
	}
	if len(cids) == 0 {
		t.Fatalf("publish streamed no CIDs: %s", pub.body)
	}
	c.want(200, "POST", "/v1/publish", "/v1/publish", example(t, "batch.jsonl")) // existing
	c.want(200, "POST", "/v1/publish", "/v1/publish?confirm_personal_data=true&audience=members&tlp=green", example(t, "flagged-email.json"))

	// Records.
	c.want(200, "GET", "/v1/records", "/v1/records?limit=2&offset=1&all=true", nil)
	c.want(200, "GET", "/v1/records", "/v1/records?q=bridge&kind=indicator", nil)
	c.want(400, "GET", "/v1/records", "/v1/records?kind=person", nil)
	c.want(200, "GET", "/v1/records/{cid}", "/v1/records/"+cids[0], nil)
	c.want(400, "GET", "/v1/records/{cid}", "/v1/records/not-a-cid", nil)
	unknown := "bafyreihmattwc3fs55mbdcffupqgzcxkdu2wyko5yy7klltgwopwrroc5i"
	c.want(404, "GET", "/v1/records/{cid}", "/v1/records/"+unknown, nil)
	c.want(400, "POST", "/v1/records/{cid}/retract", "/v1/records/"+cids[0]+"/retract", []byte(`{"reason": "x", "force": true}`))
	c.want(404, "POST", "/v1/records/{cid}/retract", "/v1/records/"+unknown+"/retract", []byte(`{"reason": "x"}`))
	c.want(422, "POST", "/v1/records/{cid}/retract", "/v1/records/"+cids[0]+"/retract", []byte(`{"reason": " "}`))
	c.want(422, "POST", "/v1/records/{cid}/retract", "/v1/records/not-a-cid/retract", []byte(`{"reason": "x"}`))
	c.want(200, "POST", "/v1/records/{cid}/retract", "/v1/records/"+cids[0]+"/retract", []byte(`{"reason": "superseded"}`))
	c.want(422, "POST", "/v1/records/{cid}/retract", "/v1/records/"+cids[0]+"/retract", []byte(`{"reason": "again"}`))
	c.want(200, "GET", "/v1/records/{cid}", "/v1/records/"+cids[0], nil) // retracted: no body

	// The backup is a tar archive that begins with its manifest.
	bk := c.want(200, "GET", "/v1/backup", "/v1/backup", nil)
	tr := tar.NewReader(bytes.NewReader(bk.body))
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the backup is not a tar archive: %v", err)
		}
		names = append(names, h.Name)
	}
	if len(names) == 0 || names[0] != "URSIC-BACKUP.json" || !slices.Contains(names, "store.db") {
		t.Errorf("backup holds %v, want URSIC-BACKUP.json first and store.db", names)
	}

	// STIX export and import.
	c.want(200, "GET", "/v1/export/stix", "/v1/export/stix", nil)
	c.want(200, "GET", "/v1/export/stix", "/v1/export/stix?since="+url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)), nil)
	bundle, err := os.ReadFile("../liaison/testdata/partner-bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	c.want(200, "POST", "/v1/import/stix", "/v1/import/stix?dry_run=true&partner=maple", bundle)
	c.want(422, "POST", "/v1/import/stix", "/v1/import/stix", []byte(`{"type": "bundle", "id": "nope"}`))

	// The TAXII inbox, filled as the TAXII server would.
	var b struct{ Objects []json.RawMessage }
	if err := json.Unmarshal(bundle, &b); err != nil {
		t.Fatal(err)
	}
	metas := make([]node.InboxObject, len(b.Objects))
	for i, o := range b.Objects {
		var h struct{ ID, Type, Modified string }
		json.Unmarshal(o, &h)
		metas[i] = node.InboxObject{ID: h.ID, Type: h.Type, Version: h.Modified, DateAdded: time.Now().UTC()}
	}
	first, err := a.n.InboxAdd("maple", b.Objects, metas)
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.n.InboxAdd("maple", b.Objects[:1], metas[:1])
	if err != nil {
		t.Fatal(err)
	}
	c.want(200, "GET", "/v1/inbox", "/v1/inbox", nil)
	c.want(200, "GET", "/v1/inbox/{id}", "/v1/inbox/"+first.ID, nil)
	c.want(200, "POST", "/v1/inbox/{id}/accept", "/v1/inbox/"+first.ID+"/accept?dry_run=true", nil)
	c.want(200, "POST", "/v1/inbox/{id}/accept", "/v1/inbox/"+first.ID+"/accept", nil)
	c.want(404, "POST", "/v1/inbox/{id}/accept", "/v1/inbox/"+first.ID+"/accept", nil)
	c.want(200, "POST", "/v1/inbox/{id}/reject", "/v1/inbox/"+second.ID+"/reject", nil)
	c.want(404, "POST", "/v1/inbox/{id}/reject", "/v1/inbox/"+second.ID+"/reject", nil)
	c.want(404, "GET", "/v1/inbox/{id}", "/v1/inbox/"+strings.Repeat("0", 32), nil)
	c.want(200, "GET", "/v1/inbox", "/v1/inbox", nil) // decided items, with results

	// The roster: none, then a genesis of this node alone.
	c.want(404, "GET", "/v1/roster", "/v1/roster", nil)
	c.want(400, "POST", "/v1/roster", "/v1/roster", []byte(`{"version": 1}`))
	home := a.n.Home()
	card := home.Card()
	ro := &share.Roster{
		Version: 1, Threshold: 1, Executive: []string{card.PeerID},
		Members: []share.RosterMember{{Name: card.Name, Role: card.Role, PeerID: card.PeerID, Recipient: card.Recipient, Addrs: card.Addrs}},
		Created: time.Now().UTC().Truncate(time.Second),
	}
	if err := ro.Sign(home.Identity); err != nil {
		t.Fatal(err)
	}
	rb, err := ro.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c.want(200, "POST", "/v1/roster", "/v1/roster", rb)
	c.want(422, "POST", "/v1/roster", "/v1/roster", rb) // not newer
	c.want(200, "GET", "/v1/roster", "/v1/roster", nil)
	c.want(200, "GET", "/v1/status", "/v1/status", nil)
	// A proposal for version 2, signed by this node, its only executive.
	next := ro.Next()
	if err := next.SetGroup("pilot", []string{card.PeerID}); err != nil {
		t.Fatal(err)
	}
	nb, err := next.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c.want(200, "POST", "/v1/roster/sign", "/v1/roster/sign", nb)
	c.want(422, "POST", "/v1/roster/sign", "/v1/roster/sign", rb) // not the next version
	c.want(400, "POST", "/v1/roster/sign", "/v1/roster/sign", []byte(`{"version": 2}`))

	// Trends and 相場感 at a member node: its received reports, the table of
	// what it can read, and a category's distribution. Publishing a report
	// is the secretariat's (403 here); node/trends_test.go publishes one.
	c.want(200, "GET", "/v1/trends", "/v1/trends", nil)
	c.want(200, "GET", "/v1/trends/table", "/v1/trends/table", nil)
	c.want(200, "GET", "/v1/trends/reports", "/v1/trends/reports", nil)
	c.want(200, "GET", "/v1/similar", "/v1/similar?category=talent_recruitment", nil)
	c.want(403, "POST", "/v1/trends/publish", "/v1/trends/publish", []byte(`{"period":"2026-Q4"}`))

	// The console's sign-in link, the audit log's last lines, and this file.
	c.want(200, "POST", "/v1/console/signin", "/v1/console/signin", nil)
	c.want(200, "GET", "/v1/audit/recent", "/v1/audit/recent?limit=5", nil)
	if ans := c.want(200, "GET", "/v1/openapi.yaml", "/v1/openapi.yaml", nil); !bytes.Equal(ans.body, docs.OpenAPI) {
		t.Errorf("GET /v1/openapi.yaml is not docs/openapi.yaml")
	}

	// Screening and the digest (docs/SCREENING.md).
	c.want(200, "POST", "/v1/screen", "/v1/screen?name=partners.txt", []byte("Northbridge Photonics Trading Ltd\nUniversity\n"))
	c.want(200, "POST", "/v1/screen", "/v1/screen?name=partners.csv&all=true", []byte("組織名,ROR\n北橋光学貿易(株),https://ror.org/057zh3y96\n,0zzzzzz00\n"))
	c.want(422, "POST", "/v1/screen", "/v1/screen?name=x.csv", []byte("Country\nJP\n"))
	c.want(400, "POST", "/v1/screen", "/v1/screen?all=maybe", []byte("x\n"))
	c.want(200, "GET", "/v1/digest", "/v1/digest", nil)
	c.want(200, "GET", "/v1/digest", "/v1/digest?since="+url.QueryEscape(time.Now().AddDate(0, 0, -7).UTC().Format(time.RFC3339)), nil)
	c.want(400, "GET", "/v1/digest", "/v1/digest?since=yesterday", nil)
	c.want(502, "POST", "/v1/digest/mail", "/v1/digest/mail", nil) // no relay configured
	mailer := &oaClient{t: t, a: startAPIWithRelay(t), spec: spec, ok: c.ok}
	mailer.want(200, "POST", "/v1/digest/mail", "/v1/digest/mail", nil)

	// Every documented operation that is served answered 2xx at least once.
	routes := registeredRoutes(t)
	registered := map[string]bool{}
	for p := range routes {
		m, path := splitPattern(p)
		registered[m+" "+path] = true
	}
	for _, o := range spec.ops() {
		if !registered[o.key()] {
			continue
		}
		if o.pending() {
			// Served now but not yet in this scenario: a request from the
			// file's examples, held to the file whatever it answers.
			ans := c.call(o.method, o.path, exampleRequestPath(t, spec, o), a.token, "", exampleBody(t, spec, o))
			t.Logf("%s (pending, now served): %d", o.key(), ans.status)
			if o.path == "/v1/openapi.yaml" && ans.status == 200 && !bytes.Equal(ans.body, docs.OpenAPI) {
				t.Errorf("GET /v1/openapi.yaml is not docs/openapi.yaml")
			}
			continue
		}
		if c.ok[o.key()] == 0 && !secretariatOnly[o.key()] {
			t.Errorf("the conformance scenario never got a 2xx from %s: add a valid request for it", o.key())
		}
	}

	t.Run("missing token", func(t *testing.T) {
		c := &oaClient{t: t, a: a, spec: spec, ok: map[string]int{}}
		for _, o := range spec.ops() {
			if !registered[o.key()] || !spec.secured(o) {
				continue
			}
			for _, tok := range []string{"", "wrong-token"} {
				if ans := c.call(o.method, o.path, fillPath(o.path, cids[1]), tok, "", nil); ans.status != 401 {
					t.Errorf("%s with token %q: %d, want 401", o.key(), tok, ans.status)
				}
			}
		}
	})

	t.Run("foreign host", func(t *testing.T) {
		for _, o := range spec.ops() {
			if !registered[o.key()] {
				continue
			}
			req, err := http.NewRequest(o.method, a.srv.URL+fillPath(o.path, cids[1]), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "rebound.attacker.example"
			req.Header.Set("Authorization", "Bearer "+a.token)
			resp, err := a.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf("%s with a foreign Host: %d, want 421", o.key(), resp.StatusCode)
				continue
			}
			spec.checkResponse(t, o, resp.StatusCode, resp.Header, body)
		}
	})

	t.Run("bad query", func(t *testing.T) {
		c := &oaClient{t: t, a: a, spec: spec, ok: map[string]int{}}
		for _, o := range spec.ops() {
			if !registered[o.key()] {
				continue
			}
			if role, ok := o.obj["x-ursic-parameters-read-by-role"].(string); ok && role != a.n.Home().Config.Role {
				t.Logf("%s: the parameters are read only on a %s; this node is a %s", o.key(), role, a.n.Home().Config.Role)
				continue
			}
			for _, p := range spec.params(t, o) {
				sch, _ := p["schema"].(map[string]any)
				if p["in"] != "query" || !(sch["type"] == "boolean" || sch["type"] == "integer" || sch["format"] == "date-time") {
					continue
				}
				path := fillPath(o.path, cids[1]) + "?" + url.Values{p["name"].(string): {"not-a-value"}}.Encode()
				if ans := c.call(o.method, o.path, path, a.token, "", nil); ans.status != 400 {
					t.Errorf("%s %s: %d, want 400", o.method, path, ans.status)
				} else if e := decodeError(t, ans.body); !strings.Contains(e.Message, p["name"].(string)) {
					t.Errorf("%s %s: message %q does not name the parameter", o.method, path, e.Message)
				}
			}
		}
	})

	t.Run("wrong method", func(t *testing.T) {
		byPath := map[string][]string{}
		for _, o := range spec.ops() {
			if registered[o.key()] {
				byPath[o.path] = append(byPath[o.path], o.method)
			}
		}
		for path, methods := range byPath {
			for _, m := range []string{"DELETE", "PUT", "PATCH"} {
				if slices.Contains(methods, m) {
					continue
				}
				ans := rawCall(t, a, m, fillPath(path, cids[1]), a.token)
				if ans.status != 405 {
					t.Errorf("%s %s: %d, want 405", m, path, ans.status)
					continue
				}
				spec.checkComponentResponse(t, "MethodNotAllowed", m+" "+path, ans)
				for _, want := range methods {
					if !strings.Contains(ans.hdr.Get("Allow"), want) {
						t.Errorf("%s %s: Allow %q lacks %s", m, path, ans.hdr.Get("Allow"), want)
					}
				}
			}
		}
	})

	t.Run("unknown path", func(t *testing.T) {
		for _, path := range []string{"/v1/no-such-endpoint", "/v2/status", "/v1/records/" + cids[1] + "/nothing", "/"} {
			for _, tok := range []string{a.token, ""} {
				ans := rawCall(t, a, "GET", path, tok)
				if ans.status != 404 {
					t.Errorf("GET %s: %d, want 404", path, ans.status)
					continue
				}
				spec.checkComponentResponse(t, "NotFound", "GET "+path, ans)
			}
		}
		// A pending operation not served yet is a 404 like any unknown path.
		for _, o := range spec.ops() {
			if o.pending() && !registered[o.key()] {
				ans := rawCall(t, a, o.method, o.path, a.token)
				if ans.status != 404 {
					t.Errorf("%s is pending and not registered, yet answers %d", o.key(), ans.status)
					continue
				}
				spec.checkComponentResponse(t, "NotFound", o.key(), ans)
				t.Logf("skipped %s: x-ursic-status pending, not served yet (404)", o.key())
			}
		}
	})
}

func (s *oaSpec) checkComponentResponse(t *testing.T, name, what string, ans oaAnswer) {
	t.Helper()
	ptr := "/components/responses/" + name
	v, ok := s.at(ptr)
	if !ok {
		t.Fatalf("docs/openapi.yaml has no %s", ptr)
	}
	_, resp := s.resolve(t, ptr, v)
	s.checkBody(t, what, ans.status, ptr, resp, ans.hdr, ans.body)
}

func rawCall(t *testing.T, a *apiNode, method, path, token string) oaAnswer {
	t.Helper()
	status, body, hdr := a.do(method, path, token, nil)
	return oaAnswer{status: status, hdr: hdr, body: body}
}

// fillPath puts values into a path template: a CID for {cid}, an id no
// inbox item has for {id}.
func fillPath(tmpl, cid string) string {
	return strings.NewReplacer("{cid}", cid, "{id}", strings.Repeat("f", 32)).Replace(tmpl)
}

// exampleRequestPath builds a request path from the operation's documented
// parameter examples.
func exampleRequestPath(t *testing.T, s *oaSpec, o oaOp) string {
	t.Helper()
	path := o.path
	q := url.Values{}
	for _, p := range s.params(t, o) {
		ex, ok := p["example"]
		if !ok {
			if p["required"] == true {
				t.Errorf("%s: required parameter %v has no example", o.key(), p["name"])
			}
			continue
		}
		name, _ := p["name"].(string)
		val := fmt.Sprint(ex)
		switch p["in"] {
		case "path":
			path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(val))
		case "query":
			q.Set(name, val)
		}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

// exampleBody is the example of the operation's request body, if any: a
// string as it is, anything else as JSON.
func exampleBody(t *testing.T, s *oaSpec, o oaOp) []byte {
	t.Helper()
	rb, ok := o.obj["requestBody"]
	if !ok {
		return nil
	}
	_, body := s.resolve(t, o.ptr+"/requestBody", rb)
	content, _ := body["content"].(map[string]any)
	for _, mt := range slices.Sorted(mapKeys(content)) {
		m, _ := content[mt].(map[string]any)
		ex, ok := m["example"]
		if !ok {
			continue
		}
		if s, ok := ex.(string); ok {
			return []byte(s)
		}
		b, err := json.Marshal(ex)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if body["required"] == true {
		t.Errorf("%s: a required request body without an example", o.key())
	}
	return nil
}

// secretariatOnly are operations a member node (the scenario's) refuses with
// 403 by design; their 2xx is tested at a secretariat in node/trends_test.go.
var secretariatOnly = map[string]bool{"POST /v1/trends/publish": true}

package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiclient"
)

// apiNode is a real node behind the real API handler on a loopback httptest
// server.
type apiNode struct {
	t     *testing.T
	n     *node.Node
	srv   *httptest.Server
	token string
}

func startAPI(t *testing.T) *apiNode {
	t.Helper()
	dir := newHome(t, "API Test University")
	lg := slog.New(slog.NewTextHandler(t.Output(), nil))
	n := openHome(t, loadHome(t, dir), lg)
	tok, err := node.ReadToken(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewServer(n, tok, lg))
	t.Cleanup(srv.Close) // before the node's own cleanup (openHome) closes it
	return &apiNode{t: t, n: n, srv: srv, token: tok}
}

// client is the CLI's client, pointed at the test server.
func (a *apiNode) client() *apiclient.Client {
	return apiclient.New(strings.TrimPrefix(a.srv.URL, "http://"), a.token)
}

// do sends a request with the given token ("" for none) and returns the
// status and body.
func (a *apiNode) do(method, path, token string, body []byte) (int, []byte, http.Header) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.srv.Client().Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

func (a *apiNode) records() int {
	a.t.Helper()
	s, err := a.n.Status()
	if err != nil {
		a.t.Fatal(err)
	}
	return s.Records
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := examples.Records.ReadFile("records/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeError(t *testing.T, body []byte) api.Error {
	t.Helper()
	var e api.Error
	if err := json.Unmarshal(body, &e); err != nil || e.Message == "" {
		t.Fatalf("error body %q is not an API error (%v)", body, err)
	}
	return e
}

func TestAuth(t *testing.T) {
	a := startAPI(t)
	for _, path := range []string{"/v1/status", "/v1/records", "/v1/card", "/v1/peers", "/metrics"} {
		for _, tok := range []string{"", "wrong-token", a.token + "x", strings.ToUpper(a.token)} {
			status, body, _ := a.do("GET", path, tok, nil)
			if status != http.StatusUnauthorized {
				t.Errorf("GET %s with token %q: status %d, want 401", path, tok, status)
				continue
			}
			if e := decodeError(t, body); !strings.Contains(e.Message, "token") {
				t.Errorf("GET %s: 401 message %q does not mention the token", path, e.Message)
			}
		}
		if status, body, _ := a.do("GET", path, a.token, nil); status != http.StatusOK {
			t.Errorf("GET %s with the token: status %d: %s", path, status, body)
		}
	}
	// Writes are refused without the token, and nothing is stored.
	before := a.records()
	status, _, _ := a.do("POST", "/v1/publish", "", example(t, "indicator-green.json"))
	if status != http.StatusUnauthorized || a.records() != before {
		t.Errorf("POST /v1/publish without token: status %d, records %d → %d", status, before, a.records())
	}
	// A raw token without "Bearer " is not accepted either.
	req, _ := http.NewRequest("GET", a.srv.URL+"/v1/status", nil)
	req.Header.Set("Authorization", a.token)
	resp, err := a.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("token without Bearer: status %d, want 401", resp.StatusCode)
	}
}

func TestHealthzOpen(t *testing.T) {
	a := startAPI(t)
	status, body, _ := a.do("GET", "/healthz", "", nil)
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"ok": true`)) {
		t.Fatalf("GET /healthz without token: %d %s", status, body)
	}
}

func TestListParameterErrors(t *testing.T) {
	a := startAPI(t)
	tests := []struct{ query, names string }{
		{"limit=-1", "limit"},
		{"limit=ten", "limit"},
		{"offset=-5", "offset"},
		{"all=maybe", "all"},
		{"kind=person", "kind"},
		{"tlp=purple", "TLP"},
	}
	for _, tt := range tests {
		status, body, _ := a.do("GET", "/v1/records?"+tt.query, a.token, nil)
		if status != http.StatusBadRequest {
			t.Errorf("?%s: status %d, want 400 (%s)", tt.query, status, body)
			continue
		}
		if e := decodeError(t, body); !strings.Contains(e.Message, tt.names) {
			t.Errorf("?%s: message %q does not name %q", tt.query, e.Message, tt.names)
		}
	}
	// The client passes a bad limit on rather than dropping it.
	_, err := a.client().List(context.Background(), apiclient.ListOptions{Limit: -1})
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || !strings.Contains(ae.Message, "limit") {
		t.Errorf("client List with limit -1: err = %v, want a 400 naming limit", err)
	}
	for _, ok := range []string{"limit=0", "all=true", "all=false", "limit=5&offset=1", "tlp=TLP:AMBER", "kind=method"} {
		if status, body, _ := a.do("GET", "/v1/records?"+ok, a.token, nil); status != http.StatusOK {
			t.Errorf("?%s: status %d: %s", ok, status, body)
		}
	}
}

func TestPublishStream(t *testing.T) {
	a := startAPI(t)
	batch := example(t, "batch.jsonl")
	want := len(bytes.Split(bytes.TrimSpace(batch), []byte("\n")))
	status, body, hdr := a.do("POST", "/v1/publish", a.token, batch)
	if status != http.StatusOK {
		t.Fatalf("publish: %d %s", status, body)
	}
	if ct := hdr.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("Content-Type = %q, want application/x-ndjson", ct)
	}
	var lines []api.PublishEvent
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		var ev api.PublishEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		lines = append(lines, ev)
	}
	if len(lines) != want+1 {
		t.Fatalf("%d lines for %d records, want one a record and a done line:\n%s", len(lines), want, body)
	}
	var cids []string
	for i, ev := range lines[:want] {
		if ev.Index != i || !strings.HasPrefix(ev.CID, "b") || ev.Done || ev.Error != nil {
			t.Errorf("line %d = %+v, want index %d with a CID", i, ev, i)
		}
		cids = append(cids, ev.CID)
	}
	if last := lines[want]; !last.Done || last.Count != want || last.CID != "" {
		t.Errorf("last line = %+v, want done with count %d", last, want)
	}
	res, err := a.client().List(context.Background(), apiclient.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cids {
		if !slices.ContainsFunc(res.Records, func(r node.RecordView) bool { return r.CID == c }) {
			t.Errorf("streamed CID %s is not listed", c)
		}
	}

	// The client sees the same stream.
	var got []string
	n, err := a.client().Publish(context.Background(), example(t, "indicator-green.json"), apiclient.PublishOptions{}, func(ev api.PublishEvent) error {
		got = append(got, ev.CID)
		return nil
	})
	if err != nil || n != 1 || len(got) != 1 {
		t.Fatalf("client publish: n %d, cids %v, err %v", n, got, err)
	}
	v, err := a.client().Show(context.Background(), got[0])
	if err != nil || !bytes.Contains(v.Body, []byte("Horizon Bridge")) {
		t.Errorf("client show: %v, body %s", err, v.Body)
	}
}

func TestPublishRefusedWithFindings(t *testing.T) {
	a := startAPI(t)
	tests := []struct {
		name, file, query    string
		rule, path, severity string
		hint                 string
		status               int
	}{
		{"refused nationality", "refused-nationality.json", "", "nationality", "orgs_involved[0].members[0].Citizenship", "refuse", "cannot be overridden", 422},
		{"refused even when confirmed", "refused-nationality.json", "?confirm_personal_data=true", "nationality", "orgs_involved[0].members[0].Citizenship", "refuse", "cannot be overridden", 422},
		{"flagged e-mail", "flagged-email.json", "", "email", "narrative", "flag", "--confirm-personal-data", 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.records()
			status, body, _ := a.do("POST", "/v1/publish"+tt.query, a.token, example(t, tt.file))
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			e := decodeError(t, body)
			if !slices.ContainsFunc(e.Findings, func(f api.Finding) bool {
				return f.Rule == tt.rule && f.Path == tt.path && f.Severity == tt.severity && f.Message != "" && f.Principle != ""
			}) {
				t.Errorf("findings %+v, want rule %q at %q severity %q with message and principle", e.Findings, tt.rule, tt.path, tt.severity)
			}
			if !strings.Contains(e.Hint, tt.hint) {
				t.Errorf("hint %q, want it to mention %q", e.Hint, tt.hint)
			}
			if a.records() != before {
				t.Errorf("records %d → %d after a refused publish", before, a.records())
			}
			// The client returns the same structured error.
			_, err := a.client().Publish(context.Background(), example(t, tt.file), apiclient.PublishOptions{}, func(api.PublishEvent) error { return nil })
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status != tt.status || len(ae.Findings) == 0 {
				t.Errorf("client error = %#v, want *api.Error %d with findings", err, tt.status)
			}
		})
	}

	// The flagged record goes through once confirmed.
	status, body, _ := a.do("POST", "/v1/publish?confirm_personal_data=true", a.token, example(t, "flagged-email.json"))
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"done":true`)) {
		t.Errorf("confirmed publish: %d %s", status, body)
	}
	status, body, _ = a.do("POST", "/v1/publish?confirm_personal_data=perhaps", a.token, example(t, "flagged-email.json"))
	if status != http.StatusBadRequest || !strings.Contains(decodeError(t, body).Message, "confirm_personal_data") {
		t.Errorf("confirm_personal_data=perhaps: %d %s, want 400 naming the parameter", status, body)
	}
	// A batch with a bad line names the line and stores nothing.
	before := a.records()
	bad := append(append(bytes.TrimSpace(example(t, "batch.jsonl")), '\n'), []byte(`{"kind": "person", "title": "x"}`+"\n")...)
	status, body, _ = a.do("POST", "/v1/publish", a.token, bad)
	e := decodeError(t, body)
	if status != 422 || e.Line == 0 || !strings.Contains(e.Hint, "indicator") {
		t.Errorf("batch with an unknown kind: %d %+v, want 422 naming the line and the kinds", status, e)
	}
	if a.records() != before {
		t.Errorf("records %d → %d after a refused batch", before, a.records())
	}
}

func TestCheckStoresNothing(t *testing.T) {
	a := startAPI(t)
	before := a.records()
	status, body, _ := a.do("POST", "/v1/check", a.token, example(t, "refused-nationality.json"))
	var r api.CheckResult
	if err := json.Unmarshal(body, &r); err != nil || status != 200 {
		t.Fatalf("check: %d %s (%v)", status, body, err)
	}
	if r.OK || r.Error == "" || !slices.ContainsFunc(r.Findings, func(f api.Finding) bool { return f.Rule == "nationality" && f.Severity == "refuse" && f.Path != "" }) {
		t.Errorf("check of a refused record = %+v, want not ok with a nationality finding", r)
	}

	r, err := a.client().Check(context.Background(), example(t, "indicator-green.json"), apiclient.PublishOptions{TLP: "amber"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || r.TLP != "amber" || !slices.Equal(r.Audience, []string{"members"}) || !slices.Contains(r.Recipients, a.n.PeerID()) {
		t.Errorf("check of a good record = %+v, want ok, amber to members, this node a recipient", r)
	}
	r, err = a.client().Check(context.Background(), example(t, "flagged-email.json"), apiclient.PublishOptions{})
	if err != nil || r.OK || !slices.ContainsFunc(r.Findings, func(f api.Finding) bool { return f.Rule == "email" && f.Severity == "flag" }) {
		t.Errorf("check of a flagged record = %+v (%v), want not ok with an email flag", r, err)
	}
	if a.records() != before {
		t.Errorf("records %d → %d after /v1/check", before, a.records())
	}
	if res, err := a.client().List(context.Background(), apiclient.ListOptions{All: true}); err != nil || res.Total != 0 {
		t.Errorf("list after check only: total %d (%v), want 0", res.Total, err)
	}
}

func TestShowRetractErrors(t *testing.T) {
	a := startAPI(t)
	unknown := "bafyreihmattwc3fs55mbdcffupqgzcxkdu2wyko5yy7klltgwopwrroc5i"
	if status, body, _ := a.do("GET", "/v1/records/"+unknown, a.token, nil); status != 404 {
		t.Errorf("show unknown: %d %s, want 404", status, body)
	}
	if status, body, _ := a.do("GET", "/v1/records/not-a-cid", a.token, nil); status != 400 {
		t.Errorf("show malformed CID: %d %s, want 400", status, body)
	}
	if status, body, _ := a.do("POST", "/v1/records/"+unknown+"/retract", a.token, []byte(`{"reason":"x"}`)); status != 404 {
		t.Errorf("retract unknown: %d %s, want 404", status, body)
	}
	if status, body, _ := a.do("POST", "/v1/records/"+unknown+"/retract", a.token, []byte(`{"reason":"x","force":true}`)); status != 400 {
		t.Errorf("retract with an unknown field: %d %s, want 400", status, body)
	}

	var cid string
	if _, err := a.client().Publish(context.Background(), example(t, "indicator-green.json"), apiclient.PublishOptions{}, func(ev api.PublishEvent) error {
		cid = ev.CID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	res, err := a.client().Retract(context.Background(), cid, "superseded")
	if err != nil || res.CID != cid || res.Retraction == "" {
		t.Fatalf("retract: %+v %v", res, err)
	}
	v, err := a.client().Show(context.Background(), cid)
	if err != nil || !v.Retracted || len(v.Body) != 0 {
		t.Errorf("show after retract: retracted %v body %s err %v", v.Retracted, v.Body, err)
	}
	_, err = a.client().Retract(context.Background(), cid, "again")
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status != 422 {
		t.Errorf("retract twice: %v, want a 422", err)
	}
}

func TestMetrics(t *testing.T) {
	a := startAPI(t)
	if _, err := a.client().Publish(context.Background(), example(t, "batch.jsonl"), apiclient.PublishOptions{}, func(api.PublishEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	a.do("POST", "/v1/publish", a.token, example(t, "refused-nationality.json"))
	status, body, _ := a.do("GET", "/metrics", a.token, nil)
	if status != 200 {
		t.Fatalf("/metrics: %d %s", status, body)
	}
	for _, want := range []string{
		"ursic_records ",
		"ursic_published_records_total",
		`ursic_publish_rejected_total{reason="guardrail_refused"} 1`,
		"ursic_api_request_seconds",
		"go_goroutines",
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// Unknown paths and wrong methods answer JSON errors, like everything else.
func TestUnknownPathsAnswerJSON(t *testing.T) {
	a := startAPI(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/v1/nothing-here", 404},
		{"DELETE", "/v1/status", 405},
	} {
		status, body, h := a.do(tc.method, tc.path, a.token, nil)
		var e struct {
			Error string `json:"error"`
			Hint  string `json:"hint"`
		}
		if status != tc.status || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || json.Unmarshal(body, &e) != nil || e.Error == "" {
			t.Errorf("%s %s: %d %q %s", tc.method, tc.path, status, h.Get("Content-Type"), body)
		}
	}
}

// TestCheckLanguage: the one-line error is the first finding in full (where,
// the phrase, the principle, what to do), in the language Accept-Language
// asks for, with the phrase's offset in the finding.
func TestCheckLanguage(t *testing.T) {
	a := startAPI(t)
	record := []byte(`{"kind": "method", "title": "Visiting appointment", "tactic": "intermediary_funding", "period": "2026-Q2", "narrative": "The researcher is a Chinese national."}`)
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"", []string{`field narrative, character 21: "Chinese national"`, "never people's origin", "describe the organisation or the method"}},
		{"en-GB,en;q=0.9", []string{`"Chinese national"`, "What to do instead"}},
		{"ja,en;q=0.5", []string{"フィールド narrative の 21 文字目", "「Chinese national」", "人の出自ではなく"}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			c := a.client()
			c.SetLanguage(tt.lang)
			r, err := c.Check(context.Background(), record, apiclient.PublishOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Error, w) {
					t.Errorf("error %q does not contain %q", r.Error, w)
				}
			}
			if len(r.Findings) == 0 || r.Findings[0].Offset == nil || *r.Findings[0].Offset != 20 || r.Findings[0].Phrase != "Chinese national" {
				t.Errorf("findings %+v, want the phrase at offset 20", r.Findings)
			}
		})
	}
}

package console_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ursic/ursic/node/console"
)

// fakeAPI answers the trend, similar and screening endpoints with fixed
// JSON in the API's shapes, so the pages can be shown with suppressed
// cells and hits that a one-node test cannot produce.
type fakeAPI struct {
	role    string
	screens atomic.Int32
}

const fakeTable = `{"k":5,"m":3,"p":60,"from":"2026-07","to":"2026-09","by":["category","outcome"],
"cells":[{"dims":{"category":"talent_recruitment","outcome":"declined"},"records":7,"members":4},
{"dims":{"category":"<script>alert(1)</script>","outcome":"accepted"},"suppressed":true,"reason":"k"},
{"dims":{"category":"export_control","outcome":"pending"},"suppressed":true,"reason":"dominance"}],
"totals":[{"dims":{"category":"talent_recruitment"},"records":9,"members":4}]}`

const fakeReports = `[{"cid":"bafyold","author":"p1","author_name":"Secretariat","created":"2026-10-02T00:00:00Z","tlp":"amber","kind":"trend","period":"2026-Q3","metrics":[],"suppression":{"k":5,"m":3,"p":60},"by":["category"],"table":[{"dims":{"category":"talent_recruitment"},"records":6,"members":3}]},
{"cid":"bafynew","author":"p1","author_name":"Secretariat","created":"2026-11-02T00:00:00Z","tlp":"green","kind":"trend","period":"2026-10","metrics":[],"suppression":{"k":5,"m":3},"by":["category"],"table":[{"dims":{"category":"export_control"},"records":8,"members":5}]}]`

const fakeSimilar = `{"category":"talent_recruitment","readable":{"records":2,"outcomes":{"declined":1,"pending":1},"mitigations":{"visitor_escort":2},"cids":["bafyrec1","bafyrec2"]},
"consortium":{"report":"bafynew","period":"2026-10","records":11,"outcomes":{"declined":7,"accepted-with-mitigation":4,"accepted":null,"pending":null}}}`

const fakeScreen = `{"file":"list.csv","format":"csv","rows":[{"row":1,"name":"Example Trading","hits":[{"cid":"bafyhit","matched":"Example Trading Co., Ltd.","how":"normalised","score":0.97,"tlp":"amber","severity":"high","expired":false,"title":"Front <b>company</b>"},{"cid":"bafyhit2","matched":"Example Trade","how":"fuzzy","score":0.81,"tlp":"green","severity":"low","expired":true}]},{"row":2,"name":"Clean University","hits":[]}],"screened":2,"hits":2,"complete":true}`

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.Method + " " + r.URL.Path {
	case "GET /v1/status":
		fmt.Fprintf(w, `{"peer_id":"p1","name":"Test","role":%q}`, f.role)
	case "GET /v1/trends/table":
		io.WriteString(w, fakeTable)
	case "GET /v1/trends/reports":
		io.WriteString(w, fakeReports)
	case "GET /v1/similar":
		io.WriteString(w, fakeSimilar)
	case "POST /v1/screen":
		f.screens.Add(1)
		io.WriteString(w, fakeScreen)
	default:
		w.WriteHeader(404)
		io.WriteString(w, `{"message":"not found"}`)
	}
}

// fakeConsole serves a console over a fake API and signs a browser in.
func fakeConsole(t *testing.T, role string) (*httptest.Server, *http.Client, *fakeAPI) {
	t.Helper()
	srv, c, f := fakeConsoleServer(t, role)
	tok, _ := c.MintSignIn()
	b := browser(t)
	if code, body, _ := get(t, b, srv.URL+"/console/signin?token="+tok); code != 200 {
		t.Fatalf("sign-in: %d %s", code, body)
	}
	return srv, b, f
}

// fakeConsoleServer serves a console over a fake API on loopback.
func fakeConsoleServer(t *testing.T, role string) (*httptest.Server, *console.Console, *fakeAPI) {
	t.Helper()
	f := &fakeAPI{role: role}
	c := console.New(console.Options{API: f, Token: "t", Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv, c, f
}

func TestTrendsPageSecretariat(t *testing.T) {
	srv, b, _ := fakeConsole(t, "secretariat")
	code, page, _ := get(t, b, srv.URL+"/console/trends")
	if code != 200 {
		t.Fatalf("trends: %d %s", code, page)
	}
	for _, want := range []string{
		`<td>7</td><td>4</td>`,
		`suppressed (fewer than k records)`,
		`suppressed (one member dominates)`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<svg id="trends-chart" class="chart" role="img" tabindex="0" aria-labelledby="trends-chart-title" aria-label="Records per published cell"`,
		`<title id="trends-chart-title">Records per published cell</title>`,
		`<a href="/console/trends" aria-current="page">Trends</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the trends page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("a dimension value is not escaped")
	}
	// Suppressed cells are never a zero, in the table or the chart.
	if strings.Contains(page, "<td>0</td>") || strings.Contains(page, ">0</text>") {
		t.Error("a suppressed cell is shown as 0")
	}
	// The chart draws published cells only.
	if strings.Count(page, `fill="#0b57d0"`) != 1 {
		t.Errorf("the chart has %d bars, want the one published cell", strings.Count(page, `fill="#0b57d0"`))
	}
	_, ja, _ := get(t, b, srv.URL+"/console/trends", "Accept-Language", "ja")
	if !strings.Contains(ja, "秘匿 (記録数が k 未満)") || !strings.Contains(ja, "公開セルごとの記録数") {
		t.Error("the Japanese trends page lacks its labels")
	}
}

func TestTrendsPageMember(t *testing.T) {
	srv, b, _ := fakeConsole(t, "member")
	code, page, _ := get(t, b, srv.URL+"/console/trends")
	if code != 200 {
		t.Fatalf("trends: %d %s", code, page)
	}
	newer, older := strings.Index(page, `id="report-bafynew"`), strings.Index(page, `id="report-bafyold"`)
	if newer < 0 || older < 0 || newer > older {
		t.Fatalf("reports not shown newest first (%d, %d)", newer, older)
	}
	for _, want := range []string{`<svg id="trends-chart-0"`, `aria-label="Records per published cell, 2026-10"`, `<svg id="trends-chart-1"`, `tlp-green`, `<a href="/console/records/bafynew">`, `never counted as zero`} {
		if !strings.Contains(page, want) {
			t.Errorf("the member's trends page lacks %s", want)
		}
	}
}

func TestSimilarPage(t *testing.T) {
	srv, b, _ := fakeConsole(t, "member")
	code, page, _ := get(t, b, srv.URL+"/console/similar")
	if code != 200 || !strings.Contains(page, `id="similar-form"`) || strings.Contains(page, `id="similar-table"`) {
		t.Fatalf("the empty form: %d", code)
	}
	code, page, _ = get(t, b, srv.URL+"/console/similar?"+url.Values{"category": {"talent_recruitment"}}.Encode())
	if code != 200 {
		t.Fatalf("similar: %d %s", code, page)
	}
	for _, want := range []string{
		`<tr><td>declined</td><td>1</td><td>7</td></tr>`,
		`<tr><td>accepted</td><td>0</td><td class="suppressed">suppressed</td></tr>`,
		`<tr><td>pending</td><td>1</td><td class="suppressed">suppressed</td></tr>`,
		`<a href="/console/records/bafyrec1">`,
		`<a href="/console/records/bafynew">2026-10</a>`,
		`<bdi>visitor_escort</bdi>: 2`,
		`<svg id="similar-chart"`,
		`<title>accepted (consortium): suppressed</title>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the similar page lacks %s", want)
		}
	}
	if strings.Contains(page, `<title>accepted (consortium): 0</title>`) {
		t.Error("a suppressed consortium figure is charted as 0")
	}
}

// upload posts a list file to the screening page as a browser's form does.
func upload(t *testing.T, b *http.Client, u, token, name, content string) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if token != "" {
		mw.WriteField("csrf", token)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	req, err := http.NewRequest("POST", u, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	code, body, _ := do(t, b, req)
	return code, body
}

func TestScreenPage(t *testing.T) {
	srv, b, f := fakeConsole(t, "member")
	_, form, _ := get(t, b, srv.URL+"/console/screen")
	if !strings.Contains(form, `enctype="multipart/form-data"`) {
		t.Fatal("the screening form is not a file upload")
	}
	tok := csrf(t, form)

	// Without the CSRF token (or with a wrong one) nothing is screened.
	for _, bad := range []string{"", "wrong"} {
		if code, _ := upload(t, b, srv.URL+"/console/screen", bad, "list.csv", "name\nExample Trading\n"); code != http.StatusForbidden {
			t.Errorf("upload with token %q: %d, want 403", bad, code)
		}
	}
	if f.screens.Load() != 0 {
		t.Fatal("a list was screened without the CSRF token")
	}
	// Nothing to download yet.
	if code, _, _ := get(t, b, srv.URL+"/console/screen.csv"); code != http.StatusNotFound {
		t.Errorf("CSV before any screening: %d", code)
	}
	// Too large: refused as such.
	if code, _ := upload(t, b, srv.URL+"/console/screen", tok, "big.txt", strings.Repeat("x", console.MaxUpload+1)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized list: %d, want 413", code)
	}

	code, page := upload(t, b, srv.URL+"/console/screen", tok, "list.csv", "name\nExample Trading\nClean University\n")
	if code != 200 || f.screens.Load() != 1 {
		t.Fatalf("upload: %d (%d screenings) %s", code, f.screens.Load(), page)
	}
	for _, want := range []string{
		`<td><bdi>Example Trading Co., Ltd.</bdi></td><td>normalised</td><td>0.97</td><td><span class="tlp tlp-amber">TLP:AMBER</span></td><td>high</td>`,
		`<a href="/console/records/bafyhit"><bdi>Front &lt;b&gt;company&lt;/b&gt;</bdi></a>`,
		`<td><bdi>Clean University</bdi></td><td colspan="6" class="count">no match`,
		`<a id="screen-csv" href="/console/screen.csv"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the screening result lacks %s", want)
		}
	}

	code, body, h := get(t, b, srv.URL+"/console/screen.csv")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %v", code, h)
	}
	want := "\ufeffTLP:AMBER\r\n" +
		"row,name,tlp,cid,matched,how,score,severity,expired,title,suggested_mitigation,note\r\n" +
		"1,Example Trading,TLP:AMBER,bafyhit,\"Example Trading Co., Ltd.\",normalised,0.97,high,false,Front <b>company</b>,,\r\n" +
		"1,Example Trading,TLP:GREEN,bafyhit2,Example Trade,fuzzy,0.81,low,true,,,\r\n" +
		"2,Clean University,TLP:CLEAR,,,,,,,,,\r\n"
	if body != want {
		t.Errorf("CSV:\n%q\nwant\n%q", body, want)
	}
}

// TestInsightPagesOnANode: the pages read a real node's answers.
func TestInsightPagesOnANode(t *testing.T) {
	cn := startNode(t, "Insight Test University")
	cid := cn.publish(indicator("Procurement front for lasers"))
	b := cn.signIn()
	if code, page, _ := get(t, b, cn.srv.URL+"/console/trends"); code != 200 || !strings.Contains(page, "No trend report has been received yet.") {
		t.Errorf("trends at a member: %d", code)
	}
	code, page, _ := get(t, b, cn.srv.URL+"/console/similar?category=export_control")
	if code != 200 || !strings.Contains(page, `<a href="/console/records/`+cid+`"><bdi>Procurement front for lasers</bdi> `) || strings.Count(page, `<td class="suppressed">suppressed</td>`) != 4 {
		t.Errorf("similar at a member (each record by its title): %d %s", code, page)
	}
	_, form, _ := get(t, b, cn.srv.URL+"/console/screen")
	code, page = upload(t, b, cn.srv.URL+"/console/screen", csrf(t, form), "list.txt", "Example Trading Co., Ltd.\nNobody Institute\n")
	if code != 200 || !strings.Contains(page, `<a href="/console/records/`+cid+`"><bdi>Procurement front for lasers</bdi></a>`) {
		t.Errorf("screening at a member: %d %s", code, page)
	}
	code, body, _ := get(t, b, cn.srv.URL+"/console/screen.csv")
	if code != 200 || !strings.HasPrefix(body, "\ufeffTLP:GREEN\r\n") || !strings.Contains(body, cid) {
		t.Errorf("CSV at a member: %d %q", code, body)
	}
	// A list the node cannot read: its message, on the page, and
	// nothing left to download.
	if code, page := upload(t, b, cn.srv.URL+"/console/screen", csrf(t, form), "empty.txt", ""); code != http.StatusUnprocessableEntity || !strings.Contains(page, `class="error"`) {
		t.Errorf("an empty list: %d", code)
	}
	if code, _, _ := get(t, b, cn.srv.URL+"/console/screen.csv"); code != http.StatusNotFound {
		t.Errorf("CSV after a failed screening: %d", code)
	}
}

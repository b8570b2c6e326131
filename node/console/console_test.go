package console_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiwire"
)

// consoleNode is a real node behind the real API handler (which serves the
// console) on a loopback httptest server.
type consoleNode struct {
	t     *testing.T
	n     *node.Node
	srv   *httptest.Server
	token string
}

func startNode(t testing.TB, name string) *consoleNode {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: name}); err != nil {
		t.Fatal(err)
	}
	h, err := node.LoadHome(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	if tt, ok := t.(*testing.T); ok {
		lg = slog.New(slog.NewTextHandler(tt.Output(), nil))
	}
	n, err := node.Open(h, node.Options{Logger: lg})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := node.ReadToken(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewServer(n, tok, lg))
	t.Cleanup(func() {
		srv.Close()
		n.Close()
	})
	tt, _ := t.(*testing.T)
	return &consoleNode{t: tt, n: n, srv: srv, token: tok}
}

// signInURL mints a one-time link through the API, as `ursic console` does.
func signInURL(t testing.TB, srvURL, token string) string {
	t.Helper()
	req, err := http.NewRequest("POST", srvURL+"/v1/console/signin", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("sign-in link: status %d", resp.StatusCode)
	}
	var s apiwire.ConsoleSignIn
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s.URL
}

// browser is an HTTP client with cookies that does not follow redirects.
func browser(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t testing.TB, c *http.Client, u string, header ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, c, req)
}

func post(t testing.TB, c *http.Client, u string, form url.Values) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

func do(t testing.TB, c *http.Client, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// signIn opens a fresh sign-in link in a new browser.
func (cn *consoleNode) signIn() *http.Client {
	cn.t.Helper()
	b := browser(cn.t)
	if code, body, _ := get(cn.t, b, signInURL(cn.t, cn.srv.URL, cn.token)); code != 200 {
		cn.t.Fatalf("sign-in: status %d: %s", code, body)
	}
	return b
}

// csrf reads the CSRF token from a console page.
func csrf(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `name="csrf" value="`)
	if !ok {
		t.Fatal("no CSRF token on the page")
	}
	tok, _, _ := strings.Cut(rest, `"`)
	return tok
}

func (cn *consoleNode) publish(record string) string {
	cn.t.Helper()
	req, err := http.NewRequest("POST", cn.srv.URL+"/v1/publish", strings.NewReader(record))
	if err != nil {
		cn.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+cn.token)
	code, body, _ := do(cn.t, http.DefaultClient, req)
	if code != 200 {
		cn.t.Fatalf("publish: %d %s", code, body)
	}
	var ev apiwire.PublishEvent
	if err := json.NewDecoder(strings.NewReader(body)).Decode(&ev); err != nil || ev.CID == "" {
		cn.t.Fatalf("publish: %v %s", err, body)
	}
	return ev.CID
}

const cleanIndicator = `{"kind":"indicator","title":%q,"indicator_type":"procurement_front","subject":{"kind":"organisation","names":[{"value":"Example Trading Co., Ltd.","lang":"en"}],"jurisdiction":"JP"},"reason_category":"export_control","summary":"Requested quotes for lasers from three labs.","severity":"high","confidence":"medium","policy":{"tlp":"green"}}`

func indicator(title string) string {
	b, _ := json.Marshal(title)
	return strings.Replace(cleanIndicator, "%q", string(b), 1)
}

func TestSignInIsSingleUse(t *testing.T) {
	cn := startNode(t, "Console Test University")
	link := signInURL(t, cn.srv.URL, cn.token)
	if !strings.HasPrefix(link, cn.srv.URL+"/console/signin?token=") {
		t.Fatalf("link %q is not on the API's address", link)
	}
	b := browser(t)
	code, _, h := get(t, b, link)
	if code != 200 {
		t.Fatalf("first use: status %d", code)
	}
	ck := h.Get("Set-Cookie")
	for _, want := range []string{"ursic_session_", "HttpOnly", "SameSite=Strict", "Path=/console/"} {
		if !strings.Contains(ck, want) {
			t.Errorf("session cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Errorf("cookie is Secure on plain HTTP: %q", ck)
	}
	if code, _, _ := get(t, b, cn.srv.URL+"/console/inbox"); code != 200 {
		t.Fatalf("inbox after sign-in: status %d", code)
	}
	other := browser(t)
	if code, body, _ := get(t, other, link); code != 403 || !strings.Contains(body, "already used") {
		t.Fatalf("second use: status %d, want 403 with the reason", code)
	}
	if code, _, _ := get(t, other, cn.srv.URL+"/console/inbox"); code != 401 {
		t.Fatalf("inbox without a session: status %d, want 401", code)
	}
}

func TestSignInLinkNeedsAPIToken(t *testing.T) {
	cn := startNode(t, "Console Test University")
	code, _, _ := post(t, http.DefaultClient, cn.srv.URL+"/v1/console/signin", nil)
	if code != 401 {
		t.Fatalf("minting without the token: status %d, want 401", code)
	}
}

func TestCSRFRefused(t *testing.T) {
	cn := startNode(t, "Console Test University")
	b := cn.signIn()
	_, page, _ := get(t, b, cn.srv.URL+"/console/publish")
	tok := csrf(t, page)
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{"/console/publish", url.Values{"kind": {"indicator"}, "title": {"x"}}},
		{"/console/publish", url.Values{"kind": {"indicator"}, "title": {"x"}, "csrf": {"wrong"}}},
		{"/console/check", url.Values{"kind": {"indicator"}}},
		{"/console/signout", url.Values{}},
	} {
		code, body, _ := post(t, b, cn.srv.URL+tc.path, tc.form)
		if code != 403 || !strings.Contains(body, "security token") {
			t.Errorf("POST %s %v: status %d, want 403 naming the token", tc.path, tc.form, code)
		}
	}
	// The same session with its token signs out.
	if code, _, _ := post(t, b, cn.srv.URL+"/console/signout", url.Values{"csrf": {tok}}); code != 200 {
		t.Fatalf("sign-out with the token: status %d", code)
	}
	if code, _, _ := get(t, b, cn.srv.URL+"/console/inbox"); code != 401 {
		t.Fatalf("inbox after sign-out: status %d, want 401", code)
	}
}

func TestHostAllowlist(t *testing.T) {
	cn := startNode(t, "Console Test University")
	b := cn.signIn()
	req, err := http.NewRequest("GET", cn.srv.URL+"/console/inbox", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "rebound.example"
	if code, _, _ := do(t, b, req); code != http.StatusMisdirectedRequest {
		t.Fatalf("console with a foreign Host: status %d, want 421", code)
	}
	u, _ := url.Parse(cn.srv.URL)
	req, _ = http.NewRequest("GET", "http://localhost:"+u.Port()+"/console/signin?token=x", nil)
	if code, _, _ := do(t, b, req); code != 403 {
		t.Fatalf("localhost is loopback and answered: status %d, want 403 (bad token)", code)
	}
}

func TestLanguage(t *testing.T) {
	cn := startNode(t, "Console Test University")
	b := cn.signIn()
	_, ja, _ := get(t, b, cn.srv.URL+"/console/inbox", "Accept-Language", "ja-JP,ja;q=0.9,en;q=0.8")
	if !strings.Contains(ja, `<html lang="ja">`) || !strings.Contains(ja, "受信一覧") {
		t.Fatal("Accept-Language ja: the inbox is not in Japanese")
	}
	_, en, _ := get(t, b, cn.srv.URL+"/console/inbox", "Accept-Language", "en-GB,en;q=0.9,ja;q=0.5")
	if !strings.Contains(en, `<html lang="en">`) || !strings.Contains(en, "Inbox") {
		t.Fatal("Accept-Language en: the inbox is not in English")
	}
	// The switch sets a cookie that wins over the header, and comes back.
	code, _, h := get(t, b, cn.srv.URL+"/console/lang?to=ja&next=%2Fconsole%2Finbox%3Fkind%3Dmethod", "Accept-Language", "en")
	if code != 303 || h.Get("Location") != "/console/inbox?kind=method" {
		t.Fatalf("switch: status %d to %q", code, h.Get("Location"))
	}
	_, sw, _ := get(t, b, cn.srv.URL+"/console/inbox", "Accept-Language", "en")
	if !strings.Contains(sw, `<html lang="ja">`) {
		t.Fatal("after switching to Japanese, the page is not in Japanese")
	}
	// The switch goes back only to console pages.
	if _, _, h := get(t, b, cn.srv.URL+"/console/lang?to=en&next=https%3A%2F%2Fevil.example%2F"); h.Get("Location") != "/console/inbox" {
		t.Fatalf("switch followed next to %q", h.Get("Location"))
	}
	// Errors are in the page's language too.
	_, e, _ := get(t, browser(t), cn.srv.URL+"/console/signin?token=nope", "Accept-Language", "ja")
	if !strings.Contains(e, "このサインイン用リンクは無効です") {
		t.Fatal("the sign-in error is not in Japanese")
	}
}

func TestTitleIsEscaped(t *testing.T) {
	cn := startNode(t, "Console Test University")
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	cid := cn.publish(indicator(evil))
	b := cn.signIn()
	for _, path := range []string{"/console/inbox", "/console/records/" + cid} {
		code, page, _ := get(t, b, cn.srv.URL+path)
		if code != 200 {
			t.Fatalf("%s: status %d", path, code)
		}
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
			t.Errorf("%s: the title reached the page unescaped", path)
		}
		if !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("%s: the escaped title is missing", path)
		}
	}
}

func TestRecordPage(t *testing.T) {
	cn := startNode(t, "Console Test University")
	cid := cn.publish(indicator("Procurement front for photonics"))
	b := cn.signIn()
	_, page, _ := get(t, b, cn.srv.URL+"/console/records/"+cid, "Accept-Language", "ja")
	for _, want := range []string{`class="tlp tlp-green"`, "TLP:GREEN", "受信者はコミュニティ内", "Example Trading Co., Ltd.", "深刻度", "高", "この記録を撤回する", "すでに読まれた内容を取り消すことはできません", "受信者", "このノードのみ"} {
		if !strings.Contains(page, want) {
			t.Errorf("record page lacks %q", want)
		}
	}
	if strings.Contains(page, `"indicator_type"`) {
		t.Error("record page shows raw JSON")
	}
	// Retract, with its reason; the record then says so.
	code, _, h := post(t, b, cn.srv.URL+"/console/records/"+cid+"/retract", url.Values{"csrf": {csrf(t, page)}, "reason": {"published in error"}})
	if code != 303 {
		t.Fatalf("retract: status %d", code)
	}
	_, after, _ := get(t, b, cn.srv.URL+h.Get("Location"), "Accept-Language", "en")
	if !strings.Contains(after, "retracted by its author") || !strings.Contains(after, "published in error") {
		t.Fatal("the retracted record does not say so")
	}
}

func TestInboxFiltersAndPaging(t *testing.T) {
	cn := startNode(t, "Console Test University")
	var lines []string
	for i := range 60 {
		lines = append(lines, indicator("Front company number "+string(rune('A'+i%26))+string(rune('a'+i/26))))
	}
	req, _ := http.NewRequest("POST", cn.srv.URL+"/v1/publish", strings.NewReader(strings.Join(lines, "\n")))
	req.Header.Set("Authorization", "Bearer "+cn.token)
	if code, body, _ := do(t, http.DefaultClient, req); code != 200 {
		t.Fatalf("publish: %d %s", code, body)
	}
	b := cn.signIn()
	_, page, _ := get(t, b, cn.srv.URL+"/console/inbox")
	if !strings.Contains(page, "1–50 of 60") || !strings.Contains(page, `href="/console/inbox?offset=50"`) {
		t.Fatal("first page: no count or no link to the next page")
	}
	_, page, _ = get(t, b, cn.srv.URL+"/console/inbox?offset=50")
	if !strings.Contains(page, "51–60 of 60") {
		t.Fatal("second page: wrong range")
	}
	_, page, _ = get(t, b, cn.srv.URL+"/console/inbox?q=number+Ba&kind=indicator&tlp=green")
	if !strings.Contains(page, "1–1 of 1") || !strings.Contains(page, `value="number Ba"`) {
		t.Fatal("filters: not applied or not kept in the form")
	}
	_, page, _ = get(t, b, cn.srv.URL+"/console/inbox?author=nobody-here")
	if !strings.Contains(page, "No member of the roster has that name") || !strings.Contains(page, "Console Test University") {
		t.Fatal("an unknown author does not say so, or not which members there are")
	}
}

func TestPublishForm(t *testing.T) {
	cn := startNode(t, "Console Test University")
	b := cn.signIn()
	_, page, _ := get(t, b, cn.srv.URL+"/console/publish?kind=method")
	tok := csrf(t, page)
	form := url.Values{"csrf": {tok}, "kind": {"method"}, "title": {"Recruitment through a foundation"}, "tactic": {"talent_recruitment"}, "period": {"2026-Q3"},
		"narrative": {"A visiting researcher was invited. Nationality: Ruritanian."}, "tlp": {"amber"}, "audience": {"members"}}
	// The live check names the refused rule and the field.
	code, body, _ := post(t, b, cn.srv.URL+"/console/check", form)
	if code != 200 {
		t.Fatalf("check: status %d: %s", code, body)
	}
	var res struct {
		OK       bool `json:"ok"`
		Refused  bool `json:"refused"`
		Findings []struct{ Rule, Field, Severity string }
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if res.OK || !res.Refused || len(res.Findings) == 0 || res.Findings[0].Rule != "nationality" || res.Findings[0].Field != "narrative" {
		t.Fatalf("check of a nationality phrase: %s", body)
	}
	// Publishing it is refused, nothing stored, the field marked.
	code, page, _ = post(t, b, cn.srv.URL+"/console/publish", form)
	if code != 422 || !strings.Contains(page, `class="field has-refuse" id="field-narrative"`) {
		t.Fatalf("refused publish: status %d, or the field is not marked", code)
	}
	if st, _ := cn.n.Status(); st.Records != 0 {
		t.Fatalf("a refused record was stored (%d records)", st.Records)
	}
	// Clean, it is published and shown.
	form.Set("narrative", "A visiting researcher was invited through a foundation.")
	code, _, h := post(t, b, cn.srv.URL+"/console/publish", form)
	if code != 303 || !strings.HasPrefix(h.Get("Location"), "/console/records/") {
		t.Fatalf("clean publish: status %d to %q", code, h.Get("Location"))
	}
	_, page, _ = get(t, b, cn.srv.URL+h.Get("Location"))
	if !strings.Contains(page, "Recruitment through a foundation") || !strings.Contains(page, "TLP:AMBER") {
		t.Fatal("the published record's page lacks its title or badge")
	}
}

func TestPeersAndAuditPages(t *testing.T) {
	cn := startNode(t, "Console Test University")
	cn.publish(indicator("One record"))
	b := cn.signIn()
	_, page, _ := get(t, b, cn.srv.URL+"/console/peers")
	if !strings.Contains(page, "Console Test University") || !strings.Contains(page, "consortium of one") {
		t.Fatal("peers page lacks the node or the roster note")
	}
	_, page, _ = get(t, b, cn.srv.URL+"/console/audit")
	if !strings.Contains(page, "The audit log is intact") || !strings.Contains(page, "publish") {
		t.Fatal("audit page lacks the verify status or the publish entry")
	}
	// In Japanese the events read in Japanese, beside the name the node writes.
	_, page, _ = get(t, b, cn.srv.URL+"/console/audit", "Accept-Language", "ja")
	if !strings.Contains(page, "公開（publish）") {
		t.Fatal("the Japanese audit page shows the publish event untranslated")
	}
}

func TestStaticAssetsEmbedded(t *testing.T) {
	cn := startNode(t, "Console Test University")
	for _, p := range []string{"/console/static/console.css", "/console/static/console.js"} {
		code, body, _ := get(t, http.DefaultClient, cn.srv.URL+p)
		if code != 200 || len(body) == 0 {
			t.Errorf("%s: status %d", p, code)
		}
	}
	_, body, h := get(t, http.DefaultClient, cn.srv.URL+"/console/inbox")
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || bytes.Contains([]byte(body), []byte("https://")) {
		t.Fatal("no CSP, or a page loads something from elsewhere")
	}
}

func TestNewSinceLastVisit(t *testing.T) {
	cn := startNode(t, "Console Test University")
	cn.publish(indicator("Seen before"))
	b := cn.signIn()
	if _, page, _ := get(t, b, cn.srv.URL+"/console/inbox"); strings.Contains(page, "badge-new") {
		t.Fatal("a first visit marks records new")
	}
	// Created times are in milliseconds: let the clock pass the view's.
	u, _ := url.Parse(cn.srv.URL + "/console/")
	var seen int64
	for _, ck := range b.Jar.Cookies(u) {
		if strings.HasPrefix(ck.Name, "ursic_seen") {
			seen, _ = strconv.ParseInt(ck.Value, 10, 64)
		}
	}
	if seen == 0 {
		t.Fatal("the inbox set no last-visit cookie")
	}
	for time.Now().UnixMilli() <= seen {
		runtime.Gosched()
	}
	cn.publish(indicator("Arrived later"))
	// A new session in the same browser: the record that came after the
	// last inbox view is new, the other is not, and a reload keeps the mark.
	if code, _, _ := get(t, b, signInURL(t, cn.srv.URL, cn.token)); code != 200 {
		t.Fatal("second sign-in failed")
	}
	for range 2 {
		_, page, _ := get(t, b, cn.srv.URL+"/console/inbox")
		if !strings.Contains(page, "1 new since your last visit") || strings.Count(page, `class="badge-new"`) != 1 {
			t.Fatal("the record that arrived since the last visit is not marked new, alone")
		}
	}
}

func TestPersonalDataNeedsConfirmation(t *testing.T) {
	cn := startNode(t, "Console Test University")
	b := cn.signIn()
	_, page, _ := get(t, b, cn.srv.URL+"/console/publish?kind=sighting")
	ref := cn.publish(indicator("Something met"))
	form := url.Values{"csrf": {csrf(t, page)}, "kind": {"sighting"}, "ref": {ref}, "when": {"2026-11-01"}, "outcome": {"declined"},
		"note": {"Contact the office at research-office@example.ac.jp for the file."}, "tlp": {"amber"}, "audience": {"members"}}
	code, page, _ := post(t, b, cn.srv.URL+"/console/publish", form)
	if code != 422 || !strings.Contains(page, `id="field-note"`) || strings.Contains(page, `id="confirm-box" hidden`) {
		t.Fatalf("flagged e-mail: status %d, or no confirmation box shown", code)
	}
	if st, _ := cn.n.Status(); st.Records != 1 {
		t.Fatalf("an unconfirmed record was stored (%d records)", st.Records)
	}
	form.Set("confirm_personal_data", "1")
	if code, _, h := post(t, b, cn.srv.URL+"/console/publish", form); code != 303 {
		t.Fatalf("confirmed publish: status %d (%s)", code, h.Get("Location"))
	}
}

func TestInboxShowExpired(t *testing.T) {
	cn := startNode(t, "Console Test University")
	cn.publish(strings.Replace(indicator("Old front company"), `"severity"`, `"valid_until":"2020-03-31","severity"`, 1))
	cn.publish(indicator("Current front company"))
	b := cn.signIn()
	_, page, _ := get(t, b, cn.srv.URL+"/console/inbox")
	if strings.Contains(page, "Old front company") || !strings.Contains(page, "Current front company") {
		t.Fatal("the inbox shows an expired indicator by default, or hides a valid one")
	}
	_, page, _ = get(t, b, cn.srv.URL+"/console/inbox?expired=1")
	if !strings.Contains(page, "Old front company") || !strings.Contains(page, `class="tag expired"`) || !strings.Contains(page, `id="f-expired" checked`) {
		t.Fatal("show expired: the expired indicator is missing, unmarked, or the box unticked")
	}
}

package console_test

// A record written by a hostile insider, read in the console: HTML and
// script in every free-text field, full-width look-alikes of < and >, and
// Japanese that must read exactly as written (2026-11-30 review).

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const (
	// hostileTitle mixes Japanese, full-width look-alikes (which are text,
	// not markup) and real markup.
	hostileTitle   = `輸出管理：＜script＞window.__xss=5＜/script＞ <script>window.__xss=1</script><img src=x onerror="window.__xss=2">`
	hostileSummary = `</p></dd><svg onload=window.__xss=3><a href="javascript:window.__xss=6">見積依頼</a> '"--><!--`
	hostileName    = `"><script>window.__xss=4</script>株式会社エグザンプル`
	// japaneseTitle is plain Japanese, to be shown character for character.
	japaneseTitle = `レーザー部品の調達依頼（東京・大阪の三研究室）`
)

// hostileIndicator is an indicator with the hostile strings in its title,
// summary and subject name.
func hostileIndicator(t *testing.T, title string) string {
	t.Helper()
	rec := map[string]any{
		"kind": "indicator", "title": title, "indicator_type": "procurement_front",
		"subject":         map[string]any{"kind": "organisation", "names": []map[string]string{{"value": hostileName, "lang": "ja"}}, "jurisdiction": "JP"},
		"reason_category": "export_control", "summary": hostileSummary, "severity": "high", "confidence": "medium",
		"policy": map[string]string{"tlp": "green"},
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// unescaped lists the markup an attacker's strings would leave on a page
// rendered without escaping.
var unescaped = []string{"<script>window", "<img src=x", "<svg onload", `href="javascript:`, `"><script>`, "onerror=\"window"}

// TestHostileRecordEscapedEverywhere: every page that shows a record's text
// (inbox, search results, record, screening) escapes its markup, and shows
// Japanese and full-width characters as written.
func TestHostileRecordEscapedEverywhere(t *testing.T) {
	cn := startNode(t, "Console Test University")
	cid := cn.publish(hostileIndicator(t, hostileTitle))
	jaCID := cn.publish(indicator(japaneseTitle))
	b := cn.signIn()

	pages := map[string]string{}
	for _, path := range []string{
		"/console/inbox",
		"/console/inbox?" + url.Values{"q": {"輸出管理"}}.Encode(),
		"/console/inbox?" + url.Values{"q": {"<script>"}}.Encode(),
		"/console/records/" + cid,
		"/console/records/" + jaCID,
		"/console/similar?category=export_control",
	} {
		code, page, h := get(t, b, cn.srv.URL+path, "Accept-Language", "ja")
		if code != 200 {
			t.Fatalf("%s: status %d", path, code)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		pages[path] = page
	}
	_, form, _ := get(t, b, cn.srv.URL+"/console/screen")
	code, screened := upload(t, b, cn.srv.URL+"/console/screen", csrf(t, form), "list.txt", "株式会社エグザンプル\n")
	if code != 200 {
		t.Fatalf("screening: status %d: %s", code, screened)
	}
	pages["screen"] = screened

	for path, page := range pages {
		for _, bad := range unescaped {
			if strings.Contains(page, bad) {
				t.Errorf("%s: %q reached the page unescaped", path, bad)
			}
		}
	}
	// Japanese and the full-width look-alikes are text: shown as written.
	for path, want := range map[string]string{
		"/console/inbox":            `輸出管理：＜script＞window.__xss=5＜/script＞ &lt;script&gt;`,
		"/console/records/" + cid:   `<h1 id="rec-title"><bdi>輸出管理：＜script＞window.__xss=5＜/script＞ &lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&#34;window.__xss=2&#34;&gt;</bdi></h1>`,
		"/console/records/" + jaCID: `<h1 id="rec-title"><bdi>` + japaneseTitle + `</bdi></h1>`,
		"/console/inbox?" + url.Values{"q": {"輸出管理"}}.Encode(): `輸出管理：＜script＞`,
		"screen": `株式会社エグザンプル`,
	} {
		if !strings.Contains(pages[path], want) {
			t.Errorf("%s: want %s on the page", path, want)
		}
	}
	if !strings.Contains(pages["/console/records/"+cid], `&lt;/p&gt;&lt;/dd&gt;&lt;svg onload=window.__xss=3&gt;`) {
		t.Errorf("record page: the summary is not shown escaped")
	}
	if !strings.Contains(pages["/console/inbox"], japaneseTitle) {
		t.Errorf("inbox: the Japanese title is not shown as written")
	}
}

// TestBrowserHostileRecord: in a real browser, the hostile record runs no
// script on the inbox, the search results or the record page, and its
// title, and a Japanese title, read exactly as written.
func TestBrowserHostileRecord(t *testing.T) {
	cn := startNode(t, "Browser Test University")
	b := newBrowser(t)
	cid := cn.publish(hostileIndicator(t, hostileTitle))
	jaCID := cn.publish(indicator(japaneseTitle))
	link := signInURL(t, cn.srv.URL, cn.token)

	var xss any
	var handlers int
	check := func(where string) {
		t.Helper()
		if xss != nil {
			t.Errorf("%s: window.__xss = %v: the record's script ran", where, xss)
		}
		if handlers != 0 {
			t.Errorf("%s: %d elements carry an onerror/onload attribute", where, handlers)
		}
	}
	probe := []chromedp.Action{
		chromedp.Evaluate(`window.__xss`, &xss),
		chromedp.Evaluate(`document.querySelectorAll("[onerror],[onload]").length`, &handlers),
	}

	var titles []string
	b.run("inbox", append([]chromedp.Action{
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#inbox`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#inbox .rec-title")).map(e => e.textContent)`, &titles),
	}, probe...)...)
	check("inbox")
	if !contains(titles, hostileTitle) || !contains(titles, japaneseTitle) {
		t.Errorf("inbox titles %q, want %q and %q as written", titles, hostileTitle, japaneseTitle)
	}

	b.run("search", append([]chromedp.Action{
		chromedp.Navigate(cn.srv.URL + "/console/inbox?" + url.Values{"q": {"<script>"}}.Encode()),
		chromedp.WaitVisible(`#inbox`, chromedp.ByQuery),
	}, probe...)...)
	check("search results")

	var title, body string
	b.run("record", append([]chromedp.Action{
		chromedp.Navigate(cn.srv.URL + "/console/records/" + cid),
		chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("rec-title").textContent`, &title),
		chromedp.Evaluate(`document.querySelector("article.record").textContent`, &body),
	}, probe...)...)
	check("record page")
	if title != hostileTitle {
		t.Errorf("record title reads %q, want %q", title, hostileTitle)
	}
	for _, want := range []string{hostileSummary, hostileName} {
		if !strings.Contains(body, want) {
			t.Errorf("record page lacks %q as written", want)
		}
	}

	b.run("japanese record",
		chromedp.Navigate(cn.srv.URL+"/console/records/"+jaCID),
		chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("rec-title").textContent`, &title),
	)
	if title != japaneseTitle {
		t.Errorf("Japanese record title reads %q, want %q", title, japaneseTitle)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// findBrowser returns Chromium's path. Under CI (CI=true) a missing browser
// fails the test: .ci/run installs it. Elsewhere the test is skipped.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium or chromium-browser on PATH under CI; .ci/run installs it with apt-get install -y chromium")
	}
	t.Skip("no chromium or chromium-browser on PATH (CI installs it)")
	return ""
}

// browserSession drives headless Chromium for one test, with a deadline on
// every step, and screenshots saved under the test's temp dir (or
// $URSIC_SCREENSHOTS, to keep them).
type browserSession struct {
	t   *testing.T
	ctx context.Context
	dir string
	n   int
}

func newBrowser(t *testing.T) *browserSession {
	exe := findBrowser(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "en-US"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	// Start the browser on the test's context: a browser started inside a
	// step's shorter context would close when that step ends.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("failed to start %s: %v", exe, err)
	}
	dir := os.Getenv("URSIC_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	b := &browserSession{t: t, ctx: ctx, dir: dir}
	t.Cleanup(func() {
		if t.Failed() {
			b.shot("failure")
		}
	})
	return b
}

// run runs browser actions; a failure saves a screenshot and stops the test.
func (b *browserSession) run(what string, actions ...chromedp.Action) {
	b.t.Helper()
	step, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Run(step, actions...); err != nil {
		path := b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("browser: %s: %v (screenshot: %s)", what, err, path)
	}
}

func (b *browserSession) shot(name string) string {
	b.n++
	var buf []byte
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&buf, 100)); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.n, name))
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

func TestBrowser(t *testing.T) {
	cn := startNode(t, "Browser Test University")
	b := newBrowser(t)
	cn.publish(indicator("Procurement front for photonics"))
	link := signInURL(t, cn.srv.URL, cn.token)

	// Sign in with the one-time link: the inbox opens with the record and its
	// badge in FIRST's TLP:GREEN colours.
	var color, bg, title string
	b.run("sign in",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#inbox`, chromedp.ByQuery),
		chromedp.Text(`#inbox .rec-title`, &title, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('#inbox .tlp')).color`, &color),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('#inbox .tlp')).backgroundColor`, &bg),
	)
	b.shot("inbox")
	if title != "Procurement front for photonics" {
		t.Fatalf("inbox shows %q", title)
	}
	if color != "rgb(51, 255, 0)" || bg != "rgb(0, 0, 0)" {
		t.Fatalf("TLP:GREEN badge is %s on %s, want #33FF00 on black", color, bg)
	}

	// A filter survives a reload: it is in the URL.
	var q, loc string
	b.run("filter",
		chromedp.SendKeys(`#f-q`, "photonics", chromedp.ByQuery),
		chromedp.Click(`#f-submit`, chromedp.ByQuery),
		// The value attribute is the server's: the filtered page has loaded.
		chromedp.WaitVisible(`#f-q[value="photonics"]`, chromedp.ByQuery),
		chromedp.Reload(),
		chromedp.WaitVisible(`#f-q[value="photonics"]`, chromedp.ByQuery),
		chromedp.Value(`#f-q`, &q, chromedp.ByQuery),
		chromedp.Location(&loc),
	)
	if q != "photonics" || !strings.Contains(loc, "q=photonics") {
		t.Fatalf("after reload the search box holds %q at %s", q, loc)
	}

	// The publish form: a nationality phrase is refused as it is typed, with
	// the field marked; the clean record is published and shown.
	var finding string
	b.run("guardrail finding",
		chromedp.Navigate(cn.srv.URL+"/console/publish?kind=method"),
		chromedp.WaitVisible(`#publish-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#in-title`, "Recruitment through a foundation", chromedp.ByQuery),
		chromedp.SendKeys(`#in-tactic`, "talent_recruitment", chromedp.ByQuery),
		chromedp.SendKeys(`#in-period`, "2026-Q3", chromedp.ByQuery),
		chromedp.SendKeys(`#in-narrative`, "A visiting researcher was invited. Nationality: Ruritanian.", chromedp.ByQuery),
		chromedp.WaitVisible(`#check-result li.finding.refuse`, chromedp.ByQuery),
		chromedp.WaitVisible(`#field-narrative.has-refuse`, chromedp.ByQuery),
		chromedp.Text(`#check-result li.finding.refuse`, &finding, chromedp.ByQuery),
	)
	b.shot("publish-refused")
	if !strings.Contains(finding, "nationality") {
		t.Fatalf("the finding says %q", finding)
	}
	var published string
	b.run("clean publish",
		chromedp.Evaluate(`document.getElementById("in-narrative").value = ""`, nil),
		chromedp.SendKeys(`#in-narrative`, "A visiting researcher was invited through a foundation.", chromedp.ByQuery),
		chromedp.WaitVisible(`#check-result .ok`, chromedp.ByQuery),
		chromedp.Click(`#publish`, chromedp.ByQuery),
		chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery),
		chromedp.Text(`#rec-title`, &published, chromedp.ByQuery),
	)
	b.shot("published")
	if published != "Recruitment through a foundation" {
		t.Fatalf("published record page shows %q", published)
	}

	// The language switch: the same page in Japanese, and it stays so.
	var lang, h1 string
	b.run("language switch",
		chromedp.Navigate(cn.srv.URL+"/console/inbox"),
		chromedp.WaitVisible(`#lang-switch`, chromedp.ByQuery),
		chromedp.Click(`#lang-switch`, chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang=ja] #inbox`, chromedp.ByQuery),
		chromedp.Navigate(cn.srv.URL+"/console/publish?kind=indicator"),
		chromedp.WaitVisible(`html[lang=ja] #publish-form`, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
		chromedp.Text(`h1`, &h1, chromedp.ByQuery),
	)
	b.shot("publish-ja")
	if lang != "ja" || h1 != "記録を共有する" {
		t.Fatalf("after the switch: lang %q, heading %q", lang, h1)
	}
	b.run("japanese inbox", chromedp.Navigate(cn.srv.URL+"/console/inbox"), chromedp.WaitVisible(`#inbox`, chromedp.ByQuery))
	b.shot("inbox-ja")

	// A page elsewhere on this machine posts the publish form with the
	// session's cookie (another port of 127.0.0.1 is the same site) but
	// without its CSRF token: refused, nothing stored.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s/console/publish">
<input name="kind" value="method"><input name="title" value="Forged"><input name="tactic" value="x"><input name="period" value="2026-Q1">
<input name="narrative" value="forged"><input name="tlp" value="green"><input name="audience" value="members"></form>
<script>document.getElementById("f").submit()</script>`, cn.srv.URL)
	}))
	defer evil.Close()
	before, _ := cn.n.Status()
	var refused string
	b.run("csrf", chromedp.Navigate(evil.URL), chromedp.WaitVisible(`.error`, chromedp.ByQuery), chromedp.Text(`.error`, &refused, chromedp.ByQuery))
	if after, _ := cn.n.Status(); after.Records != before.Records || !strings.Contains(refused, "セキュリティトークン") {
		t.Fatalf("a forged publish: %q, records %d → %d", refused, before.Records, after.Records)
	}

	// The link was used once: it opens nothing now.
	var body string
	b.run("reuse", chromedp.Navigate(link), chromedp.WaitVisible(`.error`, chromedp.ByQuery), chromedp.Text(`.error`, &body, chromedp.ByQuery))
	if !strings.Contains(body, "使用済み") {
		t.Fatalf("reusing the sign-in link: %q", body)
	}
}

// TestBrowserTrendsChart: at a secretariat, the trends page draws its
// chart as an SVG image with a label a screen reader reads, that the
// keyboard reaches, and shows a suppressed cell as suppressed.
func TestBrowserTrendsChart(t *testing.T) {
	srv, c, _ := fakeConsoleServer(t, "secretariat")
	b := newBrowser(t)
	tok, _ := c.MintSignIn()
	var label, title, focused, suppressed string
	var bars int
	b.run("trends chart",
		chromedp.Navigate(srv.URL+"/console/signin?token="+tok),
		chromedp.WaitVisible(`#inbox, .error`, chromedp.ByQuery),
		chromedp.Navigate(srv.URL+"/console/trends"),
		chromedp.WaitVisible(`svg#trends-chart[role=img]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('svg#trends-chart').getAttribute('aria-label')`, &label),
		chromedp.Evaluate(`document.querySelector('svg#trends-chart > title').textContent`, &title),
		chromedp.Evaluate(`document.querySelectorAll('svg#trends-chart rect[fill="#0b57d0"]').length`, &bars),
		chromedp.Evaluate(`(document.querySelector('svg#trends-chart').focus(), document.activeElement.id)`, &focused),
		chromedp.Text(`.trend-table td.suppressed`, &suppressed, chromedp.ByQuery),
	)
	b.shot("trends")
	if label != "Records per published cell" || title != label || bars != 1 || focused != "trends-chart" {
		t.Fatalf("chart: label %q, title %q, %d bars, focus on %q", label, title, bars, focused)
	}
	if !strings.HasPrefix(suppressed, "suppressed") {
		t.Fatalf("a suppressed cell reads %q", suppressed)
	}
}

package console_test

// Record text cannot reorder what stands beside it: a hostile member's
// unterminated RIGHT-TO-LEFT OVERRIDE (U+202E) in a title would otherwise
// run on past the title to the end of its line, and show, reversed, the
// label, name or CID that follows it (2026-11-30).

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ursic/ursic/node/apiwire"
)

// rloTitle holds an unterminated RIGHT-TO-LEFT OVERRIDE.
const rloTitle = "abc\u202Exyz"

// TestMemberTextIsolated: the pages that show a record's title hold it in
// its own <bdi>, with its characters as written (nothing stripped).
func TestMemberTextIsolated(t *testing.T) {
	cn := startNode(t, "Console Test University")
	cid := cn.publish(indicator(rloTitle))
	b := cn.signIn()
	want := "<bdi>" + rloTitle + "</bdi>"
	for _, path := range []string{"/console/inbox", "/console/records/" + cid} {
		code, page, _ := get(t, b, cn.srv.URL+path)
		if code != 200 {
			t.Fatalf("%s: status %d", path, code)
		}
		if !strings.Contains(page, want) {
			t.Errorf("%s: the title is not in its own <bdi> as written (want %q)", path, want)
		}
	}
}

// layout is where the browser drew a text's first and last characters
// (spaces aside).
type layout struct {
	Found               bool
	Text                string
	FirstLeft, LastLeft float64
	FirstTop, LastTop   float64
}

// measure is JS that lays out the text in node (an expression giving an
// element) and reports where its first and last characters other than
// spaces were drawn; with sub, only those of the first occurrence of sub in
// one of its text nodes.
func measure(node, sub string) string {
	return `(() => {
  const el = ` + node + `, sub = ` + jsString(sub) + `;
  if (!el) { return {Found: false}; }
  const nodes = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) { nodes.push(n); }
  let chars = [];
  nodes.forEach(n => { for (let i = 0; i < n.length; i++) { if (n.data[i] !== " ") { chars.push([n, i]); } } });
  let text = nodes.map(n => n.data).join("").trim();
  if (sub) {
    const n = nodes.find(n => n.data.includes(sub));
    if (!n) { return {Found: false}; }
    const at = n.data.indexOf(sub);
    chars = [[n, at], [n, at + sub.length - 1]];
    text = sub;
  }
  if (chars.length < 2) { return {Found: false}; }
  const box = ([n, i]) => { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1); return r.getBoundingClientRect(); };
  const a = box(chars[0]), z = box(chars[chars.length - 1]);
  return {Found: true, Text: text, FirstLeft: a.left, LastLeft: z.left, FirstTop: a.top, LastTop: z.top};
})()`
}

// drawn fails the test unless l's text reads want and was drawn on one line
// with its first character left of its last (ltr) or right of it (not ltr).
func drawn(t *testing.T, where string, l layout, want string, ltr bool) {
	t.Helper()
	switch {
	case !l.Found:
		t.Errorf("%s: not found on the page", where)
	case l.Text != want:
		t.Errorf("%s: reads %q, want %q", where, l.Text, want)
	case l.FirstTop != l.LastTop:
		t.Errorf("%s: %q is not on one line (tops %v, %v)", where, l.Text, l.FirstTop, l.LastTop)
	case ltr && l.FirstLeft >= l.LastLeft:
		t.Errorf("%s: %q is drawn reversed: first character at x=%v, last at x=%v", where, l.Text, l.FirstLeft, l.LastLeft)
	case !ltr && l.FirstLeft <= l.LastLeft:
		t.Errorf("%s: %q is not drawn right to left: first character at x=%v, last at x=%v", where, l.Text, l.FirstLeft, l.LastLeft)
	}
}

// arabicName is a member's name in Arabic: it must still read right to left.
const arabicName = "جامعة القاهرة"

// TestBrowserBidiOverrideContained: in Chromium, on a consortium where a
// member is named with an unterminated RIGHT-TO-LEFT OVERRIDE, the text that
// follows that name on its line of the roster ("(this node)") is still drawn
// left to right, and an Arabic member name still right to left. A record
// titled with the override, and a Japanese title, read exactly as written in
// the inbox and on the record page, the Japanese left to right.
//
// Removing the <bdi> around the roster's member name makes this test fail:
// the override then runs on to the end of the line.
func TestBrowserBidiOverrideContained(t *testing.T) {
	ms := startConsortium(t, rloTitle, arabicName)
	m := ms[0]
	rloCID := publishAt(t, m, indicator(rloTitle))
	jaCID := publishAt(t, m, indicator(japaneseTitle))
	b := newBrowser(t)

	var self, arabic layout
	b.run("roster",
		chromedp.Navigate(signInURL(t, m.srv.URL, m.token)),
		chromedp.WaitVisible(`#inbox`, chromedp.ByQuery),
		chromedp.Navigate(m.srv.URL+"/console/peers"),
		chromedp.WaitVisible(`#roster`, chromedp.ByQuery),
		// The row of this node: its name, then " (this node)" on the same
		// line.
		chromedp.Evaluate(measure(`Array.from(document.querySelectorAll("#roster tbody td:first-child")).find(td => td.textContent.startsWith(`+jsString(rloTitle)+`))`, "(this node)"), &self),
		chromedp.Evaluate(measure(`Array.from(document.querySelectorAll("#roster tbody td:first-child")).find(td => td.textContent.startsWith(`+jsString(arabicName)+`))`, arabicName), &arabic),
	)
	drawn(t, "roster: the text after the overriding name", self, "(this node)", true)
	drawn(t, "roster: the Arabic name", arabic, arabicName, false)

	var titles []string
	var ja, rlo layout
	b.run("inbox",
		chromedp.Navigate(m.srv.URL+"/console/inbox"),
		chromedp.WaitVisible(`#inbox`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#inbox .rec-title")).map(e => e.textContent)`, &titles),
		chromedp.Evaluate(measure(`Array.from(document.querySelectorAll("#inbox .rec-title")).find(e => e.textContent === `+jsString(japaneseTitle)+`)`, ""), &ja),
	)
	if !contains(titles, rloTitle) || !contains(titles, japaneseTitle) {
		t.Errorf("inbox titles %q, want %q and %q as written", titles, rloTitle, japaneseTitle)
	}
	drawn(t, "inbox: the Japanese title", ja, japaneseTitle, true)

	b.run("records",
		chromedp.Navigate(m.srv.URL+"/console/records/"+rloCID),
		chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery),
		chromedp.Evaluate(measure(`document.getElementById("rec-title")`, ""), &rlo),
		chromedp.Navigate(m.srv.URL+"/console/records/"+jaCID),
		chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery),
		chromedp.Evaluate(measure(`document.getElementById("rec-title")`, ""), &ja),
	)
	if rlo.Text != rloTitle {
		t.Errorf("record page: the title reads %q, want %q", rlo.Text, rloTitle)
	}
	drawn(t, "record page: the Japanese title", ja, japaneseTitle, true)
}

// publishAt publishes record through m's API and returns its CID.
func publishAt(t *testing.T, m *member, record string) string {
	t.Helper()
	req, err := http.NewRequest("POST", m.srv.URL+"/v1/publish", strings.NewReader(record))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+m.token)
	code, body, _ := do(t, http.DefaultClient, req)
	if code != 200 {
		t.Fatalf("publish at %s: %d %s", m.name, code, body)
	}
	var ev apiwire.PublishEvent
	if err := json.NewDecoder(strings.NewReader(body)).Decode(&ev); err != nil || ev.CID == "" {
		t.Fatalf("publish at %s: %v %s", m.name, err, body)
	}
	return ev.CID
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

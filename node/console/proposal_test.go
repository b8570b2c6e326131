package console_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// rosterFixture is a consortium of four: a and c run consoles; b and d are
// homes only. The executives of version 1 are a and b, threshold 2.
type rosterFixture struct {
	a, c    *consoleNode
	b, d    *node.Home
	genesis *share.Roster
	next    *share.Roster // version 2: removes d, makes c an executive, adds a group, threshold 1
}

func newRosterFixture(t *testing.T) *rosterFixture {
	t.Helper()
	f := &rosterFixture{a: startNode(t, "Alpha University"), c: startNode(t, "Gamma University")}
	home := func(name string) *node.Home {
		dir := filepath.Join(t.TempDir(), "home")
		if _, err := node.Init(dir, node.InitOptions{Name: name}); err != nil {
			t.Fatal(err)
		}
		h, err := node.LoadHome(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	f.b, f.d = home("Beta University"), home("Delta University")
	g := &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second),
		Executive: []string{f.a.n.PeerID(), f.b.Identity.PeerID()}}
	for _, h := range []*node.Home{f.a.n.Home(), f.b, f.c.n.Home(), f.d} {
		g.Members = append(g.Members, share.RosterMember(*h.Card()))
	}
	for _, h := range []*node.Home{f.a.n.Home(), f.b} {
		if err := g.Sign(h.Identity); err != nil {
			t.Fatal(err)
		}
	}
	for _, cn := range []*consoleNode{f.a, f.c} {
		if err := cn.n.ApplyRoster(g); err != nil {
			t.Fatal(err)
		}
	}
	f.genesis = g
	next := g.Next()
	if err := next.Remove(f.d.Identity.PeerID()); err != nil {
		t.Fatal(err)
	}
	if err := next.SetGroup("pilot", []string{f.b.Identity.PeerID()}); err != nil {
		t.Fatal(err)
	}
	next.Executive = append(next.Executive, f.c.n.PeerID())
	next.Threshold = 1
	next.Normalize()
	f.next = next
	return f
}

func (f *rosterFixture) nextJSON(t *testing.T) string {
	t.Helper()
	b, err := f.next.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// postProposal posts a roster document in the form field "proposal", as
// the sign, download and apply buttons do.
func postProposal(t *testing.T, b *http.Client, u, token, doc string, header ...string) (int, string, http.Header) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if token != "" {
		mw.WriteField("csrf", token)
	}
	mw.WriteField("proposal", doc)
	mw.Close()
	req, err := http.NewRequest("POST", u, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, b, req)
}

// hiddenProposal is the document a form on the page carries, the one of
// the form posting to action.
func hiddenProposal(t *testing.T, page, action string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `action="`+action+`"`)
	if !ok {
		t.Fatalf("no form for %s on the page", action)
	}
	_, rest, ok = strings.Cut(rest, `name="proposal" value="`)
	if !ok {
		t.Fatalf("the form for %s carries no proposal", action)
	}
	v, _, _ := strings.Cut(rest, `"`)
	return html.UnescapeString(v)
}

func TestRosterProposalDiff(t *testing.T) {
	f := newRosterFixture(t)
	b := f.a.signIn()
	_, page, _ := get(t, b, f.a.srv.URL+"/console/peers")
	tok := csrf(t, page)
	if !strings.Contains(page, `action="/console/peers/proposal"`) {
		t.Fatal("no form to load a proposal")
	}
	code, body := upload(t, b, f.a.srv.URL+"/console/peers/proposal", tok, "NEXT.json", f.nextJSON(t))
	if code != http.StatusOK {
		t.Fatalf("load: %d %s", code, body)
	}
	for _, want := range []string{"Member removed: <bdi>Delta University</bdi>", "Executive added: <bdi>Gamma University</bdi>", "Group created: <bdi>pilot</bdi>",
		"Joins group <bdi>pilot</bdi>: <bdi>Beta University</bdi>", "Signatures needed for later changes", "(<bdi>2</bdi> → <bdi>1</bdi>)", "<strong>0</strong> of 2", `id="prop-sign"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="prop-apply"`) {
		t.Error("apply offered without signatures")
	}
	// The same in Japanese, the text pasted instead of uploaded.
	code, body, _ = postProposal(t, b, f.a.srv.URL+"/console/peers/proposal", tok, f.nextJSON(t), "Accept-Language", "ja")
	if code != http.StatusOK {
		t.Fatalf("load in Japanese: %d", code)
	}
	for _, want := range []string{"会員の削除: <bdi>Delta University</bdi>", "執行役の追加", "グループの新設: <bdi>pilot</bdi>", "以後の変更に必要な署名数", "このノードの鍵で署名"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Japanese page lacks %q", want)
		}
	}
	// Not a roster document: the page says so.
	code, body, _ = postProposal(t, b, f.a.srv.URL+"/console/peers/proposal", tok, `{"version": 2}`)
	if code != http.StatusUnprocessableEntity || strings.Contains(body, `id="proposal-view"`) {
		t.Fatalf("a broken proposal: %d", code)
	}
	// Neither file nor text.
	if code, _, _ := postProposal(t, b, f.a.srv.URL+"/console/peers/proposal", tok, ""); code != http.StatusBadRequest {
		t.Fatalf("an empty form: %d", code)
	}
}

func TestRosterProposalNeedsCSRF(t *testing.T) {
	f := newRosterFixture(t)
	b := f.a.signIn()
	for _, path := range []string{"proposal", "sign", "download", "apply"} {
		code, body, _ := postProposal(t, b, f.a.srv.URL+"/console/peers/"+path, "", f.nextJSON(t))
		if code != http.StatusForbidden || strings.Contains(body, `id="proposal-view"`) {
			t.Errorf("%s without the CSRF token: %d", path, code)
		}
		code, _, _ = postProposal(t, b, f.a.srv.URL+"/console/peers/"+path, "not-the-token", f.nextJSON(t))
		if code != http.StatusForbidden {
			t.Errorf("%s with a wrong CSRF token: %d", path, code)
		}
	}
	if v := f.a.n.Roster().Version; v != 1 {
		t.Fatalf("roster version %d after refused posts", v)
	}
	// Without a session, nothing either.
	if code, _, _ := postProposal(t, browser(t), f.a.srv.URL+"/console/peers/sign", "", f.nextJSON(t)); code != http.StatusUnauthorized {
		t.Fatalf("sign without a session: %d", code)
	}
}

func TestRosterProposalNonExecutive(t *testing.T) {
	f := newRosterFixture(t)
	b := f.c.signIn()
	_, page, _ := get(t, b, f.c.srv.URL+"/console/peers")
	code, body, _ := postProposal(t, b, f.c.srv.URL+"/console/peers/proposal", csrf(t, page), f.nextJSON(t))
	if code != http.StatusOK {
		t.Fatalf("load: %d", code)
	}
	if !strings.Contains(body, "Member removed: <bdi>Delta University</bdi>") {
		t.Error("a non-executive does not see the changes")
	}
	if strings.Contains(body, `id="prop-sign"`) || strings.Contains(body, `action="/console/peers/sign"`) {
		t.Error("a non-executive is offered to sign")
	}
	if !strings.Contains(body, "not an executive") {
		t.Error("the page does not say why there is no sign button")
	}
	// Posting to sign anyway: the node refuses.
	code, body, _ = postProposal(t, b, f.c.srv.URL+"/console/peers/sign", csrf(t, page), f.nextJSON(t))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "not an executive of version 1") {
		t.Fatalf("sign by a non-executive: %d", code)
	}
}

func TestRosterProposalSignDownloadApply(t *testing.T) {
	f := newRosterFixture(t)
	b := f.a.signIn()
	_, page, _ := get(t, b, f.a.srv.URL+"/console/peers")
	tok := csrf(t, page)
	code, body, _ := postProposal(t, b, f.a.srv.URL+"/console/peers/sign", tok, f.nextJSON(t))
	if code != http.StatusOK {
		t.Fatalf("sign: %d %s", code, body)
	}
	if !strings.Contains(body, "Signed: 1 of the 2 signatures needed.") || !strings.Contains(body, "<strong>1</strong> of 2") {
		t.Error("the page does not show the new signature")
	}
	if strings.Contains(body, `id="prop-sign"`) || strings.Contains(body, `id="prop-apply"`) {
		t.Error("sign or apply offered after this node signed, with 1 of 2")
	}
	code, file, h := postProposal(t, b, f.a.srv.URL+"/console/peers/download", tok, hiddenProposal(t, body, "/console/peers/download"))
	if code != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), `attachment; filename="roster-v2.json"`) {
		t.Fatalf("download: %d %q", code, h.Get("Content-Disposition"))
	}
	signed, err := share.ParseRoster([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := f.next.SignatureCount(f.genesis)
	after, need := signed.SignatureCount(f.genesis)
	if after != before+1 || need != 2 || signed.Signatures[0].PeerID != f.a.n.PeerID() {
		t.Fatalf("downloaded: %d valid signatures (was %d), %d needed", after, before, need)
	}

	// The other executive signs with the CLI; the file comes back.
	if err := signed.Sign(f.b.Identity); err != nil {
		t.Fatal(err)
	}
	both, err := signed.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	code, body = upload(t, b, f.a.srv.URL+"/console/peers/proposal", tok, "NEXT.json", string(both))
	if code != http.StatusOK || !strings.Contains(body, "<strong>2</strong> of 2") || !strings.Contains(body, `id="prop-apply"`) {
		t.Fatalf("a fully signed proposal: %d, apply offered %v", code, strings.Contains(body, `id="prop-apply"`))
	}
	code, _, h = postProposal(t, b, f.a.srv.URL+"/console/peers/apply", tok, hiddenProposal(t, body, "/console/peers/apply"))
	if code != http.StatusSeeOther || h.Get("Location") != "/console/peers?applied=2" {
		t.Fatalf("apply: %d %q", code, h.Get("Location"))
	}
	if v := f.a.n.Roster().Version; v != 2 {
		t.Fatalf("installed roster version %d", v)
	}
	_, page, _ = get(t, b, f.a.srv.URL+"/console/peers?applied=2")
	if !strings.Contains(page, "Roster installed: version 2") || strings.Contains(page, "Delta University") {
		t.Error("the roster page does not show version 2")
	}
	// Applying again: the node refuses, the page says why.
	code, body, _ = postProposal(t, b, f.a.srv.URL+"/console/peers/apply", tok, string(both))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "already installed") {
		t.Fatalf("apply again: %d", code)
	}
}

// TestRosterProposalFork: a proposal that follows another branch is shown
// with a warning, and with neither sign nor apply.
func TestRosterProposalFork(t *testing.T) {
	f := newRosterFixture(t)
	f.next.Prev = strings.Repeat("0", 64)
	if err := f.next.Sign(f.b.Identity); err != nil {
		t.Fatal(err)
	}
	b := f.a.signIn()
	_, page, _ := get(t, b, f.a.srv.URL+"/console/peers")
	code, body, _ := postProposal(t, b, f.a.srv.URL+"/console/peers/proposal", csrf(t, page), f.nextJSON(t))
	if code != http.StatusOK || !strings.Contains(body, "a roster fork") {
		t.Fatalf("a forked proposal: %d, warned %v", code, strings.Contains(body, "a roster fork"))
	}
	if strings.Contains(body, `id="prop-sign"`) || strings.Contains(body, `id="prop-apply"`) {
		t.Error("sign or apply offered for a forked proposal")
	}
}

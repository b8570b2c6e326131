package console_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/share"
)

// member is one networked node of a consortium test, behind its API (and
// console) on loopback.
type member struct {
	name  string
	dir   string
	card  *node.Card
	n     *node.Node
	srv   *httptest.Server
	token string
	log   *strings.Builder
}

// startConsortium makes a home per name, a genesis roster with all of them
// executives (threshold 2, signed by the first two), starts every node on
// loopback with its API, and waits until each is connected to the others.
func startConsortium(t *testing.T, names ...string) []*member {
	t.Helper()
	ms := make([]*member, len(names))
	g := &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second)}
	for i, name := range names {
		dir := filepath.Join(t.TempDir(), name)
		card, err := node.Init(dir, node.InitOptions{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		ms[i] = &member{name: name, dir: dir, card: card, log: &strings.Builder{}}
		g.Members = append(g.Members, share.RosterMember(*card))
		g.Executive = append(g.Executive, card.PeerID)
	}
	for _, m := range ms[:2] {
		h, err := node.LoadHome(m.dir, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Sign(h.Identity); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range ms {
		if err := node.ApplyRosterOffline(m.dir, g); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range ms {
		h, err := node.LoadHome(m.dir, "")
		if err != nil {
			t.Fatal(err)
		}
		lg := slog.New(slog.NewTextHandler(io.Discard, nil))
		n, err := node.Open(h, node.Options{Logger: lg})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		if err := n.Start(ctx); err != nil {
			cancel()
			n.Close()
			t.Fatal(err)
		}
		tok, err := node.ReadToken(m.dir)
		if err != nil {
			t.Fatal(err)
		}
		m.n, m.token = n, tok
		m.srv = httptest.NewServer(api.NewServer(n, tok, lg))
		t.Cleanup(func() {
			m.srv.Close()
			n.Close()
			cancel()
		})
	}
	for _, m := range ms {
		waitFor(t, 30*time.Second, m.name+" connected to every other member", func() bool { return len(m.n.Peers()) == len(ms)-1 })
	}
	return ms
}

// waitFor polls cond every 10 ms until it holds, failing after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for: %s", d, what)
		}
		<-tick.C
	}
}

// TestBrowserAcrossNodes: Kyoto publishes through its console; the record
// appears in Osaka's console with the same badge; Kyoto retracts it and
// Osaka's page says so. Both consoles are on 127.0.0.1 (other ports): the
// browser keeps both sessions, since the cookies carry the port in their name.
func TestBrowserAcrossNodes(t *testing.T) {
	ms := startConsortium(t, "Kyoto University", "Osaka University")
	kyoto, osaka := ms[0], ms[1]
	b := newBrowser(t)
	osakaURL := osaka.srv.URL

	b.run("kyoto signs in and publishes",
		chromedp.Navigate(signInURL(t, kyoto.srv.URL, kyoto.token)),
		chromedp.WaitVisible(`#inbox, #empty`, chromedp.ByQuery),
		chromedp.Navigate(kyoto.srv.URL+"/console/publish?kind=indicator"),
		chromedp.WaitVisible(`#publish-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#in-title`, "Shared photonics front", chromedp.ByQuery),
		chromedp.SendKeys(`#in-subject_name`, "Example Photonics Trading Co., Ltd.", chromedp.ByQuery),
		chromedp.SendKeys(`#in-indicator_type`, "procurement_front", chromedp.ByQuery),
		chromedp.SendKeys(`#in-reason_category`, "export_control", chromedp.ByQuery),
		chromedp.SendKeys(`#in-summary`, "Requested quotes for femtosecond lasers from three labs.", chromedp.ByQuery),
		chromedp.SetValue(`#in-severity`, "high", chromedp.ByQuery),
		chromedp.SetValue(`#in-confidence`, "medium", chromedp.ByQuery),
		chromedp.SendKeys(`#in-jurisdiction`, "JP", chromedp.ByQuery), // an input event after the selects changed
		chromedp.WaitVisible(`#check-result ul.recipients`, chromedp.ByQuery),
	)
	var recips string
	b.run("recipients", chromedp.Text(`#check-result ul.recipients`, &recips, chromedp.ByQuery))
	b.shot("kyoto-publish-recipients")
	if !strings.Contains(recips, "Osaka University") {
		t.Fatalf("the recipients preview lists %q, not Osaka", recips)
	}
	var cidURL string
	b.run("publish", chromedp.Click(`#publish`, chromedp.ByQuery), chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery), chromedp.Location(&cidURL))
	cid := cidURL[strings.LastIndex(cidURL, "/")+1:]
	cid, _, _ = strings.Cut(cid, "?")

	waitFor(t, 30*time.Second, "osaka can read "+cid, func() bool {
		osaka.n.SyncNow()
		_, err := osaka.n.Show(cid)
		return err == nil
	})
	var title, color string
	b.run("osaka's inbox",
		chromedp.Navigate(signInURL(t, osakaURL, osaka.token)),
		chromedp.WaitVisible(`#inbox`, chromedp.ByQuery),
		chromedp.Text(`#inbox .rec-title`, &title, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('#inbox .tlp')).color`, &color),
	)
	b.shot("osaka-inbox")
	if title != "Shared photonics front" || color != "rgb(255, 192, 0)" {
		t.Fatalf("osaka's inbox shows %q with a badge in %s, want the record in AMBER #FFC000", title, color)
	}
	var author string
	b.run("osaka opens it", chromedp.Click(`#inbox .rec-title`, chromedp.ByQuery), chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery),
		chromedp.Text(`dl.meta dd`, &author, chromedp.ByQuery))
	if author != "Kyoto University" {
		t.Fatalf("the author reads %q", author)
	}
	var retractable bool
	b.run("not osaka's to retract", chromedp.Evaluate(`document.getElementById("retract") !== null`, &retractable))
	if retractable {
		t.Fatal("osaka is offered to retract kyoto's record")
	}

	// Kyoto retracts; Osaka's page then says so.
	// Wait for what only the retracted record's page shows: cidURL is the
	// page after publishing (?published=1), whose own notice made a wait
	// for `.notice` return before the retraction's page had loaded, and the
	// navigation below then raced it (net::ERR_ABORTED).
	b.run("kyoto retracts",
		chromedp.Navigate(kyoto.srv.URL+"/console/records/"+cid),
		chromedp.WaitVisible(`#retract-warning`, chromedp.ByQuery),
		chromedp.SendKeys(`#reason`, "superseded by a corrected record", chromedp.ByQuery),
		chromedp.Click(`#retract`, chromedp.ByQuery),
		chromedp.WaitVisible(`.record .error`, chromedp.ByQuery),
	)
	waitFor(t, 30*time.Second, "osaka learns of the retraction", func() bool {
		osaka.n.SyncNow()
		v, err := osaka.n.Show(cid)
		return err == nil && v.Retracted
	})
	var note string
	b.run("osaka sees the retraction", chromedp.Navigate(osakaURL+"/console/records/"+cid), chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery),
		chromedp.Text(`.record .error`, &note, chromedp.ByQuery))
	if !strings.Contains(note, "superseded by a corrected record") {
		t.Fatalf("osaka's record page says %q", note)
	}

	// The peers page shows the roster and who is connected.
	var roster string
	b.run("peers", chromedp.Navigate(osakaURL+"/console/peers"), chromedp.WaitVisible(`#roster`, chromedp.ByQuery), chromedp.Text(`#roster`, &roster, chromedp.ByQuery))
	b.shot("osaka-peers")
	if !strings.Contains(roster, "Kyoto University") || !strings.Contains(roster, "●") {
		t.Fatalf("the roster table reads %q", roster)
	}
}

package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRosterProposal: an executive pastes a proposal on the roster
// page, sees its changes and signs it in the browser; the page then counts
// the node's signature and offers the download.
func TestBrowserRosterProposal(t *testing.T) {
	f := newRosterFixture(t)
	b := newBrowser(t)
	link := signInURL(t, f.a.srv.URL, f.a.token)
	var changes, sigs string
	b.run("load the proposal",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#f-q`, chromedp.ByQuery), // the inbox, empty
		chromedp.Navigate(f.a.srv.URL+"/console/peers"),
		chromedp.WaitVisible(`#prop-text`, chromedp.ByQuery),
		chromedp.SetValue(`#prop-text`, f.nextJSON(t), chromedp.ByQuery),
		chromedp.Submit(`#prop-text`, chromedp.ByQuery),
		chromedp.WaitVisible(`#proposal-view`, chromedp.ByQuery),
		chromedp.Text(`#changes`, &changes, chromedp.ByQuery),
	)
	b.shot("proposal")
	if !strings.Contains(changes, "Member removed: Delta University") || !strings.Contains(changes, "Group created: pilot") {
		t.Fatalf("the changes read %q", changes)
	}
	b.run("sign",
		chromedp.Click(`#prop-sign`, chromedp.ByQuery),
		chromedp.WaitVisible(`#prop-download`, chromedp.ByQuery),
		chromedp.Text(`#signatures`, &sigs, chromedp.ByQuery),
	)
	b.shot("signed")
	if !strings.Contains(sigs, "1 of 2") {
		t.Fatalf("after signing the page reads %q", sigs)
	}
}

package console_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// officerMethod is a case write-up as a Japanese officer writes it: a
// title and narrative in Japanese with full-width letters and katakana.
const officerMethod = `{"kind":"method","title":"財団経由の人材招へい（架空の例）","tactic":"talent_recruitment","period":"2026-Q3",` +
	`"tech_areas":["photonics"],"narrative":"海外の財団から、ＡＩ研究者を客員として招へいしたいとの申し出があった。ホクキョウフォトニクスが成果の帰属先だった。",` +
	`"outcome":"declined","policy":{"tlp":"amber","audience":["members"]}}`

// TestBrowserOfficerDay walks the parts of an officer's day in Japanese
// that stopped or misled an officer before 2026-11-30: a search typed in
// half-width katakana or hiragana, the time of a record without its zone,
// an author filter in Japanese answered in English, and a record page
// showing its tactic and technology area as stored tokens.
func TestBrowserOfficerDay(t *testing.T) {
	cn := startNode(t, "Kyoto University (officer test)")
	b := newBrowser(t)
	cn.publish(indicator("Procurement front for photonics"))
	cid := cn.publish(officerMethod)
	link := signInURL(t, cn.srv.URL, cn.token)
	b.run("sign in in Japanese",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#inbox`, chromedp.ByQuery),
		chromedp.Click(`#lang-switch`, chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang=ja] #inbox`, chromedp.ByQuery),
	)

	// Half-width katakana (as some input methods and pasted PDFs give it)
	// and hiragana find the record written in full-width katakana.
	for _, q := range []string{"ﾌｫﾄﾆｸｽ", "ほくきょう", "ａｉ研究者"} {
		var titles []string
		b.run("search "+q,
			chromedp.Navigate(cn.srv.URL+"/console/inbox"),
			chromedp.WaitVisible(`html[lang=ja] #f-q`, chromedp.ByQuery),
			chromedp.SendKeys(`#f-q`, q, chromedp.ByQuery),
			chromedp.Click(`#f-submit`, chromedp.ByQuery),
			chromedp.WaitVisible(`#f-q[value="`+q+`"]`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#inbox .rec-title')).map(e => e.textContent)`, &titles),
		)
		if len(titles) != 1 || titles[0] != "財団経由の人材招へい（架空の例）" {
			t.Errorf("searching %q finds %q", q, titles)
		}
	}
	b.shot("officer-search")

	// Every time says its zone: the node's, which may not be the officer's.
	var when string
	b.run("time zone",
		chromedp.Navigate(cn.srv.URL+"/console/inbox"),
		chromedp.WaitVisible(`#inbox`, chromedp.ByQuery),
		chromedp.Text(`#inbox tbody tr td`, &when, chromedp.ByQuery),
	)
	zone := time.Now().Format("MST")
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d ` + regexp.QuoteMeta(zone) + `$`).MatchString(strings.TrimSpace(when)) {
		t.Errorf("the inbox's time reads %q, want the date, time and %s", when, zone)
	}

	// An author typed in Japanese that the roster does not hold: told in
	// Japanese what the filter takes and which members there are.
	var refused string
	b.run("author filter",
		chromedp.Navigate(cn.srv.URL+"/console/inbox?author=京都"),
		chromedp.WaitVisible(`.error`, chromedp.ByQuery),
		chromedp.Text(`.error`, &refused, chromedp.ByQuery),
	)
	b.shot("officer-author")
	if !strings.Contains(refused, "その名称の会員は名簿にありません") || !strings.Contains(refused, "Kyoto University (officer test)") || strings.Contains(refused, "no member") {
		t.Errorf("an unknown author reads %q", refused)
	}

	// The record page names the tactic and technology area in Japanese,
	// with the token the 相場感 page takes.
	var body string
	b.run("record page",
		chromedp.Navigate(cn.srv.URL+"/console/records/"+cid),
		chromedp.WaitVisible(`html[lang=ja] #rec-title`, chromedp.ByQuery),
		chromedp.Text(`main`, &body, chromedp.ByQuery),
	)
	b.shot("officer-record")
	for _, want := range []string{"人材招へい（talent_recruitment）", "光学・フォトニクス（photonics）", "辞退・拒否", "会員全体（members）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the record page lacks %q:\n%s", want, body)
		}
	}

	// 相場感 takes a token; the page offers them with their Japanese
	// labels, and heads the answer with the label.
	var heading, offered string
	b.run("similar",
		chromedp.Navigate(cn.srv.URL+"/console/similar?category=talent_recruitment"),
		chromedp.WaitVisible(`html[lang=ja] #similar-heading`, chromedp.ByQuery),
		chromedp.Text(`#similar-heading`, &heading, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#dl-category option[value="talent_recruitment"]').label`, &offered),
	)
	if heading != "人材招へい（talent_recruitment）" || offered != heading {
		t.Errorf("相場感: heading %q, the suggestion's label %q", heading, offered)
	}
}

// TestBrowserOfficerPublishesAndRetracts: an officer publishes a case
// write-up in Japanese through the form — the guardrails refuse a
// nationality, hold an e-mail address until she confirms — then retracts
// it. The inbox row of the retracted record keeps a link she can click (it
// had lost its title and with it every clickable character), and the
// node's retraction notice reads in Japanese.
func TestBrowserOfficerPublishesAndRetracts(t *testing.T) {
	cn := startNode(t, "Kyoto University (officer test)")
	b := newBrowser(t)
	link := signInURL(t, cn.srv.URL, cn.token)
	var refused, held string
	b.run("refused in Japanese",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`main`, chromedp.ByQuery),
		chromedp.Navigate(cn.srv.URL+"/console/lang?to=ja&next=/console/publish?kind=method"),
		chromedp.WaitVisible(`html[lang=ja] #publish-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#in-title`, "見積依頼の手口：海外の商社を名乗る窓口から光学部品の見積依頼が繰り返し届いた件（長いタイトルの例）", chromedp.ByQuery),
		chromedp.SendKeys(`#in-tactic`, "procurement", chromedp.ByQuery),
		chromedp.SendKeys(`#in-period`, "2026-Q3", chromedp.ByQuery),
		chromedp.SendKeys(`#in-narrative`, "招へい予定の研究者は国籍が某国であった。", chromedp.ByQuery),
		chromedp.WaitVisible(`#check-result li.finding.refuse`, chromedp.ByQuery),
		chromedp.Text(`#check-result`, &refused, chromedp.ByQuery),
	)
	if !strings.Contains(refused, "国籍") || !strings.Contains(refused, "拒否") {
		t.Errorf("the refusal reads %q", refused)
	}
	var title string
	b.run("held, confirmed, published",
		chromedp.Evaluate(`document.getElementById("in-narrative").value = ""`, nil),
		chromedp.SendKeys(`#in-narrative`, "毎回同じ文面で procurement-desk@northbridge.example から見積依頼が届いた。", chromedp.ByQuery),
		chromedp.WaitVisible(`#check-result li.finding.flag`, chromedp.ByQuery),
		chromedp.Text(`#check-result`, &held, chromedp.ByQuery),
		chromedp.WaitVisible(`#confirm-box`, chromedp.ByQuery),
		chromedp.Click(`#in-confirm`, chromedp.ByQuery),
		chromedp.Click(`#publish`, chromedp.ByQuery),
		chromedp.WaitVisible(`#rec-title`, chromedp.ByQuery),
		chromedp.Text(`#rec-title`, &title, chromedp.ByQuery),
	)
	if !strings.Contains(held, "メールアドレス") || !strings.HasPrefix(title, "見積依頼の手口") {
		t.Errorf("held: %q; published: %q", held, title)
	}
	var rows []string
	var linkWidth float64
	b.run("retract",
		chromedp.SendKeys(`input[name=reason]`, "誤って連絡先を記載したため", chromedp.ByQuery),
		chromedp.Submit(`input[name=reason]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.error[role=status]`, chromedp.ByQuery),
		chromedp.Navigate(cn.srv.URL+"/console/inbox"),
		chromedp.WaitVisible(`html[lang=ja] #inbox`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#inbox .rec-title')).map(e => e.textContent)`, &rows),
		chromedp.Evaluate(`Math.min(...Array.from(document.querySelectorAll('#inbox .rec-title')).map(e => e.getBoundingClientRect().width))`, &linkWidth),
	)
	b.shot("officer-retracted")
	if len(rows) != 2 || !strings.HasPrefix(rows[0], "撤回通知：") || !strings.HasPrefix(rows[1], "bafy") || linkWidth < 10 {
		t.Errorf("inbox after a retraction: titles %q, narrowest link %.0f px", rows, linkWidth)
	}
}

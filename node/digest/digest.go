// Package digest is the officer's morning summary: what is new on the node,
// what was retracted, which indicators expire or are due for review soon,
// new trend reports and alarms. It holds titles and CIDs only — never a
// record's body — and renders the digest as text for the terminal or for
// an e-mail, which it sends through an SMTP relay (see [Send]).
//
// The node builds a [Digest] from its index (node.Node.Digest); this
// package does no I/O but sending mail.
package digest

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ursic/ursic/node/apiwire"
)

// Horizon is how far ahead the digest looks for expiry and review dates.
const Horizon = 30 * 24 * time.Hour

// Digest is what changed on a node in a period (apiwire.Digest).
type Digest = apiwire.Digest

// Count is how many records of one kind and TLP (apiwire.DigestCount).
type Count = apiwire.DigestCount

// Item is one record as the digest names it (apiwire.DigestItem).
type Item = apiwire.DigestItem

// Alarm is something the operator must look at (apiwire.DigestAlarm).
type Alarm = apiwire.DigestAlarm

// levels orders TLP levels, most open first.
var levels = []string{"clear", "green", "amber", "amber+strict", "red"}

func level(tlp string) int {
	for i, l := range levels {
		if strings.EqualFold(l, tlp) {
			return i
		}
	}
	return len(levels) // unknown: stricter than all
}

func label(tlp string) string { return "TLP:" + strings.ToUpper(tlp) }

// Highest is the most restricted TLP among the records the digest names,
// "clear" if none.
func Highest(d *Digest) string {
	hi := 0
	for _, list := range [][]Item{d.Records, d.Retractions, d.Expiring, d.Review, d.Trends} {
		for _, it := range list {
			hi = max(hi, min(level(it.TLP), len(levels)-1))
		}
	}
	return levels[hi]
}

// RenderOptions tune [Render].
type RenderOptions struct {
	// MaxTitleTLP is the most restricted TLP whose titles are written; the
	// titles of stricter records are withheld (their CID and TLP are still
	// listed). "" writes every title.
	MaxTitleTLP string
	// Lang is the language of the headings and notes: "ja" for Japanese,
	// English otherwise. Titles, CIDs, kinds and TLP labels are as they are.
	Lang string
}

// texts holds the digest's headings and notes, in English and Japanese.
var texts = map[string][2]string{
	"head":       {"URSIC digest for %s: %s to %s\n", "URSIC ダイジェスト（%s）: %s〜%s\n"},
	"incomplete": {"(the node was still opening its stored records: this digest may be incomplete)\n", "（ノードが保存済みの記録を読み込み中でした。このダイジェストは不完全な可能性があります）\n"},
	"withheld":   {"(title withheld at %s: see `ursic show %s`)", "（%s のためタイトルを省略しています。`ursic show %s` で確認してください）"},
	"none":       {"  none\n", "  なし\n"},
	"bykind":     {"\nNew records by kind and TLP\n", "\n種別・TLP ごとの新着記録\n"},
	"records":    {"New records", "新着記録"},
	"retracted":  {"Retractions", "撤回"},
	"expiring":   {"Indicators expiring within 30 days (valid_until)", "30 日以内に有効期限を迎える指標（valid_until）"},
	"review":     {"Indicators due for review within 30 days (review_due)", "30 日以内に見直し期日を迎える指標（review_due）"},
	"trends":     {"New trend reports", "新しい傾向レポート"},
	"section":    {"\n%s (%d)\n", "\n%s（%d）\n"},
	"alarms":     {"\nAlarms (%d)\n", "\n警告（%d）\n"},
}

func (o RenderOptions) text(key string) string {
	if o.Lang == "ja" {
		return texts[key][1]
	}
	return texts[key][0]
}

// Render writes the digest as plain text: the highest TLP of what it names
// on the first line, then each section. It writes titles and CIDs only.
func Render(w io.Writer, d *Digest, opt RenderOptions) error {
	hi := Highest(d)
	if opt.MaxTitleTLP != "" && level(hi) > level(opt.MaxTitleTLP) {
		hi = opt.MaxTitleTLP
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", label(hi))
	fmt.Fprintf(&b, opt.text("head"), d.Node, d.Since.UTC().Format("2006-01-02 15:04 MST"), d.Until.UTC().Format("2006-01-02 15:04 MST"))
	if !d.Complete {
		b.WriteString(opt.text("incomplete"))
	}
	title := func(it Item) string {
		if opt.MaxTitleTLP != "" && level(it.TLP) > level(opt.MaxTitleTLP) {
			return fmt.Sprintf(opt.text("withheld"), label(it.TLP), it.CID)
		}
		return it.Title
	}
	section := func(name string, items []Item, date bool) {
		fmt.Fprintf(&b, opt.text("section"), name, len(items))
		if len(items) == 0 {
			b.WriteString(opt.text("none"))
		}
		for _, it := range items {
			when := it.Created.UTC().Format(time.DateOnly)
			if date {
				when = it.Date
			}
			fmt.Fprintf(&b, "  %-16s %-10s %s  %s\n      %s\n", label(it.TLP), it.Kind, when, title(it), it.CID)
		}
	}
	b.WriteString(opt.text("bykind"))
	if len(d.New) == 0 {
		b.WriteString(opt.text("none"))
	}
	for _, c := range d.New {
		fmt.Fprintf(&b, "  %-10s %-16s %d\n", c.Kind, label(c.TLP), c.Count)
	}
	section(opt.text("records"), d.Records, false)
	section(opt.text("retracted"), d.Retractions, false)
	section(opt.text("expiring"), d.Expiring, true)
	section(opt.text("review"), d.Review, true)
	section(opt.text("trends"), d.Trends, false)
	fmt.Fprintf(&b, opt.text("alarms"), len(d.Alarms))
	if len(d.Alarms) == 0 {
		b.WriteString(opt.text("none"))
	}
	for _, a := range d.Alarms {
		fmt.Fprintf(&b, "  %s: %s\n", a.Kind, a.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ParseSince reads a --since value: a duration in hours or days ("24h",
// "7d", "36h") before now, or a date ("2026-11-01", local midnight) or an
// RFC 3339 time.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return now.Add(-24 * time.Hour), nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err == nil && n > 0 && fmt.Sprint(n) == d {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, now.Location()); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q is not a duration (24h, 7d) or a date (2026-11-01)", s)
}

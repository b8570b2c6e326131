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
	fmt.Fprintf(&b, "URSIC digest for %s: %s to %s\n", d.Node, d.Since.UTC().Format("2006-01-02 15:04 MST"), d.Until.UTC().Format("2006-01-02 15:04 MST"))
	if !d.Complete {
		b.WriteString("(the node was still opening its stored records: this digest may be incomplete)\n")
	}
	title := func(it Item) string {
		if opt.MaxTitleTLP != "" && level(it.TLP) > level(opt.MaxTitleTLP) {
			return "(title withheld at " + label(it.TLP) + ": see `ursic show " + it.CID + "`)"
		}
		return it.Title
	}
	section := func(name string, items []Item, date bool) {
		fmt.Fprintf(&b, "\n%s (%d)\n", name, len(items))
		if len(items) == 0 {
			b.WriteString("  none\n")
		}
		for _, it := range items {
			when := it.Created.UTC().Format(time.DateOnly)
			if date {
				when = it.Date
			}
			fmt.Fprintf(&b, "  %-16s %-10s %s  %s\n      %s\n", label(it.TLP), it.Kind, when, title(it), it.CID)
		}
	}
	b.WriteString("\nNew records by kind and TLP\n")
	if len(d.New) == 0 {
		b.WriteString("  none\n")
	}
	for _, c := range d.New {
		fmt.Fprintf(&b, "  %-10s %-16s %d\n", c.Kind, label(c.TLP), c.Count)
	}
	section("New records", d.Records, false)
	section("Retractions", d.Retractions, false)
	section("Indicators expiring within 30 days (valid_until)", d.Expiring, true)
	section("Indicators due for review within 30 days (review_due)", d.Review, true)
	section("New trend reports", d.Trends, false)
	fmt.Fprintf(&b, "\nAlarms (%d)\n", len(d.Alarms))
	if len(d.Alarms) == 0 {
		b.WriteString("  none\n")
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

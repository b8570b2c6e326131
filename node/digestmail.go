package node

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ursic/ursic/node/digest"
	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/share"
)

// DigestLastFile holds when the digest was last mailed (RFC 3339), so that
// each mail covers the time since the one before, across restarts.
const DigestLastFile = "digest.last"

// Digest summarises what changed since a time, from the index alone: it
// names records by title and CID and never opens a body. "New" means created
// in the period by its author's clock; a record created earlier that reached
// this node later is not listed.
func (n *Node) Digest(since, now time.Time) (*digest.Digest, error) {
	if !since.Before(now) {
		return nil, fmt.Errorf("the digest period is empty: %s is not before %s", since.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	d := &digest.Digest{
		Node: n.home.Config.Name, Since: since.UTC(), Until: now.UTC(), Complete: n.IndexReady(),
		New: []digest.Count{}, Records: []digest.Item{}, Retractions: []digest.Item{}, Expiring: []digest.Item{},
		Review: []digest.Item{}, Trends: []digest.Item{}, Alarms: []digest.Alarm{},
	}
	item := func(r index.Row) digest.Item {
		it := digest.Item{CID: r.CID, Kind: r.Kind, TLP: r.TLP, Title: r.Title, Author: r.AuthorName, Created: r.Created}
		if r.Retracted {
			it.Title = "(retracted)"
		}
		return it
	}
	rows, _, err := n.index.List(index.Query{Since: since, IncludeExpired: true, Now: now})
	if err != nil {
		return nil, err
	}
	counts := map[[2]string]int{}
	for _, r := range rows {
		if r.Created.After(now) || r.Kind == share.KindFacet {
			continue
		}
		counts[[2]string{r.Kind, r.TLP}]++
		switch r.Kind {
		case share.KindRetraction:
			d.Retractions = append(d.Retractions, item(r))
		case share.KindTrend:
			d.Trends = append(d.Trends, item(r))
		default:
			d.Records = append(d.Records, item(r))
		}
	}
	for k, c := range counts {
		d.New = append(d.New, digest.Count{Kind: k[0], TLP: k[1], Count: c})
	}
	slices.SortFunc(d.New, func(a, b digest.Count) int {
		return cmp.Or(strings.Compare(a.Kind, b.Kind), strings.Compare(a.TLP, b.TLP))
	})
	// Indicators that stop being valid, or are due for review, soon.
	inds, _, err := n.index.List(index.Query{Kind: share.KindIndicator, Now: now})
	if err != nil {
		return nil, err
	}
	horizon := now.Add(digest.Horizon)
	for _, r := range inds {
		if r.Retracted {
			continue
		}
		if !r.ValidUntil.IsZero() && !r.ValidUntil.After(horizon) {
			it := item(r)
			it.Date = r.ValidUntil.Format(time.DateOnly)
			d.Expiring = append(d.Expiring, it)
		}
		if !r.ReviewDue.IsZero() && !r.ReviewDue.After(horizon) {
			it := item(r)
			it.Date = r.ReviewDue.Format(time.DateOnly)
			if r.ReviewDue.Before(now) {
				it.Date += " (overdue)"
			}
			d.Review = append(d.Review, it)
		}
	}
	byDate := func(a, b digest.Item) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.CID, b.CID))
	}
	slices.SortFunc(d.Expiring, byDate)
	slices.SortFunc(d.Review, byDate)
	st, err := n.Status()
	if err != nil {
		return nil, err
	}
	for _, f := range st.RosterFork {
		who := f.Peer
		if f.Name != "" {
			who = f.Name + " (" + f.Peer + ")"
		}
		d.Alarms = append(d.Alarms, digest.Alarm{Kind: "fork", Message: fmt.Sprintf(
			"%s holds another roster of version %d (ours %s, theirs %s) since %s: the executives must resolve it with the next version",
			who, f.Version, f.Ours, f.Theirs, f.Since.UTC().Format(time.DateTime))})
	}
	if st.AuditTampered {
		d.Alarms = append(d.Alarms, digest.Alarm{Kind: "audit", Message: "the audit log was altered against the head anchored in the store; see `ursic audit verify`"})
	}
	if st.Equivocations > 0 {
		d.Alarms = append(d.Alarms, digest.Alarm{Kind: "equivocation", Message: fmt.Sprintf(
			"%d envelopes held as evidence of equivocation (an author signed two different records at one log position); see the node log", st.Equivocations)})
	}
	return d, nil
}

// MailDigest mails the digest of the period since the last mail (at most
// seven days back; a day back for the first) through the relay in the
// config, records when, and writes an audit entry naming the count of
// records and recipients.
func (n *Node) MailDigest(ctx context.Context, now time.Time) error {
	cfg := n.home.Config.Digest
	if cfg == nil {
		return errors.New("no \"digest\" section in config.json: the digest is not mailed")
	}
	since := now.Add(-24 * time.Hour)
	if b, err := os.ReadFile(filepath.Join(n.home.Dir, DigestLastFile)); err == nil {
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(b))); err == nil && t.Before(now) {
			since = t
			if week := now.AddDate(0, 0, -7); since.Before(week) {
				since = week
			}
		}
	}
	d, err := n.Digest(since, now)
	if err != nil {
		return err
	}
	sec, err := n.mailSecrets(cfg)
	if err != nil {
		return err
	}
	if err := digest.Send(ctx, cfg, sec, d, now); err != nil {
		return err
	}
	n.audit("export", fmt.Sprintf("digest mailed to %d recipients: %d records, %d retractions, %d expiring, %d due for review (titles and CIDs only)",
		len(cfg.To), len(d.Records), len(d.Retractions), len(d.Expiring), len(d.Review)))
	return os.WriteFile(filepath.Join(n.home.Dir, DigestLastFile), []byte(now.UTC().Format(time.RFC3339)+"\n"), 0o600)
}

func (n *Node) mailSecrets(cfg *digest.MailConfig) (digest.Secrets, error) {
	var s digest.Secrets
	path := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(n.home.Dir, p)
	}
	if cfg.SMTP.PasswordFile != "" {
		b, err := os.ReadFile(path(cfg.SMTP.PasswordFile))
		if err != nil {
			return s, fmt.Errorf("failed to read the SMTP password (key \"digest.smtp.password_file\"): %w", err)
		}
		s.Password = strings.TrimRight(string(b), "\r\n")
	}
	if cfg.SMTP.CAFile != "" {
		b, err := os.ReadFile(path(cfg.SMTP.CAFile))
		if err != nil {
			return s, fmt.Errorf("failed to read the relay's CA (key \"digest.smtp.ca_file\"): %w", err)
		}
		s.RootCAs = x509.NewCertPool()
		if !s.RootCAs.AppendCertsFromPEM(b) {
			return s, fmt.Errorf("key \"digest.smtp.ca_file\": %s holds no PEM certificate", cfg.SMTP.CAFile)
		}
	}
	return s, nil
}

// RunDigestMail mails the digest every day at the configured time until ctx
// ends; `ursic run` starts it when config.json has a "digest" section. A
// failed mail is logged and tried again at the next time.
func (n *Node) RunDigestMail(ctx context.Context) {
	cfg := n.home.Config.Digest
	if cfg == nil {
		return
	}
	for {
		next := cfg.Next(time.Now())
		n.log.Info("digest mail scheduled", "at", next.Format(time.RFC3339), "to", len(cfg.To))
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		sendCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		if err := n.MailDigest(sendCtx, time.Now()); err != nil {
			n.log.Error("digest mail failed", "err", err)
		} else {
			n.log.Info("digest mailed", "to", len(cfg.To))
		}
		cancel()
	}
}

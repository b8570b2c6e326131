package cli

import (
	"flag"
	"fmt"
	"time"

	"github.com/ursic/ursic/node/digest"
)

func init() {
	register(&command{
		name:  "digest",
		usage: "[--since 24h|7d|DATE] [--mail] [--json]",
		summary: "what is new on this node since then (default 24h): records by kind and TLP, retractions, indicators whose " +
			"valid_until or review_due falls within 30 days, new trend reports, alarms; titles and CIDs only. " +
			"--mail sends it now through the SMTP relay in config.json (`ursic run` mails it daily)",
		run: runDigest,
	})
}

func runDigest(e *env, args []string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	sinceFlag := fs.String("since", "24h", "")
	mail := fs.Bool("mail", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{e.trf("err.unexpected", pos[0])}
	}
	since, err := digest.ParseSince(*sinceFlag, time.Now())
	if err != nil {
		return &usageError{err.Error()}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	if *mail {
		if err := c.MailDigest(e.ctx); err != nil {
			return err
		}
		fmt.Fprintln(e.stderr, "ursic: "+e.tr("digest.mailed"))
		return nil
	}
	if err := waitIndexed(e, c); err != nil {
		return err
	}
	d, err := c.Digest(e.ctx, since)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(d)
	}
	return digest.Render(e.stdout, d, digest.RenderOptions{Lang: e.lang})
}

package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/report"
)

func init() {
	register(&command{
		name:    "list",
		usage:   "[--kind KIND] [--tlp LEVEL] [--author NAME|PEERID] [--search TEXT] [--all] [--limit N (default 100; 0: no limit)] [--offset N] [--partial] [--json|--csv]",
		summary: "list the records this node can read, newest first, 100 at a time (--limit, --offset); --all includes expired indicators; retracted records stay listed with the reason; just after a start it waits until every stored record is open, unless --partial; --csv writes a report for Excel (UTF-8 with BOM, highest TLP on the first line)",
		run:     runList,
	})
}

func runList(e *env, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	var opt apiclient.ListOptions
	fs.StringVar(&opt.Kind, "kind", "", "")
	fs.StringVar(&opt.TLP, "tlp", "", "")
	fs.StringVar(&opt.Author, "author", "", "")
	fs.StringVar(&opt.Text, "search", "", "")
	fs.BoolVar(&opt.All, "all", false, "")
	fs.IntVar(&opt.Limit, "limit", defaultListLimit, "")
	fs.IntVar(&opt.Offset, "offset", 0, "")
	partial := fs.Bool("partial", false, "")
	asCSV := fs.Bool("csv", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{e.trf("err.unexpected", pos[0])}
	}
	if *asCSV && e.json {
		return &usageError{e.tr("err.csvjson")}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	if !*partial {
		if err := waitIndexed(e, c); err != nil {
			return err
		}
	}
	res, err := c.List(e.ctx, opt)
	if err != nil {
		return err
	}
	if !res.Complete {
		fmt.Fprintln(e.stderr, "ursic: note: "+e.tr("list.partial"))
	}
	if e.json {
		return e.printJSON(res.Records)
	}
	if *asCSV {
		return printListCSV(e, res.Records)
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, e.tr("list.head"))
	for _, r := range res.Records {
		author := r.AuthorName
		if author == "" {
			author = r.Author[:min(len(r.Author), 16)] + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.CID, r.Kind, "TLP:"+strings.ToUpper(r.TLP), clip(author, 30), r.Created.Local().Format(time.DateTime+" MST"), clip(r.Title, 60), notes(e.lang, r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(res.Records) < res.Total {
		fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("list.showing", len(res.Records), res.Total))
	}
	return nil
}

// notes says, in lang, what a reader should know about a record before
// its title: retracted (and why), expired, review due or overdue.
func notes(lang string, r apiwire.RecordView) string {
	var n []string
	if r.Retracted {
		if r.RetractReason != "" {
			n = append(n, trf(lang, "note.retractedby", clip(r.RetractReason, 60)))
		} else {
			n = append(n, tr(lang, "note.retracted"))
		}
	}
	if r.Expired {
		n = append(n, tr(lang, "note.expired"))
	}
	if r.ReviewDue != "" {
		if r.ReviewOverdue {
			n = append(n, trf(lang, "note.overdue", r.ReviewDue[:10]))
		} else {
			n = append(n, trf(lang, "note.reviewdue", r.ReviewDue[:10]))
		}
	}
	return strings.Join(n, tr(lang, "note.sep"))
}

// defaultListLimit is how many records `ursic list` shows unless told.
const defaultListLimit = 100

// indexWait bounds how long list waits for a starting node's index.
const indexWait = 5 * time.Minute

// waitIndexed waits, with progress on stderr, until a node that has just
// started has opened every stored record, so that a list is complete.
func waitIndexed(e *env, c *apiclient.Client) error {
	deadline := time.Now().Add(indexWait)
	told := false
	for {
		s, err := c.Status(e.ctx)
		if err != nil {
			return err
		}
		if s.IndexReady {
			return nil
		}
		if !told {
			fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("note.indexing", s.Records))
			told = true
		}
		if time.Now().After(deadline) {
			return errors.New(e.trf("err.indexwait", indexWait))
		}
		select {
		case <-e.ctx.Done():
			return e.ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// printListCSV writes the list as a report for Excel (see report.WriteCSV).
func printListCSV(e *env, recs []apiwire.RecordView) error {
	tlps := make([]string, len(recs))
	rows := make([][]string, len(recs))
	for i, r := range recs {
		tlps[i] = r.TLP
		rows[i] = []string{report.TLPLabel(r.TLP), r.CID, r.Kind, r.Created.UTC().Format(time.RFC3339), r.AuthorName, r.Title, r.ValidUntil, r.ReviewDue, notes("en", r)} // CSV is the same in every language
	}
	return report.WriteCSV(e.stdout, report.HighestTLP(tlps), []string{"tlp", "cid", "kind", "created", "author", "title", "valid_until", "review_due", "notes"}, rows)
}

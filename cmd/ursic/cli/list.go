package cli

import (
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
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if *asCSV && e.json {
		return &usageError{"--csv and --json cannot be used together"}
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
		fmt.Fprintln(e.stderr, "ursic: note: the node is still opening its stored records; this list is partial")
	}
	if e.json {
		return e.printJSON(res.Records)
	}
	if *asCSV {
		return printListCSV(e, res.Records)
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "CID\tKIND\tTLP\tAUTHOR\tCREATED\tTITLE\tNOTES")
	for _, r := range res.Records {
		author := r.AuthorName
		if author == "" {
			author = r.Author[:min(len(r.Author), 16)] + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.CID, r.Kind, "TLP:"+strings.ToUpper(r.TLP), clip(author, 30), r.Created.Local().Format(time.DateTime+" MST"), clip(r.Title, 60), notes(r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(res.Records) < res.Total {
		fmt.Fprintf(e.stderr, "ursic: showing %d of %d records (use --limit and --offset)\n", len(res.Records), res.Total)
	}
	return nil
}

func notes(r apiwire.RecordView) string {
	var n []string
	if r.Retracted {
		if r.RetractReason != "" {
			n = append(n, "retracted: "+clip(r.RetractReason, 60))
		} else {
			n = append(n, "retracted")
		}
	}
	if r.Expired {
		n = append(n, "expired")
	}
	if r.ReviewDue != "" {
		if r.ReviewOverdue {
			n = append(n, "review overdue since "+r.ReviewDue[:10])
		} else {
			n = append(n, "review due "+r.ReviewDue[:10])
		}
	}
	return strings.Join(n, ", ")
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
			fmt.Fprintf(e.stderr, "ursic: the node is still opening its stored records (%d so far); waiting (--partial lists them now)\n", s.Records)
			told = true
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the node has not finished opening its records after %s", indexWait)
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
		rows[i] = []string{report.TLPLabel(r.TLP), r.CID, r.Kind, r.Created.UTC().Format(time.RFC3339), r.AuthorName, r.Title, r.ValidUntil, r.ReviewDue, notes(r)}
	}
	return report.WriteCSV(e.stdout, report.HighestTLP(tlps), []string{"tlp", "cid", "kind", "created", "author", "title", "valid_until", "review_due", "notes"}, rows)
}

package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/report"
	"github.com/ursic/ursic/node/screen"
)

func init() {
	register(&command{
		name:  "screen",
		usage: "FILE|- [--all] [--json|--csv]",
		summary: "check a list of organisations (xlsx, CSV in UTF-8 or Shift_JIS, or one name a line; optional ROR and country columns) " +
			"against the indicators this node can read: each row's matches, how they matched and their TLP; --all includes expired indicators; " +
			"--csv writes a report for Excel (UTF-8 with BOM, highest TLP on the first line)",
		run: runScreen,
	})
}

// screenJSON is the --json output: exactly these members, so that scripts
// can rely on them.
type screenJSON struct {
	Rows []screenJSONRow `json:"rows"`
}

type screenJSONRow struct {
	Row  int             `json:"row"`
	Name string          `json:"name"`
	Note string          `json:"note,omitempty"`
	Hits []screenJSONHit `json:"hits"`
}

type screenJSONHit struct {
	CID      string  `json:"cid"`
	Matched  string  `json:"matched"`
	How      string  `json:"how"`
	Score    float64 `json:"score"`
	TLP      string  `json:"tlp"`
	Severity string  `json:"severity"`
	Expired  bool    `json:"expired"`
}

func runScreen(e *env, args []string) error {
	fs := flag.NewFlagSet("screen", flag.ContinueOnError)
	var opt apiclient.ScreenOptions
	fs.BoolVar(&opt.All, "all", false, "")
	asCSV := fs.Bool("csv", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{e.tr("screen.onefile")}
	}
	if *asCSV && e.json {
		return &usageError{e.tr("err.csvjson")}
	}
	file := pos[0]
	var data []byte
	if file == "-" {
		data, err = io.ReadAll(io.LimitReader(e.stdin, screen.MaxFileSize+1))
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return fmt.Errorf(e.tr("screen.read"), err)
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	if err := waitIndexed(e, c); err != nil {
		return err
	}
	res, err := c.Screen(e.ctx, file, data, opt)
	if err != nil {
		return err
	}
	if res.Note != "" {
		fmt.Fprintf(e.stderr, "ursic: note: %s\n", res.Note)
	}
	if !res.Complete {
		fmt.Fprintln(e.stderr, "ursic: note: "+e.tr("screen.incomplete"))
	}
	switch {
	case e.json:
		err = printScreenJSON(e, res)
	case *asCSV:
		err = printScreenCSV(e, res)
	default:
		err = printScreenTable(e, res)
	}
	if err != nil {
		return err
	}
	withHits := 0
	for _, r := range res.Rows {
		if len(r.Hits) > 0 {
			withHits++
		}
	}
	fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("screen.summary", res.Screened, len(res.Rows), withHits, res.Hits))
	if res.Screened == 0 {
		return withHint(errors.New(e.tr("screen.nothing")), e.tr("screen.nothinghint"))
	}
	return nil
}

func printScreenJSON(e *env, res *apiwire.ScreenResult) error {
	out := screenJSON{Rows: make([]screenJSONRow, len(res.Rows))}
	for i, r := range res.Rows {
		jr := screenJSONRow{Row: r.Row, Name: r.Name, Note: r.Note, Hits: make([]screenJSONHit, len(r.Hits))}
		for k, h := range r.Hits {
			jr.Hits[k] = screenJSONHit{CID: h.CID, Matched: h.Matched, How: h.How, Score: h.Score, TLP: h.TLP, Severity: h.Severity, Expired: h.Expired}
		}
		out.Rows[i] = jr
	}
	return e.printJSON(out)
}

func printScreenCSV(e *env, res *apiwire.ScreenResult) error {
	return report.ScreenCSV(e.stdout, res)
}

func printScreenTable(e *env, res *apiwire.ScreenResult) error {
	// Names come last: a table aligns by characters, and Japanese and
	// Chinese characters are two columns wide.
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, e.tr("screen.head"))
	var notes []string
	for _, r := range res.Rows {
		if len(r.Hits) == 0 {
			fmt.Fprintf(tw, "%d\t-\t\t\t\t\t%s\n", r.Row, clip(r.Name, 60))
		}
		for _, h := range r.Hits {
			sev := h.Severity
			if h.Expired {
				sev += e.tr("screen.expired")
			}
			fmt.Fprintf(tw, "%d\t%s\t%.2f\t%s\t%s\t%s\t%s → %s\n", r.Row, h.How, h.Score, report.TLPLabel(h.TLP), sev, h.CID, clip(r.Name, 60), clip(h.Matched, 60))
		}
		if r.Note != "" {
			notes = append(notes, e.trf("screen.rownote", r.Row, r.Note))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The suggested mitigations, once per indicator.
	seen := map[string]bool{}
	for _, r := range res.Rows {
		for _, h := range r.Hits {
			if h.Mitigation == "" || seen[h.CID] {
				continue
			}
			seen[h.CID] = true
			fmt.Fprintf(e.stdout, e.tr("screen.mitigation"), h.CID, report.TLPLabel(h.TLP), h.Severity, h.Title, oneLine(h.Mitigation))
		}
	}
	for _, n := range notes {
		fmt.Fprintf(e.stderr, "ursic: note: %s\n", n)
	}
	return nil
}

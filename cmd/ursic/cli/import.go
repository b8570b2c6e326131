package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/liaison"
)

func init() {
	register(&command{
		name:    "import",
		usage:   "stix FILE|- [--partner NAME] [--dry-run] [--confirm-personal-data]",
		summary: "publish a partner's STIX 2.1 bundle as this member's records, through the guardrails, at the TLP of its source (never lower; TLP:RED is refused); one line per object: published CID, refused (why) or skipped (why)",
		run:     runImport,
	})
}

func runImport(e *env, args []string) error {
	if len(args) == 0 || args[0] != "stix" {
		return &usageError{"import needs a format: stix"}
	}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var opt apiclient.ImportOptions
	fs.StringVar(&opt.Partner, "partner", "", "")
	fs.BoolVar(&opt.DryRun, "dry-run", false, "")
	fs.BoolVar(&opt.ConfirmPersonalData, "confirm-personal-data", false, "")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"import stix needs one FILE (or - for standard input)"}
	}
	var data []byte
	if pos[0] == "-" {
		data, err = io.ReadAll(io.LimitReader(e.stdin, liaison.MaxBundleSize+1))
	} else {
		data, err = os.ReadFile(pos[0])
	}
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	res, err := c.ImportSTIX(e.ctx, data, opt)
	if err != nil {
		return err
	}
	return printImport(e, res)
}

// printImport prints one line per object, or the results as JSON.
func printImport(e *env, res []apiwire.ImportResult) error {
	if e.json {
		return e.printJSON(res)
	}
	refused := 0
	for _, r := range res {
		switch r.Outcome {
		case apiwire.ImportPublished:
			fmt.Fprintf(e.stdout, e.tr("import.published"), r.ID, r.CID, upper(r.TLP))
		case apiwire.ImportWouldPublish:
			fmt.Fprintf(e.stdout, e.tr("import.would"), r.ID, upper(r.TLP))
		case apiwire.ImportRefused:
			refused++
			fmt.Fprintf(e.stdout, e.tr("import.refused"), r.ID, oneLine(r.Reason))
		default:
			fmt.Fprintf(e.stdout, e.tr("import.skipped"), r.ID, oneLine(r.Reason))
		}
	}
	if refused > 0 {
		fmt.Fprintf(e.stderr, "ursic: note: %s\n", e.trf("import.refusednote", refused, len(res)))
	}
	return nil
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

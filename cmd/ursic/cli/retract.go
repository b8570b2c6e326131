package cli

import (
	"flag"
	"fmt"
)

func init() {
	register(&command{
		name:    "retract",
		usage:   "CID --reason TEXT",
		summary: "withdraw one of this node's records: every holder deletes the body and keeps a stub",
		run:     runRetract,
	})
}

func runRetract(e *env, args []string) error {
	fs := flag.NewFlagSet("retract", flag.ContinueOnError)
	reason := fs.String("reason", "", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{e.trf("err.onecid", "retract")}
	}
	if *reason == "" {
		return &usageError{e.tr("retract.reason")}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	res, err := c.Retract(e.ctx, pos[0], *reason)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(res)
	}
	fmt.Fprintf(e.stdout, "%s\n", res.Retraction)
	fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("retract.done", res.CID))
	return nil
}

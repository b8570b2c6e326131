package cli

import (
	"encoding/json"
	"flag"
	"fmt"

	"github.com/ursic/ursic/node/apiclient"
)

func init() {
	register(&command{
		name:    "inbox",
		usage:   "list | show ID | accept ID [--dry-run] [--confirm-personal-data] | reject ID",
		summary: "what partners posted to the TAXII inbox, kept sealed until an operator decides; accept imports it as `import stix` does (one line per object), reject drops it",
		run:     runInbox,
	})
}

func runInbox(e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{e.tr("inbox.needs")}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	switch args[0] {
	case "list":
		items, err := c.InboxList(e.ctx)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(items)
		}
		tw := newTable(e.stdout)
		fmt.Fprintln(tw, e.tr("inbox.head"))
		for _, it := range items {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", it.ID, it.Partner, it.Received.Format("2006-01-02 15:04"), len(it.Objects), it.State)
		}
		return tw.Flush()
	case "show":
		if len(args) != 2 {
			return &usageError{e.trf("inbox.oneid", "inbox show")}
		}
		r, err := c.InboxShow(e.ctx, args[1])
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(r)
		}
		fmt.Fprintf(e.stdout, e.tr("inbox.item"), r.Item.ID, r.Item.Partner, r.Item.Received.Format("2006-01-02 15:04:05Z"), r.Item.State)
		for i, o := range r.Objects {
			var head struct {
				Type, ID, Name, Abstract string
			}
			json.Unmarshal(o, &head)
			title := head.Name
			if title == "" {
				title = head.Abstract
			}
			fmt.Fprintf(e.stdout, "  %s %s", r.Item.Objects[i].Type, r.Item.Objects[i].ID)
			if title != "" {
				fmt.Fprintf(e.stdout, "  %q", title)
			}
			fmt.Fprintln(e.stdout)
		}
		return nil
	case "accept":
		fs := flag.NewFlagSet("inbox accept", flag.ContinueOnError)
		var opt apiclient.ImportOptions
		fs.BoolVar(&opt.DryRun, "dry-run", false, "")
		fs.BoolVar(&opt.ConfirmPersonalData, "confirm-personal-data", false, "")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return &usageError{e.trf("inbox.oneid", "inbox accept")}
		}
		res, err := c.InboxAccept(e.ctx, pos[0], opt)
		if err != nil {
			return err
		}
		return printImport(e, res)
	case "reject":
		if len(args) != 2 {
			return &usageError{e.trf("inbox.oneid", "inbox reject")}
		}
		if err := c.InboxReject(e.ctx, args[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, e.tr("inbox.rejected"), args[1])
		return nil
	}
	return &usageError{e.trf("inbox.unknown", args[0])}
}

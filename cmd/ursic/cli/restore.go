package cli

import (
	"flag"
	"fmt"
	"os"

	"github.com/ursic/ursic/node"
)

func init() {
	register(&command{
		name:    "restore",
		usage:   "FILE [--force]",
		summary: "rebuild this home's store, audit log and roster chain from a backup (the home keeps its keys; the node must be stopped)",
		run:     runRestore,
	})
}

func runRestore(e *env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	force := fs.Bool("force", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"restore takes one backup FILE"}
	}
	h, err := node.LoadHome(e.home, envPassphrase())
	if err != nil {
		return withHint(err, "restore into the home that holds this node's keys (`--home DIR`); a backup never holds them")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := node.Restore(h, f, node.RestoreOptions{Force: *force})
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(rep)
	}
	fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("restore.done",
		rep.StoreBytes, rep.RosterFiles, rep.PeerID, rep.Created.Local().Format("2006-01-02 15:04")))
	fmt.Fprintf(e.stderr, "ursic: hint: %s\n", e.tr("restore.hint"))
	return nil
}

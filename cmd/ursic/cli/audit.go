package cli

import (
	"fmt"

	"github.com/ursic/ursic/node"
)

func init() {
	register(&command{
		name:    "audit",
		usage:   "verify",
		summary: "check the local audit log: every line signed by this node and chained to the one before",
		run:     runAudit,
	})
}

func runAudit(e *env, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return &usageError{"audit takes one subcommand: verify"}
	}
	h, err := node.LoadHome(e.home, envPassphrase())
	if err != nil {
		return err
	}
	n, err := node.VerifyAudit(e.home, h.Identity.PeerID())
	if err != nil {
		return withHint(fmt.Errorf("audit log: %w", err), "the audit log was altered, or written by another node's key")
	}
	if e.json {
		return e.printJSON(map[string]any{"ok": true, "lines": n})
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d lines, each signed by %s and chained to the one before\n", n, h.Identity.PeerID())
	return nil
}

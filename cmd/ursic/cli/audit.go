package cli

import (
	"errors"
	"fmt"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/apiwire"
)

func init() {
	register(&command{
		name:  "audit",
		usage: "verify [--json]",
		summary: "check the local audit log: every line signed by this node and chained to the one before, " +
			"and its last line the one anchored in the store (truncation, deletion and added or changed lines show as tampering); " +
			"asks the running node if there is one",
		run: runAudit,
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
	rep, err := node.VerifyAudit(e.home, h.Identity.PeerID())
	if errors.Is(err, node.ErrAuditLocked) {
		// The node runs and holds the store: it checks its own log.
		c, cerr := e.client()
		if cerr != nil {
			return cerr
		}
		rep, err = c.VerifyAudit(e.ctx)
	}
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if e.json {
		if err := e.printJSON(rep); err != nil {
			return err
		}
	}
	if !rep.Intact() {
		return auditTampered(e, rep)
	}
	if !e.json {
		anchored := e.tr("audit.noanchor")
		if rep.Anchor != nil {
			anchored = e.trf("audit.anchor", rep.Anchor.Seq)
		}
		fmt.Fprintln(e.stdout, e.trf("audit.intact", rep.Lines, h.Identity.PeerID(), anchored))
	}
	return nil
}

// auditTampered prints each finding and returns the error that makes the exit non-zero.
func auditTampered(e *env, rep apiwire.AuditReport) error {
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stderr, "ursic: finding: %s\n", oneLine(p))
	}
	for _, r := range rep.Recorded {
		fmt.Fprintf(e.stderr, "ursic: finding: recorded by the node at a start: %s\n", oneLine(r))
	}
	n := len(rep.Problems) + len(rep.Recorded)
	return withHint(fmt.Errorf("audit log tampered: %d findings (lines removed, added or changed, or the file truncated or deleted)", n),
		"keep the file and the store as they are for investigation: the node never rewrites an altered log",
		"the node appends a signed audit-tampered line at its next start and reports audit_tampered in status and /metrics")
}

package cli

import (
	"fmt"
	"time"
)

func init() {
	register(&command{
		name:    "status",
		usage:   "[--json]",
		summary: "this node: peer_id, name, role, records, logs, roster_version, peers_connected",
		run:     runStatus,
	})
}

// statusLabelWidth is the column where status's values start.
const statusLabelWidth = 17

func runStatus(e *env, args []string) error {
	if len(args) > 0 {
		return &usageError{e.trf("err.unexpected", args[0])}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	s, err := c.Status(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(s)
	}
	records := e.trf("status.count", s.Records, s.Retracted)
	if !s.IndexReady {
		// Until the index is complete, the count is of what is indexed so far.
		records = e.trf("status.indexing", s.Records, s.Envelopes)
	}
	line := func(key string, v any) { fmt.Fprintf(e.stdout, "%s%v\n", e.label(key, statusLabelWidth), v) }
	fmt.Fprintf(e.stdout, "%s (%s)\n", s.Name, s.Role)
	line("status.peerid", s.PeerID)
	line("status.records", records)
	line("status.logs", s.Logs)
	line("status.roster", s.RosterVersion)
	line("status.peers", s.PeersConnected)
	line("status.equiv", s.Equivocations)
	line("status.since", s.Started.Local().Format(time.RFC3339))
	line("status.api", s.API)
	for _, f := range s.RosterFork {
		name := f.Name
		if name == "" {
			name = f.Peer
		}
		line("status.fork", e.trf("status.forkline", name, f.Peer, f.Version, f.Theirs, f.Ours, f.Since.Local().Format(time.RFC3339)))
	}
	if s.Restoring {
		line("status.restoring", e.tr("status.restoreline"))
	}
	if s.AuditTampered {
		line("status.audit", e.tr("status.tampered"))
	}
	return nil
}

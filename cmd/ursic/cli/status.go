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

func runStatus(e *env, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
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
	records := fmt.Sprintf("%d (%d retracted)", s.Records, s.Retracted)
	if !s.IndexReady {
		// Until the index is complete, the count is of what is indexed so far.
		records = fmt.Sprintf("index being built: %d of %d stored envelopes opened so far", s.Records, s.Envelopes)
	}
	fmt.Fprintf(e.stdout, "%s (%s)\npeer ID:         %s\nrecords:         %s\nlogs:            %d\nroster version:  %d\npeers connected: %d\nequivocations:   %d\nup since:        %s\nlocal API:       %s\n",
		s.Name, s.Role, s.PeerID, records, s.Logs, s.RosterVersion, s.PeersConnected, s.Equivocations, s.Started.Local().Format(time.RFC3339), s.API)
	for _, f := range s.RosterFork {
		name := f.Name
		if name == "" {
			name = f.Peer
		}
		fmt.Fprintf(e.stdout, "ROSTER FORK:     %s (%s) holds roster version %d with hash %s; this node's is %s. Not syncing with it since %s; see docs/ROSTER-FORKS.md\n",
			name, f.Peer, f.Version, f.Theirs, f.Ours, f.Since.Local().Format(time.RFC3339))
	}
	if s.Restoring {
		fmt.Fprintf(e.stdout, "restoring:       fetching this node's own records back from its peers after a restore; publishing waits\n")
	}
	if s.AuditTampered {
		fmt.Fprintf(e.stdout, "audit log:       TAMPERED (see `ursic audit verify`)\n")
	}
	return nil
}

package cli

import (
	"fmt"
	"strings"
	"time"
)

func init() {
	register(&command{
		name:    "peers",
		usage:   "[--json]",
		summary: "the peers connected now (peer_id, name, role, addrs, since)",
		run:     runPeers,
	})
}

func runPeers(e *env, args []string) error {
	if len(args) > 0 {
		return &usageError{e.trf("err.unexpected", args[0])}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ps, err := c.Peers(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(ps)
	}
	if len(ps) == 0 {
		fmt.Fprintln(e.stdout, e.tr("peers.none"))
		return nil
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, e.tr("peers.head"))
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Role, p.PeerID, p.Since.Local().Format(time.DateTime), strings.Join(p.Addrs, " "))
	}
	return tw.Flush()
}

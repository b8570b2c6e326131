package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiclient"
)

// runQueries serves the author's local API on a loopback port and times
// list queries through the API client: HTTP, bearer token, JSON both ways.
func runQueries(a *peer, size, rounds int, res *results) error {
	token, err := node.ReadToken(a.dir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		done <- api.Serve(ctx, api.NewServer(a.n, token, lg), api.Listen{Addr: "127.0.0.1:0"}, func(ad net.Addr) { ready <- ad })
	}()
	var c *apiclient.Client
	select {
	case ad := <-ready:
		c = apiclient.New(ad.String(), token)
	case err := <-done:
		return err
	}
	scen := "queries " + sizeName(size)
	for _, q := range []struct {
		name string
		opt  apiclient.ListOptions
	}{
		{"newest 50", apiclient.ListOptions{Limit: 50}},
		{"kind=method, newest 50", apiclient.ListOptions{Kind: "method", Limit: 50}},
		{"tlp=green, newest 50", apiclient.ListOptions{TLP: "green", Limit: 50}},
		{"text \"photonics\" (1 in 20), newest 50", apiclient.ListOptions{Text: "photonics", Limit: 50}},
		{"text \"lidar beneficiaries\" (2 words)", apiclient.ListOptions{Text: "lidar beneficiaries", Limit: 50}},
		{"kind+tlp+text, newest 50", apiclient.ListOptions{Kind: "indicator", TLP: "amber", Text: "quantum", Limit: 50}},
		{"newest 50 at offset 50,000", apiclient.ListOptions{Limit: 50, Offset: size / 2}},
	} {
		var lat []time.Duration
		total := 0
		for i := range rounds + 5 {
			t0 := time.Now()
			r, err := c.List(ctx, q.opt)
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			if i >= 5 { // the first few warm up connections and caches
				lat = append(lat, time.Since(t0))
			}
			total = r.Total
		}
		slices.Sort(lat)
		p50, p99 := percentile(lat, 50), percentile(lat, 99)
		name := q.name
		if q.opt.Offset > 0 {
			name = fmt.Sprintf("newest 50 at offset %d", q.opt.Offset)
		}
		res.check(scen, fmt.Sprintf("%s (%d match): p50 / p99", name, total), ms(p50)+" / "+ms(p99), "p99 ≤ 20 ms", p99 <= 20*time.Millisecond)
	}
	cancel()
	<-done
	return nil
}

package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/share"
)

// runPropagation starts nodes real nodes in this process (full mesh on
// loopback, TCP+Noise and QUIC), and has one publish m records, one at a
// time; for each it polls Show on every other node every millisecond and
// records when each could read it, and when the last one could.
func runPropagation(root string, nodes, m int, res *results) error {
	scen := fmt.Sprintf("propagation %d nodes", nodes)
	dir := filepath.Join(root, fmt.Sprintf("prop-%d", nodes))
	var peers []*peer
	var members []share.RosterMember
	var homes []string
	for i := range nodes {
		p, err := newPeer(dir, fmt.Sprintf("n%02d", i), false)
		if err != nil {
			return err
		}
		peers = append(peers, p)
		members = append(members, p.member())
		homes = append(homes, p.dir)
	}
	defer func() {
		for _, p := range peers {
			p.close()
		}
	}()
	if _, err := installGenesis(members, []*crypto.Identity{peers[0].id, peers[1].id}, homes...); err != nil {
		return err
	}
	t0 := time.Now()
	for _, p := range peers {
		if _, err := p.open(); err != nil {
			return err
		}
		if err := p.start(); err != nil {
			return err
		}
	}
	meshBound := 30*time.Second + time.Duration(nodes*nodes)*20*time.Millisecond
	err := waitUntil(meshBound, 50*time.Millisecond, func() bool {
		for _, p := range peers {
			if len(p.n.Peers()) < nodes-1 {
				return false
			}
		}
		return true
	})
	if err != nil {
		short := 0
		for _, p := range peers {
			if len(p.n.Peers()) < nodes-1 {
				short++
			}
		}
		return fmt.Errorf("full mesh not reached in %v: %d nodes lack peers", meshBound, short)
	}
	res.add(scen, "start all nodes → full mesh", fmt.Sprintf("%.1f s", time.Since(t0).Seconds()), "", info)

	pub, readers := peers[0], peers[1:]
	bound := 20 * time.Second
	var each, all, publish []time.Duration
	lost := 0
	for i := range m + 1 {
		rec := record("prop", i)
		t0 := time.Now()
		cids, err := pub.publish([][]byte{rec})
		if err != nil {
			return err
		}
		published := time.Since(t0)
		pending := slices.Clone(readers)
		var lat []time.Duration
		deadline := t0.Add(bound)
		for len(pending) > 0 && time.Now().Before(deadline) {
			pending = slices.DeleteFunc(pending, func(p *peer) bool {
				if _, err := p.n.Show(cids[0]); err == nil {
					lat = append(lat, time.Since(t0))
					return true
				}
				return false
			})
			if len(pending) > 0 {
				time.Sleep(time.Millisecond)
			}
		}
		if i == 0 {
			// The first record also hands out the sender key: not measured.
			if len(pending) > 0 {
				return fmt.Errorf("the first record did not reach %d nodes in %v", len(pending), bound)
			}
			continue
		}
		lost += len(pending)
		each = append(each, lat...)
		if len(pending) == 0 {
			all = append(all, slices.Max(lat))
		}
		publish = append(publish, published)
	}
	for _, s := range [][]time.Duration{each, all, publish} {
		slices.Sort(s)
	}
	res.add(scen, fmt.Sprintf("records published one at a time (after a warm-up)"), fmt.Sprint(m), "", info)
	res.add(scen, "publish call (durable at the author): p50", ms(percentile(publish, 50)), "", info)
	res.add(scen, "each reader: p50 / p99", ms(percentile(each, 50))+" / "+ms(percentile(each, 99)), "", info)
	p50, p99 := percentile(all, 50), percentile(all, 99)
	if nodes <= 10 {
		res.check(scen, "every reader (slowest): p50", ms(p50), "≤ 50 ms", p50 <= 50*time.Millisecond && lost == 0)
		res.check(scen, "every reader (slowest): p99", ms(p99), "≤ 250 ms", p99 <= 250*time.Millisecond && lost == 0)
	} else {
		res.add(scen, "every reader (slowest): p50", ms(p50), "", info)
		res.check(scen, "every reader (slowest): p99", ms(p99), "≤ 1 s", p99 <= time.Second && lost == 0)
	}
	if lost > 0 {
		res.check(scen, fmt.Sprintf("(record, reader) pairs not readable within %v", bound), fmt.Sprint(lost), "0", false)
	}
	return nil
}

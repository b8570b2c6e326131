package node

import (
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// SyncFaults compares what the running node tells and serves peers about
// each log it holds with its store, and returns every disagreement (none
// when the node is consistent). For each log and each of peers:
//
//   - the Hello head (helloFor, and Catalogue.HeadFor beneath it) is the
//     last entry the peer may hold (the entitlement's decision) among those
//     the store holds from 1 without a hole: a lower head is a node frozen
//     on the log, a higher one names what it cannot serve;
//   - a catalogue read afresh from the store agrees with the live one, in
//     its head and in what it serves the peer (Catalogue.Filter).
//
// It is for the multi-node tests (package node_test), which cannot reach
// these structures.
func (n *Node) SyncFaults(peers []string) []string {
	var faults []string
	fault := func(format string, args ...any) { faults = append(faults, fmt.Sprintf(format, args...)) }
	heads, err := n.store.Heads()
	if err != nil {
		return []string{err.Error()}
	}
	fresh := receive.NewCatalogue(n.store, n.ent, n.PeerID())
	hellos := map[string]map[[2]string]uint64{}
	if n.net != nil {
		for _, p := range peers {
			id, err := peer.Decode(p)
			if err != nil {
				return []string{err.Error()}
			}
			hs := map[[2]string]uint64{}
			for _, lh := range n.net.helloFor(id).Heads {
				hs[[2]string{lh.Author, lh.Log}] = lh.Seq
			}
			hellos[p] = hs
		}
	}
	for _, lh := range heads {
		// The headers of the entries held from 1 without a hole: a
		// position with neither an envelope nor a stub's envelope is one.
		var hdrs []*share.Header
		err := n.store.Range(lh.Author, lh.Log, 1, lh.Seq, func(e store.Entry) error {
			raw := e.Envelope
			if e.Stub != nil {
				raw = e.Stub.Envelope
			}
			if e.Seq != uint64(len(hdrs))+1 || len(raw) == 0 {
				return errStopRange
			}
			env, err := share.Decode(raw)
			if err != nil {
				return err
			}
			hdrs = append(hdrs, &env.Header)
			return nil
		})
		if err != nil && !errors.Is(err, errStopRange) {
			return append(faults, err.Error())
		}
		name := fmt.Sprintf("%s/%s (head %d, held to %d)", n.memberName(lh.Author), lh.Log[:min(8, len(lh.Log))], lh.Seq, len(hdrs))
		for _, p := range peers {
			want := uint64(0)
			for i := len(hdrs) - 1; i >= 0; i-- {
				if n.ent.MayHold(hdrs[i], p) {
					want = uint64(i + 1)
					break
				}
			}
			headOf := func(c *receive.Catalogue) uint64 {
				seq, err := c.HeadFor(lh.Author, lh.Log, p)
				if err != nil && !errors.Is(err, receive.ErrNothingFor) {
					fault("%s: %v", name, err)
				}
				return seq
			}
			if got := headOf(n.cat); got != want {
				fault("log %s: the head for %s is %d, the store holds up to %d of what it may hold", name, n.memberName(p), got, want)
			}
			if got := headOf(fresh); got != want {
				fault("log %s: read afresh, the head for %s is %d, want %d", name, n.memberName(p), got, want)
			}
			if hs, ok := hellos[p]; ok && hs[[2]string{lh.Author, lh.Log}] != want {
				fault("log %s: the Hello to %s names %d, want %d", name, n.memberName(p), hs[[2]string{lh.Author, lh.Log}], want)
			}
			live, lc, err := n.cat.Filter(lh.Author, lh.Log, p)
			if err != nil {
				fault("%s: %v", name, err)
				continue
			}
			read, rc, err := fresh.Filter(lh.Author, lh.Log, p)
			if err != nil {
				fault("%s: %v", name, err)
				continue
			}
			if lc != rc || lc != uint64(len(hdrs)) {
				fault("log %s: served to %s up to %d, read afresh %d", name, n.memberName(p), lc, rc)
				continue
			}
			for seq := uint64(1); seq <= lc; seq++ {
				if live(seq) != read(seq) {
					fault("log %s: entry %d served to %s: %v, read afresh %v", name, seq, n.memberName(p), live(seq), read(seq))
				}
			}
		}
	}
	return faults
}

package node_test

// Hostile-member tests (2026-11-30): mallory, a roster member speaking the
// wire protocol by hand (see adversary_test.go), against real nodes on
// loopback. Each test names the attack it makes impossible.

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// Finding: a member that held another member's record stripped its body and
// relayed the stub, its CID confirmed by the author's own next entry, to a
// node that had not received the record yet. The node stored the stub as if
// the author had retracted the record: the record never arrived there (the
// author's later push was taken for a copy of the stub), and the node served
// the stub onward. A relay can now pass a stub only where the record's own
// author retracted it (its retraction held, pending or in the same answer).
func TestInsiderRelayedStubDeletesNothing(t *testing.T) {
	b := newAttackBed(t)
	bravo, adv := b.bravo, b.adv
	missed, later, rawMissed, rawLater := b.missedByBravo(t)
	// Mallory may hold both (AMBER to the consortium), so it may relay them
	// to bravo; what it relays of the first is the stub, with the true CID.
	adv.send(t, frame(t, &share.Message{Envelopes: &share.Envelopes{
		Envs: [][]byte{stubOf(t, rawMissed), rawLater}, Stubs: []share.StubCID{{Index: 0, CID: cidBytes(t, missed)}},
	}}))
	if err := bravo.n.SetBlocked(nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "bravo reads both of alpha's records", func() bool {
		return bravo.canRead(missed) && bravo.canRead(later)
	})
	readsIntact(t, bravo, missed)
	b.alphaReachesBravo(t, "after the attack")
}

// Honest relays still pass the stubs of retracted records: charlie, cut off
// from alpha, learns from bravo that alpha retracted a record, with the
// retraction that vouches for the stub in the same range answer.
func TestRelayedStubOfRetractedRecord(t *testing.T) {
	nodes, _ := newConsortium(t, "alpha", "bravo", "charlie")
	alpha, bravo, charlie := nodes[0], nodes[1], nodes[2]
	startMesh(t, alpha, bravo)
	target := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	kept := alpha.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{TLP: "amber"})
	by, err := alpha.n.Retract(target, "superseded")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "bravo applies alpha's retraction", func() bool {
		v, err := bravo.n.Show(target)
		return err == nil && v.Retracted && bravo.canRead(kept)
	})
	alpha.stop() // charlie can learn of alpha's records only through bravo
	charlie.startNode()
	waitFor(t, fedWait, "charlie reads alpha's records through bravo", func() bool {
		return charlie.canRead(kept) && charlie.canRead(by)
	})
	// The position is held as the stub: the log went on past it, and the
	// body is not there.
	v, err := charlie.n.Show(target)
	if !charlie.holds(target) || v.Body != nil {
		t.Fatalf("charlie holds the retracted record's stub: %v; reads its body: %v", charlie.holds(target), v.Body != nil)
	}
	// And says so: the record is listed as retracted, by alpha's retraction,
	// not as unknown.
	if err != nil || !v.Retracted || v.RetractedBy != by {
		t.Fatalf("charlie shows the retracted record as %+v, %v; want it retracted by %s", v, err, by)
	}
}

// Finding: every Hello a peer opened a session with started a pull of its
// own, which waited for the peer's running pull. A member that answered the
// first pull's GetRange slowly (a stream deadline is minutes) and sent
// Hellos at the stream rate grew the node by a goroutine and a Hello (up to
// 4 MiB of heads) each, without bound. Now a peer's Hellos wait in one slot,
// the latest replacing the one before, for the pull that runs.
func TestHostileHelloFloodHoldsOnePull(t *testing.T) {
	b := newAttackBed(t)
	adv := b.adv
	log := "g/flood"
	hello := &share.Hello{RosterVersion: b.genesis.Version, RosterHash: b.genesis.Hash(), Heads: []share.LogHead{{
		Author: b.mallory.peerID(), Log: log, Seq: 5, CID: share.CIDOf([]byte("mallory's head")).Bytes(),
	}}}
	// Mallory's node answers Hello and never answers a GetRange (until the
	// test ends): bravo's pull of mallory's log hangs on it.
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	adv.h.SetStreamHandler(node.SyncProtocol, func(s network.Stream) {
		defer s.Close()
		m, err := share.ReadMessage(bufio.NewReader(s), 0)
		if err != nil {
			return
		}
		switch {
		case m.Hello != nil:
			share.WriteMessage(s, &share.Message{Hello: hello})
		case m.GetRange != nil:
			select {
			case <-release:
			case <-time.After(2 * fedWait):
			}
		}
	})
	const hellos = 64
	for range hellos {
		ctx, cancel := context.WithTimeout(context.Background(), fedWait)
		s, err := adv.h.NewStream(ctx, adv.target, node.SyncProtocol)
		cancel()
		if err != nil {
			t.Fatalf("open a sync stream: %v", err)
		}
		s.SetDeadline(time.Now().Add(fedWait))
		if _, err := s.Write(frame(t, &share.Message{Hello: hello})); err != nil {
			t.Fatal(err)
		}
		s.CloseWrite()
		// Bravo's Hello, then the end of the stream: its handler has
		// returned, so the pull it asked for has been started or queued.
		if m, err := share.ReadMessage(bufio.NewReader(s), 0); err != nil || m.Hello == nil {
			t.Fatalf("bravo's answer to Hello: %v, %v", m, err)
		}
		io.Copy(io.Discard, s)
		s.Close()
	}
	if n := goroutinesIn("(*federation).afterHello"); n > 1 {
		t.Errorf("%d Hellos left %d goroutines pulling or waiting to pull from mallory; want at most 1", hellos, n)
	}
	b.alphaReachesBravo(t, "during the flood")
}

// goroutinesIn counts the goroutines of this process with fn on their stack.
func goroutinesIn(fn string) int {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 2)
	n := 0
	for _, g := range strings.Split(buf.String(), "\n\n") {
		if strings.Contains(g, fn) {
			n++
		}
	}
	return n
}

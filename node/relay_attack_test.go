package node_test

// Insider against the relay path (2026-11-30, second session): mallory, a
// roster member speaking the wire protocol by hand (adversary_test.go),
// relays alpha's log to bravo — entries it legitimately holds — in every
// order and shape an honest relay never uses, while bravo is cut off from
// alpha. After each attack bravo must still take alpha's log from alpha, and
// serve it onward in full: nothing frozen, nothing dropped.

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// relayRound is one attack's material: two AMBER records alpha published
// while bravo did not hear from it, the first and the next in alpha's log.
type relayRound struct {
	missed, later       string
	rawMissed, rawLater []byte
	log                 string
	seq                 uint64 // of later
}

func (b *attackBed) relayRound(t *testing.T) relayRound {
	t.Helper()
	var r relayRound
	r.missed, r.later, r.rawMissed, r.rawLater = b.missedByBravo(t)
	_, env := envelopeAt(t, b.alpha, r.later)
	r.log, r.seq = env.Header.Log, env.Header.Seq
	return r
}

// serveAs has mallory's node answer Hello with heads and every GetRange
// with answer(s, request). It returns a channel that receives each request
// once its answer is written.
func (b *attackBed) serveAs(t *testing.T, heads []share.LogHead, answer func(s network.Stream, g *share.GetRange)) <-chan *share.GetRange {
	t.Helper()
	asked := make(chan *share.GetRange, 64)
	b.adv.h.SetStreamHandler(node.SyncProtocol, func(s network.Stream) {
		defer s.Close()
		s.SetDeadline(time.Now().Add(fedWait))
		m, err := share.ReadMessage(bufio.NewReader(s), share.MaxFrameSize)
		if err != nil {
			s.Reset()
			return
		}
		switch {
		case m.Hello != nil:
			share.WriteMessage(s, &share.Message{Hello: &share.Hello{RosterVersion: b.genesis.Version, RosterHash: b.genesis.Hash(), Heads: heads}})
		case m.GetRange != nil:
			answer(s, m.GetRange)
			select {
			case asked <- m.GetRange:
			default:
			}
		}
	})
	t.Cleanup(func() { b.adv.h.RemoveStreamHandler(node.SyncProtocol) })
	return asked
}

// helloToBravo opens a session with bravo: bravo then pulls what mallory's
// Hello offers.
func (b *attackBed) helloToBravo(t *testing.T, heads []share.LogHead) {
	t.Helper()
	b.adv.send(t, frame(t, &share.Message{Hello: &share.Hello{RosterVersion: b.genesis.Version, RosterHash: b.genesis.Hash(), Heads: heads}}))
}

// askRange asks bravo, as mallory, for entries from..to of a log and returns
// the envelopes of its answer.
func (a *adversary) askRange(t *testing.T, author, log string, from, to uint64) [][]byte {
	t.Helper()
	s := a.stream(t)
	defer s.Close()
	if err := share.WriteMessage(s, &share.Message{GetRange: &share.GetRange{Author: author, Log: log, From: from, To: to}}); err != nil {
		t.Fatal(err)
	}
	s.CloseWrite()
	r := bufio.NewReader(s)
	var out [][]byte
	for {
		m, err := share.ReadMessage(r, share.MaxFrameSize)
		if err != nil || m.Envelopes == nil {
			t.Fatalf("bravo's answer to GetRange: %v, %v", m, err)
		}
		out = append(out, m.Envelopes.Envs...)
		if !m.Envelopes.More {
			return out
		}
	}
}

// alphaLogIntact unblocks alpha at bravo and checks the honest outcome of a
// round: bravo reads both records, takes alpha's next one, and serves
// alpha's whole log to a member that asks — the catalogue is not frozen at
// any hole the attack made.
func (b *attackBed) alphaLogIntact(t *testing.T, r relayRound) {
	t.Helper()
	if err := b.bravo.n.SetBlocked(nil); err != nil {
		t.Fatal(err)
	}
	b.alphaReachesBravo(t, "after the attack")
	waitFor(t, liveWait, "bravo reads both of alpha's records", func() bool {
		return b.bravo.canRead(r.missed) && b.bravo.canRead(r.later)
	})
	readsIntact(t, b.bravo, r.missed)
	readsIntact(t, b.bravo, r.later)
	got := b.adv.askRange(t, b.alpha.peerID(), r.log, 1, r.seq+1)
	if uint64(len(got)) != r.seq+1 {
		t.Errorf("bravo serves %d entries of alpha's log 1..%d; it holds them all", len(got), r.seq+1)
	}
}

// writeEnvs writes one frame of a range answer.
func writeEnvs(s network.Stream, more bool, envs ...[]byte) error {
	return share.WriteMessage(s, &share.Message{Envelopes: &share.Envelopes{Envs: envs, More: more}})
}

// Range answers an honest relay never gives — skipping an entry, a stub
// nobody vouches for, empty below the head its Hello named, reordered with
// repeats, ending early — one pull each, in turn: bravo keeps of them only
// what alpha wrote, in alpha's order, counts no equivocation, and afterwards
// takes the rest from alpha and serves alpha's whole log onward.
func TestRelayOddRangeAnswers(t *testing.T) {
	b := newAttackBed(t)
	r := b.relayRound(t)
	before := b.bravo.status()
	steps := []struct {
		name   string
		answer [][]byte
	}{
		{"skips an entry", [][]byte{r.rawLater}},
		{"unvouched stub", [][]byte{stubOf(t, r.rawMissed), r.rawLater}},
		{"empty below the head", nil},
		{"ends early", [][]byte{r.rawMissed}},
		{"reordered, with repeats", [][]byte{r.rawLater, r.rawLater, r.rawMissed, r.rawLater}},
	}
	var step atomic.Int64
	var checked atomic.Bool
	heads := []share.LogHead{{Author: b.alpha.peerID(), Log: r.log, Seq: r.seq + 1000, CID: cidBytes(t, r.later)}}
	asked := b.serveAs(t, heads, func(s network.Stream, g *share.GetRange) {
		i := int(step.Load())
		// The earlier steps' pulls have ended (one pull per peer at a
		// time): the three before "ends early" left bravo nothing. Checked
		// at the first request of that step, before its own answer.
		if i == 3 && checked.CompareAndSwap(false, true) && (b.bravo.holds(r.missed) || b.bravo.holds(r.later)) {
			t.Errorf("after answers that skip, stub or hold nothing, bravo holds alpha's %v, %v", b.bravo.holds(r.missed), b.bravo.holds(r.later))
		}
		writeEnvs(s, false, steps[i].answer...)
	})
	for i, st := range steps {
		step.Store(int64(i))
		b.helloToBravo(t, heads)
		select {
		case <-asked:
		case <-time.After(fedWait):
			t.Fatalf("%s: bravo never asked mallory for alpha's log", st.name)
		}
	}
	waitFor(t, liveWait, "bravo keeps both entries of the last answers", func() bool { return b.bravo.holds(r.missed) && b.bravo.holds(r.later) })
	if n := b.bravo.status().Equivocations - before.Equivocations; n != 0 {
		t.Errorf("bravo counts %d equivocations from a relay's repeats", n)
	}
	b.alphaLogIntact(t, r)
}

// Finding: a range answer was read for as long as its frames said "more".
// Every envelope of the range asked for is checked in full (it is past the
// node's head, so the held-already lookup is skipped), so a member relaying
// the same two valid envelopes of alpha's in frame after frame kept bravo
// verifying signatures until the stream's deadline (two minutes), once a
// session — and none of it counted as forged. A range answer now carries at
// most one envelope a position asked for; past that the pull stops.
func TestRelayEndlessRangeAnswer(t *testing.T) {
	b := newAttackBed(t)
	r := b.relayRound(t)
	// Far more than the stream's flow-control window holds, so that
	// mallory can write it all only if bravo reads it all.
	const frames = 20000
	var written atomic.Int64
	before := b.bravo.status().Rejected
	heads := []share.LogHead{{Author: b.alpha.peerID(), Log: r.log, Seq: r.seq, CID: cidBytes(t, r.later)}}
	asked := b.serveAs(t, heads, func(s network.Stream, g *share.GetRange) {
		for i := range frames {
			if writeEnvs(s, i < frames-1, r.rawMissed, r.rawLater) != nil {
				return
			}
			written.Add(1)
		}
	})
	b.helloToBravo(t, heads)
	var g *share.GetRange
	select {
	case g = <-asked:
	case <-time.After(fedWait):
		t.Fatal("bravo never asked mallory for alpha's log")
	}
	if n := written.Load(); n == frames {
		t.Errorf("bravo read all %d frames of an answer to %d..%d (%d envelopes for %d positions)", n, g.From, g.To, 2*n, g.To-g.From+1)
	}
	waitFor(t, liveWait, "bravo counts the overlong answer", func() bool { return b.bravo.status().Rejected > before })
	// What the answer held before it overran is alpha's and is kept.
	waitFor(t, liveWait, "bravo keeps alpha's entries from the answer's first frame", func() bool {
		return b.bravo.holds(r.missed) && b.bravo.holds(r.later)
	})
	b.alphaLogIntact(t, r)
}

// Finding: valid envelopes that could store nothing cost bravo a signature
// check each, push after push, and none of it was forged, so neither the
// rejected-before memory nor the forged budget applied: mallory's own log at
// a far position (it signs whatever position it likes; a push cannot fill a
// log past a hole, so nothing is stored and the next push is checked again),
// and further copies of a position of its own that keeps two already (only
// counted, with a write and a log line each). A push of 512 such envelopes
// took as long as a frame of forged ones. Now a push is sieved before the
// signature check (receive.Checker): what could not be stored is not checked.
func TestRelayValidEnvelopesThatStoreNothing(t *testing.T) {
	b := newAttackBed(t)
	adv, bravo := b.adv, b.bravo
	// Mallory's own log to bravo: entry 1 and its equivocating copy, which
	// bravo keeps as evidence, then more copies, and a frame of entries far
	// past bravo's head of that log.
	first, second := adv.seal(t, 1, nil, bravo), adv.seal(t, 1, nil, bravo)
	eqBefore := bravo.status().Equivocations
	adv.push(t, first)
	adv.push(t, second)
	waitFor(t, liveWait, "bravo keeps mallory's equivocation", func() bool { return bravo.status().Equivocations > eqBefore })
	var copies, far [][]byte
	for range 64 {
		copies = append(copies, adv.seal(t, 1, nil, bravo))
	}
	prev := share.CIDOf([]byte("an entry bravo never saw")).Bytes()
	for i := range share.MaxBatch {
		far = append(far, adv.seal(t, 1_000_000+uint64(i), prev, bravo))
	}
	before := signatureChecks(t, bravo)
	const rounds = 4
	for range rounds {
		adv.push(t, far...)
		adv.push(t, second)
		adv.push(t, copies...)
	}
	// Each push is answered (the stream closed) after bravo checked it.
	if n := signatureChecks(t, bravo) - before; n >= share.MaxBatch {
		t.Errorf("%d pushes of envelopes that store nothing (%d envelopes) cost bravo %d signature checks", 3*rounds, rounds*(len(far)+1+len(copies)), n)
	}
	if n := bravo.status().Equivocations - eqBefore; n != 1 {
		t.Errorf("bravo keeps %d equivocating copies of mallory's entry; want 1", n)
	}
	if bravo.holds(share.CIDOf(far[0]).String()) {
		t.Errorf("bravo holds an entry pushed past a hole in its log")
	}
	b.alphaReachesBravo(t, "after the pushes")
}

// Finding: the stream rate lets a member push hundreds of full frames a
// second, each decoded (and, unless the sieve drops it, verified) whether or
// not it stores anything. Now a peer's pushed envelopes have a budget; past
// it a push is not checked and the node pulls from the peer instead.
func TestHostilePushFloodBudgeted(t *testing.T) {
	b := newAttackBed(t)
	adv, bravo := b.adv, b.bravo
	prev := share.CIDOf([]byte("an entry bravo never saw")).Bytes()
	var far [][]byte
	for i := range share.MaxBatch {
		far = append(far, adv.seal(t, 1_000_000+uint64(i), prev, bravo))
	}
	// Far more than the burst, at the rate one sender manages: the budget
	// refills at two frames a second, so a few hundred pushes cross it
	// however slow the machine is.
	over := false
	for i := 0; i < 400 && !over; i++ {
		adv.push(t, far...)
		over = rejected(t, bravo, "push-budget") > 0
	}
	if !over {
		t.Fatalf("400 frames of %d envelopes pushed, none refused by the push budget", share.MaxBatch)
	}
	if bravo.holds(share.CIDOf(far[0]).String()) {
		t.Errorf("bravo holds an entry pushed past a hole in its log")
	}
	b.alphaReachesBravo(t, "after the flood")
}

// rejected reads ursic_rejected_total for reason from p's /metrics.
func rejected(t *testing.T, p *peerNode, reason string) int64 {
	t.Helper()
	for _, line := range strings.Split(metricsText(t, p), "\n") {
		if v, ok := strings.CutPrefix(line, `ursic_rejected_total{reason="`+reason+`"} `); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return int64(n)
		}
	}
	return 0
}

// signatureChecks reads ursic_signature_checks_total from p's /metrics.
func signatureChecks(t *testing.T, p *peerNode) int64 {
	t.Helper()
	for _, line := range strings.Split(metricsText(t, p), "\n") {
		if v, ok := strings.CutPrefix(line, "ursic_signature_checks_total "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return int64(n)
		}
	}
	t.Fatal("no ursic_signature_checks_total in /metrics")
	return 0
}

// Finding: a node restored from a backup publishes nothing until it holds
// every head of its own logs that a peer's Hello named. A member naming a
// far head of the restored node's log, and serving nothing of it (or failing
// every range it is asked), kept the node from publishing for as long as it
// liked — across restarts, since the restore mark stays in the store. Now a
// head counts only while the peer that named it may still serve it: one a
// completed pull did not reach is dropped, and so are a peer's heads after
// maxRestoreFails pulls from it in a row failed.
func TestRestoreNotHeldHostageByAHello(t *testing.T) {
	for _, fail := range []bool{false, true} {
		name := "serves nothing"
		if fail {
			name = "fails every range"
		}
		t.Run(name, func(t *testing.T) {
			nodes, genesis := newConsortium(t, "alpha", "bravo", "mallory")
			alpha, bravo, mallory := nodes[0], nodes[1], nodes[2]
			startMesh(t, alpha, bravo)
			first := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
			var backup bytes.Buffer
			if _, err := alpha.n.Backup(&backup); err != nil {
				t.Fatal(err)
			}
			later := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
			waitFor(t, fedWait, "bravo reads alpha's later record", func() bool { return bravo.canRead(later) })
			_, env := envelopeAt(t, alpha, later)
			alpha.stop()
			bravo.stop()
			h, err := node.LoadHome(alpha.dir, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := node.Restore(h, bytes.NewReader(backup.Bytes()), node.RestoreOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			alpha.startNode()
			if !alpha.status().Restoring || !alpha.canRead(first) {
				t.Fatal("alpha is not restoring from its backup")
			}
			// Mallory names a head of alpha's log far past what anyone
			// holds, and answers each range alpha asks with nothing, or
			// not at all.
			adv := newAdversary(t, mallory, alpha)
			heads := []share.LogHead{{Author: alpha.peerID(), Log: env.Header.Log, Seq: env.Header.Seq + 1000, CID: cidBytes(t, later)}}
			hello := &share.Hello{RosterVersion: genesis.Version, RosterHash: genesis.Hash(), Heads: heads}
			asked := make(chan struct{}, 64)
			adv.h.SetStreamHandler(node.SyncProtocol, func(s network.Stream) {
				defer s.Close()
				s.SetDeadline(time.Now().Add(fedWait))
				m, err := share.ReadMessage(bufio.NewReader(s), share.MaxFrameSize)
				switch {
				case err != nil:
					s.Reset()
				case m.Hello != nil:
					share.WriteMessage(s, &share.Message{Hello: hello})
				case m.GetRange != nil:
					if fail {
						s.Reset()
					} else {
						writeEnvs(s, false)
					}
					select {
					case asked <- struct{}{}:
					default:
					}
				}
			})
			for range 4 { // a session each, so a pull from mallory each
				adv.send(t, frame(t, &share.Message{Hello: hello}))
				select {
				case <-asked:
				case <-time.After(fedWait):
					t.Fatal("alpha never asked mallory for its own log")
				}
			}
			if !fail {
				// The only peer it reached served what it served: the
				// restore ends with that (alpha's peers holding more are
				// offline), not with a head mallory named and never served.
				waitFor(t, fedWait, "alpha ends its restore", func() bool { return !alpha.status().Restoring })
				return
			}
			// Mallory's pulls all failed: the restore waits for a peer that
			// serves, then ends with what bravo holds of alpha's log.
			if !alpha.status().Restoring {
				t.Fatal("alpha ended its restore with no pull completed")
			}
			bravo.startNode()
			waitFor(t, fedWait, "alpha ends its restore", func() bool { return !alpha.status().Restoring })
			if !alpha.canRead(later) {
				t.Errorf("alpha ended its restore without fetching its own record back from bravo")
			}
			next := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
			waitFor(t, fedWait, "bravo reads alpha's record after the restore", func() bool { return bravo.canRead(next) })
			if n := bravo.status().Equivocations; n != 0 {
				t.Errorf("bravo counts %d equivocations after alpha's restore", n)
			}
		})
	}
}

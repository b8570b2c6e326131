package node_test

// Bad-peer tests (the threat model's "bad peers", SECURITY.md): a roster member whose "node" is a
// raw libp2p host with the member's real key, so the honest node admits it,
// sends what an honest node never would. The honest node must reject each
// message, count it, never crash, and go on syncing with an honest peer.

import (
	"context"
	"encoding/binary"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/p2p"
	"github.com/ursic/ursic/share"
)

// liveWait bounds how long an honest record may take to reach the node under
// attack: a push on loopback takes milliseconds, so seconds mean starvation.
const liveWait = 10 * time.Second

// adversary is a roster member speaking /ursic/sync/1.0.0 by hand.
type adversary struct {
	id     *crypto.Identity
	h      host.Host
	target peer.ID
}

// newAdversary starts a bare libp2p host with member's key and connects it
// to target, which admits it because member is on the roster.
func newAdversary(tb testing.TB, member, target *peerNode) *adversary {
	tb.Helper()
	tid, err := peer.Decode(target.peerID())
	if err != nil {
		tb.Fatal(err)
	}
	gate := p2p.NewGate(nil)
	gate.Set([]peer.ID{tid})
	h, err := p2p.NewHost(p2p.Config{Key: member.id.PrivateKey(), Listen: []string{"/ip4/127.0.0.1/tcp/0"}, Gate: gate})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Close() })
	ai, err := p2p.AddrInfo(target.peerID(), target.n.Addrs())
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), fedWait)
	defer cancel()
	if err := h.Connect(ctx, ai); err != nil {
		tb.Fatalf("%s's key was not admitted by %s: %v", member.name, target.name, err)
	}
	return &adversary{id: member.id, h: h, target: tid}
}

// send opens a sync stream, writes raw bytes, closes its side and waits,
// bounded, until the target has closed or reset the stream. The target may
// reset the stream before it has all the bytes (a frame too large).
func (a *adversary) send(tb testing.TB, raw []byte) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fedWait)
	defer cancel()
	s, err := a.h.NewStream(ctx, a.target, node.SyncProtocol)
	if err != nil {
		tb.Fatalf("open a sync stream: %v", err)
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(fedWait))
	if _, err := s.Write(raw); err != nil {
		tb.Logf("write: %v", err)
		return
	}
	s.CloseWrite()
	io.Copy(io.Discard, s) // ends when the target closes or resets the stream
}

// push sends one Envelopes message as a push.
func (a *adversary) push(tb testing.TB, envs ...[]byte) {
	tb.Helper()
	a.send(tb, frame(tb, &share.Message{Envelopes: &share.Envelopes{Envs: envs}}))
}

// seal makes an envelope by the adversary: the sample CLEAR indicator,
// TLP:RED sealed directly to the readers' cards, at seq in its log to them;
// prev is left out for seq 1 (see sealRecord).
func (a *adversary) seal(tb testing.TB, seq uint64, prev []byte, readers ...*peerNode) []byte {
	tb.Helper()
	return a.sealRecord(tb, seq, prev, sampleRecord(tb, "indicator-clear.json"), readers...)
}

// frame is m as one wire frame.
func frame(tb testing.TB, m *share.Message) []byte {
	tb.Helper()
	b, err := share.EncodeMessage(m)
	if err != nil {
		tb.Fatal(err)
	}
	return append(binary.AppendUvarint(nil, uint64(len(b))), b...)
}

// payload is m's CBOR without the length prefix.
func payload(tb testing.TB, m *share.Message) []byte {
	tb.Helper()
	b, err := share.EncodeMessage(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// reencode decodes an envelope, lets change alter it and encodes it again.
func reencode(tb testing.TB, raw []byte, change func(*share.Envelope)) []byte {
	tb.Helper()
	env, err := share.Decode(raw)
	if err != nil {
		tb.Fatal(err)
	}
	change(env)
	out, err := env.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// attackBed is an honest pair (alpha publishes, bravo is attacked) and the
// adversary mallory, a roster member whose own node never runs.
type attackBed struct {
	alpha, bravo, mallory *peerNode
	genesis               *share.Roster
	adv                   *adversary
}

func newAttackBed(t *testing.T) *attackBed {
	nodes, genesis := newConsortium(t, "alpha", "bravo", "mallory")
	b := &attackBed{alpha: nodes[0], bravo: nodes[1], mallory: nodes[2], genesis: genesis}
	startMesh(t, b.alpha, b.bravo)
	b.adv = newAdversary(t, b.mallory, b.bravo)
	// Bravo is in sync with alpha before any attack.
	b.alphaReachesBravo(t, "before the attack")
	return b
}

// alphaReachesBravo publishes an AMBER record at alpha and waits, bounded,
// until bravo reads it: bravo still syncs with its honest peer.
func (b *attackBed) alphaReachesBravo(t *testing.T, when string) {
	t.Helper()
	c := b.alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	waitFor(t, liveWait, "bravo reads alpha's record "+when, func() bool { return b.bravo.canRead(c) })
}

// expectRejected runs attack and checks that bravo counted a rejection,
// stored nothing, holds none of cids, and still syncs with alpha.
func (b *attackBed) expectRejected(t *testing.T, attack func(), cids ...string) {
	t.Helper()
	before := b.bravo.status()
	attack()
	waitFor(t, liveWait, "bravo counts the rejection", func() bool {
		return b.bravo.status().Rejected > before.Rejected
	})
	after := b.bravo.status()
	if after.Envelopes != before.Envelopes || after.Logs != before.Logs || after.Equivocations != before.Equivocations {
		t.Errorf("bravo's store changed: %d envelopes in %d logs (%d equivocations) before, %d in %d (%d) after",
			before.Envelopes, before.Logs, before.Equivocations, after.Envelopes, after.Logs, after.Equivocations)
	}
	for _, c := range cids {
		if b.bravo.holds(c) {
			t.Errorf("bravo holds %s, which it should have rejected", c)
		}
	}
	b.alphaReachesBravo(t, "after the attack")
	if n := b.bravo.status().Rejected; n <= before.Rejected {
		t.Errorf("rejection count went back to %d", n)
	}
}

// TestBadPeer: mallory, on the roster, attacks bravo one way per sub-test
// while alpha goes on publishing to bravo.
func TestBadPeer(t *testing.T) {
	b := newAttackBed(t)
	bravo, alpha, adv := b.bravo, b.alpha, b.adv

	t.Run("forged signature", func(t *testing.T) {
		raw := reencode(t, adv.seal(t, 1, nil, bravo), func(e *share.Envelope) { e.Sig[7] ^= 0x01 })
		b.expectRejected(t, func() { adv.push(t, raw) }, share.CIDOf(raw).String())
	})

	t.Run("another author's envelope", func(t *testing.T) {
		// Claims alpha as its author, signed by mallory.
		raw := reencode(t, adv.seal(t, 1, nil, bravo), func(e *share.Envelope) {
			e.Header.Author = alpha.peerID()
			e.Header.Log = share.LogID(e.Header.Audience)
		})
		b.expectRejected(t, func() { adv.push(t, raw) }, share.CIDOf(raw).String())
	})

	t.Run("not for this node", func(t *testing.T) {
		// Validly signed, but RED to alpha only: bravo must not keep it.
		raw := adv.seal(t, 1, nil, alpha)
		b.expectRejected(t, func() { adv.push(t, raw) }, share.CIDOf(raw).String())
	})

	t.Run("sequence gap", func(t *testing.T) {
		// Seq 5 of a log of which bravo holds nothing. Bravo may not store a
		// pushed entry after a gap; it asks mallory for the range, and
		// mallory, asked, offers seq 5 as its head and answers every range
		// with seq 5 alone. Mallory is the log's author: in its own answer
		// it may skip positions (it vouches that bravo may not hold 1..4),
		// so bravo keeps seq 5 then, and asks no more.
		prev := share.CIDOf([]byte("an entry bravo never saw")).Bytes()
		raw := adv.seal(t, 5, prev, bravo)
		c := share.CIDOf(raw)
		env, err := share.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		var ranges atomic.Int64
		b.serveAs(t, []share.LogHead{{Author: adv.id.PeerID(), Log: env.Header.Log, Seq: 5, CID: c.Bytes()}}, func(s network.Stream, _ *share.GetRange) {
			ranges.Add(1)
			share.WriteMessage(s, &share.Message{Envelopes: &share.Envelopes{Envs: [][]byte{raw}}})
		})
		adv.push(t, raw)
		waitFor(t, liveWait, "bravo keeps seq 5 from its author's range answer", func() bool { return bravo.holds(c.String()) })
		// Each session with mallory asks once; a node that asked again and
		// again would spin for as long as mallory liked.
		got := ranges.Load()
		if got == 0 {
			t.Errorf("bravo never asked mallory for the missing range")
		}
		bravo.n.SyncNow()
		if n := ranges.Load(); n > got+5 {
			t.Errorf("bravo asked mallory %d times for a range it never gets (%d before one more sync round): it spins", n, got)
		}
	})

	t.Run("equivocation", func(t *testing.T) {
		// Two different envelopes at (mallory, log to {alpha, bravo}, 1).
		// Bravo keeps both as evidence and counts one equivocation.
		one, two := adv.seal(t, 1, nil, alpha, bravo), adv.seal(t, 1, nil, alpha, bravo)
		before := bravo.status()
		adv.push(t, one)
		waitFor(t, liveWait, "bravo stores mallory's first envelope", func() bool { return bravo.holds(share.CIDOf(one).String()) })
		adv.push(t, two)
		waitFor(t, liveWait, "bravo flags the equivocation", func() bool { return bravo.status().Equivocations > before.Equivocations })
		if n := bravo.status().Equivocations - before.Equivocations; n != 1 {
			t.Errorf("bravo counts %d new equivocations, want 1", n)
		}
		if !bravo.holds(share.CIDOf(two).String()) {
			t.Errorf("bravo did not keep the second envelope as evidence")
		}
		b.alphaReachesBravo(t, "after the equivocation")
	})

	t.Run("oversized frame", func(t *testing.T) {
		// A length over the 4 MiB cap, then junk: refused before reading it.
		raw := binary.AppendUvarint(nil, share.MaxFrameSize+1)
		raw = append(raw, make([]byte, 64<<10)...)
		b.expectRejected(t, func() { adv.send(t, raw) })
	})

	malformed := []struct {
		name  string
		bytes func(t *testing.T) []byte
	}{
		{"garbage", func(t *testing.T) []byte {
			junk := []byte{0xff, 0xfe, 0x1c, 0x00, 0xbf, 0xbf, 0x5f, 0x9f, 0x13, 0x37, 0xde, 0xad}
			return append(binary.AppendUvarint(nil, uint64(len(junk))), junk...)
		}},
		{"two message fields", func(t *testing.T) []byte {
			// {"envs": {...}, "hello": {...}}: each alone is valid.
			envs := payload(t, &share.Message{Envelopes: &share.Envelopes{Envs: [][]byte{}}})
			hello := payload(t, &share.Message{Hello: &share.Hello{Heads: []share.LogHead{}}})
			if envs[0] != 0xa1 || hello[0] != 0xa1 {
				t.Fatalf("a message is not a one-entry map: %x, %x", envs[0], hello[0])
			}
			p := append([]byte{0xa2}, envs[1:]...)
			p = append(p, hello[1:]...)
			return append(binary.AppendUvarint(nil, uint64(len(p))), p...)
		}},
		{"truncated", func(t *testing.T) []byte {
			f := frame(t, &share.Message{Envelopes: &share.Envelopes{Envs: [][]byte{adv.seal(t, 1, nil, bravo)}}})
			return f[:len(f)/2]
		}},
		{"empty frame", func(t *testing.T) []byte { return []byte{0x00} }},
		{"not a request", func(t *testing.T) []byte {
			return frame(t, &share.Message{Error: &share.WireError{Code: share.CodeInternal}})
		}},
	}
	for _, m := range malformed {
		t.Run("malformed/"+m.name, func(t *testing.T) {
			raw := m.bytes(t)
			b.expectRejected(t, func() { adv.send(t, raw) })
		})
	}

	t.Run("flood of pushes", func(t *testing.T) {
		// Bad envelopes on as many streams as mallory can open, as fast as
		// it can; meanwhile alpha publishes and bravo must read it, and
		// bravo's status must keep answering.
		bad := reencode(t, adv.seal(t, 1, nil, bravo), func(e *share.Envelope) { e.Sig[0] ^= 0x80 })
		b.flood(t, frame(t, &share.Message{Envelopes: &share.Envelopes{Envs: [][]byte{bad}}}), true)
	})

	t.Run("flood of hellos", func(t *testing.T) {
		hello := frame(t, &share.Message{Hello: &share.Hello{RosterVersion: b.genesis.Version, RosterHash: b.genesis.Hash(), Heads: []share.LogHead{}}})
		b.flood(t, hello, false)
	})

	t.Run("stalled streams", func(t *testing.T) {
		// Streams that announce a frame and never finish it hold a handler
		// each until the stream deadline. The resource manager caps them
		// per peer, so alpha's sync goes on.
		ctx, cancel := context.WithTimeout(context.Background(), fedWait)
		defer cancel()
		var held []network.Stream
		defer func() {
			for _, s := range held {
				s.Reset()
			}
		}()
		for range 64 {
			s, err := adv.h.NewStream(ctx, adv.target, node.SyncProtocol)
			if err != nil {
				continue
			}
			held = append(held, s)
			s.Write(binary.AppendUvarint(nil, 1000)) // a frame that never comes
		}
		t.Logf("mallory holds %d stalled streams", len(held))
		b.alphaReachesBravo(t, "while mallory stalls streams")
		if _, err := bravo.n.Status(); err != nil {
			t.Errorf("bravo's Status: %v", err)
		}
	})

	// After everything, bravo reads every record alpha lists.
	syncAll(alpha, bravo)
	recs, _, err := alpha.n.List(node.ListOptions{All: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Author == alpha.peerID() && !bravo.canRead(r.CID) {
			t.Errorf("bravo cannot read alpha's %s", r.CID)
		}
	}
}

// floodStreams is how many streams a flood opens; floodWorkers open them
// concurrently.
const (
	floodStreams = 2000
	floodWorkers = 32
)

// flood opens floodStreams streams to bravo, each carrying raw, without
// waiting for bravo's answers. During it alpha publishes and bravo must
// read the record within liveWait, and every call of bravo's Status must
// answer within a second. counted says bravo counts each as a rejection.
func (b *attackBed) flood(t *testing.T, raw []byte, counted bool) {
	t.Helper()
	adv, bravo := b.adv, b.bravo
	// Settle first: bravo relays to alpha what earlier attacks left it
	// (mallory's records to both), which must not count as the flood's.
	syncAll(b.alpha, bravo)
	before, alphaBefore := bravo.status(), b.alpha.status()
	ctx, cancel := context.WithTimeout(context.Background(), fedWait)
	defer cancel()
	var opened, refused atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range floodWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= floodStreams && ctx.Err() == nil {
				s, err := adv.h.NewStream(ctx, adv.target, node.SyncProtocol)
				if err != nil {
					refused.Add(1)
					continue
				}
				s.SetDeadline(time.Now().Add(liveWait))
				if _, err := s.Write(raw); err != nil {
					refused.Add(1)
					s.Reset()
					continue
				}
				opened.Add(1)
				s.Close()
			}
		}()
	}
	// Bravo answers and syncs during the flood.
	var slowest time.Duration
	probe := func() bool {
		t0 := time.Now()
		if _, err := bravo.n.Status(); err != nil {
			t.Errorf("bravo's Status failed during the flood: %v", err)
		}
		slowest = max(slowest, time.Since(t0))
		return true
	}
	c := b.alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	waitFor(t, liveWait, "bravo reads alpha's record during the flood", func() bool { return probe() && bravo.canRead(c) })
	wg.Wait()
	took := time.Since(start)
	probe()
	t.Logf("flood: %d streams written, %d refused or reset, in %v; slowest Status %v", opened.Load(), refused.Load(), took.Round(time.Millisecond), slowest)
	if slowest > time.Second {
		t.Errorf("bravo's Status took %v during the flood", slowest)
	}
	if ctx.Err() != nil {
		t.Errorf("the flood did not finish within %v", fedWait)
	}
	if counted {
		waitFor(t, liveWait, "bravo counts rejections from the flood", func() bool { return bravo.status().Rejected > before.Rejected })
	}
	after, alphaAfter := bravo.status(), b.alpha.status()
	t.Logf("bravo counted %d rejections during the flood", after.Rejected-before.Rejected)
	// Bravo gained exactly what alpha published meanwhile, nothing of mallory's.
	if got, want := after.Envelopes-before.Envelopes, alphaAfter.Envelopes-alphaBefore.Envelopes; got != want {
		t.Errorf("bravo gained %d envelopes during the flood, alpha published %d", got, want)
	}
	b.alphaReachesBravo(t, "after the flood")
}

package node

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"golang.org/x/time/rate"

	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// This file speaks /ursic/sync/1.0.0 (share/SPEC.md, "Wire protocol"):
//
//   - A session starts with Hello both ways: each side sends the heads of the
//     logs the *other* side is entitled to read, so neither learns that a log
//     it may not read exists.
//   - Each side then pulls what it lacks with GetRange, and newer rosters with
//     GetRosters.
//   - New records are pushed (Envelopes) to entitled connected peers.
//
// Everything received is verified (signature, CID, the author's membership,
// our own entitlement, gap-free sequence) before it is stored.

// pullBatch is how many log entries one GetRange asks for: the most a
// request may cover, so a bulk pull costs few round trips.
const pullBatch = share.MaxRange

// storeBatch is about how many envelopes of a pull one store transaction
// takes (see pullLog).
const storeBatch = 8192

// handleStream answers one stream opened by a peer.
func (nw *federation) handleStream(s network.Stream) {
	defer s.Close()
	p := s.Conn().RemotePeer()
	if !nw.gate.Allowed(p) {
		s.Reset()
		return
	}
	if nw.benched(p) {
		nw.reject(p, "penalized", errBenched)
		s.Reset()
		return
	}
	if !nw.limiter(p).Allow() {
		// A flood: refuse the stream. Nothing honest is lost, because
		// anti-entropy sessions fetch anything a refused push carried.
		nw.reject(p, "rate-limited", errRateLimited)
		s.Reset()
		return
	}
	s.SetDeadline(time.Now().Add(streamTimeout))
	r := bufio.NewReader(s)
	m, err := share.ReadMessage(r, share.MaxFrameSize)
	if err != nil {
		nw.reject(p, "malformed-message", err)
		s.Reset()
		return
	}
	if nw.refuseForked(s, p, m) {
		return
	}
	switch {
	case m.Hello != nil:
		nw.n.noteHello(p, m.Hello)
		if err := share.WriteMessage(s, &share.Message{Hello: nw.helloFor(p)}); err != nil {
			return
		}
		nw.afterHello(p, m.Hello)
	case m.GetRange != nil:
		if err := nw.serveRange(s, p, m.GetRange); err != nil {
			nw.n.log.Debug("serving a range failed", "peer", p.String(), "err", err)
		}
	case m.Envelopes != nil:
		if !nw.pushBudget(p).AllowN(time.Now(), len(m.Envelopes.Envs)) {
			// More pushed than a member publishes: the frame is not
			// checked, and the peer's new entries are pulled instead (one
			// pull at a time per peer, each bounded by what it asks for).
			nw.stats.rejectedMessages.Add(1)
			nw.stats.rejection("push-budget")
			nw.n.log.Debug("a peer pushed more than its budget: pulling from it instead", "peer", p.String(), "envelopes", len(m.Envelopes.Envs))
			nw.startSession(p)
			return
		}
		gap, err := nw.ingest(p, m.Envelopes)
		if err != nil {
			nw.n.log.Warn("rejected from peer", "peer", p.String(), "what", "pushed envelopes", "err", err)
		}
		if gap {
			nw.startSession(p)
		}
	case m.GetRosters != nil:
		nw.serveRosters(s, m.GetRosters)
	default:
		nw.reject(p, "unexpected-message", errors.New("not a request"))
		s.Reset()
	}
}

func (nw *federation) reject(p peer.ID, what string, err error) {
	nw.stats.rejectedMessages.Add(1)
	nw.stats.rejection(what)
	nw.n.log.Warn("rejected from peer", "peer", p.String(), "what", what, "err", err)
}

// helloFor is this node's Hello to p: for each log, the head of what p may
// hold of it (see receive.Catalogue.HeadFor), and no log of which p may hold
// nothing.
func (nw *federation) helloFor(p peer.ID) *share.Hello {
	h := &share.Hello{RosterVersion: nw.n.rosterVersion(), Heads: []share.LogHead{}}
	if r := nw.n.Roster(); r != nil {
		h.RosterHash = r.Hash()
	}
	if nw.n.rosterForked(p.String()) {
		return h
	}
	heads, err := nw.n.store.Heads()
	if err != nil {
		nw.n.log.Error("failed to read log heads", "err", err)
		return h
	}
	for _, lh := range heads {
		seq, err := nw.n.cat.HeadFor(lh.Author, lh.Log, p.String())
		if err != nil {
			if !errors.Is(err, receive.ErrNothingFor) {
				nw.n.log.Error("failed to read a log's entries", "author", lh.Author, "log", lh.Log, "err", err)
			}
			continue
		}
		c := lh.CID
		if seq != lh.Seq {
			if c, err = nw.n.store.CIDAt(lh.Author, lh.Log, seq); err != nil {
				nw.n.log.Error("failed to read a log position", "author", lh.Author, "log", lh.Log, "seq", seq, "err", err)
				continue
			}
		}
		cc, err := share.ParseCID(c)
		if err != nil {
			nw.n.log.Error("a stored CID does not parse", "cid", c, "err", err)
			continue
		}
		h.Heads = append(h.Heads, share.LogHead{Author: lh.Author, Log: lh.Log, Seq: seq, CID: cc.Bytes()})
	}
	return h
}

// startSession runs a sync session with p unless one is running, in which
// case that session runs once more when it ends.
func (nw *federation) startSession(p peer.ID) {
	nw.mu.Lock()
	if nw.sessions[p] {
		if nw.kick[p] == nil {
			nw.kick[p] = make(chan struct{}, 1)
		}
		select {
		case nw.kick[p] <- struct{}{}:
		default:
		}
		nw.mu.Unlock()
		return
	}
	nw.sessions[p] = true
	nw.mu.Unlock()
	nw.spawn(func() {
		for {
			if err := nw.session(p); err != nil && nw.ctx.Err() == nil {
				nw.n.log.Debug("sync session ended early", "peer", p.String(), "err", err)
			}
			nw.mu.Lock()
			select {
			case <-nw.kick[p]:
				nw.mu.Unlock()
				continue
			default:
			}
			delete(nw.sessions, p)
			nw.mu.Unlock()
			return
		}
	})
}

// session exchanges Hello with p and pulls what p has that this node lacks.
func (nw *federation) session(p peer.ID) error {
	m, err := nw.ask(p, &share.Message{Hello: nw.helloFor(p)})
	if err != nil {
		return err
	}
	if m.Hello == nil {
		return fmt.Errorf("peer answered Hello with something else")
	}
	nw.n.noteHello(p, m.Hello)
	return nw.pull(p, m.Hello)
}

// request opens a sync stream to p, with a deadline, and sends m. The
// caller reads the answer from s and then calls done.
func (nw *federation) request(p peer.ID, m *share.Message, timeout time.Duration) (s network.Stream, ctx context.Context, done func(), err error) {
	ctx, cancel := context.WithTimeout(nw.ctx, timeout)
	s, err = nw.host.NewStream(ctx, p, SyncProtocol)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	s.SetDeadline(time.Now().Add(timeout))
	if err := share.WriteMessage(s, m); err != nil {
		s.Reset()
		cancel()
		return nil, nil, nil, err
	}
	return s, ctx, func() { s.Close(); cancel() }, nil
}

// ask sends m to p and returns the one message that answers it.
func (nw *federation) ask(p peer.ID, m *share.Message) (*share.Message, error) {
	s, _, done, err := nw.request(p, m, streamTimeout)
	if err != nil {
		return nil, err
	}
	defer done()
	return share.ReadMessage(bufio.NewReader(s), share.MaxFrameSize)
}

// afterHello pulls from a peer that opened a session, in the background.
// One goroutine per peer does it: a Hello that comes while it pulls waits in
// one slot, replacing the Hello before it (the latest heads cover the older
// ones). A goroutine per Hello, each waiting for the peer's pull lock, let a
// peer that answered a GetRange slowly and sent Hellos at the stream rate
// grow the node without bound.
func (nw *federation) afterHello(p peer.ID, h *share.Hello) {
	nw.mu.Lock()
	if nw.hellos == nil {
		nw.hellos = map[peer.ID]*share.Hello{}
		nw.helloPulls = map[peer.ID]bool{}
	}
	nw.hellos[p] = h
	running := nw.helloPulls[p]
	nw.helloPulls[p] = true
	nw.mu.Unlock()
	if running {
		return
	}
	nw.spawn(func() {
		for {
			nw.mu.Lock()
			h, ok := nw.hellos[p]
			delete(nw.hellos, p)
			if !ok {
				delete(nw.helloPulls, p)
				nw.mu.Unlock()
				return
			}
			nw.mu.Unlock()
			if err := nw.pull(p, h); err != nil && nw.ctx.Err() == nil {
				nw.n.log.Debug("pull failed", "peer", p.String(), "err", err)
			}
		}
	})
}

// pull fetches newer rosters and every log range p offers beyond our heads.
// One pull per peer runs at a time: the Hellos of both sides' sessions and
// of anti-entropy often arrive together, and concurrent pulls of one log
// would fetch the same entries several times over.
func (nw *federation) pull(p peer.ID, h *share.Hello) error {
	mu := nw.pullLock(p)
	mu.Lock()
	defer mu.Unlock()
	if nw.n.rosterForked(p.String()) {
		return errRosterFork
	}
	if h.RosterVersion > nw.n.rosterVersion() {
		if err := nw.fetchRosters(p); err != nil {
			nw.n.log.Warn("could not take a newer roster from peer", "peer", p.String(), "err", err)
		}
	}
	// A peer's Hello may name heads far beyond what it serves: the empty
	// answers one pull accepts are counted across all its logs.
	empties := maxEmptyRanges
	var own []logHeadSeen
	for _, lh := range h.Heads {
		if lh.Author == nw.n.PeerID() {
			own = append(own, logHeadSeen{lh.Log, lh.Seq})
		}
	}
	pulled := false
	defer func() { nw.n.restoreProgress(p.String(), own, pulled) }()
	for _, lh := range h.Heads {
		if !nw.n.wasMember(lh.Author) {
			continue // nothing of a non-member's could be stored
		}
		ours, _, err := nw.n.store.Head(lh.Author, lh.Log)
		if err != nil {
			return err
		}
		if ours >= lh.Seq {
			continue
		}
		if empties <= 0 {
			nw.n.log.Debug("a peer's Hello names more than it serves; the rest waits for the next round", "peer", p.String())
			break
		}
		got, err := nw.pullLog(p, lh.Author, lh.Log, ours, lh.Seq, &empties)
		if err != nil {
			return err
		}
		if got == 0 {
			continue // the peer had nothing after all; do not spin
		}
		if after, _, err := nw.n.store.Head(lh.Author, lh.Log); err == nil && after == ours {
			// Envelopes came but none extended the log (copies we hold,
			// stubs nobody vouches for): asking again would spin for as
			// long as the peer liked, so this log waits for the next round.
			nw.n.log.Debug("a range answer did not extend the log", "peer", p.String(), "author", lh.Author, "log", lh.Log, "from", ours+1, "got", got)
		}
	}
	pulled = true
	nw.noteLag(p, h)
	return nil
}

// noteLag records how far behind p's Hello this node still is after the pull.
func (nw *federation) noteLag(p peer.ID, h *share.Hello) {
	var lag uint64
	for _, lh := range h.Heads {
		if ours, _, err := nw.n.store.Head(lh.Author, lh.Log); err == nil && lh.Seq > ours {
			lag += lh.Seq - ours
		}
	}
	nw.stats.mu.Lock()
	defer nw.stats.mu.Unlock()
	if nw.stats.lag == nil {
		nw.stats.lag = map[string]uint64{}
	}
	nw.stats.lag[p.String()] = lag
}

// pullLog fetches the entries of one log after seq ours, up to theirs, from
// p, in GetRanges of pullBatch entries, and returns how many envelopes came.
//
// Three stages overlap, so that the network, the cores and the disk work at
// once: a reader asks for each range in turn and reads its frames, the next
// range asked as soon as the last frame of one arrives; each frame is then
// prepared (verified, opened, index rows built) on all cores; and a storer
// stores and indexes the prepared frames in order. A gap (the peer skipped
// entries) stops the pull; what precedes it is kept.
func (nw *federation) pullLog(p peer.ID, author, log string, ours, theirs uint64, empties *int) (int, error) {
	ctx, cancel := context.WithCancel(nw.ctx)
	defer cancel()
	type frame struct {
		m   *share.Envelopes
		req *receive.Asked
		err error
	}
	frames := make(chan frame, 2)
	go func() {
		defer close(frames)
		send := func(f frame) bool {
			select {
			case frames <- f:
				return f.err == nil
			case <-ctx.Done():
				return false
			}
		}
		// An empty answer is not the end: a range may hold only entries
		// this node may not hold. The pull's budget of empty answers
		// (empties, shared by its logs) bounds what a Hello naming a far
		// head costs.
		for from := ours + 1; from <= theirs && *empties > 0; from += pullBatch {
			req := &receive.Asked{Author: author, Log: log, From: from, To: min(theirs, from+pullBatch-1)}
			got, ok := nw.readRange(ctx, p, req, func(m *share.Envelopes, err error) bool { return send(frame{m, req, err}) })
			if !ok {
				return
			}
			if got == 0 {
				*empties--
			}
		}
	}()
	prepared := make(chan []*received, 1)
	stored := make(chan error, 1)
	go func() {
		// Frames are stored storeBatch envelopes at a time: a bbolt
		// transaction rewrites every page it touches, and random CIDs touch
		// a page each, so fewer, larger transactions rewrite far less.
		// A stub at the end of a batch waits for the next one, whose first
		// entry confirms its CID (receive.ConfirmStubs).
		var (
			err     error
			pending []*received
		)
		flush := func() {
			if err == nil && len(pending) > 0 {
				var carry []*received
				carry, err = nw.storeRange(p, pending)
				pending = append(pending[:0], carry...)
				return
			}
			pending = pending[:0]
		}
		for ok := range prepared {
			pending = append(pending, ok...)
			if len(pending) >= storeBatch {
				flush()
			}
		}
		flush()
		stored <- err
	}()
	total := 0
	var err error
	for f := range frames {
		if f.err != nil {
			err = f.err
			break
		}
		total += len(f.m.Envs)
		ok, _, bad := nw.prepare(p, f.m, f.req)
		prepared <- ok
		if bad != nil {
			err = bad
			break
		}
	}
	cancel()
	for range frames {
		// let the reader see the cancellation and finish
	}
	close(prepared)
	return total, errors.Join(err, <-stored)
}

// readRange asks p for one range and hands each frame of the answer to
// yield, until the last frame, an error (also handed to yield) or yield
// returning false. It returns how many envelopes came and whether the answer
// was read to its end.
func (nw *federation) readRange(ctx context.Context, p peer.ID, req *receive.Asked, yield func(*share.Envelopes, error) bool) (int, bool) {
	s, _, done, err := nw.request(p, &share.Message{GetRange: &share.GetRange{Author: req.Author, Log: req.Log, From: req.From, To: req.To}}, streamTimeout)
	if err != nil {
		yield(nil, err)
		return 0, false
	}
	defer done()
	stop := context.AfterFunc(ctx, func() { s.Reset() }) // a cancelled pull unblocks the read
	defer stop()
	r := share.NewReader(s) // one buffer for the answer's frames
	defer r.Release()
	for n := 0; ; {
		m, err := r.ReadMessage(share.MaxFrameSize)
		if err == nil && m.Envelopes == nil {
			err = fmt.Errorf("peer answered GetRange with something else")
		}
		if err != nil {
			if ctx.Err() == nil {
				yield(nil, err)
			}
			return n, false
		}
		n += len(m.Envelopes.Envs)
		if uint64(n) > req.To-req.From+1 {
			// An honest answer holds each position at most once. Every
			// envelope of the range is checked in full (it is past this
			// node's head), so an answer that repeats valid envelopes in
			// frame after frame would keep the cores busy until the
			// stream's deadline without a forged one among them.
			err := fmt.Errorf("%w: %d envelopes for %d positions", errRangeOverrun, n, req.To-req.From+1)
			nw.reject(p, "range-overrun", err)
			s.Reset() // not Close: the peer is to stop writing now
			yield(nil, err)
			return n, false
		}
		if !yield(m.Envelopes, nil) {
			return n, false
		}
		if !m.Envelopes.More {
			return n, true
		}
	}
}

// serveRange answers GetRange with the entries of the range that p may hold
// (receive.Catalogue), stubs for retracted ones. It never passes over a
// position this node does not hold: it cannot vouch that p may not hold what
// is there, so the answer ends before it and p asks another peer. A log p
// may hold nothing of is answered exactly like a log that does not exist.
func (nw *federation) serveRange(s network.Stream, p peer.ID, g *share.GetRange) error {
	if g.To < g.From || g.To-g.From >= share.MaxRange {
		return share.WriteMessage(s, &share.Message{Error: &share.WireError{Code: "bad-request", Message: "range too large"}})
	}
	allowed, contig, err := nw.n.cat.Filter(g.Author, g.Log, p.String())
	if err != nil {
		nw.n.log.Error("failed to read a log's entries", "author", g.Author, "log", g.Log, "err", err)
		return share.WriteMessage(s, &share.Message{Envelopes: &share.Envelopes{}})
	}
	// A frame's list of envelopes is made at its size rather than grown.
	frameCap := int(min(g.To-g.From+1, share.MaxBatch))
	batch := &share.Envelopes{Envs: make([][]byte, 0, frameCap)}
	size := 0
	flush := func(more bool) error {
		batch.More = more
		err := share.WriteMessage(s, &share.Message{Envelopes: batch})
		batch = &share.Envelopes{Envs: make([][]byte, 0, frameCap)}
		size = 0
		return err
	}
	next := g.From
	err = nw.n.store.Range(g.Author, g.Log, g.From, min(g.To, contig), func(e store.Entry) error {
		if e.Seq != next {
			return errStopRange // a position not held
		}
		next++
		if !allowed(e.Seq) {
			return nil
		}
		raw, c := e.Envelope, []byte(nil)
		if e.Stub != nil {
			if len(e.Stub.Envelope) == 0 {
				return errStopRange // cannot prove this position; the peer asks someone else
			}
			raw = e.Stub.Envelope
			cc, err := share.ParseCID(e.CID)
			if err != nil {
				return err
			}
			c = cc.Bytes()
		}
		if len(batch.Envs) >= share.MaxBatch || size+len(raw) > share.MaxBatchBytes {
			if err := flush(true); err != nil {
				return err
			}
		}
		if c != nil {
			batch.Stubs = append(batch.Stubs, share.StubCID{Index: uint64(len(batch.Envs)), CID: c})
		}
		batch.Envs = append(batch.Envs, raw)
		size += len(raw)
		return nil
	})
	if err != nil && !errors.Is(err, errStopRange) {
		return err
	}
	return flush(false)
}

var errStopRange = errors.New("stop")

var errRangeOverrun = errors.New("range answer holds more envelopes than the range has positions")

// maxEmptyRanges is how many empty range answers one pull accepts.
const maxEmptyRanges = 100

// Per-peer stream rate: generous for honest sync (a bulk pull opens one
// stream per 2,048 entries, a publish one push per batch) and small enough
// that a flood costs the node little. The libp2p resource manager caps
// concurrent streams; this caps their rate.
const (
	streamsPerSecond = 500
	streamBurst      = 1000
)

var errRateLimited = errors.New("too many streams: rate-limited")

// A peer's budget of pushed envelopes. Each costs a decode and, unless the
// checker's sieve drops it, a signature check — whether or not it stores
// anything — and the stream rate alone allows hundreds of full frames a
// second. Honest pushes are a member's new records: a bulk import of
// thousands pushes them in frames of share.MaxBatch once. Past the budget a
// push is not read further and the node pulls from the peer instead, so
// nothing honest is lost, only delayed to the pull.
const (
	pushedPerSecond = 2 * share.MaxBatch
	pushedBurst     = 16 * share.MaxBatch
)

func (nw *federation) pushBudget(p peer.ID) *rate.Limiter {
	return perPeer(&nw.mu, &nw.pushes, p, func() *rate.Limiter { return rate.NewLimiter(pushedPerSecond, pushedBurst) })
}

// A peer's budget of forged envelopes (a signature that does not verify, a
// body that does not match its digest): an honest node never sends one, and
// each costs this node a signature check, which the stream rate alone does
// not bound below what the cores do (a frame of 512 takes ~20 ms). Past the
// budget the peer's streams are refused for benchTime; its records reach
// this node again after it, through anti-entropy.
const (
	forgedPerSecond = 1
	forgedBurst     = 2 * share.MaxBatch
	benchTime       = time.Minute
)

var errBenched = errors.New("the peer sent more forged envelopes than its budget: its streams are refused for a while")

// noteForged charges k forged envelopes to p's budget, and benches p when
// it is spent.
func (nw *federation) noteForged(p peer.ID, k int) {
	if k == 0 {
		return
	}
	lim := perPeer(&nw.mu, &nw.forged, p, func() *rate.Limiter { return rate.NewLimiter(forgedPerSecond, forgedBurst) })
	if lim.AllowN(time.Now(), k) {
		return
	}
	until := time.Now().Add(benchTime)
	nw.mu.Lock()
	if nw.benches == nil {
		nw.benches = map[peer.ID]time.Time{}
	}
	nw.benches[p] = until
	nw.mu.Unlock()
	nw.n.log.Warn("a peer sent more forged envelopes than its budget: its streams are refused for a while", "peer", p.String(), "name", nw.n.memberName(p.String()), "until", until)
}

// benched reports whether p's streams are refused now (noteForged).
func (nw *federation) benched(p peer.ID) bool {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	until, ok := nw.benches[p]
	if ok && !time.Now().Before(until) {
		delete(nw.benches, p)
		return false
	}
	return ok
}

// pullLock is p's pull lock: one pull per peer at a time.
func (nw *federation) pullLock(p peer.ID) *sync.Mutex {
	return perPeer(&nw.mu, &nw.pulls, p, func() *sync.Mutex { return new(sync.Mutex) })
}

// limiter is p's stream rate limiter.
func (nw *federation) limiter(p peer.ID) *rate.Limiter {
	return perPeer(&nw.mu, &nw.limits, p, func() *rate.Limiter { return rate.NewLimiter(streamsPerSecond, streamBurst) })
}

// perPeer returns p's value in the map *m, guarded by mu, made with mk on first use.
func perPeer[T any](mu *sync.Mutex, m *map[peer.ID]T, p peer.ID, mk func() T) T {
	mu.Lock()
	defer mu.Unlock()
	if *m == nil {
		*m = map[peer.ID]T{}
	}
	v, ok := (*m)[p]
	if !ok {
		v = mk()
		(*m)[p] = v
	}
	return v
}

func (nw *federation) serveRosters(s network.Stream, g *share.GetRosters) {
	out := &share.Rosters{}
	cur := nw.n.rosterVersion()
	size := 0
	for v := max(g.From, 1); v <= cur && len(out.Docs) < share.MaxRosterDocs; v++ {
		r := nw.n.rosterAt(v)
		if r == nil {
			break // versions are served in order, without gaps
		}
		b, err := r.Marshal()
		if err != nil {
			nw.n.log.Error("failed to encode a stored roster", "version", v, "err", err)
			break
		}
		if size+len(b) > share.MaxBatchBytes {
			break // the requester asks again from where this answer ends
		}
		size += len(b)
		out.Docs = append(out.Docs, b)
	}
	if err := share.WriteMessage(s, &share.Message{Rosters: out}); err != nil {
		nw.n.log.Debug("serving rosters failed", "err", err)
	}
}

// fetchRosters asks p for every roster version after ours and installs each
// one that verifies against the chain; an invalid one stops with its reason.
func (nw *federation) fetchRosters(p peer.ID) error {
	m, err := nw.ask(p, &share.Message{GetRosters: &share.GetRosters{From: nw.n.rosterVersion() + 1}})
	if err != nil {
		return err
	}
	if m.Rosters == nil {
		return fmt.Errorf("peer answered GetRosters with something else")
	}
	for _, doc := range m.Rosters.Docs {
		r, err := share.ParseRoster(doc)
		if err != nil {
			return err
		}
		if r.Version <= nw.n.rosterVersion() {
			continue
		}
		if err := nw.n.ApplyRoster(r); err != nil {
			nw.n.noteOfferedRoster(p, r)
			return fmt.Errorf("roster version %d from %s refused: %w", r.Version, p, err)
		}
	}
	return nil
}

// sendPush opens a stream to p and sends envelopes.
func (nw *federation) sendPush(p peer.ID, envs [][]byte) error {
	// One push stream carries one frame, within the wire's count and byte
	// caps; a large publish opens several.
	for start := 0; start < len(envs); {
		end, size := start, 0
		for end < len(envs) && end-start < share.MaxBatch && (end == start || size+len(envs[end]) <= share.MaxBatchBytes) {
			size += len(envs[end])
			end++
		}
		_, _, done, err := nw.request(p, &share.Message{Envelopes: &share.Envelopes{Envs: envs[start:end]}}, dialTimeout)
		if err != nil {
			return err
		}
		done()
		start = end
	}
	nw.stats.pushed.Add(int64(len(envs)))
	return nil
}

// received is one envelope from a peer, checked, with what this node made of
// it: its plaintext and index row if it could open it.
type received struct {
	*receive.Envelope
	plain []byte       // nil if this node cannot open it
	facts *recordFacts // what it adds to the index and the node's tables, if opened
	noKey bool         // not opened: sealed to a sender key not known when it was prepared
}

func (r *received) header() *share.Header { return &r.Env.Header }

// ingest checks, stores and indexes envelopes pushed by p. It reports whether
// a log had a gap (the caller then pulls), and an error if p sent anything
// invalid; valid envelopes in the same frame are kept.
func (nw *federation) ingest(p peer.ID, m *share.Envelopes) (gap bool, err error) {
	ok, pastGap, bad := nw.prepare(p, m, nil)
	gap, err = nw.store(p, ok, false)
	return gap || pastGap, errors.Join(bad, err)
}

// prepare is the parallel half of ingesting a frame: it checks every
// envelope (receive.Checker), opens what this node may read and builds its
// index row, and returns the valid ones in log order. Sender keys are learnt
// in order, so the frames of one range must be prepared in order. req is the
// range the frame answers, nil for a push. pastGap reports envelopes of a
// push that follow a position this node lacks (receive.ErrPastGap): not
// checked, not stored, and no fault; the caller pulls the log.
func (nw *federation) prepare(p peer.ID, m *share.Envelopes, req *receive.Asked) (ok []*received, pastGap bool, bad error) {
	n := nw.n
	recs := make([]*received, len(m.Envs))
	hints := map[uint64][]byte{}
	for _, s := range m.Stubs {
		hints[s.Index] = s.CID
	}
	// The cheap checks per envelope, then the frame's signatures in one
	// batch a core; a bad one fails only its own envelope.
	checked, errs := nw.checker.CheckFrame(m.Envs, p.String(), req)
	for i, r := range checked {
		if r == nil {
			continue
		}
		if r.Stub {
			if c, err := cidFromBytes(hints[uint64(i)]); err == nil {
				r.Hint = c
			}
		}
		recs[i] = &received{Envelope: r}
	}
	forged := 0
	for i, r := range recs {
		if errors.Is(errs[i], receive.ErrPastGap) {
			pastGap = true
			continue
		}
		if errs[i] != nil {
			nw.stats.rejectedEnvelopes.Add(1)
			nw.stats.rejection(rejectionReason(errs[i]))
			bad = errors.Join(bad, errs[i])
			if errors.Is(errs[i], share.ErrBadSignature) || errors.Is(errs[i], share.ErrBodyMismatch) {
				forged++
			}
			continue
		}
		if r != nil {
			ok = append(ok, r)
		}
	}
	nw.noteForged(p, forged)
	// Order by log position so each log's entries arrive in sequence.
	slices.SortFunc(ok, func(a, b *received) int {
		ha, hb := a.header(), b.header()
		if c := cmpString(ha.Author+"\x00"+ha.Log, hb.Author+"\x00"+hb.Log); c != 0 {
			return c
		}
		return cmpUint(ha.Seq, hb.Seq)
	})
	// Sender keys first, in order, so group records in the same frame open.
	for _, r := range ok {
		if r.header().Kind == share.KindSenderKey && !r.Stub {
			if _, err := n.openEnvelope(r.Env, r.CID); err != nil && !errors.Is(err, share.ErrNotRecipient) {
				n.log.Debug("sender key not opened", "cid", r.CID, "err", err)
			}
		}
	}
	parallel(len(ok), func(i int) {
		r := ok[i]
		if r.Stub || r.header().Kind == share.KindSenderKey {
			return
		}
		if err := n.openReceived(r); err != nil {
			// Not for this node's keys: kept for relaying. Or sealed to a
			// sender key not known yet: storeLog tries again (openLate).
			r.noKey = errors.Is(err, ErrNoSenderKey)
		}
	})
	return ok, pastGap, bad
}

// openReceived opens r and reads the facts it adds to the index.
func (n *Node) openReceived(r *received) error {
	plain, err := n.openEnvelope(r.Env, r.CID)
	if err != nil {
		return err
	}
	r.plain, r.noKey = plain, false
	if f, err := n.factsOfPlain(r.CID, r.Env, plain); err == nil {
		r.facts = &f // with this node's own digest, for a record fetched back after a restore
	}
	return nil
}

// openLate opens the stored records that were sealed to a sender key this
// node did not know when they were prepared. A push and a pull of one log
// run side by side: the pull may learn the key (an earlier entry of the log)
// after the push prepared its record and store it before the push stores
// the record, which was then held and unread until a restart. The key, if
// it is ever this node's, precedes the record in its log, so it is known by
// the time the record is stored.
func (n *Node) openLate(recs []*received) {
	for _, r := range recs {
		if r.noKey && !r.Stub {
			n.openReceived(r)
		}
	}
}

// store is the serial half of a push: it stores prepared envelopes log by
// log (a log with a gap keeps what precedes the gap) and indexes them.
func (nw *federation) store(p peer.ID, ok []*received, sparse bool) (gap bool, bad error) {
	retracted := retractionsIn(ok)
	for start := 0; start < len(ok); {
		end := logEnd(ok, start)
		g, _, err := nw.storeLog(p, ok[start:end], sparse, retracted)
		gap = gap || g
		bad = errors.Join(bad, err)
		start = end
	}
	return gap, bad
}

// storeRange is the serial half of a pull: it stores the entries of a range
// answer, which may skip positions this node may not hold, and returns the
// stubs at the end that the next batch may confirm.
func (nw *federation) storeRange(p peer.ID, ok []*received) (carry []*received, bad error) {
	retracted := retractionsIn(ok)
	for start := 0; start < len(ok); {
		end := logEnd(ok, start)
		_, c, err := nw.storeLog(p, ok[start:end], true, retracted)
		carry = append(carry, c...)
		bad = errors.Join(bad, err)
		start = end
	}
	return carry, bad
}

// logEnd is the end of the run of entries of one log that starts at ok[start].
func logEnd(ok []*received, start int) int {
	end := start
	for end < len(ok) && ok[end].header().Author == ok[start].header().Author && ok[end].header().Log == ok[start].header().Log {
		end++
	}
	return end
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cidFromBytes(b []byte) (string, error) {
	if len(b) == 0 {
		return "", errors.New("empty")
	}
	c, err := cid.Cast(b)
	if err != nil {
		return "", err
	}
	if _, err := share.ParseCID(c.String()); err != nil {
		return "", err
	}
	return c.String(), nil
}

// storeLog stores the received entries of one log (sorted by seq) after the
// node's head. Stubs are kept only where the author's own next header names
// their CID, and never replace a body. In the author's own answer to a range
// (rangeAnswer from the author) entries may skip positions: the author
// vouches that this node may not hold them. From anyone else, and in a push,
// the first gap stops the log (a relay that skipped an entry this node may
// hold must not make it pass over that entry for good). A stub from anyone
// but its author is taken only with the author's retraction of it
// (policy.MayTakeStub; retracted maps the targets of the retractions
// received with recs to their authors): before it the log stops, and in a
// range answer the stub and what follows it wait for the next batch, which
// may carry the retraction. It returns the entries at the end of the log
// that nothing confirmed or vouched for yet.
func (nw *federation) storeLog(p peer.ID, recs []*received, rangeAnswer bool, retracted map[string][]string) (gap bool, carry []*received, err error) {
	from := p.String()
	sparse := rangeAnswer && recs[0].header().Author == from
	n := nw.n
	envs := make([]*receive.Envelope, len(recs))
	for i, r := range recs {
		envs[i] = r.Envelope
	}
	kept, unconfirmed, stubErr := receive.ConfirmStubs(envs)
	if stubErr != nil {
		nw.stats.rejectedEnvelopes.Add(1)
		nw.stats.rejection("stub")
	}
	if rangeAnswer {
		carry = receivedOf(recs, unconfirmed)
	}
	h0 := kept
	if len(h0) == 0 {
		return false, carry, stubErr
	}
	author, log := h0[0].Env.Header.Author, h0[0].Env.Header.Log
	keptRecs := receivedOf(recs, kept)
	head, _, err := n.store.Head(author, log)
	if err != nil {
		return false, carry, err
	}
	var (
		entries []store.Entry
		stubs   []store.Stub
		keep    []*received
	)
	next := head + 1
	for i, e := range kept {
		h := &e.Env.Header
		if h.Seq > next && !sparse {
			gap = true
			break
		}
		if e.Stub {
			// A stub never replaces what is held: only the author's
			// retraction drops a body. A CID held elsewhere is a lie.
			if held, err := n.store.Has(e.CID); err != nil {
				return gap, carry, err
			} else if held {
				next = max(next, h.Seq+1)
				continue
			}
			if !policy.MayTakeStub(h.Author, from, n.stubRetractors(e.CID, h.Author, from, retracted)) {
				nw.stats.rejectedEnvelopes.Add(1)
				nw.stats.rejection("stub-unvouched")
				stubErr = errors.Join(stubErr, fmt.Errorf("stub %s/%s seq %d from %s: its author's retraction of %s is not held", h.Author, h.Log, h.Seq, from, e.CID))
				if rangeAnswer {
					carry = vouchLater(recs, keptRecs[i])
				}
				break
			}
		}
		if h.Seq >= next {
			next = h.Seq + 1
		}
		prev := ""
		if c, ok := h.PrevCID(); ok {
			prev = c.String()
		}
		entries = append(entries, store.Entry{CID: e.CID, Author: h.Author, Log: h.Log, Seq: h.Seq, Prev: prev, Envelope: e.Raw,
			Control: h.Kind == share.KindSenderKey && !e.Stub, Sparse: sparse})
		if e.Stub {
			stubs = append(stubs, store.Stub{CID: e.CID, Author: h.Author, Log: h.Log, Seq: h.Seq, At: time.Now().UTC(), Envelope: e.Raw})
		}
		keep = append(keep, keptRecs[i])
	}
	if len(entries) == 0 {
		return gap, carry, stubErr
	}
	res, err := n.store.PutWithStubs(stubs, entries...)
	var ee *store.EntryError
	if errors.As(err, &ee) {
		// One entry breaks the log's rules (a predecessor that does not
		// match, a CID held at another position): keep what precedes it.
		nw.stats.rejectedEnvelopes.Add(1)
		nw.stats.rejection("log-rule")
		bad, cut := err, entries[ee.Index].Seq
		entries, keep = entries[:ee.Index], keep[:ee.Index]
		stubs = slices.DeleteFunc(stubs, func(s store.Stub) bool { return s.Seq >= cut })
		res, err = store.PutResult{}, nil
		if len(entries) > 0 {
			res, err = n.store.PutWithStubs(stubs, entries...)
		}
		stubErr = errors.Join(stubErr, fmt.Errorf("from %s: %w", p, bad))
	}
	if err != nil {
		return gap, carry, fmt.Errorf("from %s: %w", p, err)
	}
	nw.stats.received.Add(int64(res.Stored))
	for _, eq := range res.Equivocations {
		nw.stats.equivocations.Add(1)
		n.log.Warn("EQUIVOCATION: an author signed two different envelopes for one log position; the first two are kept",
			"author", eq.Author, "name", n.memberName(eq.Author), "log", eq.Log, "seq", eq.Seq, "cids", fmt.Sprint(eq.CIDs), "further_copies", eq.Extra)
	}
	var suppressed map[string]bool // nil, the usual case, holds nothing
	for _, c := range res.SuppressedCIDs {
		if suppressed == nil {
			suppressed = make(map[string]bool, len(res.SuppressedCIDs))
		}
		suppressed[c] = true
	}
	// The catalogue is told what this call wrote: the entries it stored
	// and the stubs it took. A record suppressed on arrival (retracted
	// before it came) has no envelope to serve: its position is a hole. An
	// entry held already was noted by whoever stored it; an equivocating
	// copy is not what the log holds, and its header (its own level) must
	// not stand for the held entry's, whose note another storer may make
	// after this one. StoredCIDs follow the entries' order, which is
	// keep's. The log is one author's: its name is looked up once.
	name, j := "", 0
	for _, r := range keep {
		wrote := r.Stub && suppressed[r.CID]
		if j < len(res.StoredCIDs) && res.StoredCIDs[j] == r.CID {
			j++
			wrote = true
			if name == "" {
				name = n.memberName(author)
			}
			h := r.header()
			n.log.Info("record received", "cid", r.CID, "author", h.Author, "name", name, "kind", h.Kind, "tlp", h.TLP, "from", from)
		}
		if wrote {
			n.cat.Note(r.header())
		}
	}
	n.openLate(keep)
	n.indexReceived(keep, suppressed)
	return gap, carry, stubErr
}

// maxStubWait is how many entries of a log a pull holds back behind a stub
// that no retraction vouches for yet, waiting for the batch that carries the
// retraction: an author retracts with a record of the same policy, so of
// the same log, written after the record it retracts.
const maxStubWait = storeBatch

// vouchLater is what a range answer holds back for the next batch: the
// entries of recs from the unvouched stub r on, or nothing (the log stops
// at r) if they are more than maxStubWait.
func vouchLater(recs []*received, r *received) []*received {
	i := slices.Index(recs, r)
	if i < 0 || len(recs)-i > maxStubWait {
		return nil
	}
	return recs[i:]
}

// retractionsIn maps the target of each retraction among recs that this
// node opened to the authors that retract it.
func retractionsIn(recs []*received) map[string][]string {
	var out map[string][]string
	for _, r := range recs {
		if r.plain == nil || r.Stub || r.header().Kind != share.KindRetraction {
			continue
		}
		body, err := retractionOf(r.plain)
		if err != nil {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		out[body.Target] = append(out[body.Target], r.header().Author)
	}
	return out
}

// stubRetractors are the authors of the retractions of c that this node
// knows of, for a stub of author's that from relayed: those received with
// it (retracted) and those it keeps pending. The author's own stub needs
// none, so the store is not asked.
func (n *Node) stubRetractors(c, author, from string, retracted map[string][]string) []string {
	rs := retracted[c]
	if from == author {
		return rs
	}
	pending, err := n.store.Pending(c)
	if err != nil {
		n.log.Error("failed to read pending retractions", "cid", c, "err", err)
		return rs
	}
	for _, st := range pending {
		rs = append(rs, st.Author)
	}
	return rs
}

// receivedOf maps envelopes of recs back to their received entries. sub
// is a subsequence of recs in their order (what receive.ConfirmStubs
// returns), so a walk of both finds each; a map of every entry of every
// batch cost more. Anything else is looked up by a map as before.
func receivedOf(recs []*received, sub []*receive.Envelope) []*received {
	out := make([]*received, 0, len(sub))
	j := 0
	for _, e := range sub {
		for j < len(recs) && recs[j].Envelope != e {
			j++
		}
		if j == len(recs) {
			return receivedByMap(recs, sub)
		}
		out = append(out, recs[j])
		j++
	}
	return out
}

func receivedByMap(recs []*received, sub []*receive.Envelope) []*received {
	byEnv := make(map[*receive.Envelope]*received, len(recs))
	for _, r := range recs {
		byEnv[r.Envelope] = r
	}
	out := make([]*received, len(sub))
	for i, e := range sub {
		out[i] = byEnv[e]
	}
	return out
}

// indexReceived adds opened records to the index and applies retractions.
func (n *Node) indexReceived(recs []*received, suppressed map[string]bool) {
	facts := make([]recordFacts, 0, len(recs)) // not grown by doubling: a fact is ~0.5 KiB
	for _, r := range recs {
		if r.plain != nil && r.facts != nil && !r.Stub && !suppressed[r.CID] {
			facts = append(facts, *r.facts)
		}
	}
	if err := n.applyFacts(facts); err != nil {
		n.log.Error("index insert failed", "err", err)
	}
	n.indexRetractedOnArrival(recs, suppressed)
	for _, r := range recs {
		if r.plain != nil && !suppressed[r.CID] && r.header().Kind == share.KindRetraction {
			n.applyRetraction(r)
		}
	}
}

// indexRetractedOnArrival lists the records of a stored batch that arrived
// already retracted — a stub (from its author, or vouched for by the
// author's retraction, policy.MayTakeStub) or a record a pending retraction
// suppressed — so that Show and List say "retracted" rather than "no such
// record", as they do after a restart (indexStubs). A row already retracted
// keeps the retraction it names.
func (n *Node) indexRetractedOnArrival(recs []*received, suppressed map[string]bool) {
	var rows []index.Row
	for _, r := range recs {
		if !r.Stub && !suppressed[r.CID] {
			continue
		}
		if old, ok := n.index.Get(r.CID); ok && old.Retracted {
			continue
		}
		var by, reason string
		if st, err := n.store.Stub(r.CID); err == nil && st != nil {
			by, reason = st.RetractedBy, st.Reason
		}
		if row, ok := n.retractedRow(r.CID, r.header(), by, reason); ok {
			rows = append(rows, row)
		}
	}
	if err := n.index.Insert(rows); err != nil {
		n.log.Error("failed to list retracted records", "err", err)
	}
}

// noteRetractionOfStub names the retraction of a record this node holds
// only as a stub taken from sync (which says that the record was retracted,
// not by which retraction): the index row then says which, as it does for a
// record this node held when the retraction came.
func (n *Node) noteRetractionOfStub(target, retraction, by, reason string) {
	st, err := n.store.Stub(target)
	if err != nil || st == nil || st.RetractedBy != "" || len(st.Envelope) == 0 {
		return // not a stub, or one that names its retraction already
	}
	env, err := share.Decode(st.Envelope)
	if err != nil || !policy.MayRetract(env.Header.Author, by) {
		return
	}
	if row, ok := n.retractedRow(target, &env.Header, retraction, reason); ok {
		if err := n.index.Insert([]index.Row{row}); err != nil {
			n.log.Error("failed to mark a record retracted in the index", "target", target, "err", err)
		}
	}
}

// retractionBody is what the node reads of an opened retraction record.
type retractionBody struct {
	Target string `json:"target"`
	Reason string `json:"reason"`
}

// retractionOf reads the target and reason of a retraction's plaintext.
func retractionOf(plain []byte) (retractionBody, error) {
	var b retractionBody
	if err := json.Unmarshal(plain, &b); err != nil {
		return b, err
	}
	if b.Target == "" {
		return b, errors.New("no target")
	}
	return b, nil
}

// applyRetraction withdraws the record a received retraction names, if the
// retraction's author wrote it (policy.MayRetract): the body is deleted and a
// stub kept, so it can never come back through sync. A record not held yet
// gets a pending retraction, keyed by its CID and the retraction's author,
// which suppresses it on arrival only if that author wrote it.
func (n *Node) applyRetraction(r *received) {
	body, err := retractionOf(r.plain)
	if err != nil {
		n.log.Warn("ignored a retraction without a target", "cid", r.CID, "err", err)
		return
	}
	by := r.header().Author
	st := store.Stub{CID: body.Target, RetractedBy: r.CID, Reason: body.Reason, At: time.Now().UTC(), Author: by}
	raw, err := n.store.Get(body.Target)
	switch {
	case errors.Is(err, store.ErrRetracted):
		n.noteRetractionOfStub(body.Target, r.CID, by, body.Reason)
		return
	case errors.Is(err, store.ErrNotFound):
		if err := n.store.PutPending(st); err != nil {
			n.log.Error("failed to keep a pending retraction", "target", body.Target, "err", err)
		}
		return
	case err != nil:
		n.log.Error("failed to read a retracted record", "target", body.Target, "err", err)
		return
	}
	target, err := share.Decode(raw)
	if err != nil {
		n.log.Error("a stored envelope does not decode", "cid", body.Target, "err", err)
		return
	}
	if !policy.MayRetract(target.Header.Author, by) {
		n.log.Warn("ignored a retraction of another author's record", "by", by, "author", target.Header.Author, "target", body.Target)
		return
	}
	if st.Envelope, err = target.Stub().Encode(); err != nil {
		n.log.Error("failed to encode a stub", "target", body.Target, "err", err)
		return
	}
	if err := n.store.Drop(st); err != nil {
		n.log.Error("failed to apply a retraction", "target", body.Target, "err", err)
		return
	}
	n.cases.retract(body.Target) // facets.go
	// Unconditionally: while the index loads in the background (ursic run
	// serves meanwhile) the record's row may not be there yet, and a row
	// for an unknown CID is a stub that the load's later insert of the
	// record's facts leaves retracted (index.Retract).
	if err := n.index.Retract(body.Target, r.CID, body.Reason); err != nil {
		n.log.Error("failed to mark a record retracted in the index", "target", body.Target, "err", err)
	}
}

// parallel runs fn(0..n-1) on all cores.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

package node

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"golang.org/x/time/rate"

	"github.com/ursic/ursic/node/index"
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
	if !nw.limiter(p).Allow() {
		// A flood: refuse the stream. Nothing honest is lost, because
		// anti-entropy sessions fetch anything a refused push carried.
		nw.reject(p, "stream", errRateLimited)
		s.Reset()
		return
	}
	s.SetDeadline(time.Now().Add(streamTimeout))
	r := bufio.NewReader(s)
	m, err := share.ReadMessage(r, share.MaxFrameSize)
	if err != nil {
		nw.reject(p, "unreadable message", err)
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
		gap, err := nw.ingest(p, m.Envelopes)
		if err != nil {
			nw.reject(p, "pushed envelopes", err)
		}
		if gap {
			nw.startSession(p)
		}
	case m.GetRosters != nil:
		nw.serveRosters(s, m.GetRosters)
	default:
		nw.reject(p, "unexpected message", errors.New("not a request"))
		s.Reset()
	}
}

func (nw *federation) reject(p peer.ID, what string, err error) {
	nw.stats.rejectedMessages.Add(1)
	nw.n.log.Warn("rejected from peer", "peer", p.String(), "what", what, "err", err)
}

// helloFor is this node's Hello to p: heads of the logs p may read.
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
		if !nw.n.mayReceive(lh.Author, lh.Log, p.String()) {
			continue
		}
		c, err := share.ParseCID(lh.CID)
		if err != nil {
			continue
		}
		h.Heads = append(h.Heads, share.LogHead{Author: lh.Author, Log: lh.Log, Seq: lh.Seq, CID: c.Bytes()})
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
	nw.wg.Add(1)
	go func() {
		defer nw.wg.Done()
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
	}()
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
func (nw *federation) afterHello(p peer.ID, h *share.Hello) {
	nw.wg.Add(1)
	go func() {
		defer nw.wg.Done()
		if err := nw.pull(p, h); err != nil && nw.ctx.Err() == nil {
			nw.n.log.Debug("pull failed", "peer", p.String(), "err", err)
		}
	}()
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
	for _, lh := range h.Heads {
		ours, _, err := nw.n.store.Head(lh.Author, lh.Log)
		if err != nil {
			return err
		}
		if ours >= lh.Seq {
			continue
		}
		got, err := nw.pullLog(p, lh.Author, lh.Log, ours, lh.Seq)
		if err != nil {
			return err
		}
		if got == 0 {
			continue // the peer had nothing after all; do not spin
		}
		if after, _, err := nw.n.store.Head(lh.Author, lh.Log); err == nil && after == ours {
			// Envelopes came but none extended the log (a gap, another
			// log's entries, copies we hold): a bad answer. Asking again
			// would spin for as long as the peer liked.
			nw.reject(p, "range answer", fmt.Errorf("asked for %s %s %d..%d, got %d envelopes and none extends the log", lh.Author, lh.Log, ours+1, lh.Seq, got))
		}
	}
	return nil
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
func (nw *federation) pullLog(p peer.ID, author, log string, ours, theirs uint64) (int, error) {
	ctx, cancel := context.WithCancel(nw.ctx)
	defer cancel()
	type frame struct {
		m   *share.Envelopes
		req *asked
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
		for from := ours + 1; from <= theirs; from += pullBatch {
			req := &asked{author: author, log: log, from: from}
			to := min(theirs, from+pullBatch-1)
			if !nw.readRange(ctx, p, req, to, func(m *share.Envelopes, err error) bool { return send(frame{m, req, err}) }) {
				return
			}
		}
	}()
	prepared := make(chan []*received, 1)
	stored := make(chan error, 1)
	go func() {
		// Frames are stored storeBatch envelopes at a time: a bbolt
		// transaction rewrites every page it touches, and random CIDs touch
		// a page each, so fewer, larger transactions rewrite far less.
		var (
			err     error
			pending []*received
		)
		flush := func() {
			if err == nil && len(pending) > 0 {
				var gap bool
				if gap, err = nw.store(p, pending); gap && err == nil {
					cancel() // the rest cannot be stored after a gap
				}
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
		ok, bad := nw.prepare(f.m, f.req)
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
// returning false. It reports whether the range was read to its end and held
// envelopes: an empty answer ends the pull, however far the peer's Hello
// said its log went.
func (nw *federation) readRange(ctx context.Context, p peer.ID, req *asked, to uint64, yield func(*share.Envelopes, error) bool) bool {
	s, _, done, err := nw.request(p, &share.Message{GetRange: &share.GetRange{Author: req.author, Log: req.log, From: req.from, To: to}}, streamTimeout)
	if err != nil {
		yield(nil, err)
		return false
	}
	defer done()
	stop := context.AfterFunc(ctx, func() { s.Reset() }) // a cancelled pull unblocks the read
	defer stop()
	r := bufio.NewReader(s)
	for n := 0; ; {
		m, err := share.ReadMessage(r, share.MaxFrameSize)
		if err == nil && m.Envelopes == nil {
			err = fmt.Errorf("peer answered GetRange with something else")
		}
		if err != nil {
			if ctx.Err() == nil {
				yield(nil, err)
			}
			return false
		}
		n += len(m.Envelopes.Envs)
		if !yield(m.Envelopes, nil) {
			return false
		}
		if !m.Envelopes.More {
			return n > 0
		}
	}
}

// serveRange answers GetRange with the entries p is entitled to. A log p
// may not read is answered exactly like a log that does not exist.
func (nw *federation) serveRange(s network.Stream, p peer.ID, g *share.GetRange) error {
	if g.To < g.From || g.To-g.From >= share.MaxRange {
		return share.WriteMessage(s, &share.Message{Error: &share.WireError{Code: "bad-request", Message: "range too large"}})
	}
	if !nw.n.mayReceive(g.Author, g.Log, p.String()) {
		return share.WriteMessage(s, &share.Message{Envelopes: &share.Envelopes{}})
	}
	batch := &share.Envelopes{}
	size := 0
	flush := func(more bool) error {
		batch.More = more
		err := share.WriteMessage(s, &share.Message{Envelopes: batch})
		batch = &share.Envelopes{}
		size = 0
		return err
	}
	err := nw.n.store.Range(g.Author, g.Log, g.From, g.To, func(e store.Entry) error {
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

// Per-peer stream rate: generous for honest sync (a bulk pull opens one
// stream per 2,048 entries, a publish one push per batch) and small enough
// that a flood costs the node little. The libp2p resource manager caps
// concurrent streams; this caps their rate.
const (
	streamsPerSecond = 500
	streamBurst      = 1000
)

var errRateLimited = errors.New("too many streams: rate-limited")

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
	for v := max(g.From, 1); v <= cur && len(out.Docs) < share.MaxBatch; v++ {
		if r := nw.n.rosterAt(v); r != nil {
			if b, err := r.Marshal(); err == nil {
				out.Docs = append(out.Docs, b)
			}
		}
	}
	share.WriteMessage(s, &share.Message{Rosters: out})
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

// mayReceive reports whether peer is entitled to the log (author, log),
// judged by the policy in the log's head envelope against the current
// roster. Fail closed: any doubt is no.
func (n *Node) mayReceive(author, log, peerID string) bool {
	p, ok := n.logPolicy(author, log)
	if !ok {
		return false
	}
	return policy.MayReceive(n.roster(), p, author, peerID)
}

// logPolicy returns the policy of a log from its entries' header (all entries
// of a log share its audience), caching it.
func (n *Node) logPolicy(author, log string) (policy.Policy, bool) {
	key := author + "\x00" + log
	n.policyMu.Lock()
	p, ok := n.policies[key]
	n.policyMu.Unlock()
	if ok {
		return p, true
	}
	var found *share.Header
	n.store.Range(author, log, 1, 1<<62, func(e store.Entry) error {
		raw := e.Envelope
		if raw == nil && e.Stub != nil {
			raw = e.Stub.Envelope
		}
		if env, err := share.Decode(raw); err == nil {
			found = &env.Header
			return errStopRange
		}
		return nil
	})
	if found == nil {
		return policy.Policy{}, false
	}
	p, err := headerPolicyOf(found)
	if err != nil {
		return policy.Policy{}, false
	}
	n.cacheLogPolicy(key, p)
	return p, true
}

func (n *Node) cacheLogPolicy(key string, p policy.Policy) {
	n.policyMu.Lock()
	if n.policies == nil {
		n.policies = map[string]policy.Policy{}
	}
	n.policies[key] = p
	n.policyMu.Unlock()
}

func headerPolicyOf(h *share.Header) (policy.Policy, error) {
	level, err := policy.ParseLevel(h.TLP)
	if err != nil {
		return policy.Policy{}, err
	}
	a, err := policy.ParseAudience(h.Audience)
	if err != nil {
		return policy.Policy{}, err
	}
	return policy.Policy{Level: level, Audience: a, Caveats: h.Caveats}, nil
}

// received is one envelope from a peer, checked.
type received struct {
	raw   []byte
	env   *share.Envelope
	cid   string
	stub  bool
	plain []byte     // nil if this node cannot open it
	row   *index.Row // its index row, if opened
}

// ingest verifies, stores and indexes envelopes from p. It reports whether a
// log had a gap (the caller then pulls), and an error if p sent anything
// invalid; valid envelopes in the same frame are kept.
func (nw *federation) ingest(p peer.ID, m *share.Envelopes) (gap bool, err error) {
	ok, bad := nw.prepare(m, nil)
	gap, err = nw.store(p, ok)
	return gap, errors.Join(bad, err)
}

// asked is the range a frame answers: entries from seq from of one log,
// which this node did not hold when it asked.
type asked struct {
	author, log string
	from        uint64
}

// fresh reports whether h is in the range asked for, so not held already
// (unless a push raced the pull, which Put then finds).
func (a *asked) fresh(h *share.Header) bool {
	return a != nil && h.Author == a.author && h.Log == a.log && h.Seq >= a.from
}

// prepare is the parallel half of ingesting a frame: it checks every
// envelope, opens what this node may read and builds its index row, and
// returns the valid ones in log order. Sender keys are learnt in order, so
// the frames of one range must be prepared in order. req is the range the
// frame answers, nil for a push.
func (nw *federation) prepare(m *share.Envelopes, req *asked) ([]*received, error) {
	n := nw.n
	recs := make([]*received, len(m.Envs))
	errs := make([]error, len(m.Envs))
	roster := n.roster()
	self := n.PeerID()
	stubCIDs := map[uint64][]byte{}
	for _, s := range m.Stubs {
		stubCIDs[s.Index] = s.CID
	}
	entitled := &entitlements{m: map[string]bool{}}
	parallel(len(m.Envs), func(i int) {
		recs[i], errs[i] = n.checkEnvelope(m.Envs[i], stubCIDs[uint64(i)], roster, self, entitled, req)
	})
	var bad error
	var ok []*received
	for i, r := range recs {
		if errs[i] == nil && r == nil {
			continue // already held: nothing to do
		}
		if errs[i] != nil {
			nw.stats.rejectedEnvelopes.Add(1)
			bad = errors.Join(bad, errs[i])
			continue
		}
		ok = append(ok, r)
	}
	// Order by log position so each log's entries arrive in sequence.
	slices.SortFunc(ok, func(a, b *received) int {
		if c := cmpString(a.env.Header.Author+"\x00"+a.env.Header.Log, b.env.Header.Author+"\x00"+b.env.Header.Log); c != 0 {
			return c
		}
		return int(a.env.Header.Seq) - int(b.env.Header.Seq)
	})
	// Sender keys first, in order, so group records in the same frame open.
	for _, r := range ok {
		if r.env.Header.Kind == share.KindSenderKey && !r.stub {
			if _, err := n.openEnvelope(r.env, r.cid); err != nil && !errors.Is(err, share.ErrNotRecipient) {
				n.log.Debug("sender key not opened", "cid", r.cid, "err", err)
			}
		}
	}
	parallel(len(ok), func(i int) {
		r := ok[i]
		if r.stub || r.env.Header.Kind == share.KindSenderKey {
			return
		}
		plain, err := n.openEnvelope(r.env, r.cid)
		if err != nil {
			return // not for this node's keys: kept for relaying
		}
		r.plain = plain
		if row, err := n.rowOf(r.cid, r.env, plain); err == nil {
			r.row = &row
		}
	})
	return ok, bad
}

// store is the serial half: it stores prepared envelopes log by log (a log
// with a gap keeps what precedes the gap) and indexes them.
func (nw *federation) store(p peer.ID, ok []*received) (gap bool, bad error) {
	for start := 0; start < len(ok); {
		end := start
		for end < len(ok) && ok[end].env.Header.Author == ok[start].env.Header.Author && ok[end].env.Header.Log == ok[start].env.Header.Log {
			end++
		}
		g, err := nw.storeLog(p, ok[start:end])
		gap = gap || g
		if err != nil {
			bad = errors.Join(bad, err)
		}
		start = end
	}
	return gap, bad
}

// checkEnvelope does every check that needs no store: decoding, signature,
// CID, the author's membership and this node's own entitlement.
func (n *Node) checkEnvelope(raw, stubCID []byte, roster *policy.Roster, self string, entitled *entitlements, req *asked) (*received, error) {
	env, err := share.Decode(raw)
	if err != nil {
		return nil, err
	}
	r := &received{raw: raw, env: env, stub: env.IsStub()}
	if r.stub {
		if err := env.VerifyHeader(); err != nil {
			return nil, err
		}
		c, err := cidFromBytes(stubCID)
		if err != nil {
			return nil, fmt.Errorf("stub without a valid CID: %w", err)
		}
		r.cid = c
	} else {
		r.cid = share.CIDOf(raw).String()
		// Held already (a relayed copy, or a push that raced a pull): skip
		// the signature check and the opening. A different envelope for
		// the same position has another CID, so equivocation is still seen.
		// An entry of the range asked for is new: no lookup (at 100,000
		// records the lookups were a tenth of a bulk sync, in page faults).
		if !req.fresh(&env.Header) {
			if held, err := n.store.Has(r.cid); err == nil && held {
				return nil, nil
			}
		}
		if err := env.Verify(); err != nil {
			return nil, err
		}
	}
	h := &env.Header
	if !n.wasMember(h.Author, h.RosterVersion) {
		return nil, fmt.Errorf("author %s was not a member at roster version %d", h.Author, h.RosterVersion)
	}
	if !entitled.mayReceive(roster, h, self) {
		return nil, fmt.Errorf("envelope %s is not for this node", r.cid)
	}
	return r, nil
}

// entitlements caches, for one frame, whether this node may read each
// (author, audience, level): a frame holds many entries of few logs, and the
// decision costs a walk over the roster.
type entitlements struct {
	mu sync.Mutex
	m  map[string]bool
}

func (e *entitlements) mayReceive(roster *policy.Roster, h *share.Header, self string) bool {
	key := h.Author + "\x00" + h.TLP + "\x00" + strings.Join(h.Audience, ",") + "\x00" + strings.Join(h.Caveats, ",")
	e.mu.Lock()
	ok, seen := e.m[key]
	e.mu.Unlock()
	if seen {
		return ok
	}
	pol, err := headerPolicyOf(h)
	ok = err == nil && policy.MayReceive(roster, pol, h.Author, self)
	e.mu.Lock()
	e.m[key] = ok
	e.mu.Unlock()
	return ok
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

// wasMember reports whether author was on the roster version an envelope
// names (for version 0, written before any roster: the current roster).
func (n *Node) wasMember(author string, v uint64) bool {
	r := n.rosterAt(v)
	if v == 0 || r == nil {
		r = n.Roster()
	}
	if r == nil {
		return author == n.PeerID()
	}
	_, ok := r.Member(author)
	return ok
}

// storeLog stores the received entries of one log (sorted by seq) after the
// node's head, stopping at the first gap.
func (nw *federation) storeLog(p peer.ID, recs []*received) (gap bool, err error) {
	n := nw.n
	h0 := recs[0].env.Header
	head, _, err := n.store.Head(h0.Author, h0.Log)
	if err != nil {
		return false, err
	}
	next := head + 1
	var entries []store.Entry
	var stubs []store.Stub
	var keep []*received
	for _, r := range recs {
		h := r.env.Header
		if h.Seq > next {
			gap = true
			break
		}
		if h.Seq == next {
			next++
		}
		prev := ""
		if c, ok := h.PrevCID(); ok {
			prev = c.String()
		}
		e := store.Entry{CID: r.cid, Author: h.Author, Log: h.Log, Seq: h.Seq, Prev: prev, Envelope: r.raw,
			Control: h.Kind == share.KindSenderKey && !r.stub}
		if r.stub {
			stubs = append(stubs, store.Stub{CID: r.cid, Author: h.Author, Log: h.Log, Seq: h.Seq, At: time.Now().UTC(), Envelope: r.raw})
		}
		entries = append(entries, e)
		keep = append(keep, r)
	}
	if len(entries) == 0 {
		return gap, nil
	}
	res, err := n.store.PutWithStubs(stubs, entries...)
	if err != nil {
		return gap, fmt.Errorf("from %s: %w", p, err)
	}
	nw.stats.received.Add(int64(res.Stored))
	for _, eq := range res.Equivocations {
		nw.stats.equivocations.Add(1)
		n.log.Warn("EQUIVOCATION: an author signed two different envelopes for one log position; both are kept",
			"author", eq.Author, "name", n.memberName(eq.Author), "log", eq.Log, "seq", eq.Seq, "cids", fmt.Sprint(eq.CIDs))
	}
	if pol, err := headerPolicyOf(&h0); err == nil {
		n.cacheLogPolicy(h0.Author+"\x00"+h0.Log, pol)
	}
	n.indexReceived(keep)
	return gap, nil
}

// indexReceived adds opened records to the index and applies retractions.
func (n *Node) indexReceived(recs []*received) {
	var rows []index.Row
	for _, r := range recs {
		if r.plain == nil || r.stub {
			if r.stub {
				if _, ok := n.index.Get(r.cid); ok {
					n.index.Retract(r.cid, "", "retracted by its author")
				}
			}
			continue
		}
		if r.row != nil {
			rows = append(rows, *r.row)
		}
	}
	if err := n.index.Insert(rows); err != nil {
		n.log.Error("index insert failed", "err", err)
	}
	for _, r := range recs {
		if r.plain != nil && r.env.Header.Kind == share.KindRetraction {
			n.applyRetraction(r)
		}
	}
}

// applyRetraction deletes the body of a record its author retracted and
// keeps a stub, so it can never come back through sync.
func (n *Node) applyRetraction(r *received) {
	var body struct {
		Target string `json:"target"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(r.plain, &body); err != nil || body.Target == "" {
		return
	}
	if t, ok := n.lookup(body.Target); ok && t.Author != r.env.Header.Author {
		n.log.Warn("ignored a retraction of another author's record", "by", r.env.Header.Author, "target", body.Target)
		return
	}
	stubEnv, _ := n.stubOf(body.Target)
	st := store.Stub{CID: body.Target, RetractedBy: r.cid, Reason: body.Reason, At: time.Now().UTC(), Author: r.env.Header.Author, Envelope: stubEnv}
	if t, ok := n.lookup(body.Target); ok {
		st.Log, st.Seq = t.Log, t.Seq
	}
	if _, err := n.store.PutWithStubs([]store.Stub{st}); err != nil {
		n.log.Error("failed to apply a retraction", "target", body.Target, "err", err)
		return
	}
	n.index.Retract(body.Target, r.cid, body.Reason)
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

package receive

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru"

	"github.com/ursic/ursic/share"
)

// rejectedMemory is how many rejected envelopes a Checker remembers, so that a
// replayed bad frame costs a hash and a lookup, not a signature check.
const rejectedMemory = 8192

// Errors a Checker returns, for counting rejections by reason.
var (
	ErrRejectedBefore = errors.New("envelope rejected before")
	ErrNotAsked       = errors.New("envelope is not of the range asked for")
	ErrNotEntitled    = errors.New("envelope is not for this node, or not the sender's to relay")
	// ErrPastGap is not a fault: a pushed envelope follows a position of
	// its log that this node lacks, so it could not be stored; the node
	// pulls the log instead.
	ErrPastGap = errors.New("pushed envelope follows a position this node lacks")
)

// Holdings is what a Checker asks the store: whether it holds an envelope
// (or its retraction stub), a log's head, and whether a log position keeps
// an equivocating copy already (*store.Store).
type Holdings interface {
	Has(cid string) (bool, error)
	Head(author, log string) (seq uint64, cid string, err error)
	Equivocated(author, log string, seq uint64) (bool, error)
}

// Envelope is one envelope from a peer that passed every check.
type Envelope struct {
	Raw  []byte
	Env  *share.Envelope
	CID  string // "" for a stub until ConfirmStubs names it
	Stub bool
	// Hint is the CID a frame carried beside a stub: unsigned, so never
	// taken as the stub's CID (see ConfirmStubs).
	Hint string
}

// Asked is the range a frame answers; nil for a push.
type Asked struct {
	Author, Log string
	From, To    uint64
}

// Checker checks envelopes from peers, cheapest check first: the CID (a
// hash) against what it rejected before and, for a push, against what the
// store holds, the range asked for, the sender's and this node's entitlement
// (a cached decision), what a push could store (the sieve), and only then
// the signature, batched over a frame. An envelope whose signature or body
// fails is remembered (a bounded set), so a replay costs little.
type Checker struct {
	self     string
	ent      *Entitlement
	st       Holdings
	rejected *lru.Cache
	checks   atomic.Int64 // signatures checked, for /metrics
}

// SignatureChecks is how many envelope signatures the Checker has checked.
func (c *Checker) SignatureChecks() int64 { return c.checks.Load() }

// NewChecker checks for the node self, deciding entitlement with ent and
// asking st what the store holds.
func NewChecker(self string, ent *Entitlement, st Holdings) *Checker {
	c, err := lru.New(rejectedMemory)
	if err != nil {
		panic(err) // only for a size ≤ 0
	}
	return &Checker{self: self, ent: ent, st: st, rejected: c}
}

// Check checks one envelope (or stub) that peer from sent in answer to asked
// (nil for a push). It returns nil and no error for an envelope the store
// holds already. It is [Checker.CheckFrame] for a frame of one.
func (c *Checker) Check(raw []byte, from string, asked *Asked) (*Envelope, error) {
	out, errs := c.CheckFrame([][]byte{raw}, from, asked)
	return out[0], errs[0]
}

// minChunk is the fewest signatures a frame is split into a batch of, one
// batch a core: below it the batch gains too little to pay for a goroutine.
const minChunk = 16

// CheckFrame checks the envelopes of one frame (a range answer or a push)
// and returns, for each, what [Checker.Check] returns for it alone. The
// cheap checks run on each envelope first, in Check's order; the signatures
// of those that pass them are then checked in one batch per core
// ([share.VerifyBatch]). A bad signature fails only its own envelope: the
// batch finds it and the rest of the frame is accepted.
//
// A push is sieved between the two (see [Checker.sieve]): what could not be
// stored is not verified, so valid envelopes that store nothing cost no
// signature check either.
func (c *Checker) CheckFrame(raws [][]byte, from string, asked *Asked) ([]*Envelope, []error) {
	out := make([]*Envelope, len(raws))
	errs := make([]error, len(raws))
	ids := make([]string, len(raws))
	c.chunks(len(raws), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ids[i], out[i], errs[i] = c.cheap(raws[i], from, asked)
		}
	})
	if asked == nil {
		c.sieve(out, errs)
	}
	c.chunks(len(raws), func(lo, hi int) { c.verify(ids[lo:hi], out[lo:hi], errs[lo:hi]) })
	return out, errs
}

// chunks runs fn over 0..n in one chunk a core, or in one if n is small.
func (c *Checker) chunks(n int, fn func(lo, hi int)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), n/minChunk))
	if workers == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { fn(w*n/workers, (w+1)*n/workers) })
	}
	wg.Wait()
}

// verify checks the signatures of the envelopes left in out in one batch,
// failing and remembering each that does not verify.
func (c *Checker) verify(ids []string, out []*Envelope, errs []error) {
	var (
		pending []int // index in out of each envelope whose signature is to check
		envs    []*share.Envelope
	)
	for i, r := range out {
		if r != nil {
			pending = append(pending, i)
			envs = append(envs, r.Env)
		}
	}
	if len(envs) == 0 {
		return
	}
	c.checks.Add(int64(len(envs)))
	for j, err := range share.VerifyBatch(envs) {
		if err != nil {
			i := pending[j]
			c.rejected.Add(ids[i], nil)
			out[i], errs[i] = nil, err
		}
	}
}

// sieve drops, before their signatures are checked, the envelopes of a push
// that could store nothing: those past the first position of their log that
// neither this node nor the frame holds (ErrPastGap: a push cannot fill a
// log past a hole, so the node pulls the log instead), and further copies of
// a position that keeps two already (equivocation evidence is the first two;
// the rest were only counted). Both are valid envelopes a member may hold or
// write — another's log past this node's head, or its own log at any
// position, in as many signed copies as it likes — so neither the rejected
// memory nor the forged budget stopped a member replaying them push after
// push, each costing a signature check (and, for copies, a write).
func (c *Checker) sieve(out []*Envelope, errs []error) {
	type pos struct {
		i   int
		seq uint64
	}
	logs := map[[2]string][]pos{}
	for i, r := range out {
		if r != nil {
			h := &r.Env.Header
			k := [2]string{h.Author, h.Log}
			logs[k] = append(logs[k], pos{i, h.Seq})
		}
	}
	for k, ps := range logs {
		head, _, err := c.st.Head(k[0], k[1])
		if err != nil {
			for _, p := range ps {
				out[p.i], errs[p.i] = nil, err
			}
			continue
		}
		slices.SortStableFunc(ps, func(a, b pos) int { return cmp.Compare(a.seq, b.seq) })
		next := head + 1 // the first position neither held nor in the frame so far
		for _, p := range ps {
			switch {
			case p.seq > next:
				out[p.i], errs[p.i] = nil, fmt.Errorf("%w: %s/%s seq %d, held to %d", ErrPastGap, k[0], k[1], p.seq, next-1)
			case p.seq == next:
				next++
			case p.seq <= head:
				// A position held, by an envelope other than this one
				// (held ones were dropped already): an equivocation.
				if two, err := c.st.Equivocated(k[0], k[1], p.seq); err != nil || two {
					out[p.i], errs[p.i] = nil, err
				}
			}
		}
	}
}

// cheap runs every check but the signature: the CID against what was
// rejected before, decoding, the range asked, entitlement, and whether the
// store holds the envelope already. It returns the envelope's CID and the
// envelope whose signature is still to check, or nil and no error for one
// the store holds.
func (c *Checker) cheap(raw []byte, from string, asked *Asked) (string, *Envelope, error) {
	id := share.CIDOf(raw).String()
	if c.rejected.Contains(id) {
		return id, nil, fmt.Errorf("%w: %s", ErrRejectedBefore, id)
	}
	// Held already (a relayed copy, or a push that raced a pull): not even
	// decoded, so a member replaying what this node holds — every envelope
	// it relays is one — costs a hash and a lookup each. A different
	// envelope for the same position has another CID, so equivocation is
	// still seen. An entry of a range answer is past this node's head: no
	// lookup. (A stub's own bytes are never held under their CID.)
	if asked == nil {
		if held, err := c.st.Has(id); err != nil {
			return id, nil, err
		} else if held {
			return id, nil, nil
		}
	}
	env, err := share.Decode(raw)
	if err != nil {
		c.rejected.Add(id, nil)
		return id, nil, err
	}
	h := &env.Header
	if asked != nil && (h.Author != asked.Author || h.Log != asked.Log || h.Seq < asked.From || h.Seq > asked.To) {
		return id, nil, fmt.Errorf("%w: %s/%s seq %d for %s/%s %d..%d", ErrNotAsked, h.Author, h.Log, h.Seq, asked.Author, asked.Log, asked.From, asked.To)
	}
	if !c.ent.MayRelay(h, from, c.self) {
		// Includes an author who was not a member at the header's roster
		// version, and a version this node does not hold yet (decided
		// again once it does, so not remembered).
		return id, nil, fmt.Errorf("%w: %s/%s seq %d (%s to %v, roster version %d)", ErrNotEntitled, h.Author, h.Log, h.Seq, h.TLP, h.Audience, h.RosterVersion)
	}
	r := &Envelope{Raw: raw, Env: env, Stub: env.IsStub()}
	if r.Stub {
		// A stub's own bytes do not give the CID of the entry it stands for;
		// ConfirmStubs finds it in the author's next header. Its header
		// signature is checked with the rest.
		return id, r, nil
	}
	r.CID = id
	return id, r, nil
}

// ConfirmStubs names the CID of each stub in recs (sorted by author, log and
// sequence number) from the next entry of the same log in recs: that entry's
// header, signed by the same author, names its predecessor's CID. A stub has
// no other trustworthy CID: the one a frame carries beside it is unsigned, so
// it is used only to refuse a stub that contradicts its successor (Hint). It returns the entries to keep, in
// order, and the stubs at the end of a log that no later entry of recs
// confirms (a pull keeps them for its next frame; a push drops them).
func ConfirmStubs(recs []*Envelope) (keep, unconfirmed []*Envelope, err error) {
	for i, r := range recs {
		if !r.Stub || r.CID != "" {
			keep = append(keep, r)
			continue
		}
		h := &r.Env.Header
		if i+1 >= len(recs) {
			unconfirmed = append(unconfirmed, r)
			continue
		}
		next := &recs[i+1].Env.Header
		if next.Author != h.Author || next.Log != h.Log || next.Seq != h.Seq+1 {
			if next.Author == h.Author && next.Log == h.Log {
				continue // a later entry of the log skips it: this position stays a hole
			}
			unconfirmed = append(unconfirmed, r)
			continue
		}
		prev, ok := next.PrevCID()
		if !ok {
			err = errors.Join(err, fmt.Errorf("stub %s/%s seq %d: the next entry names no predecessor", h.Author, h.Log, h.Seq))
			continue
		}
		if r.Hint != "" && r.Hint != prev.String() {
			err = errors.Join(err, fmt.Errorf("stub %s/%s seq %d: the frame names %s, the author's next entry %s", h.Author, h.Log, h.Seq, r.Hint, prev))
			continue
		}
		r.CID = prev.String()
		keep = append(keep, r)
	}
	return keep, unconfirmed, err
}

package receive

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

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
)

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

// fresh reports whether h is in the range asked for, so not held already
// (unless a push raced the pull, which the store then finds).
func (a *Asked) fresh(h *share.Header) bool {
	return a != nil && h.Author == a.Author && h.Log == a.Log && h.Seq >= a.From
}

// Checker checks envelopes from peers, cheapest check first: the CID (a
// hash) against what it rejected before, the range asked for, the sender's
// and this node's entitlement (a cached decision), whether the store holds
// it already, and only then the signature, batched over a frame. An envelope
// whose signature or body fails is remembered (a bounded set), so a replay
// costs little.
type Checker struct {
	self     string
	ent      *Entitlement
	held     func(cid string) (bool, error)
	rejected *lru.Cache
}

// NewChecker checks for the node self, deciding entitlement with ent; held
// reports whether the store holds a CID already.
func NewChecker(self string, ent *Entitlement, held func(cid string) (bool, error)) *Checker {
	c, err := lru.New(rejectedMemory)
	if err != nil {
		panic(err) // only for a size ≤ 0
	}
	return &Checker{self: self, ent: ent, held: held, rejected: c}
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
func (c *Checker) CheckFrame(raws [][]byte, from string, asked *Asked) ([]*Envelope, []error) {
	out := make([]*Envelope, len(raws))
	errs := make([]error, len(raws))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(raws)/minChunk))
	if workers == 1 {
		c.checkChunk(raws, from, asked, out, errs)
		return out, errs
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(raws)/workers, (w+1)*len(raws)/workers
		wg.Go(func() { c.checkChunk(raws[lo:hi], from, asked, out[lo:hi], errs[lo:hi]) })
	}
	wg.Wait()
	return out, errs
}

// checkChunk runs the cheap checks on each of raws, then checks the
// signatures of those left in one batch, writing the results to out and errs.
func (c *Checker) checkChunk(raws [][]byte, from string, asked *Asked, out []*Envelope, errs []error) {
	var (
		pending []int // index in raws of each envelope whose signature is to check
		ids     []string
		envs    []*share.Envelope
	)
	for i, raw := range raws {
		id, r, err := c.cheap(raw, from, asked)
		if err != nil || r == nil {
			errs[i] = err
			continue
		}
		pending = append(pending, i)
		ids = append(ids, id)
		envs = append(envs, r.Env)
		out[i] = r
	}
	if len(envs) == 0 {
		return
	}
	for j, err := range share.VerifyBatch(envs) {
		if err != nil {
			i := pending[j]
			c.rejected.Add(ids[j], nil)
			out[i], errs[i] = nil, err
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
	// Held already (a relayed copy, or a push that raced a pull): no
	// signature check. A different envelope for the same position has
	// another CID, so equivocation is still seen. An entry of the range asked
	// for is past this node's head: no lookup.
	if !asked.fresh(h) {
		if held, err := c.held(id); err != nil {
			return id, nil, err
		} else if held {
			return id, nil, nil
		}
	}
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

package node

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/screen"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// Opening a record happens in two steps. factsOf reads everything the node
// keeps in memory about the record — its index row, its case-table summary,
// its screening subject, and its digest if it is this node's own — and
// writes nothing shared, so that it runs on all cores (at start, and in
// sync's prepare stage). applyFacts then adds a batch of them to the
// index, the own-record map, the case table and the screening index, taking
// each structure's lock once a batch rather than once a record.
//
// The facts are plain data, so that what opening a record yields can be
// kept (an encrypted index snapshot) and applied again without opening it.

// recordFacts is what opening one record contributes to the node's memory.
type recordFacts struct {
	Row     index.Row       // with Text, the body's searchable words
	Case    *caseFacts      // nil if the record is not in the case table
	Subject *screen.Subject // nil if the record is not an indicator
	Own     []byte          // the keyed digest of this node's own record (digest.go), or nil
}

// caseFacts is the case-table input of one record: what summarise reads of
// its body, with the header fields the table keeps.
type caseFacts struct {
	Kind        string // the kind summarised (a facet's record_kind)
	Facet       bool
	Author      string
	Created     int64 // the header's, Unix ms
	Month       int32 // a facet's period, a record's month of publishing (policy.Month)
	Category    string
	TechAreas   []string
	Outcome     string
	Mitigations []string // classes
	Ref         string   // a sighting's record
	Link        string   // a facet's
}

// factsOf reads the facts of an opened record. It writes no shared state.
// It reads the body once (readBody).
func (n *Node) factsOf(cid string, env *share.Envelope, rec *share.Record) recordFacts {
	h := &env.Header
	b := readBody(cid, h.Kind, rec.Body)
	f := recordFacts{Row: n.rowOfBody(cid, env, &b), Subject: b.subject}
	if b.summarised {
		f.Case = caseFactsFrom(h, &b.summary)
	}
	if h.Author == n.PeerID() && userKind(h.Kind) {
		d := n.own.digest(h.Kind, rec.Body, h.TLP, h.Audience, h.Caveats)
		f.Own = d[:]
	}
	return f
}

// caseFactsOf reads the case-table input of a record, or nil if the table
// does not summarise its kind.
func caseFactsOf(h *share.Header, rec *share.Record) *caseFacts {
	if !summarised(h.Kind) {
		return nil
	}
	p := summarise(h.Kind, rec.Body)
	return caseFactsFrom(h, &p)
}

// caseFactsFrom is the case-table input of a record whose body summarises
// as p, or nil if the table does not keep it.
func caseFactsFrom(h *share.Header, p *parsedCase) *caseFacts {
	if k := slices.Index(caseKinds, p.kind); k <= 0 {
		return nil
	}
	c := &caseFacts{Kind: p.kind, Facet: p.facet, Author: h.Author, Created: h.Created, Month: int32(p.month),
		Category: p.category, TechAreas: p.techAreas, Outcome: p.outcome, Mitigations: p.mitigations, Ref: p.ref, Link: p.link}
	if !p.facet {
		c.Month = int32(policy.MonthOf(time.UnixMilli(h.Created)))
	}
	return c
}

// applyFacts adds opened records to the index and the own-record map, and
// queues them for the case table and the screening index (see backlog). The
// records must be stored (or being committed with the index insert): a record
// that is listed is screened and counted.
func (n *Node) applyFacts(batch []recordFacts) error {
	if len(batch) == 0 {
		return nil
	}
	// One copy of each CID (it may be a slice of a larger buffer), shared by
	// the index, the case table and the own-record map.
	for i := range batch {
		batch[i].Row.CID = strings.Clone(batch[i].Row.CID)
		batch[i].Row.CIDIsCopy = true
	}
	// Queued first: once the index lists a record, a reader of the case
	// table or the screening index finds it there or in the queue.
	n.cases.noteAll(batch)
	n.screening.noteAll(batch)
	rows := make([]index.Row, 0, min(len(batch), index.MaxTxnRows))
	var insertErr error
	for start := 0; start < len(batch); start += index.MaxTxnRows {
		rows = rows[:0]
		for _, f := range batch[start:min(len(batch), start+index.MaxTxnRows)] {
			rows = append(rows, f.Row)
		}
		if err := n.index.Insert(rows); err != nil && insertErr == nil {
			insertErr = err
		}
	}
	for i := range batch {
		f := &batch[i]
		if f.Own != nil {
			n.own.add(recordDigest(f.Own), f.Row.CID)
		}
	}
	return insertErr
}

// The case table and the screening index are not updated where records are
// applied: sync's storer, a publish and the start's rebuild only queue the
// facts (one append under a lock), and a background worker applies them in
// batches — a screening subject costs tens of microseconds to index, which
// the storer would otherwise spend per record. Every reader of either
// structure first applies what is queued (backlog.settle), so no answer
// misses a record the index lists: facts are queued before their rows are
// inserted.

// maxBacklog is how many facts may wait for the worker; past it, the
// caller that queues applies them itself, so a slow worker bounds memory.
const maxBacklog = 1 << 14

// backlog is work queued for one structure. apply is called with the
// batch in the order it was queued, by one goroutine at a time.
type backlog[T any] struct {
	apply   func([]T)
	mu      sync.Mutex
	items   []T
	waiting atomic.Int64  // queued and not yet applied
	applyMu sync.Mutex    // held while a batch is applied
	wake    chan struct{} // a worker's signal, capacity 1
}

func newBacklog[T any](apply func([]T)) *backlog[T] {
	return &backlog[T]{apply: apply, wake: make(chan struct{}, 1)}
}

// push queues items and wakes the worker; past maxBacklog it applies the
// queue at once.
func (b *backlog[T]) push(items ...T) {
	if len(items) == 0 {
		return
	}
	b.mu.Lock()
	b.items = append(b.items, items...)
	full := len(b.items) >= maxBacklog
	b.mu.Unlock()
	b.waiting.Add(int64(len(items)))
	if full {
		b.settle()
		return
	}
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// settle applies everything queued so far; when it returns, every item
// pushed before the call is applied.
func (b *backlog[T]) settle() {
	if b.waiting.Load() == 0 {
		return
	}
	b.applyMu.Lock()
	defer b.applyMu.Unlock()
	b.mu.Lock()
	items := b.items
	b.items = nil
	b.mu.Unlock()
	if len(items) > 0 {
		b.apply(items)
		b.waiting.Add(-int64(len(items)))
	}
}

// pending is how many items wait to be applied.
func (b *backlog[T]) pending() int64 { return b.waiting.Load() }

// applyInBackground applies the queued case and screening facts until the
// node closes.
func (n *Node) applyInBackground(cases *caseTable, scr *screening) {
	for {
		select {
		case <-n.closing:
			return
		case <-cases.queue.wake:
			cases.queue.settle()
		case <-scr.queue.wake:
			scr.queue.settle()
		}
	}
}

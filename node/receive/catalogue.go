package receive

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// Catalogue knows, for every log in the store, which entries are of which
// class, as runs of consecutive held entries with one class. A log's runs are
// read from the store the first time the log is asked about, then kept up to
// date by [Catalogue.Note] as entries are stored.
type Catalogue struct {
	st   *store.Store
	ent  *Entitlement
	self string

	mu   sync.Mutex
	logs map[logKey]*logRuns
}

type logKey struct{ author, log string }

// logRuns are one log's runs, ascending, and how far the log is held without
// a hole.
type logRuns struct {
	mu     sync.Mutex
	built  bool
	runs   []run
	contig uint64 // every entry 1..contig is held
}

// run is entries from..last (those of them held) of one class.
type run struct {
	from, last uint64
	cls        *class
}

// NewCatalogue catalogues the logs of st, held by the node self, deciding
// with ent.
func NewCatalogue(st *store.Store, ent *Entitlement, self string) *Catalogue {
	return &Catalogue{st: st, ent: ent, self: self, logs: map[logKey]*logRuns{}}
}

// forgetIfEmpty drops lr, the runs of a log the store holds nothing of, so
// that asking about made-up logs (a GetRange names any well-formed author
// and log) does not grow the catalogue: a member sending GetRanges at the
// stream rate grew it by a map entry each, for as long as the node ran. A
// note that comes meanwhile loses nothing: it follows its store commit, so
// the next read of the log, made afresh, sees the entry.
func (c *Catalogue) forgetIfEmpty(author, log string, lr *logRuns) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := logKey{author, log}
	if c.logs[k] != lr {
		return
	}
	lr.mu.Lock()
	empty := lr.built && len(lr.runs) == 0
	lr.mu.Unlock()
	if empty {
		delete(c.logs, k)
	}
}

// logsKept is how many logs the catalogue keeps runs of (for tests).
func (c *Catalogue) logsKept() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.logs)
}

func (c *Catalogue) runsOf(author, log string) *logRuns {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := logKey{author, log}
	lr := c.logs[k]
	if lr == nil {
		lr = &logRuns{}
		c.logs[k] = lr
	}
	return lr
}

// Note records that the entry with header h is now stored. Call it after the
// store has committed; a log not yet read from the store ignores it (reading
// it later sees the entry).
func (c *Catalogue) Note(h *share.Header) {
	lr := c.runsOf(h.Author, h.Log)
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if !lr.built && h.Seq == 1 && h.Author == c.self {
		// This node's own log starting now: read it, which costs an entry
		// or so, so that its publishes are noted from here on. It is read
		// rather than taken as empty: a restore fetches this node's own
		// logs back from several peers at once, and the pull that stored
		// seq 1 may note it after another noted (and this log, unread,
		// ignored) the entries after it.
		if err := c.build(h.Author, h.Log, lr); err != nil {
			return // read again when next asked
		}
		return // the store held h
	}
	if lr.built {
		lr.add(h.Seq, c.ent.classOf(h))
	}
}

func (lr *logRuns) add(seq uint64, cls *class) {
	n := len(lr.runs)
	if n > 0 && seq <= lr.runs[n-1].last {
		// Catalogued already (positions are never rewritten), or noted
		// late: two stores of one log (a push and a pull) commit in one
		// order and may note in the other. A late note at the first hole
		// would leave the log served only up to it, and its class
		// unknown, for as long as the node runs: the log is read again
		// from the store, which holds both. Notes beyond the first hole
		// matter only once it is filled, which reads the log again.
		if seq == lr.contig+1 {
			lr.built = false
		}
		return
	}
	if seq == lr.contig+1 {
		lr.contig = seq
	}
	switch {
	case n > 0 && lr.runs[n-1].cls == cls:
		lr.runs[n-1].last = seq
	default:
		lr.runs = append(lr.runs, run{from: seq, last: seq, cls: cls})
	}
}

// build reads the log's headers from the store. lr.mu is held.
func (c *Catalogue) build(author, log string, lr *logRuns) error {
	if lr.built {
		return nil
	}
	lr.runs, lr.contig = nil, 0
	// Stored envelopes were decoded and verified when they came: read only
	// the header fields a class needs, from the store's pages, uncopied.
	err := c.st.LogHeads(author, log, func(seq uint64, raw []byte) error {
		h, err := share.PeekHeader(raw)
		if err != nil {
			return fmt.Errorf("stored entry %d of %s/%s: %w", seq, author, log, err)
		}
		lr.add(seq, c.ent.classOf(h))
		return nil
	})
	if err != nil {
		lr.runs, lr.contig = nil, 0
		return err
	}
	lr.built = true
	return nil
}

// ErrNothingFor means a log holds no entry the peer may hold.
var ErrNothingFor = errors.New("no entry of this log is for the peer")

// HeadFor returns the highest sequence number of the log that peer may hold
// and that this node can serve, or ErrNothingFor. This node serves a log only
// as far as it holds it without a hole (it cannot vouch for what is at a
// position it does not hold). A Hello names that head, and only it, so a
// peer learns of no entry beyond what it may hold.
func (c *Catalogue) HeadFor(author, log, peer string) (uint64, error) {
	lr := c.runsOf(author, log)
	lr.mu.Lock()
	if err := c.build(author, log, lr); err != nil {
		lr.mu.Unlock()
		return 0, err
	}
	for i := len(lr.runs) - 1; i >= 0; i-- {
		r := lr.runs[i]
		if r.from <= lr.contig && c.ent.mayHold(r.cls, peer) {
			head := min(r.last, lr.contig)
			lr.mu.Unlock()
			return head, nil
		}
	}
	empty := len(lr.runs) == 0
	lr.mu.Unlock()
	if empty {
		c.forgetIfEmpty(author, log, lr)
	}
	return 0, ErrNothingFor
}

// Filter returns a function that reports whether peer may hold the entry at
// seq (one this node holds), and how far this node holds the log without a
// hole. The runs are copied once, so a walk over the log holds no lock.
func (c *Catalogue) Filter(author, log, peer string) (allowed func(seq uint64) bool, contig uint64, err error) {
	lr := c.runsOf(author, log)
	lr.mu.Lock()
	if err := c.build(author, log, lr); err != nil {
		lr.mu.Unlock()
		return nil, 0, err
	}
	runs := append([]run(nil), lr.runs...)
	contig = lr.contig
	lr.mu.Unlock()
	if len(runs) == 0 {
		c.forgetIfEmpty(author, log, lr)
	}
	ok := make([]bool, len(runs))
	for i, r := range runs {
		ok[i] = c.ent.mayHold(r.cls, peer) && c.ent.mayHold(r.cls, c.self)
	}
	return func(seq uint64) bool {
		i := sort.Search(len(runs), func(i int) bool { return runs[i].last >= seq })
		return i < len(runs) && runs[i].from <= seq && ok[i]
	}, contig, nil
}

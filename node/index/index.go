// Package index holds what this node may read, in memory only (go-memdb): every readable record's
// header facts, title and searchable words. It is never written to disk; the node rebuilds it at
// start by opening every envelope. Bodies are not kept: the node opens the one envelope it shows.
//
// Start with [New], fill it with [Index.Insert] as envelopes are opened, and read it with
// [Index.List] and [Index.Get]. [Index.Watch] returns a channel that is closed on the next change,
// for live views. All methods are safe for concurrent use: readers see consistent snapshots and
// never see a half-applied change.
//
// Memory is the constraint that shapes this package (1,000,000 records in 1.5 GiB, docs/BENCHMARKS.md):
// a row holds no text, repeated strings are shared (see rec.go), and words are indexed in
// posting lists that turn into bitmaps once a word is common (see words.go).
package index

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	memdb "github.com/hashicorp/go-memdb"
)

// MaxTxnRows is the most rows Insert writes in one memdb transaction (larger
// transactions overflow go-memdb's bounded cache of modified radix nodes, and Commit then walks
// the whole tree to notify watchers). BenchmarkInsert100k with CID-shaped keys measured 5,000
// faster than 2,000 (2.8 s against 3.4 s for 100,000 rows).
const MaxTxnRows = 5000

// ErrInvalidRow means a row given to Insert has no CID.
var ErrInvalidRow = errors.New("invalid row")

// Row is one record as the node lists it: its header fields and title. The body is not part of
// it; the node opens the envelope when a body is asked for.
//
// The slices of a Row returned by Get or List are shared with the index: do not change them.
type Row struct {
	CID        string
	Kind       string
	Author     string // peer ID
	AuthorName string // the author's name on the roster
	Log        string
	Seq        uint64

	TLP           string // lower case: clear, green, amber, amber+strict, red
	Audience      []string
	Caveats       []string
	Created       time.Time // millisecond precision, UTC
	RosterVersion uint64

	Title string // the body's title, or a label derived by the caller (sightings, retractions)

	Retracted     bool
	RetractedBy   string // CID of the retraction record
	RetractReason string

	ValidUntil time.Time // zero if absent; past it the record is expired. Millisecond precision, UTC
	ReviewDue  time.Time // zero if absent. Millisecond precision, UTC

	// Text is what List's Text filter searches besides the title and the author's name: the
	// caller passes the body's text (see SearchText). The index keeps its words, not the Text;
	// rows read back have it empty.
	Text string

	// CIDIsCopy says that CID is a string of its own (not a slice of a larger buffer), which
	// the index may keep as it is; otherwise the index keeps a copy. A caller that keeps the
	// CID elsewhere too shares one copy this way: at a million rows, 64 bytes a row.
	CIDIsCopy bool
}

// Index is the in-memory view of readable records.
type Index struct {
	db        *memdb.MemDB // CID → *rec: the rows, for Get and Watch
	wmu       sync.Mutex   // serialises writers: the counts, the interning tables and the view
	count     atomic.Int64
	retracted atomic.Int64 // rows that are retraction stubs
	strs      interner     // guarded by wmu
	nextOrd   uint32       // the ordinal of the next new row, in the word index; guarded by wmu
	view      *view        // what List reads; see view.go

	live map[*tags]int64 // live (not retracted) rows by kind and policy tags; guarded by wmu
}

const table = "records"

// indexID is memdb's primary index, of pages by key (see pages.go). List does not walk memdb
// (see view.go).
const indexID = "id"

// New returns an empty index.
func New() (*Index, error) {
	schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		table: {
			Name: table,
			Indexes: map[string]*memdb.IndexSchema{
				indexID: {Name: indexID, Unique: true, Indexer: pageIndexer{}},
			},
		},
	}}
	db, err := memdb.NewMemDB(schema)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	return &Index{db: db, strs: newInterner(), view: newView(), live: map[*tags]int64{}}, nil
}

// Insert adds rows, replacing rows with the same CID. A row whose CID was retracted stays a
// retraction stub: its header facts are updated but its title and words are dropped. Rows are
// written in transactions of at most MaxTxnRows; if a row is invalid nothing is written.
func (x *Index) Insert(rows []Row) error {
	for i := range rows {
		if rows[i].CID == "" {
			return fmt.Errorf("insert row %d: no cid: %w", i, ErrInvalidRow)
		}
	}
	x.wmu.Lock()
	defer x.wmu.Unlock()
	for start := 0; start < len(rows); start += MaxTxnRows {
		chunk := rows[start:min(start+MaxTxnRows, len(rows))]
		txn := x.db.Txn(true)
		ps := newPages(txn)
		added, retracted := 0, 0
		changes := make([]change, 0, len(chunk))
		for i := range chunk {
			pg, err := ps.page(chunk[i].CID)
			if err != nil {
				txn.Abort()
				return fmt.Errorf("insert row %d (cid %s): %w", start+i, chunk[i].CID, err)
			}
			c := change{old: pg.get(chunk[i].CID)}
			r := x.strs.rec(&chunk[i])
			if c.old == nil {
				added++
				r.ord = x.newOrd()
			} else {
				r.ord = c.old.ord
				if c.old.retraction != nil && r.retraction == nil {
					r.retraction, r.title = c.old.retraction, ""
				}
			}
			if r.retraction == nil {
				// A CID names its content, so a replaced row has the words it had; posting
				// them again is a no-op.
				c.words, c.text = true, chunk[i].searchable()
			} else {
				r.title = ""
				if c.old == nil || c.old.retraction == nil {
					retracted++
				}
			}
			c.new = r
			x.countLive(c.old, r)
			pg.put(r)
			changes = append(changes, c)
		}
		if err := ps.store(); err != nil {
			txn.Abort()
			return fmt.Errorf("insert %d rows: %w", len(chunk), err)
		}
		x.view.apply(changes) // before the commit, so that a watcher woken by it sees the rows
		txn.Commit()
		x.count.Add(int64(added))
		x.retracted.Add(int64(retracted))
	}
	return nil
}

// newOrd hands out the next ordinal. Called with wmu held.
func (x *Index) newOrd() uint32 {
	if x.nextOrd == math.MaxUint32 {
		panic("index: more than 4,294,967,294 rows")
	}
	x.nextOrd++
	return x.nextOrd - 1
}

// searchable is the text of a row that List's Text filter searches: its title, its author's
// name and its Text. No word spans two of them (as if they were joined by newlines); they are
// not joined, which would copy the text of every row inserted.
func (r *Row) searchable() [3]string {
	return [3]string{r.Title, r.AuthorName, r.Text}
}

// Get returns the row for cid.
func (x *Index) Get(cid string) (Row, bool) {
	r, err := lookup(x.db.Txn(false), cid)
	if err != nil || r == nil {
		return Row{}, false
	}
	return r.row(), true
}

// Retract turns the row for cid into a retraction stub: its title and words are dropped, its
// header fields are kept. If cid is unknown a stub row holding only the CID and the retraction
// is inserted, so that the record stays retracted if it is inserted later. Stub rows with no
// kind are not listed.
func (x *Index) Retract(cid, by, reason string) error {
	if cid == "" {
		return fmt.Errorf("retract: no cid: %w", ErrInvalidRow)
	}
	x.wmu.Lock()
	defer x.wmu.Unlock()
	txn := x.db.Txn(true)
	defer txn.Abort()
	ps := newPages(txn)
	pg, err := ps.page(cid)
	if err != nil {
		return fmt.Errorf("retract %s: %w", cid, err)
	}
	c := change{old: pg.get(cid)}
	var r *rec
	if c.old != nil {
		cp := *c.old
		r = &cp
	} else {
		r = x.strs.rec(&Row{CID: cid})
		r.ord = x.newOrd()
	}
	r.retraction, r.title = &retraction{by: by, reason: reason}, ""
	c.new = r
	x.countLive(c.old, r)
	pg.put(r)
	if err := ps.store(); err != nil {
		return fmt.Errorf("retract %s: %w", cid, err)
	}
	x.view.apply([]change{c})
	txn.Commit()
	if c.old == nil {
		x.count.Add(1)
	}
	if c.old == nil || c.old.retraction == nil {
		x.retracted.Add(1)
	}
	return nil
}

// countLive moves a row's count from its old (possibly nil) to its new
// state. Called with wmu held.
func (x *Index) countLive(old, new *rec) {
	if old != nil && old.retraction == nil && old.tags != nil && old.tags.kind != "" {
		x.live[old.tags]--
	}
	if new.retraction == nil && new.tags != nil && new.tags.kind != "" {
		x.live[new.tags]++
	}
}

// CountsByKindAndTLP returns the number of live (not retracted) rows of each
// kind and TLP level, for metrics.
func (x *Index) CountsByKindAndTLP() map[[2]string]int64 {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	out := map[[2]string]int64{}
	for t, n := range x.live {
		if n != 0 {
			out[[2]string{t.kind, t.tlp}] += n
		}
	}
	return out
}

// Reserve makes room for n more rows, so that a rebuild of known size does not grow the list
// view by doubling (at 1,000,000 rows a doubling holds old and new copies, ~120 MB, at once).
func (x *Index) Reserve(n int) {
	v := x.view
	v.mu.Lock()
	defer v.mu.Unlock()
	v.entries = slices.Grow(v.entries, n)
}

// Len returns the number of rows, retraction stubs included.
func (x *Index) Len() int { return int(x.count.Load()) }

// Live returns the number of rows that are not retracted: the records a
// reader can open now.
func (x *Index) Live() int { return int(x.count.Load() - x.retracted.Load()) }

// Watch returns a channel that is closed at the next change to the index.
func (x *Index) Watch() <-chan struct{} {
	it, err := x.db.Txn(false).Get(table, indexID)
	if err != nil {
		// Only a schema mistake gets here; New's schema has this table and index.
		panic(fmt.Sprintf("index: watch: %v", err))
	}
	return it.WatchCh()
}

// descending maps a time in unix milliseconds to a number that sorts newest first; noTime sorts
// last.
func descending(ms int64) uint64 {
	if ms == noTime {
		return math.MaxUint64
	}
	// Flip the sign bit so that int64 order becomes uint64 order, then invert for newest first.
	return ^(uint64(ms) ^ 1<<63)
}

// lower lower-cases s, returning s itself when it has no upper-case letter.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

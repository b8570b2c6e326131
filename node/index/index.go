// Package index holds the records this node may read, decrypted, in memory only (go-memdb). It is
// never written to disk; the node rebuilds it at start.
//
// Start with [New], fill it with [Index.Insert] as envelopes are opened, and read it with
// [Index.List] and [Index.Get]. [Index.Watch] returns a channel that is closed on the next change,
// for live views. All methods are safe for concurrent use: readers see consistent snapshots
// (memdb is MVCC) and never block writers.
package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	memdb "github.com/hashicorp/go-memdb"
)

// MaxTxnRows is the most rows Insert writes in one memdb transaction (DESIGN.md §2: larger
// transactions overflow go-memdb's bounded cache of modified radix nodes, and Commit then walks
// the whole tree to notify watchers). BenchmarkInsert100k with CID-shaped keys measured 5,000
// faster than 2,000 (2.8 s against 3.4 s for 100,000 rows).
const MaxTxnRows = 5000

// ErrInvalidRow means a row given to Insert has no CID.
var ErrInvalidRow = errors.New("invalid row")

// Row is one record as the node shows it: its header fields in the clear and its decrypted body.
//
// The index keeps the Row it is given, slices included: do not change a Row's slices or Body
// after Insert, nor those of a Row returned by Get or List.
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
	Created       time.Time
	RosterVersion uint64

	Title string          // the body's title, or a label derived by the caller (sightings, retractions)
	Body  json.RawMessage // the decrypted record JSON; nil when retracted

	Retracted     bool
	RetractedBy   string // CID of the retraction record
	RetractReason string

	ValidUntil time.Time // zero if absent; past it the record is expired
	ReviewDue  time.Time // zero if absent

	// Text is the lower-cased text that List's Text filter searches. Insert fills it from Title,
	// AuthorName and SearchText(Body) when it is empty.
	Text string
}

// Index is the in-memory view of readable records.
type Index struct {
	db        *memdb.MemDB
	wmu       sync.Mutex // serialises writers so that the row count stays exact
	count     atomic.Int64
	retracted atomic.Int64 // rows that are retraction stubs
	view      *view        // what List reads; see view.go
}

const table = "records"

// indexID is memdb's primary index, by CID. List does not walk memdb (see view.go).
const indexID = "id"

// New returns an empty index.
func New() (*Index, error) {
	schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		table: {
			Name: table,
			Indexes: map[string]*memdb.IndexSchema{
				indexID: {Name: indexID, Unique: true, Indexer: &memdb.StringFieldIndex{Field: "CID"}},
			},
		},
	}}
	db, err := memdb.NewMemDB(schema)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	return &Index{db: db, view: newView()}, nil
}

// Insert adds rows, replacing rows with the same CID. A row whose CID was retracted stays a
// retraction stub: its metadata is updated but its body and text are dropped. Rows are written
// in transactions of at most MaxTxnRows; if a row is invalid nothing is written.
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
		added, retracted := 0, 0
		changes := make([]change, 0, len(chunk))
		for i := range chunk {
			r := chunk[i] // a copy the index owns
			existing, err := txn.First(table, indexID, r.CID)
			if err != nil {
				txn.Abort()
				return fmt.Errorf("insert row %d (cid %s): %w", start+i, r.CID, err)
			}
			var old *Row
			if existing == nil {
				added++
			} else if old = existing.(*Row); old.Retracted && !r.Retracted {
				r.Retracted, r.RetractedBy, r.RetractReason = true, old.RetractedBy, old.RetractReason
			}
			normalise(&r)
			if err := txn.Insert(table, &r); err != nil {
				txn.Abort()
				return fmt.Errorf("insert row %d (cid %s): %w", start+i, r.CID, err)
			}
			changes = append(changes, change{old: old, new: &r})
			if r.Retracted && (old == nil || !old.Retracted) {
				retracted++
			}
		}
		txn.Commit()
		x.view.apply(changes)
		x.count.Add(int64(added))
		x.retracted.Add(int64(retracted))
	}
	return nil
}

// normalise fills the derived fields of a row about to be stored.
func normalise(r *Row) {
	r.TLP = strings.ToLower(r.TLP)
	if r.Retracted {
		stripContent(r)
		return
	}
	if r.Text == "" {
		r.Text = strings.ToLower(r.Title+"\n"+r.AuthorName) + "\n" + SearchText(r.Body)
	} else {
		r.Text = strings.ToLower(r.Text)
	}
}

// stripContent drops everything taken from a retracted record's body.
func stripContent(r *Row) {
	r.Body, r.Title, r.Text = nil, "", ""
}

// Get returns the row for cid.
func (x *Index) Get(cid string) (Row, bool) {
	obj, err := x.db.Txn(false).First(table, indexID, cid)
	if err != nil || obj == nil {
		return Row{}, false
	}
	return *obj.(*Row), true
}

// Retract turns the row for cid into a retraction stub: its body, title and text are dropped,
// its header fields are kept. If cid is unknown a stub row holding only the CID and the
// retraction is inserted, so that the record stays retracted if it is inserted later. Stub rows
// with no kind are not listed.
func (x *Index) Retract(cid, by, reason string) error {
	if cid == "" {
		return fmt.Errorf("retract: no cid: %w", ErrInvalidRow)
	}
	x.wmu.Lock()
	defer x.wmu.Unlock()
	txn := x.db.Txn(true)
	defer txn.Abort()
	existing, err := txn.First(table, indexID, cid)
	if err != nil {
		return fmt.Errorf("retract %s: %w", cid, err)
	}
	r := Row{CID: cid}
	var old *Row
	if existing != nil {
		old = existing.(*Row)
		r = *old
	}
	r.Retracted, r.RetractedBy, r.RetractReason = true, by, reason
	stripContent(&r)
	if err := txn.Insert(table, &r); err != nil {
		return fmt.Errorf("retract %s: %w", cid, err)
	}
	txn.Commit()
	x.view.apply([]change{{old: old, new: &r}})
	if existing == nil {
		x.count.Add(1)
	}
	if old == nil || !old.Retracted {
		x.retracted.Add(1)
	}
	return nil
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

// descending maps t to a number that sorts newest first; the zero time sorts last.
func descending(t time.Time) uint64 {
	if t.IsZero() {
		return math.MaxUint64
	}
	// UnixNano is defined for 1678–2262; clamp outside so the order stays monotonic.
	var n int64
	switch {
	case t.Year() < 1678:
		n = math.MinInt64 + 1
	case t.Year() > 2261:
		n = math.MaxInt64
	default:
		n = t.UnixNano()
	}
	// Flip the sign bit so that int64 order becomes uint64 order, then invert for newest first.
	return ^(uint64(n) ^ 1<<63)
}

package index

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
)

// view is what List reads: every row in one slice ordered newest first, with the fields List
// filters on packed beside the row pointer, and the word index of the rows' text.
//
// Why not walk memdb's indexes: List must count every matching row, and a go-memdb iterator costs
// about 300 ns a row on the 2-core development machine, so any query that touches 100,000 rows
// misses the 20 ms target (BenchmarkList100k measured 32 ms p50 for the plain list, 200 ms for a
// text search). A packed slice scans 100,000 rows in well under a millisecond, and the word
// index turns a text search into a few bitmap operations. memdb stays the store of record for
// Get and Watch; the view is updated under the same writer lock as each memdb transaction.
type view struct {
	mu      sync.RWMutex
	entries []entry // newest first: created key ascending, then CID ascending

	kinds, tlps, authors dict
	words                *words
	seen                 wordSet // words.add's scratch, kept between rows
}

// entry is 40 bytes.
type entry struct {
	r          *rec
	created    uint64 // descending(r.created)
	validUntil int64  // unix milliseconds; math.MaxInt64 when absent
	ord        uint32
	kind, tlp  uint16 // dict codes; 0 means ""
	author     uint32
}

// dict assigns small codes to the few distinct values of a field. Code 0 is "".
type dict map[string]uint32

func (d dict) code(s string) uint32 {
	if s == "" {
		return 0
	}
	c, ok := d[s]
	if !ok {
		c = uint32(len(d) + 1)
		d[strings.Clone(s)] = c
	}
	return c
}

func newView() *view {
	return &view{kinds: dict{}, tlps: dict{}, authors: dict{}, words: newWords()}
}

func less(a, b entry) int {
	if c := cmp.Compare(a.created, b.created); c != 0 {
		return c
	}
	return strings.Compare(a.r.cid, b.r.cid)
}

// change is one row written to memdb: old is the row it replaced, or nil; if words is set, the
// new row's words are indexed from text, the row's searchable parts (Row.searchable).
type change struct {
	old, new *rec
	words    bool
	text     [3]string
}

// apply brings the view up to date with changes about to be committed to memdb. The new rows
// already carry their ordinals.
func (v *view) apply(changes []change) {
	v.mu.Lock()
	defer v.mu.Unlock()

	var removed map[*rec]bool
	added := make([]entry, 0, len(changes))
	for _, c := range changes {
		if c.old != nil {
			if removed == nil {
				removed = map[*rec]bool{}
			}
			removed[c.old] = true
		}
		if c.new.ord >= v.words.rows {
			v.words.rows = c.new.ord + 1
		}
		if c.words {
			v.words.add(c.new.ord, &v.seen, c.text[:]...)
		}
		validUntil := c.new.validUntil
		if validUntil == noTime {
			validUntil = math.MaxInt64
		}
		added = append(added, entry{
			r:          c.new,
			created:    descending(c.new.created),
			validUntil: validUntil,
			ord:        c.new.ord,
			kind:       uint16(v.kinds.code(c.new.tags.kind)),
			tlp:        uint16(v.tlps.code(c.new.tags.tlp)),
			author:     v.authors.code(c.new.src.author),
		})
	}
	if removed != nil {
		gone := func(e entry) bool { return removed[e.r] }
		v.entries = slices.DeleteFunc(v.entries, gone)
		added = slices.DeleteFunc(added, gone) // a CID inserted twice in one transaction
	}
	slices.SortFunc(added, less)

	// Merge in place from the back: a rebuild adds 5,000 rows at a time to a slice that grows to
	// every row, and a fresh slice per batch would copy and discard all of it each time.
	n, m := len(v.entries), len(added)
	v.entries = slices.Grow(v.entries, m)[:n+m]
	for i, j, k := n-1, m-1, n+m-1; j >= 0; k-- {
		if i >= 0 && less(v.entries[i], added[j]) > 0 {
			v.entries[k] = v.entries[i]
			i--
		} else {
			v.entries[k] = added[j]
			j--
		}
	}
}

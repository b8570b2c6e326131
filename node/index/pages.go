package index

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	memdb "github.com/hashicorp/go-memdb"
)

// memdb holds the rows in pages: every row whose CID hashes to the same 16 bits is in one page,
// sorted by CID. A memdb object costs about 330 bytes of radix-tree nodes and watch channels
// (measured: 785 bytes a row for a 160-byte row), a third of what a row may cost in all if
// 1,000,000 records are to fit in 1.5 GiB (docs/BENCHMARKS.md); 65,536 pages cost that once per page
// instead. A page is never changed once stored: a write copies it and stores the copy, so
// memdb's snapshots and watch channels work as they do for rows.
type page struct {
	key  uint16
	recs []*rec // sorted by cid
}

// pageBits is how many bits of a CID's hash name its page.
const pageBits = 16

var pageSeed = maphash.MakeSeed()

// pageOf returns the page key of a CID.
func pageOf(cid string) uint16 { return uint16(maphash.String(pageSeed, cid) >> (64 - pageBits)) }

// find returns the position of cid in the page, and whether it is there.
func (p *page) find(cid string) (int, bool) {
	return slices.BinarySearchFunc(p.recs, cid, func(r *rec, c string) int { return strings.Compare(r.cid, c) })
}

// get returns the row for cid, or nil.
func (p *page) get(cid string) *rec {
	if i, ok := p.find(cid); ok {
		return p.recs[i]
	}
	return nil
}

// put sets the row for r.cid in a page that is not yet stored.
func (p *page) put(r *rec) {
	i, ok := p.find(r.cid)
	if ok {
		p.recs[i] = r
		return
	}
	p.recs = slices.Insert(p.recs, i, r)
}

// pageKey is memdb's key for page k.
func pageKey(k uint16) []byte { return []byte{byte(k >> 8), byte(k)} }

// pageIndexer is memdb's index of pages by their key.
type pageIndexer struct{}

func (pageIndexer) FromObject(obj any) (bool, []byte, error) {
	p, ok := obj.(*page)
	if !ok {
		return false, nil, fmt.Errorf("index: not a page: %T", obj)
	}
	return true, pageKey(p.key), nil
}

func (pageIndexer) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("index: want one page key, got %d arguments", len(args))
	}
	k, ok := args[0].(uint16)
	if !ok {
		return nil, fmt.Errorf("index: page key must be a uint16, got %T", args[0])
	}
	return pageKey(k), nil
}

// pages are the pages one write transaction changes: each is copied from memdb once, changed in
// place, and stored once at the end.
type pages struct {
	txn     *memdb.Txn
	changed map[uint16]*page
}

func newPages(txn *memdb.Txn) *pages { return &pages{txn: txn, changed: map[uint16]*page{}} }

// page returns the writable copy of the page for cid.
func (ps *pages) page(cid string) (*page, error) {
	k := pageOf(cid)
	if p, ok := ps.changed[k]; ok {
		return p, nil
	}
	p := &page{key: k}
	obj, err := ps.txn.First(table, indexID, k)
	if err != nil {
		return nil, err
	}
	if obj != nil {
		old := obj.(*page).recs
		p.recs = make([]*rec, len(old), len(old)+1)
		copy(p.recs, old)
	}
	ps.changed[k] = p
	return p, nil
}

// store writes every changed page to the transaction.
func (ps *pages) store() error {
	for _, p := range ps.changed {
		if err := ps.txn.Insert(table, p); err != nil {
			return err
		}
	}
	return nil
}

// lookup returns the row for cid in a read transaction, or nil.
func lookup(txn *memdb.Txn, cid string) (*rec, error) {
	obj, err := txn.First(table, indexID, pageOf(cid))
	if err != nil || obj == nil {
		return nil, err
	}
	return obj.(*page).get(cid), nil
}

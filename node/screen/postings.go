package screen

import "hash/maphash"

// postings maps a key to the IDs filed under it. Most keys have one ID, so
// the first is held in a plain map and only further ones in slices: a
// slice per key cost 32 bytes more for every name indexed.
type postings[K comparable] struct {
	first map[K]uint32
	more  map[K][]uint32
}

func newPostings[K comparable]() postings[K] {
	return postings[K]{first: map[K]uint32{}, more: map[K][]uint32{}}
}

func (p *postings[K]) add(k K, id uint32) {
	if _, ok := p.first[k]; !ok {
		p.first[k] = id
		return
	}
	p.more[k] = append(p.more[k], id)
}

// get returns the IDs filed under k, in the order they were added. A key
// with one ID costs no allocation.
func (p *postings[K]) get(k K) []uint32 {
	first, ok := p.first[k]
	if !ok {
		return nil
	}
	more := p.more[k]
	if len(more) == 0 {
		return []uint32{first} // does not escape: the callers only range over it
	}
	return append([]uint32{first}, more...)
}

// deletionSeed hashes one-deletion variants for the vocabulary: 8 bytes a
// variant instead of the string. A collision only adds a candidate, which
// the edit-distance check then drops.
var deletionSeed = maphash.MakeSeed()

func hashOf(s string) uint64 { return maphash.String(deletionSeed, s) }

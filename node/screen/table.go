package screen

import "hash/maphash"

// A node may hold a million indicators, each naming a different
// organisation, so the index keeps no string, map or slice per name: names
// and words are bytes in an arena, and every lookup goes through a table
// from a 64-bit hash to 32-bit IDs. A hash says only where to look: what
// it finds is checked against the name or word itself, so a collision
// never makes a match.

// table is a multimap from 64-bit hashes to 32-bit IDs: open addressing,
// linear probing, one pair of flat arrays per shard, so that it holds no
// pointers for the garbage collector to follow and grows one shard at a
// time (a million subjects never double one large array at once). The IDs
// filed under one hash come back in the order they were added.
type table struct {
	shards [tableShards]tableShard
}

const (
	tableShards = 64
	shardBits   = 6
)

// A shard keeps 32 bits of each hash besides the 6 that chose it: 8 bytes
// an entry. Every reader checks what it finds (a name's folded form, a
// word, an edit distance), so an entry that shares those bits with the
// one asked for costs a check, never a wrong answer.
type tableShard struct {
	keys []uint32 // 0 is an empty slot (a key of 0 is stored as 1)
	ids  []uint32
	used int
}

// split is the shard and the key within it of a hash.
func (t *table) split(h uint64) (*tableShard, uint32) {
	k := uint32(h)
	if k == 0 {
		k = 1
	}
	return &t.shards[h>>(64-shardBits)], k
}

// add files id under h.
func (t *table) add(h uint64, id uint32) {
	s, k := t.split(h)
	if 8*(s.used+1) > 7*len(s.keys) { // at most 7/8 full
		s.grow()
	}
	s.put(k, id)
	s.used++
}

// home is the first slot a key probes: the key scaled to the shard's size
// (a multiply and a shift, Lemire's "fastrange"), so a shard's size need
// not be a power of two.
func (s *tableShard) home(k uint32) int { return int(uint64(k) * uint64(len(s.keys)) >> 32) }

func (s *tableShard) put(k, id uint32) {
	for i := s.home(k); ; i++ {
		if i == len(s.keys) {
			i = 0
		}
		if s.keys[i] == 0 {
			s.keys[i], s.ids[i] = k, id
			return
		}
	}
}

// tableGrowth is how much a full shard grows: by a quarter, so that a
// shard is between 70% and 7/8 full. Doubling left it between 44% and 7/8
// (about 151 bytes of table a screening subject at a million; 2026-11-29).
// Linear probing at 7/8 still finds a key in a few probes of one cache
// line, and a grow moves one shard of 64, never the whole table.
const (
	tableGrowthNum = 5
	tableGrowthDen = 4
)

// grow enlarges the shard. Entries are moved cluster by cluster, in probe
// order, which keeps the order of IDs under one hash.
func (s *tableShard) grow() {
	old, oldIDs := s.keys, s.ids
	size := max(16, len(old)*tableGrowthNum/tableGrowthDen)
	s.keys, s.ids = make([]uint32, size), make([]uint32, size)
	start := 0
	for start < len(old) && old[start] != 0 {
		start++ // a cluster that wraps round the end is moved from its beginning
	}
	for k := range old {
		i := (start + k) % len(old)
		if old[i] != 0 {
			s.put(old[i], oldIDs[i])
		}
	}
}

// each calls fn with the IDs filed under h, in the order they were added,
// until fn returns false.
func (t *table) each(h uint64, fn func(id uint32) bool) {
	s, k := t.split(h)
	if len(s.keys) == 0 {
		return
	}
	for i := s.home(k); ; i++ {
		if i == len(s.keys) {
			i = 0
		}
		if s.keys[i] == 0 {
			return
		}
		if s.keys[i] == k && !fn(s.ids[i]) {
			return
		}
	}
}

// get returns the IDs filed under h, in the order they were added.
func (t *table) get(h uint64) []uint32 {
	var out []uint32
	t.each(h, func(id uint32) bool { out = append(out, id); return true })
	return out
}

// bytes is the memory the table holds.
func (t *table) bytes() int {
	n := 0
	for i := range t.shards {
		n += 8 * len(t.shards[i].keys)
	}
	return n
}

// hashSeed is per process: the tables are never written anywhere.
var hashSeed = maphash.MakeSeed()

// Tags keep the postings of different fields apart in one table.
const (
	tagExact byte = iota + 1
	tagKey
	tagSorted
	tagAcronym
	tagCore
	tagBrand
	tagROR
	tagCID
	tagWord
	tagDeletion
)

// hashOf hashes s under a tag.
func hashOf(tag byte, s string) uint64 {
	var h maphash.Hash
	h.SetSeed(hashSeed)
	h.WriteByte(tag)
	h.WriteString(s)
	return h.Sum64()
}

// arena holds byte strings in chunks of arenaChunk bytes; an entry is found
// by its offset. Chunks are never moved, so growing costs no copy.
type arena struct {
	chunks [][]byte
}

const arenaChunkBits = 20
const arenaChunk = 1 << arenaChunkBits

// put appends b and returns its offset. An entry longer than a chunk gets
// a chunk of its own.
func (a *arena) put(b []byte) uint32 {
	n := len(a.chunks)
	if n == 0 || len(a.chunks[n-1])+len(b) > arenaChunk {
		a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, len(b))))
		n++
	}
	c := &a.chunks[n-1]
	off := uint32(n-1)<<arenaChunkBits | uint32(len(*c))
	*c = append(*c, b...)
	return off
}

// at returns the bytes from offset off to the end of its chunk.
func (a *arena) at(off uint32) []byte {
	return a.chunks[off>>arenaChunkBits][off&(arenaChunk-1):]
}

func (a *arena) bytes() int {
	n := 0
	for _, c := range a.chunks {
		n += cap(c)
	}
	return n
}

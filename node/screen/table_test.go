package screen

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTableKeepsOrderAcrossGrowth files IDs under hashes that share a
// shard, a key or both, through many grows, and checks that every hash
// gives back exactly its IDs in the order they were added — the screening
// index relies on that order (a subject's names, a word's tokens).
func TestTableKeepsOrderAcrossGrowth(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tb table
	want := map[uint64][]uint32{}
	var hashes []uint64
	for id := range uint32(200_000) {
		var h uint64
		switch {
		case len(hashes) > 0 && rng.IntN(4) == 0: // a hash met before
			h = hashes[rng.IntN(len(hashes))]
		case rng.IntN(50) == 0: // the same 32-bit key in another shard
			h = uint64(rng.IntN(tableShards))<<(64-shardBits) | 0xdeadbeef
		case rng.IntN(100) == 0: // a key of 0, stored as 1
			h = uint64(rng.IntN(tableShards)) << (64 - shardBits)
		default:
			h = rng.Uint64()
		}
		if _, ok := want[h]; !ok {
			hashes = append(hashes, h)
		}
		want[h] = append(want[h], id)
		tb.add(h, id)
	}
	for _, h := range hashes {
		got := tb.get(h)
		// A hash shares its shard and 32-bit key with others only by
		// chance or by the cases above: those IDs come back too, and
		// readers check them. The IDs of h must be there, in order.
		var mine []uint32
		for _, id := range got {
			if slices.Contains(want[h], id) {
				mine = append(mine, id)
			}
		}
		if !slices.Equal(mine, want[h]) {
			t.Fatalf("hash %#x: got %v, want %v", h, mine, want[h])
		}
	}
	if got := tb.get(0x0123456789abcdef); len(got) != 0 && !slices.ContainsFunc(hashes, func(h uint64) bool { return uint32(h) == 0x89abcdef }) {
		t.Fatalf("a hash never added gave %v", got)
	}
	entries := 0
	for i := range tb.shards {
		s := &tb.shards[i]
		entries += s.used
		if 8*s.used > 7*len(s.keys) {
			t.Fatalf("shard %d is %d/%d full, over 7/8", i, s.used, len(s.keys))
		}
	}
	if entries != 200_000 {
		t.Fatalf("%d entries, want 200000", entries)
	}
	t.Logf("table: %d entries in %d bytes (%.0f%% full)", entries, tb.bytes(), 100*float64(8*entries)/float64(tb.bytes()))
}

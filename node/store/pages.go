package store

// The store's file is memory-mapped by bbolt, and every envelope read (a start's index rebuild,
// a peer's bulk sync) leaves its pages mapped in the node's address space, where they count
// towards its RSS: 1,000,000 records are ~1.6 GiB of file, more than DESIGN.md §7 allows the
// whole node. The pages are clean and shared with the kernel's page cache, so the node drops its
// mapping of them every releaseEvery bytes read; the next read of a page maps it again from the
// page cache (a minor fault, no I/O).

// releaseEvery is how many bytes of envelopes are read between two releases.
const releaseEvery = 8 << 20

// noteRead counts n bytes read from the map and releases the mapped pages once releaseEvery
// bytes have been read since the last release.
func (s *Store) noteRead(n int) {
	if s.unreleased.Add(int64(n)) < releaseEvery {
		return
	}
	s.unreleased.Store(0)
	s.ReleasePages()
}

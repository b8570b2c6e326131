package store

// The store's file is memory-mapped by bbolt, and every envelope read or written (a start's
// index rebuild, a peer's bulk sync) leaves pages mapped in the node's address space, where they
// count towards its RSS: 1,000,000 records are ~2.6 GiB of file, more than the 1.5 GiB the whole
// node may use (docs/BENCHMARKS.md). The pages are clean and shared with the kernel's page cache,
// so the node drops its mapping of them when too many are mapped; the next read of a page maps it
// again from the page cache (a minor fault, no I/O).
//
// Dropping them too often costs: the tree's inner pages are read on every lookup and fault
// back in after each release (at 100,000 records a bulk sync spent 10% of its time in page
// faults with a release every 8 MiB read). So every checkEvery bytes the node looks at how much
// of the file it has mapped, and releases only above mappedCap.

const (
	// checkEvery is how many bytes of envelopes are read or written between two looks.
	checkEvery = 8 << 20
	// mappedCap is how much of its files the process may keep mapped before the store
	// releases its pages (file-backed RSS, which also counts the node's own executable).
	mappedCap = 64 << 20
)

// noteRead counts n bytes read from (or written through) the map and, every checkEvery bytes,
// releases the mapped pages if the process maps more than mappedCap of files.
func (s *Store) noteRead(n int) {
	if s.unreleased.Add(int64(n)) < checkEvery {
		return
	}
	s.unreleased.Store(0)
	if mapped, ok := mappedFileBytes(); !ok || mapped > mappedCap {
		s.ReleasePages()
	}
}

package node

import (
	"math"
	"os"
	"runtime/debug"
	"sync"
)

// While a start loads the index from its snapshot, the heap only grows:
// almost nothing allocated then is garbage for long. Go's default collector
// lets the heap reach twice what was live at the last collection before
// collecting again, so a start that ends just before a collection peaks near
// twice the index it built (1,694 MiB RSS for 1,054 MiB after GC at
// 1,000,000 records, 2026-11-29). A load therefore runs under a soft memory
// limit derived from the snapshot's size: collections run as usual until the
// heap nears it, then often enough to stay under it. The live heap is about
// two thirds of the snapshot's size (870 MiB after GC for a 1,236 MiB
// snapshot at 1,000,000 records), so the limit leaves room; if it did not,
// the runtime bounds the collector's CPU rather than fail. GOGC 50 for the
// whole load held the peak as well but cost a third more start time
// (100,000 records: 4.3 s against 3.2 s).
//
// An operator's own setting wins: with GOGC or GOMEMLIMIT in the
// environment, or a memory limit set by the program, the start leaves the
// collector alone. The limit is lifted when the load and its queued
// screening and case-table work are done. A rebuild without a snapshot
// (which opens every envelope, and makes more garbage than a load) runs under
// the limit of the snapshot it writes, estimated from the store's count of
// records: without it, a rebuild of 1,000,000 records peaked at 2,011 MiB.
const (
	loadLimitPerSnapshotByte = 1.15
	loadLimitMin             = 256 << 20

	// rebuildSnapshotBytesPerRecord is the snapshot's size per stored
	// record for records of about 1 KiB (1,236 MiB at 1,000,000, 123 MiB at
	// 100,000; 2026-11-29). Larger records make larger snapshots and live
	// heaps alike; a limit set too low slows the collector, never fails.
	rebuildSnapshotBytesPerRecord = 1300
)

var loadGC struct {
	mu     sync.Mutex
	active int   // loads in progress under a limit set here
	limit  int64 // the sum of their limits
}

// limitHeapForLoad sets a soft memory limit for loading a snapshot of
// snapshotSize bytes, and returns the function that lifts it. Loads may
// overlap (several nodes in one process, as in tests): the limit is the
// sum of theirs, and the last to end lifts it.
func limitHeapForLoad(snapshotSize int64) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := max(int64(float64(snapshotSize)*loadLimitPerSnapshotByte), loadLimitMin)
	loadGC.mu.Lock()
	defer loadGC.mu.Unlock()
	if loadGC.active == 0 && debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {} // a limit set by the program
	}
	loadGC.active++
	loadGC.limit += limit
	debug.SetMemoryLimit(loadGC.limit)
	var once sync.Once
	return func() {
		once.Do(func() {
			loadGC.mu.Lock()
			defer loadGC.mu.Unlock()
			loadGC.active--
			loadGC.limit -= limit
			if loadGC.active == 0 {
				debug.SetMemoryLimit(math.MaxInt64)
			} else {
				debug.SetMemoryLimit(loadGC.limit)
			}
		})
	}
}

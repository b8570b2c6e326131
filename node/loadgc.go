package node

import (
	"math"
	"os"
	"runtime/debug"
	"sync"
)

// While a start loads the index, the heap only grows: almost nothing
// allocated then is garbage for long. Go's default collector lets the heap
// reach twice what was live at the last collection before collecting
// again, so a start that ends just before a collection peaks near twice the
// index it built (1,694 MiB RSS for 1,054 MiB after GC at 1,000,000 records,
// 2026-11-29). Loading with GOGC at loadGCPercent holds the peak near 1.5×
// the live heap, for more collections during the load; the default comes
// back once the load and its queued screening and case-table work are done.
// Only a load from the index snapshot does this: a rebuild opens every
// envelope, and its garbage made the extra collections cost about a third
// of its time (50,000 records, load ~7; a snapshot load showed no
// difference beyond the noise: 1.8–4.1 s against 2.3–2.6 s).
//
// An operator's own setting wins: with GOGC or GOMEMLIMIT in the
// environment, or a GC percent or memory limit set by the program, the
// start leaves the collector alone.
const loadGCPercent = 50

var loadGC struct {
	mu     sync.Mutex
	active int // loads in progress that lowered the GC percent
	prev   int // the percent to restore when the last one ends
}

// lowerGCForLoad sets GOGC to loadGCPercent for an index load, and returns
// the function that ends it. Loads may overlap (several nodes in one
// process, as in tests): the first lowers the percent, the last restores it.
func lowerGCForLoad() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	loadGC.mu.Lock()
	defer loadGC.mu.Unlock()
	if loadGC.active == 0 {
		if debug.SetMemoryLimit(-1) != math.MaxInt64 {
			return func() {} // a limit set by the program
		}
		prev := debug.SetGCPercent(loadGCPercent)
		if prev != 100 {
			debug.SetGCPercent(prev) // a percent set by the program
			return func() {}
		}
		loadGC.prev = prev
	}
	loadGC.active++
	var once sync.Once
	return func() {
		once.Do(func() {
			loadGC.mu.Lock()
			defer loadGC.mu.Unlock()
			if loadGC.active--; loadGC.active == 0 {
				debug.SetGCPercent(loadGC.prev)
			}
		})
	}
}

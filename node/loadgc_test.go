package node

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestLimitHeapForLoad checks that a snapshot load sets a soft memory limit
// only while it runs, that overlapping loads add their limits and the last
// lifts it, and that an operator's or the program's own setting is left
// alone.
func TestLimitHeapForLoad(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Skipf("memory limit is %d before the test", l)
	}
	var size int64 = 1 << 30
	want1 := int64(float64(size) * loadLimitPerSnapshotByte)
	r1 := limitHeapForLoad(size)
	if l := debug.SetMemoryLimit(-1); l != want1 {
		t.Fatalf("during a load the limit = %d, want %d", l, want1)
	}
	r2 := limitHeapForLoad(0) // a small snapshot gets the floor
	if l := debug.SetMemoryLimit(-1); l != want1+loadLimitMin {
		t.Fatalf("during two loads the limit = %d, want %d", l, want1+loadLimitMin)
	}
	r1()
	r1() // a second call is a no-op
	if l := debug.SetMemoryLimit(-1); l != loadLimitMin {
		t.Fatalf("with one load left the limit = %d, want %d", l, loadLimitMin)
	}
	r2()
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Fatalf("after the loads the limit = %d, want none", l)
	}

	t.Setenv("GOGC", "200")
	r := limitHeapForLoad(size)
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("with GOGC set, a load set the limit to %d", l)
	}
	r()
	t.Setenv("GOGC", "")

	debug.SetMemoryLimit(3 << 30)
	defer debug.SetMemoryLimit(math.MaxInt64)
	r = limitHeapForLoad(size)
	if l := debug.SetMemoryLimit(-1); l != 3<<30 {
		t.Errorf("with the program's own limit, a load set %d", l)
	}
	r()
	if l := debug.SetMemoryLimit(-1); l != 3<<30 {
		t.Errorf("after a load, the program's own limit became %d", l)
	}
}

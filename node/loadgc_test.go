package node

import (
	"runtime/debug"
	"testing"
)

func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestLowerGCForLoad checks that an index load lowers GOGC only while it
// runs, that overlapping loads restore the default only when the last one
// ends, and that an operator's or the program's own setting is left alone.
func TestLowerGCForLoad(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	if p := gcPercent(); p != 100 {
		t.Skipf("GC percent is %d before the test", p)
	}
	r1 := lowerGCForLoad()
	if p := gcPercent(); p != loadGCPercent {
		t.Fatalf("during a load GC percent = %d, want %d", p, loadGCPercent)
	}
	r2 := lowerGCForLoad()
	r1()
	r1() // a second call is a no-op
	if p := gcPercent(); p != loadGCPercent {
		t.Fatalf("with one load still running GC percent = %d, want %d", p, loadGCPercent)
	}
	r2()
	if p := gcPercent(); p != 100 {
		t.Fatalf("after the loads GC percent = %d, want 100", p)
	}

	t.Setenv("GOGC", "200")
	r := lowerGCForLoad()
	if p := gcPercent(); p != 100 {
		t.Errorf("with GOGC set, a load set the GC percent to %d", p)
	}
	r()
	t.Setenv("GOGC", "")

	debug.SetGCPercent(80)
	defer debug.SetGCPercent(100)
	r = lowerGCForLoad()
	if p := gcPercent(); p != 80 {
		t.Errorf("with the program's own GC percent 80, a load set %d", p)
	}
	r()
	if p := gcPercent(); p != 80 {
		t.Errorf("after a load, the program's own GC percent 80 became %d", p)
	}
}

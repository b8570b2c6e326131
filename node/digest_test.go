package node

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"testing"
)

// TestOwnRecordsFindsEveryDigest adds enough digests to grow the position
// table many times, and checks that each finds its own CID, that a digest
// added again keeps its first CID, and that an unknown digest finds none.
func TestOwnRecordsFindsEveryDigest(t *testing.T) {
	o := newOwnRecords([]byte("key"))
	const n = 20_000
	d := func(i int) recordDigest {
		return o.digest("indicator", fmt.Appendf(nil, "body %d", i), "amber", nil, nil)
	}
	for i := range n {
		o.add(d(i), fmt.Sprintf("cid-%d", i))
	}
	o.add(d(7), "cid-again")
	for i := range n {
		if c, ok := o.lookup(d(i)); !ok || c != fmt.Sprintf("cid-%d", i) {
			t.Fatalf("lookup(digest %d) = %q, %v", i, c, ok)
		}
	}
	if c, ok := o.lookup(d(n)); ok {
		t.Fatalf("an unknown digest found %q", c)
	}
	if o.count != n {
		t.Fatalf("%d entries, want %d", o.count, n)
	}
	if 8*o.count > 7*len(o.slots) {
		t.Fatalf("position table %d/%d full, over 7/8", o.count, len(o.slots))
	}
}

// BenchmarkOwnRecordsMemory reports the live heap the own-record map holds
// per record at 1,000,000 records (the CID strings are the caller's, shared
// with the index and the case table, and not counted).
//
//	go test ./node -run '^$' -bench OwnRecordsMemory -benchtime 1x
func BenchmarkOwnRecordsMemory(b *testing.B) {
	const n = 1_000_000
	cids := make([]string, n)
	for i := range cids {
		cids[i] = fmt.Sprintf("bafkreicid%d", i)
	}
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		o := newOwnRecords([]byte("key"))
		var d recordDigest
		for i := range n {
			binary.LittleEndian.PutUint64(d[:], uint64(i)*0x9e3779b97f4a7c15)
			binary.LittleEndian.PutUint64(d[8:], uint64(i))
			o.add(d, cids[i])
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/record")
		runtime.KeepAlive(o)
	}
}

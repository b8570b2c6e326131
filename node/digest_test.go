package node

import (
	"fmt"
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

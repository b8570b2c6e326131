package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// foldSince folds the changes listed after since into chain, as a reader that recorded chain at
// since does, and reports whether the result is the store's running hash now.
func foldSince(t *testing.T, s *Store, since uint64, chain []byte) bool {
	t.Helper()
	head, err := s.Changes(since, func(c Change) error { chain = ChainNext(chain, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(chain, head.Chain)
}

// TestChangeChainTellsHistoriesApart: two copies of one store that went different ways list the
// same CID under the same number, which ChangeAt cannot tell apart; their running hashes differ,
// and a reader's (number, hash) from one does not fold to the other's. Before the fork a reader's
// hash folds to either. The hash survives a reopen, and a store without one (written before it
// existed) starts it from zero: a hash recorded before that no longer folds (the reader rebuilds
// once), one recorded after does.
func TestChangeChainTellsHistoriesApart(t *testing.T) {
	dir := t.TempDir()
	pathA, pathB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	a, err := Open(pathA)
	if err != nil {
		t.Fatal(err)
	}
	w := &logWriter{author: "alice", log: "main"}
	mustPut(t, a, w.next("1"), w.next("2"))
	fork, err := a.ChangeHead()
	if err != nil || fork.Seq != 2 || bytes.Equal(fork.Chain, make([]byte, chainSize)) {
		t.Fatalf("head before the fork = %+v, %v", fork, err)
	}
	a.Close()
	raw, err := os.ReadFile(pathA)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pathB, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	open := func(p string) *Store {
		s, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(pathA), open(pathB)
	x, z, y := entryAt("xavier", "main", 1, "", "x"), entryAt("zoe", "main", 1, "", "z"), entryAt("yuki", "main", 1, "", "y")
	mustPut(t, a, x)
	mustPut(t, a, y)
	mustPut(t, b, z)
	mustPut(t, b, y)
	ca, _ := a.ChangeAt(4)
	cb, _ := b.ChangeAt(4)
	if ca.CID != cb.CID || a.ID() != b.ID() {
		t.Fatalf("the setup does not reuse a CID at change 4: %v %v", ca, cb)
	}
	ha, _ := a.ChangeHead()
	hb, _ := b.ChangeHead()
	if ha.Seq != 4 || hb.Seq != 4 || bytes.Equal(ha.Chain, hb.Chain) {
		t.Fatalf("heads of two histories: %+v and %+v", ha, hb)
	}
	if foldSince(t, b, 4, ha.Chain) {
		t.Fatal("a's running hash at 4 is accepted by b, which went another way")
	}
	if !foldSince(t, a, 4, ha.Chain) || !foldSince(t, a, 2, fork.Chain) || !foldSince(t, b, 2, fork.Chain) {
		t.Fatal("a hash recorded on the same history does not fold to the head")
	}

	// Durable.
	a.Close()
	a = open(pathA)
	if h, _ := a.ChangeHead(); !bytes.Equal(h.Chain, ha.Chain) || h.Seq != 4 {
		t.Fatalf("head after reopen = %+v, was %+v", h, ha)
	}

	// A store without the hash (as a version from before it left it).
	err = a.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketCounters).Delete(counterChain) })
	if err != nil {
		t.Fatal(err)
	}
	if foldSince(t, a, 4, ha.Chain) {
		t.Fatal("a hash recorded before the store lost its running hash still folds")
	}
	h0, _ := a.ChangeHead()
	mustPut(t, a, entryAt("xavier", "main", 2, x.CID, "x2"))
	if !foldSince(t, a, h0.Seq, h0.Chain) {
		t.Fatal("a hash recorded after the store restarted its running hash does not fold")
	}
	if err := a.Check(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkChainNext is the running hash's cost per change (a CID-sized change).
func BenchmarkChainNext(b *testing.B) {
	var chain [32]byte
	v := append([]byte{byte(OpPut)}, "bafyreic22jyrx6f6o4bfia2u2sh77utfqnllrxlhj4mo556rtjodi6kpna"...)
	for i := range b.N {
		chain = chainNext(chain, uint64(i), v)
	}
}

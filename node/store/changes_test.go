package store

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func changesSince(t *testing.T, s *Store, since uint64) ([]Change, uint64) {
	t.Helper()
	var out []Change
	upto, err := s.Changes(since, func(c Change) error { out = append(out, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out, upto.Seq
}

// TestChangesListEveryMutation checks that each write that adds or removes a body or a stub takes
// the next change number, in order, and that a refused batch takes none: a reader that missed a
// change would keep a record that is gone, or miss one that came.
func TestChangesListEveryMutation(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "alice", log: "main"}
	a, b := w.next("a"), w.next("b")
	mustPut(t, s, a, b)
	if _, err := s.Put(entryAt("alice", "main", 9, "", "gap")); !errors.Is(err, ErrGap) {
		t.Fatalf("put with a gap: %v, want ErrGap", err)
	}
	if err := s.Retract(w.next("retraction"), Stub{CID: a.CID}); err != nil {
		t.Fatal(err)
	}
	// A retraction of a record not yet held, applied when it arrives.
	o := &logWriter{author: "bob", log: "main"}
	early := o.next("early")
	if err := s.PutPending(Stub{CID: early.CID, Author: "bob"}); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, early)
	// A stub received from a peer for a record never held.
	c := &logWriter{author: "carol", log: "main"}
	gone := c.next("gone")
	if _, err := s.PutWithStubs([]Stub{{CID: gone.CID, Author: "carol", Log: "main", Seq: 1}}); err != nil {
		t.Fatal(err)
	}
	// A received retraction drops a held body.
	if err := s.Drop(Stub{CID: b.CID, Author: "alice", RetractedBy: "x"}); err != nil {
		t.Fatal(err)
	}
	got, upto := changesSince(t, s, 0)
	want := []Change{
		{1, OpPut, a.CID}, {2, OpPut, b.CID}, {3, OpPut, w.prev}, {4, OpDrop, a.CID},
		{5, OpDrop, early.CID}, {6, OpDrop, gone.CID}, {7, OpDrop, b.CID},
	}
	if !slices.Equal(got, want) || upto != 7 {
		t.Fatalf("changes = %v (upto %d), want %v", got, upto, want)
	}
	if got, _ := changesSince(t, s, 4); !slices.Equal(got, want[4:]) {
		t.Fatalf("changes since 4 = %v, want %v", got, want[4:])
	}
	// A duplicate changes nothing and takes no number.
	mustPut(t, s, b)
	if n, _ := s.Seq(); n != 7 {
		t.Fatalf("seq after a duplicate = %d, want 7", n)
	}
}

// TestChangesSurviveReopen checks that the store's identity and its sequence are durable, and
// that pruning keeps the change a reader names.
func TestChangesSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	id := s.ID()
	if len(id) != 32 {
		t.Fatalf("store id %q, want 32 hex digits", id)
	}
	w := &logWriter{author: "alice", log: "main"}
	for range 5 {
		mustPut(t, s, w.next("x"))
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.ID() != id {
		t.Fatalf("id changed on reopen: %q, was %q", s.ID(), id)
	}
	if n, _ := s.Seq(); n != 5 {
		t.Fatalf("seq after reopen = %d, want 5", n)
	}
	if err := s.PruneChanges(4); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChangeAt(3); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pruned change 3: %v, want ErrNotFound", err)
	}
	if c, err := s.ChangeAt(4); err != nil || c.Op != OpPut {
		t.Fatalf("kept change 4 = %v, %v", c, err)
	}
	if _, err := s.Changes(2, func(Change) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("changes since a pruned number: %v, want ErrNotFound", err)
	}
	if got, _ := changesSince(t, s, 4); len(got) != 1 || got[0].Seq != 5 {
		t.Fatalf("changes since 4 = %v", got)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestChangesCompleteCatchesUnlistedWrites: every write of this version keeps the counts and
// their mirrors equal; a write that moves a count without listing it (what a version from before
// the change sequence does) makes ChangesComplete false until MarkChangesComplete.
func TestChangesCompleteCatchesUnlistedWrites(t *testing.T) {
	s, _ := openTemp(t)
	complete := func() bool {
		t.Helper()
		ok, err := s.ChangesComplete()
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !complete() {
		t.Fatal("a new store is not complete")
	}
	w := &logWriter{author: "alice", log: "main"}
	a, b := w.next("a"), w.next("b")
	mustPut(t, s, a, b)
	if err := s.Retract(w.next("retraction"), Stub{CID: a.CID}); err != nil {
		t.Fatal(err)
	}
	c := &logWriter{author: "carol", log: "main"}
	if _, err := s.PutWithStubs([]Stub{{CID: c.next("gone").CID, Author: "carol", Log: "main", Seq: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Drop(Stub{CID: b.CID, Author: "alice", RetractedBy: "x"}); err != nil {
		t.Fatal(err)
	}
	if !complete() {
		t.Fatal("this version's writes left the store incomplete")
	}
	for _, counter := range [][]byte{counterRecords, counterStubs} {
		err := s.db.Update(func(tx *bolt.Tx) error {
			cs := tx.Bucket(bucketCounters)
			return cs.Put(counter, encodeUint(decodeUint(cs.Get(counter))+1))
		})
		if err != nil {
			t.Fatal(err)
		}
		if complete() {
			t.Fatalf("an unlisted write moving %q went unnoticed", counter)
		}
		if err := s.MarkChangesComplete(); err != nil {
			t.Fatal(err)
		}
		if !complete() {
			t.Fatal("MarkChangesComplete did not start the mirrors again")
		}
	}
}

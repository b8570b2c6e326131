package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPutMovesHeads: a log's head moves with every entry that extends it, through batches that
// mix logs, skip positions (sparse), repeat held entries and fail part-way (a batch that fails
// leaves every head where it was). The writer keeps the heads a transaction moves and writes
// them once at its end; this holds that to what an entry-by-entry write left, checked against a
// model.
func TestPutMovesHeads(t *testing.T) {
	s, _ := openTemp(t)
	rng := rand.New(rand.NewPCG(3, 4))
	type head struct {
		seq uint64
		cid string
	}
	logs := []string{"a", "b", "c"}
	model := map[string]head{}
	held := map[string][]Entry{} // stored entries by log, to repeat
	for round := range 200 {
		var batch []Entry
		next := map[string]head{}
		for l, h := range model {
			next[l] = h
		}
		fails := false
		for range 1 + rng.IntN(12) {
			log := logs[rng.IntN(len(logs))]
			h := next[log]
			switch r := rng.IntN(10); {
			case r == 0 && len(held[log]) > 0: // a held entry again: a duplicate
				batch = append(batch, held[log][rng.IntN(len(held[log]))])
				continue
			case r == 1: // a wrong predecessor: the batch fails
				batch = append(batch, entryAt("author", log, h.seq+1, "bafywrong", fmt.Sprint(round)))
				fails = true
				continue
			}
			e := entryAt("author", log, h.seq+1, h.cid, fmt.Sprintf("%d/%d", round, len(batch)))
			if rng.IntN(6) == 0 { // a range answer that skips positions
				e = entryAt("author", log, h.seq+2+uint64(rng.IntN(3)), "", fmt.Sprintf("%d/%d sparse", round, len(batch)))
				e.Sparse = true
			}
			batch = append(batch, e)
			next[log] = head{e.Seq, e.CID}
		}
		_, err := s.PutWithStubs(nil, batch...)
		var ee *EntryError
		switch {
		case fails && !errors.As(err, &ee):
			t.Fatalf("round %d: a batch with a wrong predecessor stored: %v", round, err)
		case !fails && err != nil:
			t.Fatalf("round %d: %v", round, err)
		case !fails:
			model = next
			for _, e := range batch {
				held[e.Log] = append(held[e.Log], e)
			}
		}
		for _, log := range logs {
			seq, cid, err := s.Head("author", log)
			if err != nil {
				t.Fatal(err)
			}
			if want := model[log]; seq != want.seq || cid != want.cid {
				t.Fatalf("round %d, log %s: head %d %s, want %d %s", round, log, seq, cid, want.seq, want.cid)
			}
		}
	}
	heads, err := s.Heads()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range heads {
		if want := model[h.Log]; h.Seq != want.seq || h.CID != want.cid {
			t.Fatalf("Heads: log %s at %d %s, want %d %s", h.Log, h.Seq, h.CID, want.seq, want.cid)
		}
	}
	if len(heads) != len(model) {
		t.Fatalf("Heads lists %d logs, want %d", len(heads), len(model))
	}
	// (Check is not used: it does not accept a log a range answer left sparse.)
}

// TestWalkEntries: Range and ForEach give every entry its author, log, sequence number, CID and
// predecessor as the logs bucket holds them, across chunk boundaries, log boundaries, retracted
// entries (which ForEach skips) and a log a range answer left sparse. The walk takes a
// predecessor from the key it passed last; this holds that to a lookup of each one.
func TestWalkEntries(t *testing.T) {
	s, _ := openTemp(t)
	long := &logWriter{author: "a", log: "long"}
	var es []Entry
	for i := range chunkEntries + 37 {
		es = append(es, long.next(fmt.Sprint(i)))
	}
	mustPut(t, s, es...)
	// Retract entries of the long log, one at a chunk boundary.
	for _, seq := range []uint64{5, chunkEntries, chunkEntries + 1} {
		target := es[seq-1]
		if err := s.Retract(long.next("retraction"), Stub{CID: target.CID, Author: "a", Log: "long", Seq: seq}); err != nil {
			t.Fatal(err)
		}
	}
	short := &logWriter{author: "a", log: "short"}
	mustPut(t, s, short.next("1"), short.next("2"))
	other := &logWriter{author: "b", log: "long"} // same log name, another author
	mustPut(t, s, other.next("1"), other.next("2"), other.next("3"))
	// The sparse log starts where the log before it in key order ends, plus one: the walk must
	// not take that log's last CID for a predecessor.
	sparse := []Entry{entryAt("c", "sparse", 4, "", "four"), entryAt("c", "sparse", 7, "", "seven")}
	for i := range sparse {
		sparse[i].Sparse = true
	}
	mustPut(t, s, sparse...)
	sparse = append(sparse, entryAt("c", "sparse", 8, sparse[1].CID, "eight"))
	mustPut(t, s, sparse[2])

	check := func(what string, e Entry) {
		t.Helper()
		c, err := s.CIDAt(e.Author, e.Log, e.Seq)
		if err != nil || c != e.CID {
			t.Fatalf("%s: %s/%s %d has cid %s, the log %s (%v)", what, e.Author, e.Log, e.Seq, e.CID, c, err)
		}
		want := ""
		if e.Seq > 1 {
			want, _ = s.CIDAt(e.Author, e.Log, e.Seq-1)
		}
		if e.Prev != want {
			t.Fatalf("%s: %s/%s %d has prev %q, want %q", what, e.Author, e.Log, e.Seq, e.Prev, want)
		}
	}
	n := 0
	if err := s.ForEach(func(e Entry) error { check("ForEach", e); n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if want := len(es) + 3 - 3 + 2 + 3 + 3; n != want { // the long log, its retractions less what they retracted, short, other, sparse
		t.Fatalf("ForEach visited %d entries, want %d", n, want)
	}
	for _, r := range []struct {
		author, log string
		from, to    uint64
	}{
		{"a", "long", 1, 10_000}, {"a", "long", 4, 9}, {"a", "long", 6, 6}, {"a", "long", chunkEntries, chunkEntries + 5},
		{"b", "long", 2, 3}, {"c", "sparse", 1, 8}, {"c", "sparse", 7, 8}, {"a", "short", 1, 2},
	} {
		m := 0
		err := s.Range(r.author, r.log, r.from, r.to, func(e Entry) error {
			check("Range", e)
			if e.Author != r.author || e.Log != r.log || e.Seq < r.from || e.Seq > r.to {
				t.Fatalf("Range %v gave %s/%s %d", r, e.Author, e.Log, e.Seq)
			}
			m++
			return nil
		})
		if err != nil || m == 0 {
			t.Fatalf("Range %v: %d entries, %v", r, m, err)
		}
	}
}

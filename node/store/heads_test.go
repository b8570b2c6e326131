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

package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// fakeCID derives a CIDv1-looking string from the envelope bytes. The store does not parse CIDs.
func fakeCID(env []byte) string {
	sum := sha256.Sum256(env)
	return "bafy" + strings.ToLower(b32.EncodeToString(sum[:]))
}

// logWriter builds consecutive entries of one log.
type logWriter struct {
	author, log string
	seq         uint64
	prev        string
}

func (w *logWriter) next(body string) Entry {
	w.seq++
	env := []byte(fmt.Sprintf("envelope %s/%s/%d %s", w.author, w.log, w.seq, body))
	e := Entry{CID: fakeCID(env), Author: w.author, Log: w.log, Seq: w.seq, Prev: w.prev, Envelope: env}
	w.prev = e.CID
	return e
}

// entryAt builds an entry at a given position with arbitrary prev (for rule tests).
func entryAt(author, log string, seq uint64, prev, body string) Entry {
	env := []byte(fmt.Sprintf("envelope %s/%s/%d %s", author, log, seq, body))
	return Entry{CID: fakeCID(env), Author: author, Log: log, Seq: seq, Prev: prev, Envelope: env}
}

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func mustPut(t testing.TB, s *Store, es ...Entry) PutResult {
	t.Helper()
	res, err := s.Put(es...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	_, path := openTemp(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("store file mode = %o, want 600", perm)
	}
}

func TestDurableAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	w := &logWriter{author: "alice", log: "members"}
	var want []Entry
	for i := 0; i < 10; i++ {
		want = append(want, w.next("x"))
	}
	mustPut(t, s, want...)
	if err := s.PutMeta("genesis", []byte("hash")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, e := range want {
		got, err := s.Get(e.CID)
		if err != nil {
			t.Fatalf("after reopen: %v", err)
		}
		if !bytes.Equal(got, e.Envelope) {
			t.Errorf("Get(%s) = %q, want %q", e.CID, got, e.Envelope)
		}
	}
	seq, cid, err := s.Head("alice", "members")
	if err != nil || seq != 10 || cid != want[9].CID {
		t.Errorf("Head = %d, %s, %v; want 10, %s", seq, cid, err, want[9].CID)
	}
	if v, err := s.GetMeta("genesis"); err != nil || string(v) != "hash" {
		t.Errorf("GetMeta = %q, %v", v, err)
	}
	if _, err := s.GetMeta("absent"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetMeta(absent) error = %v, want ErrNotFound", err)
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
}

func TestLogRules(t *testing.T) {
	// Each case starts from a log a/l holding seq 1..3 (e1, e2, e3).
	w := &logWriter{author: "a", log: "l"}
	e1, e2, e3 := w.next("1"), w.next("2"), w.next("3")
	e4 := w.next("4")
	other := entryAt("a", "l", 2, e1.CID, "a different envelope at seq 2")

	tests := []struct {
		name    string
		put     []Entry
		want    PutResult
		wantErr error
		head    uint64
	}{
		{name: "next", put: []Entry{e4}, want: PutResult{Stored: 1}, head: 4},
		{name: "duplicate head", put: []Entry{e3}, want: PutResult{Duplicate: 1}, head: 3},
		{name: "duplicate older", put: []Entry{e1, e2}, want: PutResult{Duplicate: 2}, head: 3},
		{name: "gap", put: []Entry{entryAt("a", "l", 5, e4.CID, "x")}, wantErr: ErrGap, head: 3},
		{name: "new log must start at 1", put: []Entry{entryAt("a", "m", 2, "x", "x")}, wantErr: ErrGap, head: 3},
		{name: "wrong prev", put: []Entry{entryAt("a", "l", 4, e1.CID, "x")}, wantErr: ErrPrevMismatch, head: 3},
		{name: "seq 1 with prev", put: []Entry{entryAt("a", "m", 1, e1.CID, "x")}, wantErr: ErrPrevMismatch, head: 3},
		{name: "seq 0", put: []Entry{entryAt("a", "l", 0, "", "x")}, wantErr: ErrInvalidEntry, head: 3},
		{name: "no envelope", put: []Entry{{CID: "c", Author: "a", Log: "l", Seq: 4, Prev: e3.CID}}, wantErr: ErrInvalidEntry, head: 3},
		{name: "nul in author", put: []Entry{entryAt("a\x00b", "l", 1, "", "x")}, wantErr: ErrInvalidEntry, head: 3},
		{
			name: "equivocation",
			put:  []Entry{other},
			want: PutResult{Equivocation: 1, Equivocations: []Equivocation{{Author: "a", Log: "l", Seq: 2, CIDs: []string{e2.CID, other.CID}}}},
			head: 3,
		},
		{
			name: "equivocation received twice counts once",
			put:  []Entry{other, other},
			want: PutResult{Equivocation: 1, Duplicate: 1, Equivocations: []Equivocation{{Author: "a", Log: "l", Seq: 2, CIDs: []string{e2.CID, other.CID}}}},
			head: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTemp(t)
			mustPut(t, s, e1, e2, e3)
			got, err := s.Put(tt.put...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Put error = %v, want %v", err, tt.wantErr)
				}
				var ee *EntryError
				if !errors.As(err, &ee) {
					t.Errorf("Put error %v is not an *EntryError", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if got.StoredCIDs = nil; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Put = %+v, want %+v", got, tt.want)
			}
			if seq, _, _ := s.Head("a", "l"); seq != tt.head {
				t.Errorf("head = %d, want %d", seq, tt.head)
			}
			if err := s.Check(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestLogErrorFields(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "a", log: "l"}
	e1 := w.next("1")
	mustPut(t, s, e1)
	_, err := s.Put(entryAt("a", "l", 7, "p", "x"))
	var le *LogError
	if !errors.As(err, &le) {
		t.Fatalf("error %v is not a *LogError", err)
	}
	want := LogError{Author: "a", Log: "l", Seq: 7, Head: 1, Prev: "p", HeadCID: e1.CID, Err: ErrGap}
	if *le != want {
		t.Errorf("LogError = %+v, want %+v", *le, want)
	}
}

func TestEquivocationKeptAndListed(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "a", log: "l"}
	e1 := w.next("1")
	mustPut(t, s, e1)
	evil := entryAt("a", "l", 1, "", "forked")
	mustPut(t, s, evil)

	for _, e := range []Entry{e1, evil} {
		got, err := s.Get(e.CID)
		if err != nil || !bytes.Equal(got, e.Envelope) {
			t.Errorf("Get(%s) = %q, %v; want both envelopes kept", e.CID, got, err)
		}
	}
	eqs, err := s.Equivocations()
	if err != nil {
		t.Fatal(err)
	}
	want := []Equivocation{{Author: "a", Log: "l", Seq: 1, CIDs: []string{e1.CID, evil.CID}}}
	if !reflect.DeepEqual(eqs, want) {
		t.Errorf("Equivocations = %+v, want %+v", eqs, want)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 1 || st.Equivocations != 1 || st.Logs != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestBatchRollsBackOnBadEntry(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "a", log: "l"}
	good1, good2 := w.next("1"), w.next("2")
	bad := entryAt("a", "l", 9, good2.CID, "gap")
	other := (&logWriter{author: "b", log: "l"}).next("b1")

	_, err := s.Put(good1, good2, other, bad)
	var ee *EntryError
	if !errors.As(err, &ee) || ee.Index != 3 || ee.CID != bad.CID {
		t.Fatalf("Put error = %v, want an *EntryError for entry 3", err)
	}
	if !errors.Is(err, ErrGap) {
		t.Errorf("Put error = %v, want ErrGap", err)
	}
	for _, e := range []Entry{good1, good2, other} {
		if ok, err := s.Has(e.CID); err != nil || ok {
			t.Errorf("Has(%s) = %v, %v after rolled-back batch", e.CID, ok, err)
		}
	}
	if heads, err := s.Heads(); err != nil || len(heads) != 0 {
		t.Errorf("Heads = %v, %v after rolled-back batch", heads, err)
	}
	if st, _ := s.Stats(); st != (Stats{FileSize: st.FileSize}) {
		t.Errorf("Stats = %+v after rolled-back batch", st)
	}
}

func TestRetract(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "a", log: "l"}
	rec := w.next("secret case")
	mustPut(t, s, rec)
	retraction := w.next("retraction")
	stub := Stub{CID: rec.CID, Reason: "posted to the wrong audience", Author: "a", Log: "l", Seq: 1}
	if err := s.Retract(retraction, stub); err != nil {
		t.Fatal(err)
	}

	_, err := s.Get(rec.CID)
	var re *RetractedError
	if !errors.Is(err, ErrRetracted) || !errors.As(err, &re) {
		t.Fatalf("Get(retracted) error = %v, want *RetractedError", err)
	}
	if re.Stub.RetractedBy != retraction.CID || re.Stub.Reason != stub.Reason || re.Stub.At.IsZero() {
		t.Errorf("stub = %+v", re.Stub)
	}
	if ok, _ := s.Has(rec.CID); !ok {
		t.Error("Has(retracted) = false, want true (the node must not fetch it again)")
	}
	if _, err := s.Get(retraction.CID); err != nil {
		t.Errorf("Get(retraction) = %v", err)
	}

	// The bytes are gone from the file, not just unreachable through the API.
	if err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketBodies).Get(logKey(rec.Author, rec.Log, rec.Seq)); v != nil {
			return fmt.Errorf("envelope still in the bodies bucket")
		}
		if v := tx.Bucket(bucketCIDs).Get([]byte(rec.CID)); v != nil {
			return fmt.Errorf("cid still in the cids bucket")
		}
		return nil
	}); err != nil {
		t.Error(err)
	}

	// Sync delivers the record again: duplicate at its position, nothing comes back.
	res := mustPut(t, s, rec)
	if res.Stored != 0 {
		t.Errorf("re-Put of retracted record = %+v", res)
	}
	if _, err := s.Get(rec.CID); !errors.Is(err, ErrRetracted) {
		t.Errorf("Get after re-Put error = %v, want ErrRetracted", err)
	}

	// Range shows the stub in place of the envelope; ForEach skips it.
	var got []string
	err = s.Range("a", "l", 1, 2, func(e Entry) error {
		switch {
		case e.Stub != nil && e.Envelope == nil:
			got = append(got, "stub:"+e.Stub.CID)
		case e.Stub == nil && e.Envelope != nil:
			got = append(got, "env:"+e.CID)
		default:
			t.Errorf("Range entry %+v has both or neither of envelope and stub", e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"stub:" + rec.CID, "env:" + retraction.CID}; !reflect.DeepEqual(got, want) {
		t.Errorf("Range = %v, want %v", got, want)
	}
	n := 0
	if err := s.ForEach(func(Entry) error { n++; return nil }); err != nil || n != 1 {
		t.Errorf("ForEach visited %d, %v; want 1", n, err)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 1 || st.Stubs != 1 || st.Logs != 1 {
		t.Errorf("Stats = %+v", st)
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
}

func TestRetractBeforeArrivalSuppresses(t *testing.T) {
	s, _ := openTemp(t)
	// b retracts a record that has not reached this node yet.
	bw := &logWriter{author: "b", log: "l"}
	rec := bw.next("record")
	retraction := bw.next("retraction")

	// The retraction cannot be stored before its predecessor: the log rules still hold.
	if err := s.Retract(retraction, Stub{CID: rec.CID}); !errors.Is(err, ErrGap) {
		t.Fatalf("Retract ahead of the log error = %v, want ErrGap", err)
	}
	// A retraction in another log of b's is fine.
	rw := &logWriter{author: "b", log: "control"}
	if err := s.Retract(rw.next("retraction"), Stub{CID: rec.CID}); err != nil {
		t.Fatal(err)
	}
	res := mustPut(t, s, rec, retraction)
	if res.Suppressed != 1 || res.Stored != 1 {
		t.Errorf("Put = %+v, want 1 suppressed, 1 stored", res)
	}
	if seq, cid, _ := s.Head("b", "l"); seq != 2 || cid != retraction.CID {
		t.Errorf("Head = %d %s; the suppressed record still takes its log position", seq, cid)
	}
	if _, err := s.Get(rec.CID); !errors.Is(err, ErrRetracted) {
		t.Errorf("Get error = %v, want ErrRetracted", err)
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
}

func TestRetractRefusals(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "a", log: "l"}
	r := w.next("r")
	tests := []struct {
		name string
		stub Stub
	}{
		{"no cid", Stub{}},
		{"itself", Stub{CID: r.CID}},
		{"another author's record", Stub{CID: "bafyother", Author: "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Retract(r, tt.stub); !errors.Is(err, ErrInvalidEntry) {
				t.Errorf("Retract error = %v, want ErrInvalidEntry", err)
			}
		})
	}
}

func TestForEachOrder(t *testing.T) {
	s, _ := openTemp(t)
	// Interleave writes to several logs; ForEach must come back in (author, log, seq) order.
	writers := []*logWriter{
		{author: "carol", log: "members"}, {author: "alice", log: "members"},
		{author: "alice", log: "exec"}, {author: "bob", log: "members"},
	}
	for round := 0; round < 300; round++ { // seq crosses 255 and 256, where byte order matters
		var batch []Entry
		for _, w := range writers {
			batch = append(batch, w.next("x"))
		}
		mustPut(t, s, batch...)
	}
	var got []string
	prev := map[string]string{}
	err := s.ForEach(func(e Entry) error {
		got = append(got, fmt.Sprintf("%s/%s/%04d", e.Author, e.Log, e.Seq))
		if k := e.Author + "/" + e.Log; e.Prev != prev[k] {
			t.Errorf("%s seq %d: Prev = %q, want %q", k, e.Seq, e.Prev, prev[k])
		}
		prev[e.Author+"/"+e.Log] = e.CID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1200 {
		t.Fatalf("ForEach visited %d entries, want 1200", len(got))
	}
	var want []string
	for _, l := range []string{"alice/exec", "alice/members", "bob/members", "carol/members"} {
		for seq := 1; seq <= 300; seq++ {
			want = append(want, fmt.Sprintf("%s/%04d", l, seq))
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ForEach order differs; first entries %v", got[:5])
	}

	// An error from fn stops the walk and comes back unchanged.
	stop := errors.New("stop")
	n := 0
	if err := s.ForEach(func(Entry) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("ForEach with failing fn = %v after %d calls", err, n)
	}

	// fn may write to the store (no transaction is held while it runs).
	extra := &logWriter{author: "dave", log: "members"}
	calls := 0
	err = s.ForEach(func(Entry) error {
		calls++
		if calls <= 3 {
			_, err := s.Put(extra.next("during walk"))
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	heads, err := s.Heads()
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) != 5 || heads[0].Author != "alice" || heads[0].Log != "exec" || heads[0].Seq != 300 {
		t.Errorf("Heads = %+v", heads)
	}
}

func TestRange(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "a", log: "l"}
	for i := 0; i < 1100; i++ { // more than one read chunk
		mustPut(t, s, w.next("x"))
	}
	mustPut(t, s, (&logWriter{author: "a", log: "l2"}).next("other log"))
	tests := []struct {
		from, to    uint64
		first, last uint64
		n           int
	}{
		{1, 1100, 1, 1100, 1100},
		{0, 3, 1, 3, 3},
		{1000, 5000, 1000, 1100, 101},
		{7, 7, 7, 7, 1},
		{8, 7, 0, 0, 0},
		{1200, 1300, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d-%d", tt.from, tt.to), func(t *testing.T) {
			var seqs []uint64
			err := s.Range("a", "l", tt.from, tt.to, func(e Entry) error {
				if e.Log != "l" {
					t.Errorf("Range returned an entry of log %q", e.Log)
				}
				seqs = append(seqs, e.Seq)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seqs) != tt.n {
				t.Fatalf("Range gave %d entries, want %d", len(seqs), tt.n)
			}
			if tt.n > 0 && (seqs[0] != tt.first || seqs[len(seqs)-1] != tt.last) {
				t.Errorf("Range gave %d..%d, want %d..%d", seqs[0], seqs[len(seqs)-1], tt.first, tt.last)
			}
		})
	}
}

func TestGetNotFound(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.Get("bafynothing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get error = %v, want ErrNotFound", err)
	}
	if ok, err := s.Has("bafynothing"); ok || err != nil {
		t.Errorf("Has = %v, %v", ok, err)
	}
	if seq, cid, err := s.Head("nobody", "l"); seq != 0 || cid != "" || err != nil {
		t.Errorf("Head = %d, %q, %v", seq, cid, err)
	}
}

func TestBackup(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "a", log: "l"}
	var es []Entry
	for i := 0; i < 100; i++ {
		es = append(es, w.next(strings.Repeat("x", 1000)))
	}
	mustPut(t, s, es...)
	if err := s.Retract(w.next("retraction"), Stub{CID: es[0].CID}); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Backup(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Size() != n {
		t.Errorf("Backup wrote %d bytes, file has %d", n, fi.Size())
	}

	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Check(); err != nil {
		t.Fatal(err)
	}
	for _, e := range es[1:] {
		if got, err := b.Get(e.CID); err != nil || !bytes.Equal(got, e.Envelope) {
			t.Fatalf("backup Get(%s) = %v", e.CID, err)
		}
	}
	if _, err := b.Get(es[0].CID); !errors.Is(err, ErrRetracted) {
		t.Errorf("backup Get(retracted) error = %v", err)
	}
	want, _ := s.Stats()
	got, _ := b.Stats()
	want.FileSize, got.FileSize = 0, 0
	if got != want {
		t.Errorf("backup Stats = %+v, want %+v", got, want)
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	_, path := openTemp(t)
	start := time.Now()
	s2, err := Open(path, WithLockTimeout(100*time.Millisecond))
	if err == nil {
		s2.Close()
		t.Fatal("second Open of a locked store succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "is `ursic run` already running?") {
		t.Errorf("error %q does not tell the operator what to check", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v", d)
	}
}

// TestReleasePages drops the mapped pages of a store that was just read in full; reads after it
// still see every envelope, byte for byte.
func TestReleasePages(t *testing.T) {
	s, _ := openTemp(t)
	w := &logWriter{author: "author", log: "members"}
	want := map[string]string{}
	for range 300 {
		e := w.next(strings.Repeat("x", 3000))
		mustPut(t, s, e)
		want[e.CID] = string(e.Envelope)
	}
	s.ReleasePages()
	got := 0
	err := s.ForEach(func(e Entry) error {
		if want[e.CID] != string(e.Envelope) {
			return fmt.Errorf("envelope %s changed after ReleasePages", e.CID)
		}
		got++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ReleasePages()
	if got != len(want) {
		t.Errorf("after ReleasePages ForEach saw %d entries, want %d", got, len(want))
	}
}

func TestEnvelopesAndControls(t *testing.T) {
	s, path := openTemp(t)
	w := &logWriter{author: "a", log: "members"}
	key := w.next("sender key")
	key.Control = true
	rec1, rec2 := w.next("one"), w.next("two")
	mustPut(t, s, key, rec1, rec2)
	retraction := w.next("retraction of two")
	if err := s.Retract(retraction, Stub{CID: rec2.CID}); err != nil {
		t.Fatal(err)
	}

	var got []string
	if err := s.Envelopes(func(e Envelope) error { got = append(got, e.CID); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []string{key.CID, rec1.CID, retraction.CID}
	if !slices.Equal(got, want) {
		t.Errorf("Envelopes = %v, want %v (log order, the retracted record left out)", got, want)
	}
	var controls []string
	if err := s.Controls(func(e Envelope) error {
		if !bytes.Equal(e.Envelope, key.Envelope) {
			t.Errorf("control %s: wrong envelope", e.CID)
		}
		controls = append(controls, e.CID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(controls, []string{key.CID}) {
		t.Errorf("Controls = %v, want the sender key %s", controls, key.CID)
	}
	if s.NeedsControlIndex() {
		t.Error("a store made by this version needs a control index")
	}

	// A store from before the control bucket: it is marked on open, and stays marked across a
	// restart until MarkControl lists its entries.
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketControl) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for range 2 {
		s2, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if !s2.NeedsControlIndex() {
			t.Fatal("an older store does not ask for its control entries to be listed")
		}
		s2.Close()
	}
	s3, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s3.MarkControl([]string{key.CID, "bafy-not-stored"}); err != nil {
		t.Fatal(err)
	}
	s3.Close()
	s4, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s4.Close()
	controls = nil
	s4.Controls(func(e Envelope) error { controls = append(controls, e.CID); return nil })
	if s4.NeedsControlIndex() || !slices.Equal(controls, []string{key.CID}) {
		t.Errorf("after MarkControl: needs %v, controls %v", s4.NeedsControlIndex(), controls)
	}
}

// TestMigrateEnvelopes: a store from before the log-ordered layout (cid → envelope in one
// bucket) is moved over on open, in several transactions, and reads as before.
func TestMigrateEnvelopes(t *testing.T) {
	s, path := openTemp(t)
	w := &logWriter{author: "a", log: "members"}
	var all []Entry
	for range 25_000 {
		all = append(all, w.next("x"))
	}
	mustPut(t, s, all...)
	retracted := all[7]
	if err := s.Retract(w.next("retraction"), Stub{CID: retracted.CID}); err != nil {
		t.Fatal(err)
	}
	// Rewrite it in the old layout.
	err := s.db.Update(func(tx *bolt.Tx) error {
		old, err := tx.CreateBucket(bucketEnvelopes)
		if err != nil {
			return err
		}
		bodies := tx.Bucket(bucketBodies)
		if err := tx.Bucket(bucketCIDs).ForEach(func(cid, lk []byte) error {
			return old.Put(cid, bodies.Get(lk))
		}); err != nil {
			return err
		}
		for _, b := range [][]byte{bucketBodies, bucketCIDs} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Check(); err != nil {
		t.Fatal(err)
	}
	for i, e := range all {
		got, err := s2.Get(e.CID)
		if i == 7 {
			if !errors.Is(err, ErrRetracted) {
				t.Errorf("retracted record after migration: %v", err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, e.Envelope) {
			t.Fatalf("entry %d after migration: %v", i, err)
		}
	}
	n := 0
	s2.ForEach(func(Entry) error { n++; return nil })
	if n != len(all) { // the retraction replaces the retracted record in the count
		t.Errorf("ForEach after migration saw %d entries, want %d", n, len(all))
	}
	if err := s2.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketEnvelopes) != nil {
			return errors.New("the old bucket is still there")
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
}

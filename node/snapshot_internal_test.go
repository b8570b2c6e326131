package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/ursic/ursic/internal/killtest"
	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/screen"
)

// snapPlain builds a snapshot's plaintext (what age seals), for the fuzz
// seeds and the reader's tests.
func snapPlain(t testing.TB, hdr snapHeader, items ...snapItem) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(snapshotMagic)
	enc := cbor.NewEncoder(&b)
	if err := enc.Encode(hdr); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func sampleSnapItems() []snapItem {
	f := toSnapFact(&recordFacts{
		Row: index.Row{CID: "bafyone", Kind: "indicator", Author: "12D3author", AuthorName: "Kyoto", Log: "main", Seq: 3, TLP: "amber",
			Audience: []string{"members"}, Created: time.UnixMilli(1_700_000_000_000).UTC(), Title: "T", Text: "words here",
			ValidUntil: time.UnixMilli(1_800_000_000_000).UTC()},
		Case:    &caseFacts{Kind: "indicator", Author: "12D3author", Created: 1_700_000_000_000, Month: 5, Category: "export_control", TechAreas: []string{"optics"}},
		Subject: &screen.Subject{CID: "bafyone", Names: []screen.SubjectName{{Value: "Northbridge", Lang: "en"}}, Severity: "high"},
		Own:     bytes.Repeat([]byte{7}, 32),
	})
	return []snapItem{{Fact: &f}, {Unopened: &snapUnopened{CID: "bafytwo", Retry: true}}, {End: &snapTrailer{Facts: 1, Unopened: 1}}}
}

// TestSnapReaderChecksItsEnd: a plaintext read to its trailer gives back
// what was written; one without its trailer, with a trailer that miscounts,
// or with anything after the trailer is damaged.
func TestSnapReaderChecksItsEnd(t *testing.T) {
	hdr := snapHeader{Format: snapshotFormat, PeerID: "p", StoreID: "s", Seq: 9, SeqCID: "c"}
	items := sampleSnapItems()
	read := func(b []byte) ([]snapItem, error) {
		sr, err := newSnapReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		var out []snapItem
		for {
			it, err := sr.next()
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return out, err
			}
			out = append(out, it)
		}
	}
	got, err := read(snapPlain(t, hdr, items...))
	if err != nil || len(got) != 2 {
		t.Fatalf("whole plaintext: %d items, %v", len(got), err)
	}
	back := got[0].Fact.facts()
	if back.Row.Text != "words here" || back.Row.ValidUntil.UnixMilli() != 1_800_000_000_000 || back.Subject.CID != "bafyone" || back.Case.Category != "export_control" || len(back.Own) != 32 {
		t.Fatalf("facts read back: %+v", back)
	}
	for name, b := range map[string][]byte{
		"no trailer":       snapPlain(t, hdr, items[:2]...),
		"miscounted":       snapPlain(t, hdr, items[0], snapItem{End: &snapTrailer{Facts: 2, Unopened: 1}}),
		"after trailer":    snapPlain(t, hdr, append(slices.Clone(items), items[0])...),
		"two things":       snapPlain(t, hdr, snapItem{Fact: items[0].Fact, Unopened: items[1].Unopened}),
		"another file":     []byte("age-encryption.org/v1\n"),
		"cut in an item":   snapPlain(t, hdr, items...)[:len(snapPlain(t, hdr, items...))-3],
		"a fact, no CID":   snapPlain(t, hdr, snapItem{Fact: &snapFact{}}, snapItem{End: &snapTrailer{Facts: 1}}),
		"empty":            nil,
		"only the header":  snapPlain(t, hdr),
		"header is a list": append([]byte(snapshotMagic), 0x80),
	} {
		if _, err := read(b); !errors.Is(err, errSnapshotDamaged) {
			t.Errorf("%s: %v, want errSnapshotDamaged", name, err)
		}
		if name == "two things" || name == "a fact, no CID" {
			continue // the first pass counts facts; the second checks them
		}
		sr, err := newSnapReader(bytes.NewReader(b))
		if err == nil {
			err = sr.skim()
		}
		if !errors.Is(err, errSnapshotDamaged) {
			t.Errorf("%s: skim: %v, want errSnapshotDamaged", name, err)
		}
	}
}

// FuzzSnapshotReader: the snapshot reader never panics on any plaintext,
// and one it reads to the end has the counts its trailer states.
func FuzzSnapshotReader(f *testing.F) {
	hdr := snapHeader{Format: snapshotFormat, PeerID: "p", StoreID: "s", Seq: 1, SeqCID: "c", SenderKeys: []string{"a/g/1"}}
	items := sampleSnapItems()
	f.Add(snapPlain(f, hdr, items...))
	f.Add(snapPlain(f, hdr, items[2:]...))
	f.Add(snapPlain(f, hdr, items[:1]...))
	f.Fuzz(func(t *testing.T, data []byte) {
		sr, err := newSnapReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		var facts, unopened uint64
		for {
			it, err := sr.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if !errors.Is(err, errSnapshotDamaged) {
					t.Fatalf("an error that does not say damaged: %v", err)
				}
				return
			}
			if it.Fact != nil {
				facts++
				if f := it.Fact.facts(); f.Row.CID == "" {
					t.Fatal("a fact without a CID was accepted")
				}
			} else {
				unopened++
			}
		}
		if facts != sr.facts || unopened != sr.unopened {
			t.Fatalf("read %d facts and %d unopened, the reader counted %d and %d", facts, unopened, sr.facts, sr.unopened)
		}
		// The first pass of a start accepts what the second reads.
		sk, err := newSnapReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := sk.skim(); err != nil {
			t.Fatalf("skim refuses what next reads whole: %v", err)
		}
	})
}

const snapCrashEnv = "URSIC_SNAPSHOT_CRASH_HOME"

// TestSnapshotCrashHelper is not a test: TestSnapshotSurvivesSIGKILL runs
// the test binary again with snapCrashEnv set, and this function then
// publishes a record and writes the snapshot, over and over, printing each
// step of the write before taking it and "done SEQ" after it, until killed.
func TestSnapshotCrashHelper(t *testing.T) {
	dir := os.Getenv(snapCrashEnv)
	if dir == "" {
		t.Skip("helper process for TestSnapshotSurvivesSIGKILL")
	}
	fail := func(err error) { fmt.Fprintln(os.Stderr, err); os.Exit(2) }
	h, err := LoadHome(dir, "")
	if err != nil {
		fail(err)
	}
	n, err := Open(h, Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		fail(err)
	}
	var mu sync.Mutex
	snapStep = func(step string) {
		mu.Lock()
		defer mu.Unlock()
		os.Stdout.Write([]byte("step " + step + "\n"))
	}
	rec := []byte(`{"kind":"method","title":"T","tactic":"talent_recruitment","period":"2026-Q4","narrative":"N.","outcome":"declined"}`)
	for i := range 1000 { // bounded; the parent kills us long before
		r := bytes.Replace(rec, []byte(`"T"`), []byte(strconv.Quote(fmt.Sprintf("T %d", i))), 1)
		if err := n.Publish(context.Background(), [][]byte{r}, PublishOptions{}, func(Published) error { return nil }); err != nil {
			fail(err)
		}
		if err := n.writeSnapshot(math.MaxUint64); err != nil {
			fail(err)
		}
		os.Stdout.Write([]byte("done " + strconv.FormatUint(n.snapSeq.Load(), 10) + "\n"))
	}
	os.Exit(0)
}

// TestSnapshotSurvivesSIGKILL kills a node with SIGKILL at each step of
// writing its snapshot in turn. After each kill the snapshot is the last one
// written in full or the one being written, never a part of one; the next
// start loads it (or rebuilds, with no file) and answers as a full rebuild.
func TestSnapshotSurvivesSIGKILL(t *testing.T) {
	dir, _ := homeWithSecretariat(t)
	steps := []string{"trailer", "flush", "fsync", "rename", "dirsync"}
	var lastDone uint64
	for cycle := range 2 * len(steps) {
		// Kill at a chosen step of a write, after a few whole writes.
		stopAt := steps[cycle%len(steps)]
		lines := runSnapshotHelper(t, dir, 1+mrand.IntN(3), stopAt)
		for _, l := range lines {
			if s, ok := strings.CutPrefix(l, "done "); ok {
				lastDone, _ = strconv.ParseUint(s, 10, 64)
			}
		}
		h, err := LoadHome(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		// The file, if there, authenticates to its end and is the last
		// acknowledged write or a newer one.
		if f, err := os.Open(filepath.Join(dir, SnapshotFile)); err == nil {
			sr, err := openSnapshotFile(f, h.Identity)
			for err == nil {
				_, err = sr.next()
			}
			f.Close()
			if !errors.Is(err, io.EOF) {
				t.Fatalf("cycle %d (killed before %s): the snapshot left does not read: %v", cycle, stopAt, err)
			}
			if sr.hdr.Seq < lastDone {
				t.Fatalf("cycle %d: the snapshot covers change %d, but a write covering %d had finished", cycle, sr.hdr.Seq, lastDone)
			}
		} else if lastDone > 0 {
			t.Fatalf("cycle %d: no snapshot after a write finished: %v", cycle, err)
		}
		var logBuf lockedLog
		n, err := Open(h, Options{Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
		if err != nil {
			t.Fatal(err)
		}
		got := internalFingerprint(t, n)
		n.Close()
		if !strings.Contains(logBuf.String(), "index loaded from snapshot") {
			t.Fatalf("cycle %d: the snapshot left was not loaded:\n%s", cycle, logBuf.String())
		}
		os.Remove(filepath.Join(dir, SnapshotFile))
		n, err = Open(h, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		want := internalFingerprint(t, n)
		n.Close()
		if got != want {
			t.Fatalf("cycle %d: from the snapshot:\n%s\nfull rebuild:\n%s", cycle, got, want)
		}
		if tmps, _ := filepath.Glob(filepath.Join(dir, snapTempPrefix+"*")); len(tmps) > 0 {
			t.Fatalf("cycle %d: temporary files left after a start: %v", cycle, tmps)
		}
	}
}

// runSnapshotHelper runs the helper on dir until it has finished writes
// whole writes and is about to take step stopAt of the next, then kills it
// with SIGKILL, and returns what it printed.
func runSnapshotHelper(t *testing.T, dir string, writes int, stopAt string) []string {
	t.Helper()
	done := 0
	return killtest.Run(t, "TestSnapshotCrashHelper", []string{snapCrashEnv + "=" + dir}, 30*time.Second, func(line string) bool {
		if strings.HasPrefix(line, "done ") {
			done++
		}
		return done >= writes && line == "step "+stopAt
	})
}

// internalFingerprint is what the node holds in memory, as text: the
// index's rows, the case table, the screening index and the own records.
func internalFingerprint(t *testing.T, n *Node) string {
	t.Helper()
	if err := n.WaitIndexed(context.Background()); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rs, _, err := n.List(ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rs)
	b.Write(js)
	var cases []string
	names := n.cases.names()
	for _, s := range n.cases.all() {
		cases = append(cases, fmt.Sprintf("%s %d %s %s %v %d %v", s.cid, s.created, names.category(s), names.author(s), names.areas(s), s.month, n.live(s)))
	}
	slices.Sort(cases)
	fmt.Fprintf(&b, "\ncases %q\nscreening %d\n", cases, n.screening.index().Len())
	n.own.mu.RLock()
	var own []string
	for p := range uint32(n.own.count) {
		e := n.own.at(p)
		own = append(own, fmt.Sprintf("%x=%s", e.key, e.cid))
	}
	n.own.mu.RUnlock()
	slices.Sort(own)
	fmt.Fprintf(&b, "own %q\n", own)
	return b.String()
}

type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

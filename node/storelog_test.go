package node

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/node/screen"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// syntheticLog makes received entries of one log as prepare leaves them (checked, opened, index
// facts read), without the crypto: what storeLog does with them does not depend on how they
// were checked. Envelopes are random bytes of a real envelope's size with their real CIDs.
type syntheticLog struct {
	author, log string
	seq         uint64
	prev        []byte
}

var benchVocab = strings.Fields("shell company procurement talent programme funding source conference " +
	"visiting researcher export control dual use semiconductor quantum battery ai biotech drone " +
	"satellite front organisation undisclosed ties consultancy recruitment platform grant")

func (l *syntheticLog) next(n int) []*received {
	out := make([]*received, n)
	for i := range out {
		l.seq++
		raw := make([]byte, 1600)
		rand.Read(raw)
		c := share.CIDOf(raw)
		h := share.Header{Version: share.FormatVersion, Kind: share.KindIndicator, Author: l.author, Log: l.log, Seq: l.seq, Prev: l.prev,
			Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(l.seq) * time.Minute).UnixMilli(),
			TLP:     "amber", Audience: []string{"members"}}
		l.prev = c.Bytes()
		words := make([]string, 120)
		for j := range words {
			words[j] = benchVocab[(int(l.seq)*7+j*13)%len(benchVocab)]
		}
		title := strings.Join(words[:6], " ")
		name := fmt.Sprintf("Org%dx Holdings", l.seq)
		body := fmt.Sprintf(`{"title":%q,"summary":%q,"subject":{"names":[{"value":%q}]}}`, title, strings.Join(words[6:], " "), name)
		cid := c.String()
		out[i] = &received{
			Envelope: &receive.Envelope{Raw: raw, Env: &share.Envelope{Header: h}, CID: cid},
			plain:    []byte(body),
			facts: &recordFacts{
				Row: index.Row{CID: cid, Kind: h.Kind, Author: h.Author, AuthorName: "Kyoto University", Log: h.Log, Seq: h.Seq,
					TLP: h.TLP, Audience: h.Audience, Created: time.UnixMilli(h.Created).UTC(), Title: title, Text: index.SearchText([]byte(body))},
				Case:    &caseFacts{Kind: h.Kind, Author: h.Author, Created: h.Created, Category: "export_control", TechAreas: []string{"photonics"}},
				Subject: &screen.Subject{CID: cid, Names: []screen.SubjectName{{Value: name, Lang: "en"}}},
			},
		}
	}
	return out
}

// quietNode opens a new node named name, alone on its roster, logging
// nothing; it is closed when the test ends.
func quietNode(tb testing.TB, name string) *Node {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "home")
	if _, err := Init(dir, InitOptions{Name: name}); err != nil {
		tb.Fatal(err)
	}
	h, err := LoadHome(dir, "")
	if err != nil {
		tb.Fatal(err)
	}
	n, err := Open(h, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { n.Close() })
	return n
}

// BenchmarkStoreLog1024 measures the storer's work on one batch of 1,024 records of one log, as
// a bulk pull hands it over (storeRange → storeLog): the store transaction, the catalogue, the
// index insert, and the case and screening facts it queues, applied before the batch counts as
// done. ns/op is a batch; divide by 1,024 for a record.
//
//	go test ./node -run '^$' -bench StoreLog1024 -benchmem -count 5
func BenchmarkStoreLog1024(b *testing.B) {
	const batch, batches = 1024, 16
	n := quietNode(b, "Bench University")
	author, err := peer.Decode("12D3KooWQ6SC8QeL55fdVUnxYYHNba2J2GoLNPDPq3ey3WrPVtsC")
	if err != nil {
		b.Fatal(err)
	}
	nw := &federation{n: n}
	l := &syntheticLog{author: author.String(), log: "g/members"}
	var recs []*received
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%batches == 0 {
			b.StopTimer()
			recs = l.next(batch * batches)
			b.StartTimer()
		}
		k := i % batches
		carry, err := nw.storeRange(author, recs[k*batch:(k+1)*batch])
		if err != nil || len(carry) != 0 {
			b.Fatal(err, len(carry))
		}
		n.cases.queue.settle()
		n.screening.queue.settle()
		i++
	}
	if got := n.index.Len(); got != i*batch {
		b.Fatalf("%d rows indexed after %d batches", got, i)
	}
}

// TestReceivedOf: the walk that maps ConfirmStubs' answer back to the received entries gives
// what the map it replaced gave, for subsequences and (through its fallback) for anything else.
func TestReceivedOf(t *testing.T) {
	recs := make([]*received, 40)
	envs := make([]*receive.Envelope, len(recs))
	for i := range recs {
		envs[i] = &receive.Envelope{CID: fmt.Sprint(i)}
		recs[i] = &received{Envelope: envs[i]}
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	for range 500 {
		var sub []*receive.Envelope
		for _, e := range envs {
			if rng.IntN(3) > 0 {
				sub = append(sub, e)
			}
		}
		if rng.IntN(4) == 0 && len(sub) > 1 {
			rng.Shuffle(len(sub), func(i, j int) { sub[i], sub[j] = sub[j], sub[i] })
		}
		if rng.IntN(8) == 0 {
			sub = append(sub, &receive.Envelope{}) // not in recs at all: nil, as the map gave
		}
		got, want := receivedOf(recs, sub), receivedByMap(recs, sub)
		if !slices.Equal(got, want) {
			t.Fatalf("receivedOf %v, want %v", got, want)
		}
	}
}

// TestStoreRangeHoldsUnvouchedStub: in a relay's range answer a stub waits,
// with what follows it, for the batch that carries its author's retraction;
// without one the log stops before it, and what waits is bounded.
func TestStoreRangeHoldsUnvouchedStub(t *testing.T) {
	n := quietNode(t, "Test University")
	relay, err := peer.Decode(n.PeerID())
	if err != nil {
		t.Fatal(err)
	}
	nw := &federation{n: n}
	head := func(l *syntheticLog) uint64 {
		t.Helper()
		seq, _, err := n.store.Head(l.author, l.log)
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	stub := func(r *received) { r.Stub, r.plain, r.facts = true, nil, nil }
	retraction := func(r *received, target string) {
		r.Env.Header.Kind = share.KindRetraction
		r.plain = []byte(fmt.Sprintf(`{"kind":"retraction","target":%q,"reason":"withdrawn"}`, target))
		r.facts = nil
	}

	// Vouched in the next batch: entry 2 is a stub, entry 4 its author's retraction.
	l := &syntheticLog{author: "12D3KooWQ6SC8QeL55fdVUnxYYHNba2J2GoLNPDPq3ey3WrPVtsC", log: "g/members"}
	recs := l.next(4)
	stub(recs[1])
	retraction(recs[3], recs[1].CID)
	carry, err := nw.storeRange(relay, recs[:3])
	if got := head(l); got != 1 || len(carry) != 2 {
		t.Fatalf("first batch: head %d, %d carried (%v); want 1 and the stub and its successor", got, len(carry), err)
	}
	carry, _ = nw.storeRange(relay, append(carry, recs[3]))
	if got := head(l); got != 4 || len(carry) != 0 {
		t.Fatalf("second batch: head %d, %d carried; want 4, none", got, len(carry))
	}
	if _, err := n.store.Get(recs[1].CID); !errors.Is(err, store.ErrRetracted) {
		t.Fatalf("the stubbed entry: %v, want it held as retracted", err)
	}

	// Never vouched: the log stops before the stub, and what waits is bounded.
	l = &syntheticLog{author: "12D3KooWEuDdagZ227Tn1dVLyzefB83jCXcNSMhKRzwo5Bb38pcv", log: "g/members"}
	recs = l.next(maxStubWait + 2)
	stub(recs[1])
	carry, _ = nw.storeRange(relay, recs[:3])
	carry, _ = nw.storeRange(relay, append(carry, recs[3:]...))
	if got := head(l); got != 1 || len(carry) != 0 {
		t.Fatalf("an unvouched stub: head %d, %d carried; want 1, none (more than %d wait)", got, len(carry), maxStubWait)
	}
	// The author's own answer needs no retraction.
	author, err := peer.Decode(l.author)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nw.storeRange(author, recs[1:]); err != nil || head(l) != uint64(len(recs)) {
		t.Fatalf("the author's own stub: head %d of %d, %v", head(l), len(recs), err)
	}
}

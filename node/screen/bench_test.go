package screen

import (
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ursic/ursic/node/screen/screentest"
)

// BenchmarkMatch10kNames100kSubjects screens 10,000 names against 100,000
// subjects on every core, as the node does; one iteration is the whole list.
// The index is built once, outside the timing (the node builds it as it
// opens records); its build time is reported.
//
//	go test ./node/screen -run '^$' -bench Match10k -benchtime 5x
func BenchmarkMatch10kNames100kSubjects(b *testing.B) {
	orgs := screentest.Orgs(1, 100_000)
	start := time.Now()
	x := NewIndex()
	for i, o := range orgs {
		x.Add(Subject{CID: fmt.Sprintf("c%06d", i), Names: []SubjectName{{Value: o.English, Lang: "en"}, {Value: o.Local, Lang: o.Lang}}, Jurisdiction: o.Jurisdiction})
	}
	build := time.Since(start)
	names := screentest.List(2, orgs, 10_000)
	hits := 0
	for b.Loop() {
		hits = matchAll(x, names)
	}
	b.ReportMetric(build.Seconds(), "index-build-s")
	b.ReportMetric(float64(hits), "hits")
}

func matchAll(x *Index, names []string) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	next, hits := 0, 0
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= len(names) {
					return
				}
				h := 0
				for _, alt := range Alternatives(names[k]) {
					h += len(x.Match(Query{Name: alt}))
				}
				mu.Lock()
				hits += h
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return hits
}

// BenchmarkNoteIndicator is what the node adds to opening one indicator:
// reading its subject from a ~1 KiB body (SubjectOf) and indexing it (Add).
// Compare with the cost of opening it (BenchmarkOpenGroupRecord in node).
//
//	go test ./node/screen -run '^$' -bench NoteIndicator -benchtime 20000x
func BenchmarkNoteIndicator(b *testing.B) {
	orgs := screentest.Orgs(5, 100_000)
	bodies := make([][]byte, len(orgs))
	for i, o := range orgs {
		bodies[i] = fmt.Appendf(nil, `{"basis":{"as_of":"2026-03-15","legal_effect":"advisory","source_list":"METI End User List","source_type":"government_list"},"confidence":"medium","indicator_type":"procurement_front","kind":"indicator","reason_category":"export_control","review_due":"2027-01-31","severity":"high","subject":{"jurisdiction":"%s","kind":"organisation","names":[{"lang":"en","type":"legal","value":%q},{"lang":"zh-Hans","type":"legal","value":%q}]},"suggested_mitigation":"Screen against the End User List before any MTA, quote or purchase.","summary":"Requested quotes for femtosecond lasers from three members' labs within a month, using a shared e-mail template. Appears on a government end-user list, and its address matches an intermediary named in an earlier case.","tech_areas":["photonics","quantum"],"title":"Procurement front for dual-use photonics (synthetic %d)","valid_from":"2026-04-01","valid_until":"2027-03-31"}`,
			o.Jurisdiction, o.English, o.Local, i)
	}
	x := NewIndex()
	i := 0
	for b.Loop() {
		s, err := SubjectOf(fmt.Sprintf("c%07d", i), bodies[i%len(bodies)])
		if err != nil {
			b.Fatal(err)
		}
		x.Add(s)
		i++
	}
}

// BenchmarkIndexMemory1M indexes 1,000,000 subjects with distinct names,
// as the node's start benchmark writes them ("Northbridge Trading Co. N",
// one legal name in English, a CIDv1 each), and reports the live heap per
// subject after a GC and the build time. A reported figure, not a test.
//
//	go test ./node/screen -run '^$' -bench IndexMemory1M -benchtime 1x
func BenchmarkIndexMemory1M(b *testing.B) {
	const count = 1_000_000
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		x := NewIndex()
		for i := range count {
			x.Add(Subject{CID: benchCID(i), Names: []SubjectName{{Value: fmt.Sprintf("Northbridge Trading Co. %d", i), Lang: "en", Type: "legal"}},
				Jurisdiction: "JP", Severity: "high", Mitigation: "Screen against the End User List before any MTA, quote or purchase."})
		}
		build := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		st := x.Stats()
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/count, "heap-B/subject")
		b.ReportMetric(float64(st.TableBytes)/count, "table-B/subject")
		b.ReportMetric(float64(st.DataBytes)/count, "data-B/subject")
		b.ReportMetric(build.Seconds(), "build-s")
		if got := len(x.Match(Query{Name: "Northbridge Trading Co. 123456"})); got == 0 {
			b.Fatal("no hit for an indexed name")
		}
		runtime.KeepAlive(x)
	}
}

// benchCID is a CIDv1 (raw, sha-256) in base32, as records are named.
func benchCID(i int) string {
	d := sha256.Sum256(fmt.Appendf(nil, "subject-%d", i))
	return "b" + cidEncoding.EncodeToString(append([]byte{0x01, 0x55, 0x12, 0x20}, d[:]...))
}

// BenchmarkAdd1024 measures indexing 1,024 subjects already read from their bodies (the node's
// background worker's Add, without SubjectOf). ns/op is a batch of 1,024.
//
//	go test ./node/screen -run '^$' -bench Add1024 -benchmem -count 5
func BenchmarkAdd1024(b *testing.B) {
	const batch, batches = 1024, 32
	orgs := screentest.Orgs(5, batch*batches)
	subjects := make([]Subject, len(orgs))
	for i, o := range orgs {
		subjects[i] = Subject{CID: fmt.Sprintf("c%07d", i), Names: []SubjectName{{Value: o.English, Lang: "en"}, {Value: o.Local, Lang: o.Lang}}, Jurisdiction: o.Jurisdiction}
	}
	var x *Index
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%batches == 0 {
			b.StopTimer()
			x = NewIndex()
			b.StartTimer()
		}
		k := i % batches
		for _, s := range subjects[k*batch : (k+1)*batch] {
			x.Add(s)
		}
		i++
	}
}

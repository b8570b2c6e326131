package index

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	benchKinds   = []string{"indicator", "method", "sighting", "trend", "facet"}
	benchTLPs    = []string{"clear", "green", "amber", "amber+strict", "red"}
	benchAuthors = []string{"hokkaido", "tohoku", "tokyo", "science-tokyo", "uec", "nagoya", "kyoto", "osaka", "kyushu"}
	benchWords   = strings.Fields("shell company procurement talent programme funding source conference " +
		"visiting researcher export control dual use semiconductor quantum battery ai biotech drone " +
		"satellite front organisation undisclosed ties consultancy recruitment platform grant")
)

// benchRows builds n rows with ~1 KiB bodies, spread over kinds, TLPs, authors and a year.
func benchRows(n int) []Row {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]Row, n)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		words := make([]string, 150)
		for j := range words {
			words[j] = benchWords[rng.IntN(len(benchWords))]
		}
		title := strings.Join(words[:6], " ")
		// Two words unique to each row (an organisation's name, an identifier) give the index a
		// vocabulary of 200,000 words at 100,000 rows, as real records would.
		body := fmt.Sprintf(`{"title":%q,"summary":%q,"subject":{"names":[{"value":"Org%dx Holdings"}],"ids":{"ror":"0%07dq"}}}`,
			title, strings.Join(words[6:], " "), i, i)
		r := Row{
			CID:      fmt.Sprintf("bafyreib%052d", i),
			Kind:     benchKinds[rng.IntN(len(benchKinds))],
			Author:   benchAuthors[rng.IntN(len(benchAuthors))],
			Log:      "members",
			Seq:      uint64(i + 1),
			TLP:      benchTLPs[rng.IntN(len(benchTLPs))],
			Audience: []string{"members"},
			Created:  base.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))),
			Title:    title,
			Text:     SearchText([]byte(body)),
		}
		if i%10 == 0 {
			r.ValidUntil = r.Created.Add(90 * 24 * time.Hour)
		}
		rows[i] = r
	}
	return rows
}

// BenchmarkInsert100k measures a rebuild of the index at start, and the heap it holds per row
// beyond the rows given to it (memdb, the list view and the word index).
func BenchmarkInsert100k(b *testing.B) {
	rows := benchRows(100_000)
	var x *Index
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if x, err = New(); err != nil {
			b.Fatal(err)
		}
		if err := x.Insert(rows); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")

	b.ReportMetric(heapPerRow(b, rows), "heap-B/row")
}

// BenchmarkList100k runs the console's queries over 100,000 rows and reports p50/p99 latency
// (§7 target: p99 ≤ 20 ms).
func BenchmarkList100k(b *testing.B) {
	x, err := New()
	if err != nil {
		b.Fatal(err)
	}
	if err := x.Insert(benchRows(100_000)); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		q    Query
	}{
		{"newest50", Query{Now: now, Limit: 50}},
		{"kind", Query{Now: now, Kind: "method", Limit: 50}},
		{"kind+tlp", Query{Now: now, Kind: "indicator", TLP: "amber", Limit: 50}},
		{"text", Query{Now: now, Text: "semiconductor export", Limit: 50}},
		{"text-rare", Query{Now: now, Text: "quantum drone satellite grant", Limit: 50}},
		{"text-one-org", Query{Now: now, Text: "org4242x", Limit: 50}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, _, err := x.List(bc.q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// benchCID returns a string shaped like a real CIDv1 (base32, random after the prefix), so that
// the radix tree has the shape it has in production.
func benchCID(i int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "record %d", i))
	return "bafyrei" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))
}

// heapPerRow is the live heap an index of rows holds, per row, beyond the rows given to it.
func heapPerRow(b *testing.B, rows []Row) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	x, err := New()
	if err != nil {
		b.Fatal(err)
	}
	if err := x.Insert(rows); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(x)
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(len(rows))
}

// BenchmarkInsertBatch1024 measures one Insert of 1,024 new rows (~1 KiB bodies) into an index
// that already holds tens of thousands, as the sync's storer inserts a batch. ns/op is a batch;
// divide by 1,024 for a row.
//
//	go test ./node/index -run '^$' -bench InsertBatch1024 -benchmem -count 5
func BenchmarkInsertBatch1024(b *testing.B) {
	const batch, batches = 1024, 48
	rows := benchRows(batch * batches)
	for i := range rows {
		rows[i].CID = benchCID(i) // the radix tree's production shape
	}
	var x *Index
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%batches == 0 {
			b.StopTimer()
			var err error
			if x, err = New(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		k := i % batches
		if err := x.Insert(rows[k*batch : (k+1)*batch]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

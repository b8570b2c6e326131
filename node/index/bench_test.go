package index

import (
	"fmt"
	"math/rand/v2"
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
		body := fmt.Sprintf(`{"title":%q,"summary":%q}`, title, strings.Join(words[6:], " "))
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
			Body:     []byte(body),
		}
		if i%10 == 0 {
			r.ValidUntil = r.Created.Add(90 * 24 * time.Hour)
		}
		rows[i] = r
	}
	return rows
}

func BenchmarkInsert100k(b *testing.B) {
	rows := benchRows(100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, err := New()
		if err != nil {
			b.Fatal(err)
		}
		if err := x.Insert(rows); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
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

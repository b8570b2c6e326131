//go:build unix

package node

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// Benchmarks of the secretariat's targets: aggregating 100,000 facets (≤ 1 s)
// and `similar` over 100,000 readable records (p99 ≤ 50 ms). The node is a
// real one (its home, store, index and case table); the facets and records
// are put straight into the index and the case table, as opening their
// envelopes at start or on receipt would, so what is timed is the
// aggregation and the query, not the opening (which the start and sync
// benchmarks measure).
//
//	go test ./node -run '^$' -bench 'Trends100k|Similar100k' -benchtime 5x -count 3

const benchCases = 100_000

var (
	benchCategories = []string{"talent_recruitment", "intermediary_funding", "visiting_post", "joint_lab", "procurement",
		"export_evasion", "undisclosed_affiliation", "cyber_intrusion", "data_exfiltration", "conference_approach", "gift_funding", "shell_company"}
	benchAreas = []string{"semiconductors", "quantum", "ai", "biotech", "space", "materials", "energy", "robotics", "telecom", "nuclear"}
)

// benchSecretariat opens a secretariat node on a one-node roster (so that
// its own trend reports count as a secretariat's).
func benchSecretariat(b *testing.B) *Node {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "sec")
	card, err := Init(dir, InitOptions{Name: "bench-secretariat", Role: "secretariat"})
	if err != nil {
		b.Fatal(err)
	}
	h, err := LoadHome(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	g := &share.Roster{Version: 1, Threshold: 1, Created: time.Now().UTC().Truncate(time.Second),
		Members: []share.RosterMember{share.RosterMember(*card)}, Executive: []string{card.PeerID}}
	if err := g.Sign(h.Identity); err != nil {
		b.Fatal(err)
	}
	if err := ApplyRosterOffline(dir, g); err != nil {
		b.Fatal(err)
	}
	n, err := Open(h, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { n.Close() })
	return n
}

// fillCases adds count facets (facet true) or methods, from 20 members,
// spread over categories, areas, twelve months and the outcomes.
func fillCases(b *testing.B, n *Node, count int, facet bool) {
	b.Helper()
	outcomes := []string{"declined", "accepted-with-mitigation", "accepted", "pending"}
	rows := make([]index.Row, 0, count)
	for i := range count {
		cid := share.CIDOf(fmt.Appendf(nil, "bench-%v-%d", facet, i)).String()
		author := fmt.Sprintf("12D3KooWbenchmember%02d", i%20)
		cat, area, outcome := benchCategories[i%len(benchCategories)], benchAreas[(i/7)%len(benchAreas)], outcomes[(i/3)%len(outcomes)]
		created := time.Date(2026, time.Month(1+i%12), 15, 0, 0, 0, 0, time.UTC)
		h := share.Header{Author: author, Created: created.UnixMilli()}
		var body string
		if facet {
			h.Kind = share.KindFacet
			body = fmt.Sprintf(`{"kind":"facet","record_kind":"method","category":%q,"tech_areas":[%q],"period":%q,"outcome":%q,"mitigations":["contract"],"link":"%064x"}`,
				cat, area, policy.MonthOf(created).String(), outcome, i)
		} else {
			h.Kind = share.KindMethod
			body = fmt.Sprintf(`{"kind":"method","title":"Case %d","tactic":%q,"period":"2026-Q4","tech_areas":[%q],"narrative":"N.","outcome":%q,"mitigations":["Contract review","Segment lab access"]}`,
				i, cat, area, outcome)
		}
		n.cases.note(cid, &h, &share.Record{Kind: h.Kind, Body: []byte(body)})
		rows = append(rows, index.Row{CID: cid, Kind: h.Kind, Author: author, Log: "g/members", Seq: uint64(i + 1),
			TLP: "amber", Audience: []string{"members"}, Created: created, Title: "bench"})
	}
	if err := n.index.Insert(rows); err != nil {
		b.Fatal(err)
	}
	runtime.GC() // the setup's garbage is not the query's
}

// BenchmarkTrends100k aggregates 100,000 facets by all four dimensions
// (5,760 cells), disclosure control included. Target: ≤ 1 s an aggregation.
func BenchmarkTrends100k(b *testing.B) {
	n := benchSecretariat(b)
	fillCases(b, n, benchCases, true)
	opt := TrendOptions{By: []string{"category", "tech_area", "period", "outcome"}}
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		t, err := n.Trends(opt)
		if err != nil {
			b.Fatal(err)
		}
		if len(t.Cells) == 0 {
			b.Fatal("no cells")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/aggregation")
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/aggregation")
}

// cpuTime is the CPU time (user + system) this process has used: unlike the
// wall clock, it does not grow when other processes share the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSimilar100k asks `similar` for each category in turn over
// 100,000 readable methods, with a published trend report (by category and
// outcome) to read the consortium part from. Target: p99 ≤ 50 ms.
func BenchmarkSimilar100k(b *testing.B) {
	n := benchSecretariat(b)
	fillCases(b, n, benchCases, false)
	fillCases(b, n, 20_000, true) // facets for a real report
	if _, err := n.PublishTrend(context.Background(), TrendPublishOptions{Period: "2026-Q4"}); err != nil {
		b.Fatal(err)
	}
	// Warm: the first query of a category after a start asks the index
	// whether each of its records is live (BenchmarkSimilar100kCold
	// measures that); later ones read the answer from the summaries.
	for _, c := range benchCategories {
		if _, err := n.Similar(SimilarOptions{Category: c}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var lat []time.Duration
	cpu0 := cpuTime()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		for range 20 {
			start := time.Now()
			s, err := n.Similar(SimilarOptions{Category: benchCategories[i%len(benchCategories)]})
			lat = append(lat, time.Since(start))
			if err != nil || s.Readable.Records == 0 || s.Consortium.Report == nil {
				b.Fatalf("similar: %v (%d records, report %v)", err, s.Readable.Records, s.Consortium.Report)
			}
			i++
		}
	}
	cpu := cpuTime() - cpu0
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(cpu)/float64(len(lat)), "cpu-ms/query")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(float64(len(lat)), "queries")
}

// BenchmarkSimilar100kCold is BenchmarkSimilar100k with every record's live
// mark forgotten before each query: the cost of the first query after a
// start or after any retraction, when the index is asked again.
func BenchmarkSimilar100kCold(b *testing.B) {
	n := benchSecretariat(b)
	fillCases(b, n, benchCases, false)
	var all []*caseSummary
	for _, c := range benchCategories {
		cases, _ := n.cases.ofCategory(c)
		all = append(all, cases...)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		b.StopTimer()
		for _, s := range all {
			s.state.Store(caseUnknown)
		}
		b.StartTimer()
		if _, err := n.Similar(SimilarOptions{Category: benchCategories[i%len(benchCategories)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
}

// BenchmarkSummarise1KiB is what noting a record in the case table adds to
// opening it (on receipt and at start): one decode of the coarse fields of
// a 1 KiB method body. Compare with BenchmarkOpenGroupRecord9.
func BenchmarkSummarise1KiB(b *testing.B) {
	body := []byte(`{"kind":"method","title":"Bench","tactic":"intermediary_funding","period":"2026-Q2","narrative":"` +
		strings.Repeat("The offer arrived through an intermediary foundation. ", 18) + `","outcome":"declined","mitigations":["Contract review"]}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		summarise(share.KindMethod, body)
	}
}

// BenchmarkPublishFacets publishes 2,000 methods (about 1 KiB each) through
// Node.Publish on a roster with a secretariat (every record also writes its
// facet) and on one without (no facets), to show what facets add to
// publishing.
func BenchmarkPublishFacets(b *testing.B) {
	for _, withSec := range []bool{false, true} {
		b.Run(fmt.Sprintf("secretariat=%v", withSec), func(b *testing.B) {
			records := make([][]byte, 2000)
			for i := range records {
				records[i] = fmt.Appendf(nil, `{"kind":"method","title":"Bench %d","tactic":"intermediary_funding","period":"2026-Q2","narrative":%q,"outcome":"declined"}`,
					i, strings.Repeat("The offer arrived through an intermediary foundation. ", 18))
			}
			for b.Loop() {
				b.StopTimer()
				root := b.TempDir()
				dir := filepath.Join(root, "a")
				card, err := Init(dir, InitOptions{Name: "a"})
				if err != nil {
					b.Fatal(err)
				}
				h, _ := LoadHome(dir, "")
				g := &share.Roster{Version: 1, Threshold: 1, Created: time.Now().UTC().Truncate(time.Second),
					Members: []share.RosterMember{share.RosterMember(*card)}, Executive: []string{card.PeerID}}
				if withSec {
					sec, err := Init(filepath.Join(root, "sec"), InitOptions{Name: "sec", Role: "secretariat"})
					if err != nil {
						b.Fatal(err)
					}
					g.Members = append(g.Members, share.RosterMember(*sec))
				}
				g.Sign(h.Identity)
				if err := ApplyRosterOffline(dir, g); err != nil {
					b.Fatal(err)
				}
				n, err := Open(h, Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := n.Publish(context.Background(), records, PublishOptions{}, func(Published) error { return nil }); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				n.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(len(records)*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

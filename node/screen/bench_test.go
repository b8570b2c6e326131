package screen

import (
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

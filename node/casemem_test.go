//go:build unix

package node

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/ursic/ursic/share"
)

// BenchmarkCaseTableMemory reports the live heap the case table holds per
// record: 100,000 methods noted (the index is not filled).
func BenchmarkCaseTableMemory(b *testing.B) {
	for b.Loop() {
		t := newCaseTable("12D3KooWself")
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range benchCases {
			cid := share.CIDOf(fmt.Appendf(nil, "mem-%d", i)).String()
			h := share.Header{Kind: share.KindMethod, Author: fmt.Sprintf("12D3KooWbenchmember%02d", i%20), Created: int64(i)}
			body := fmt.Sprintf(`{"kind":"method","title":"Case","tactic":%q,"period":"2026-Q4","tech_areas":[%q],"narrative":"N.","outcome":"declined","mitigations":["Contract review"]}`,
				benchCategories[i%len(benchCategories)], benchAreas[i%len(benchAreas)])
			t.note(cid, &h, &share.Record{Kind: share.KindMethod, Body: []byte(body)})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchCases, "heap-B/record")
		runtime.KeepAlive(t)
	}
}

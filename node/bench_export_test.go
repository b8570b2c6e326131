package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
)

// benchRecords is how many GREEN records BenchmarkExportSTIX exports:
// 100,000 unless URSIC_BENCH_EXPORT says otherwise.
func benchRecords(b *testing.B) int {
	if v := os.Getenv("URSIC_BENCH_EXPORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("URSIC_BENCH_EXPORT=%q is not a positive count", v)
		}
		return n
	}
	return 100000
}

// greenIndicators makes n distinct GREEN indicators of about 1 KiB.
func greenIndicators(b testing.TB, n int) [][]byte {
	raw, err := os.ReadFile("../examples/records/indicator-green.json")
	if err != nil {
		b.Fatal(err)
	}
	var base map[string]any
	if err := json.Unmarshal(raw, &base); err != nil {
		b.Fatal(err)
	}
	out := make([][]byte, n)
	for i := range out {
		base["title"] = fmt.Sprintf("Talent programme with undisclosed exclusivity terms, case %d (fictional example)", i)
		base["subject"] = map[string]any{"kind": "organisation", "names": []any{map[string]any{"value": fmt.Sprintf("Example Front %d Ltd.", i), "lang": "en"}}, "jurisdiction": "JP"}
		if out[i], err = json.Marshal(base); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

// BenchmarkExportSTIX: one `ursic export stix` bundle of every record of a
// node holding 100,000 GREEN indicators (the node side: index walk, open
// every envelope, map, write the bundle).
func BenchmarkExportSTIX(b *testing.B) {
	n := benchRecords(b)
	dir := b.TempDir()
	if _, err := node.Init(dir, node.InitOptions{Name: "Bench University"}); err != nil {
		b.Fatal(err)
	}
	h, err := node.LoadHome(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	nd, err := node.Open(h, node.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer nd.Close()
	start := time.Now()
	records := greenIndicators(b, n)
	if err := nd.Publish(context.Background(), records, node.PublishOptions{TLP: "green"}, func(node.Published) error { return nil }); err != nil {
		b.Fatal(err)
	}
	b.Logf("published %d GREEN records in %v", n, time.Since(start).Round(time.Millisecond))
	var size int
	cpu0 := cpuTime(b)
	b.ResetTimer()
	for b.Loop() {
		out, err := nd.ExportSTIX(time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.StopTimer()
	// CPU seconds (user + system, all cores) per export: on a shared
	// machine, less noisy than the wall time.
	b.ReportMetric((cpuTime(b)-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(n), "records")
	b.ReportMetric(float64(size)/(1<<20), "MiB/bundle")
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

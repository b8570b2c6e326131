package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Measurements for docs/BENCHMARKS.md, through the real CLI and a real node
// process on loopback. Run them one iteration at a time:
//
//	go test ./cmd/ursic -run '^$' -bench . -benchtime 1x
//
// URSIC_BENCH_RECORDS changes the record count (default 10000); bodies are
// about 1 KiB.

func benchRecords(b *testing.B) int { return envInt(b, "URSIC_BENCH_RECORDS", 10_000) }

// writeJSONLines writes n ~1 KiB records to a file and returns its path.
func writeJSONLines(b *testing.B, n int, tag string) string {
	b.Helper()
	file := filepath.Join(b.TempDir(), "records.jsonl")
	if err := os.WriteFile(file, jsonLines(n, 1024, tag), 0o600); err != nil {
		b.Fatal(err)
	}
	return file
}

// publishFile publishes a JSON Lines file through the CLI and checks that it
// printed one CID per record.
func publishFile(b *testing.B, home, file string, n int) {
	b.Helper()
	out, errOut, err := runCLI(b, home, nil, "publish", file)
	if err != nil {
		b.Fatalf("publish: %v\n%s", err, errOut)
	}
	if got := strings.Count(out, "\n"); got != n {
		b.Fatalf("publish printed %d lines for %d records", got, n)
	}
}

// BenchmarkPublishJSONLines10k publishes a JSON Lines file of 10,000 records
// with `ursic publish FILE` against a running node. Each iteration adds
// 10,000 records to the same node.
func BenchmarkPublishJSONLines10k(b *testing.B) {
	n := benchRecords(b)
	home := initHome(b, "Bench University")
	file := writeJSONLines(b, n, "Bench")
	fi, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	p := startNodeProc(b, home)
	b.SetBytes(fi.Size())
	iterations := 0
	for b.Loop() {
		publishFile(b, home, file, n)
		iterations++
	}
	b.ReportMetric(float64(n*iterations)/b.Elapsed().Seconds(), "records/s")
	p.stop()
}

// tookPattern finds the duration in the node's "node open ... took=" log line.
var tookPattern = regexp.MustCompile(`msg="node open".* records=(\d+) .*took=(\S+)`)

// BenchmarkStart10k measures how long a node holding 10,000 records takes
// from process start until its API answers /healthz, and how much of that
// is opening the store and rebuilding the index (the "took=" of the
// "node open" log line).
func BenchmarkStart10k(b *testing.B) {
	n := benchRecords(b)
	home := initHome(b, "Bench University")
	p := startNodeProc(b, home)
	publishFile(b, home, writeJSONLines(b, n, "Start"), n)
	p.stop()

	var toHealthy, opening time.Duration
	var peakRSS int64
	iterations := 0
	for b.Loop() {
		p := startNodeProc(b, home)
		toHealthy += time.Since(p.started)
		b.StopTimer()
		m := tookPattern.FindStringSubmatch(p.stderr.String())
		if m == nil {
			b.Fatalf("no \"node open ... took=\" line in the node log:\n%s", p.stderr.String())
		}
		if got, _ := strconv.Atoi(m[1]); got < n {
			b.Fatalf("the node opened with %s records, want at least %d", m[1], n)
		}
		d, err := time.ParseDuration(m[2])
		if err != nil {
			b.Fatalf("took=%s: %v", m[2], err)
		}
		opening += d
		peakRSS = max(peakRSS, vmHWM(p.cmd.Process.Pid))
		p.stop()
		iterations++
		b.StartTimer()
	}
	b.ReportMetric(float64(toHealthy.Milliseconds())/float64(iterations), "ms-to-healthz")
	b.ReportMetric(float64(opening.Milliseconds())/float64(iterations), "ms-open")
	if peakRSS > 0 {
		b.ReportMetric(float64(peakRSS)/(1<<20), "peak-RSS-MiB")
	}
}

// vmHWM returns a process's peak resident set size in bytes from
// /proc/PID/status (Linux), or 0 if it cannot be read.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

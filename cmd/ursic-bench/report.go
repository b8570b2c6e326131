package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// verdict of one figure against its target (docs/BENCHMARKS.md).
const (
	pass = "pass"
	miss = "MISS"
	info = "—" // a figure for context, with no target of its own
)

// figure is one line of the results table.
type figure struct {
	scenario, name, value, target, verdict string
}

// results collects figures as scenarios produce them and prints each one
// as soon as it is known (a long run shows progress).
type results struct {
	mu   sync.Mutex
	w    io.Writer
	figs []figure
}

func (r *results) add(scenario, name, value, target, verdict string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := figure{scenario, name, value, target, verdict}
	r.figs = append(r.figs, f)
	fmt.Fprintf(r.w, "  %-12s %-58s %-22s %-14s %s\n", scenario, name, value, target, verdict)
}

// check adds a figure with a target: ok says whether it is met.
func (r *results) check(scenario, name, value, target string, ok bool) {
	v := pass
	if !ok {
		v = miss
	}
	r.add(scenario, name, value, target, v)
}

// markdown writes the table in the form docs/BENCHMARKS.md uses.
func (r *results) markdown(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(w, "| Scenario | Figure | Value | Target | Result |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, f := range r.figs {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", f.scenario, f.name, f.value, f.target, f.verdict)
	}
}

func (r *results) misses() []figure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(r.figs), func(f figure) bool { return f.verdict != miss })
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func ints(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

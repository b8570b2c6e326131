// Command ursic-bench measures the targets of docs/BENCHMARKS.md with real nodes: each
// scenario initialises homes in a temporary directory, builds a signed
// roster, opens the nodes and, where the scenario needs the network, starts
// libp2p on 127.0.0.1. It prints one line per figure (value, target,
// pass/miss) and, with -md, the table for docs/BENCHMARKS.md.
//
//	go run ./cmd/ursic-bench -quick            # CI-sized, about a minute
//	go run ./cmd/ursic-bench                   # the full run (the targets' sizes)
//	go run ./cmd/ursic-bench -run open,queries # some scenarios only
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "ursic-bench: error: %v\n", err)
		os.Exit(1)
	}
}

var allScenarios = []string{"open", "sync", "idle", "start", "queries", "propagation"}

func run(args []string) error {
	fs := flag.NewFlagSet("ursic-bench", flag.ContinueOnError)
	var (
		quick       = fs.Bool("quick", false, "CI-sized run: small corpora, few records, 5 nodes")
		scenarios   = fs.String("run", strings.Join(allScenarios, ","), "scenarios to run: "+strings.Join(allScenarios, ", "))
		syncSizes   = fs.String("sync", "20000,100000", "bulk sync: corpus sizes (records)")
		startSizes  = fs.String("start", "10000,50000,100000", "start: store sizes (records); 1M is extrapolated from the two largest")
		querySize   = fs.Int("queries", 100000, "queries: corpus size (records)")
		openMembers = fs.String("members", "9,66,500", "opening cost: consortium sizes")
		openRecords = fs.Int("open-records", 2000, "opening cost: records per size")
		prop        = fs.String("prop", "10:200,50:50", "propagation: NODES:RECORDS,...")
		floorSample = fs.Int("floor-sample", 5000, "crypto floor: envelopes timed (evenly spaced over the corpus)")
		idleWindow  = fs.Duration("idle-window", 30*time.Second, "idle: quiet window measured (anti-entropy runs every 10 s)")
		rounds      = fs.Int("query-rounds", 200, "queries: calls per query")
		md          = fs.String("md", "", "also write the results as a markdown table to this file")
		cpuprofile  = fs.String("cpuprofile", "", "write a CPU profile of the whole run")
		memprofile  = fs.String("memprofile", "", "write a heap profile at the end")
		keep        = fs.Bool("keep", false, "keep the temporary homes")
		memLimit    = fs.String("memlimit", "", "start: also measure each start with GOMEMLIMIT set to this (e.g. 1200MiB)")
		child       = fs.String("child-start", "", "internal: open the home DIR, list, report start time and RSS as JSON")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *child != "" {
		return childStart(*child)
	}
	startMemLimit = *memLimit
	if *quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, v := range map[string]string{
			"sync": "2000", "start": "1000,3000", "queries": "3000", "open-records": "200",
			"prop": "5:20", "floor-sample": "1000", "idle-window": "11s", "query-rounds": "50",
		} {
			if !set[name] {
				fs.Set(name, v)
			}
		}
	}
	want := map[string]bool{}
	for s := range strings.SplitSeq(*scenarios, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(allScenarios, s) {
			return fmt.Errorf("unknown scenario %q (scenarios: %s)", s, strings.Join(allScenarios, ", "))
		}
		want[s] = true
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	root, err := os.MkdirTemp("", "ursic-bench-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Println("homes kept in", root)
	} else {
		defer os.RemoveAll(root)
	}

	res := &results{w: os.Stdout}
	started := time.Now()
	fmt.Printf("ursic-bench: %s, %d cores (%s), GOMAXPROCS %d, %s\n", cpuModel(), runtime.NumCPU(), runtime.GOARCH, runtime.GOMAXPROCS(0), started.UTC().Format(time.RFC3339))
	fmt.Printf("  %-12s %-58s %-22s %-14s %s\n", "scenario", "figure", "value", "target", "result")

	if want["open"] {
		sizes, err := ints(*openMembers)
		if err != nil {
			return fmt.Errorf("-members: %w", err)
		}
		if err := runOpening(root, sizes, *openRecords, res); err != nil {
			return fmt.Errorf("opening cost: %w", err)
		}
	}
	if want["sync"] || want["idle"] || want["start"] || want["queries"] {
		cfg := corpusConfig{idle: want["idle"], idleWindow: *idleWindow, floorSample: *floorSample, queryRounds: *rounds}
		if want["sync"] || want["idle"] {
			if cfg.syncSizes, err = ints(*syncSizes); err != nil {
				return fmt.Errorf("-sync: %w", err)
			}
		}
		if want["start"] {
			if cfg.startSizes, err = ints(*startSizes); err != nil {
				return fmt.Errorf("-start: %w", err)
			}
		}
		if want["queries"] {
			cfg.querySize = *querySize
		}
		if err := runCorpus(root, cfg, res); err != nil {
			return err
		}
	}
	if want["propagation"] {
		for spec := range strings.SplitSeq(*prop, ",") {
			var nodes, m int
			if _, err := fmt.Sscanf(spec, "%d:%d", &nodes, &m); err != nil || nodes < 2 || m < 1 {
				return fmt.Errorf("-prop: %q is not NODES:RECORDS", spec)
			}
			if err := runPropagation(root, nodes, m, res); err != nil {
				res.add(fmt.Sprintf("propagation %d nodes", nodes), "did not complete: "+err.Error(), "", "", miss)
			}
		}
	}
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err != nil {
			return err
		}
		runtime.GC()
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	fmt.Printf("done in %.0f s; %d targets missed\n", time.Since(started).Seconds(), len(res.misses()))
	if *md != "" {
		f, err := os.Create(*md)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(f, "Machine: %s, %d cores; %s; `ursic-bench %s`\n\n", cpuModel(), runtime.NumCPU(), started.UTC().Format("2006-01-02 15:04 UTC"), strings.Join(args, " "))
		res.markdown(f)
	}
	return nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOOS
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOOS
}

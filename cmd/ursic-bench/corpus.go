package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/share"
)

// The corpus scenarios (bulk sync, idle cost, start, queries) share one
// author: node A publishes the corpus in steps (one Publish call per step)
// and each step size is measured as it is reached, so 100,000 records are
// published once, not once per scenario.

type corpusConfig struct {
	syncSizes, startSizes []int
	querySize             int // 0: no query scenario
	idle                  bool
	idleWindow            time.Duration
	floorSample           int
	queryRounds           int
}

func runCorpus(root string, cfg corpusConfig, res *results) error {
	steps := slices.Concat(cfg.syncSizes, cfg.startSizes)
	if cfg.querySize > 0 {
		steps = append(steps, cfg.querySize)
	}
	slices.Sort(steps)
	steps = slices.Compact(steps)
	if len(steps) == 0 {
		return nil
	}

	// A, and one empty reader per sync size, each behind a counting proxy
	// that the roster lists as its address.
	a, err := newPeer(root, "author", true)
	if err != nil {
		return err
	}
	readers := map[int]*peer{}
	all := []*peer{a}
	for _, s := range cfg.syncSizes {
		b, err := newPeer(root, "reader-"+sizeName(s), true)
		if err != nil {
			return err
		}
		readers[s] = b
		all = append(all, b)
	}
	var members []share.RosterMember
	var homes []string
	for _, p := range all {
		target, err := tcpTarget(p.card)
		if err != nil {
			return err
		}
		if p.proxy, err = newCountingProxy(target); err != nil {
			return err
		}
		defer p.proxy.close()
		members = append(members, p.member())
		homes = append(homes, p.dir)
	}
	if _, err := installGenesis(members, []*crypto.Identity{a.id, all[1%len(all)].id}, homes...); err != nil {
		return err
	}
	if _, err := a.open(); err != nil {
		return err
	}
	defer a.close()

	published := 0
	for _, size := range steps {
		t0 := time.Now()
		if _, err := a.publish(records("bench", published, size)); err != nil {
			return fmt.Errorf("publish records %d..%d: %w", published, size, err)
		}
		took := time.Since(t0)
		fmt.Printf("  (author published records %d..%d in one call: %.1f s, %.0f records/s)\n",
			published, size, took.Seconds(), float64(size-published)/took.Seconds())
		res.add("publish", fmt.Sprintf("in-process Publish, records %s..%s (one call)", sizeName(published), sizeName(size)),
			fmt.Sprintf("%.0f rec/s", float64(size-published)/took.Seconds()), "", info)
		published = size
		if slices.Contains(cfg.startSizes, size) {
			if err := measureStart(root, a, size, res); err != nil {
				return fmt.Errorf("start at %d: %w", size, err)
			}
		}
		if b := readers[size]; b != nil {
			if a.cancel == nil {
				if err := a.start(); err != nil {
					return err
				}
			}
			last := size == slices.Max(cfg.syncSizes)
			if err := bulkSync(root, a, b, size, cfg, last && cfg.idle, res); err != nil {
				b.close()
				return fmt.Errorf("bulk sync at %d: %w", size, err)
			}
			b.close()
		}
		if size == cfg.querySize {
			if err := runQueries(a, size, cfg.queryRounds, res); err != nil {
				return fmt.Errorf("queries at %d: %w", size, err)
			}
		}
	}
	if len(cfg.startSizes) >= 2 {
		extrapolateStart(res)
	}
	return nil
}

// bulkSync starts the empty reader b and times it until it can read all n
// records; then measures the crypto floor on the same envelopes and, if
// idle is set, the idle cost of the two in-sync peers.
func bulkSync(root string, a, b *peer, n int, cfg corpusConfig, idle bool, res *results) error {
	scen := "bulk sync " + sizeName(n)
	if _, err := b.open(); err != nil {
		return err
	}
	bytes0 := a.proxy.bytes() + b.proxy.bytes()
	// A profile of the sync alone (both nodes), from B's start until B has every record.
	if path := os.Getenv("URSIC_BENCH_SYNC_CPUPROFILE"); path != "" {
		f, err := os.Create(fmt.Sprintf("%s.%d", path, n))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// Allocations of the sync alone: a heap profile before and after, to
	// be read with pprof -diff_base.
	memProfile := func(string) error { return nil }
	if path := os.Getenv("URSIC_BENCH_SYNC_MEMPROFILE"); path != "" {
		memProfile = func(when string) error {
			f, err := os.Create(fmt.Sprintf("%s.%d.%s", path, n, when))
			if err != nil {
				return err
			}
			defer f.Close()
			return pprof.Lookup("allocs").WriteTo(f, 0)
		}
	}
	if err := memProfile("before"); err != nil {
		return err
	}
	t0 := time.Now()
	if err := b.start(); err != nil {
		return err
	}
	bound := 60*time.Second + time.Duration(n)*5*time.Millisecond
	var first time.Duration
	if err := waitUntil(bound, 20*time.Millisecond, func() bool {
		got := b.records()
		if got > 0 && first == 0 {
			first = time.Since(t0)
		}
		return got >= n
	}); err != nil {
		got := b.records()
		res.check(scen, fmt.Sprintf("records readable after %v", bound), fmt.Sprintf("%d of %d (%.0f rec/s)", got, n, float64(got)/bound.Seconds()), "all", false)
		return nil
	}
	took := time.Since(t0)
	pprof.StopCPUProfile()
	if err := memProfile("after"); err != nil {
		return err
	}
	wire := a.proxy.bytes() + b.proxy.bytes() - bytes0
	achieved := float64(n) / took.Seconds()

	// The crypto floor: decode + verify + open of the same envelopes, on one
	// goroutine. The envelopes come from a copy of A's store (A holds the
	// file lock on the original); the group key is opened from the senderkey
	// record with the reader's identity, as the reader itself does.
	envs, err := storedEnvelopes(root, a)
	if err != nil {
		return err
	}
	var envBytes int
	for _, e := range envs {
		envBytes += len(e)
	}
	floor, verifyShare, err := cryptoFloor(envs, b.id, cfg.floorSample)
	if err != nil {
		return err
	}
	cores := runtime.NumCPU()
	ratio := achieved / (floor * float64(cores))
	res.add(scen, "reader start → all records readable", fmt.Sprintf("%.1f s", took.Seconds()), "", info)
	res.add(scen, "achieved sync rate", fmt.Sprintf("%.0f rec/s", achieved), "", info)
	res.add(scen, "reader start → first record readable (connect, Hello, first range)", ms(first), "", info)
	res.add(scen, "bytes on the wire per record (TCP payload, both ways)", fmt.Sprintf("%.0f B", float64(wire)/float64(n)), "", info)
	res.add(scen, "wire bytes / stored envelope bytes", fmt.Sprintf("%.2f (envelope %.0f B)", float64(wire)/float64(envBytes), float64(envBytes)/float64(len(envs))), "", info)
	res.add(scen, "crypto floor, 1 core (decode+verify+open)", fmt.Sprintf("%.0f rec/s", floor), "~4,000 rec/s (expected)", info)
	res.add(scen, "  of which Ed25519 verify (share of floor time)", fmt.Sprintf("%.0f%%", 100*verifyShare), "", info)
	res.add(scen, fmt.Sprintf("floor × %d cores", cores), fmt.Sprintf("%.0f rec/s", floor*float64(cores)), "", info)
	res.check(scen, "achieved / (floor × cores)", fmt.Sprintf("%.2f", ratio), "≥ 0.70", ratio >= 0.7)

	if idle {
		return idleCost(a, b, n, cfg.idleWindow, res)
	}
	return nil
}

// idleCost measures the bytes two in-sync peers exchange: per explicit sync
// round (SyncNow from one side: Hello both ways, then nothing to pull), and
// over a quiet window in which only the anti-entropy timers run.
func idleCost(a, b *peer, n int, window time.Duration, res *results) error {
	scen := "idle " + sizeName(n)
	total := func() int64 { return a.proxy.bytes() + b.proxy.bytes() }
	// Let the last pushes and sessions finish.
	quiet := func() {
		last := total()
		waitUntil(10*time.Second, 500*time.Millisecond, func() bool {
			now := total()
			ok := now == last
			last = now
			return ok
		})
	}
	quiet()
	var rounds []int64
	for range 5 {
		before := total()
		b.n.SyncNow()
		// The answering side pulls in the background after Hello; give it
		// time to find nothing to pull.
		time.Sleep(300 * time.Millisecond)
		rounds = append(rounds, total()-before)
	}
	slices.Sort(rounds)
	med := rounds[len(rounds)/2]
	res.check(scen, "bytes per sync round (SyncNow, both ways, median of 5)", fmt.Sprintf("%d B", med), "≤ 4096 B", med <= 4096)

	before := total()
	time.Sleep(window)
	quietBytes := total() - before
	ticks := float64(window) / float64(10*time.Second) * 2 // anti-entropy every 10 s, on both sides
	res.add(scen, fmt.Sprintf("bytes in %v idle (anti-entropy on both sides)", window), fmt.Sprintf("%d B", quietBytes), "", info)
	res.check(scen, "bytes per anti-entropy round (idle window / rounds)", fmt.Sprintf("%.0f B", float64(quietBytes)/ticks), "≤ 4096 B", float64(quietBytes)/ticks <= 4096)
	return nil
}

// copyHome copies a node home (A is open but idle: every bbolt commit is
// on disk, so a file copy is a consistent store).
func copyHome(src, dst string) error {
	return filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		return copyFile(path, to, info.Mode().Perm())
	})
}

func copyFile(from, to string, perm os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

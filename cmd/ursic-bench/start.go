package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/ursic/ursic/node"
)

// A start is measured in a child process (this binary with -child-start)
// so that its RSS is the node's alone: it opens a copy of the author's home
// the way `ursic run` does (the index built in the background), lists the
// newest 50 records as soon as Open returns, waits for the complete index,
// and reports.

type startReport struct {
	Records    int     `json:"records"`
	OpenMS     float64 `json:"open_ms"`      // Open start → index complete (every envelope opened)
	ServeMS    float64 `json:"serve_ms"`     // Open start → first List answered (index partial)
	RSS        int64   `json:"rss"`          // VmRSS once serving
	HWM        int64   `json:"hwm"`          // VmHWM: peak RSS during start
	RSSAfterGC int64   `json:"rss_after_gc"` // VmRSS after GC and FreeOSMemory: the steady state
	HeapInuse  uint64  `json:"heap_inuse"`   // live heap after GC
	RSSFile    int64   `json:"rss_file"`     // RssFile after GC: pages of the store's memory map
}

var starts []startReport

func measureStart(root string, a *peer, size int, res *results) error {
	tmp, err := os.MkdirTemp(root, "start-copy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := copyHome(a.dir, tmp); err != nil {
		return err
	}
	// The first start has no index snapshot: it opens every envelope (and
	// writes a snapshot as it goes). The second loads that snapshot.
	if err := os.Remove(filepath.Join(tmp, node.SnapshotFile)); err != nil && !os.IsNotExist(err) {
		return err
	}
	r, err := runChildStart(tmp, "")
	if err != nil {
		return err
	}
	if r.Records != size {
		return fmt.Errorf("child lists %d records, want %d", r.Records, size)
	}
	starts = append(starts, r)
	scen := "start " + sizeName(size)
	snap, err := runChildStart(tmp, "")
	if err != nil {
		return err
	}
	if snap.Records != size {
		return fmt.Errorf("child (from the snapshot) lists %d records, want %d", snap.Records, size)
	}
	if fi, err := os.Stat(filepath.Join(tmp, node.SnapshotFile)); err == nil {
		res.add(scen, "index snapshot file size", mib(fi.Size()), "", info)
	}
	snapOpen := time.Duration(snap.OpenMS * float64(time.Millisecond))
	switch {
	case size == 100_000:
		res.check(scen, "from the index snapshot: Open → index complete", fmt.Sprintf("%.2f s", snapOpen.Seconds()), "≤ 3 s", snapOpen <= 3*time.Second)
	case size >= 1_000_000:
		res.check(scen, "from the index snapshot: Open → index complete", fmt.Sprintf("%.2f s", snapOpen.Seconds()), "≤ 30 s", snapOpen <= 30*time.Second)
		res.check(scen, "from the index snapshot: peak RSS (VmHWM)", mib(snap.HWM), "≤ 1.5 GiB", snap.HWM <= 3<<29)
	default:
		res.add(scen, "from the index snapshot: Open → index complete", fmt.Sprintf("%.2f s", snapOpen.Seconds()), "", info)
	}
	res.add(scen, "from the index snapshot: RSS indexed / peak (VmHWM) / after GC", fmt.Sprintf("%s / %s / %s", mib(snap.RSS), mib(snap.HWM), mib(snap.RSSAfterGC)), "", info)
	serve := time.Duration(r.ServeMS * float64(time.Millisecond))
	if size == 100_000 {
		res.check(scen, "Open → serves queries", fmt.Sprintf("%.2f s", serve.Seconds()), "≤ 10 s", serve <= 10*time.Second)
	} else {
		res.add(scen, "Open → serves queries", fmt.Sprintf("%.2f s", serve.Seconds()), "", info)
	}
	res.add(scen, "without a snapshot: Open → index complete (writing the snapshot); rate", fmt.Sprintf("%.1f s; %.0f rec/s", r.OpenMS/1000, float64(size)/(r.OpenMS/1000)), "", info)
	res.add(scen, "RSS indexed / peak (VmHWM) / after GC", fmt.Sprintf("%s / %s / %s", mib(r.RSS), mib(r.HWM), mib(r.RSSAfterGC)), "", info)
	res.add(scen, "live heap after GC per record", fmt.Sprintf("%.1f KiB", float64(r.HeapInuse)/1024/float64(size)), "", info)
	res.add(scen, "of RSS after GC: store pages mapped (RssFile)", mib(r.RSSFile), "", info)
	if startMemLimit != "" {
		m, err := runChildStart(tmp, startMemLimit)
		if err != nil {
			return err
		}
		res.add(scen, "with GOMEMLIMIT="+startMemLimit+": index complete / RSS / peak", fmt.Sprintf("%.1f s / %s / %s", m.OpenMS/1000, mib(m.RSS), mib(m.HWM)), "", info)
		if size >= 1_000_000 {
			res.check(scen, "peak RSS (VmHWM) with GOMEMLIMIT="+startMemLimit, mib(m.HWM), "≤ 1.5 GiB", m.HWM <= 3<<29)
		}
	}
	if size >= 1_000_000 {
		res.check(scen, "without a snapshot: peak RSS (VmHWM)", mib(r.HWM), "≤ 1.5 GiB", r.HWM <= 3<<29)
	}
	return nil
}

// startMemLimit, when set (-memlimit), has each start measured a second time with GOMEMLIMIT.
var startMemLimit string

// runChildStart opens a copy of a home in a child process, with GOMEMLIMIT set if memLimit is.
func runChildStart(home, memLimit string) (startReport, error) {
	var r startReport
	exe, err := os.Executable()
	if err != nil {
		return r, err
	}
	cmd := exec.Command(exe, "-child-start", home)
	cmd.Stderr = os.Stderr
	cmd.Env = os.Environ()
	if memLimit != "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+memLimit)
	}
	out, err := cmd.Output()
	if err != nil {
		return r, fmt.Errorf("child: %w", err)
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
		return r, fmt.Errorf("child said %q: %w", out, err)
	}
	return r, nil
}

// extrapolateStart fits time and RSS linearly through the two largest
// measured sizes and extrapolates to 1,000,000 records.
func extrapolateStart(res *results) {
	if len(starts) < 2 {
		return
	}
	p, q := starts[len(starts)-2], starts[len(starts)-1]
	const target = 1_000_000
	lin := func(y0, y1 float64) float64 {
		return y1 + (y1-y0)/float64(q.Records-p.Records)*float64(target-q.Records)
	}
	from := fmt.Sprintf("(linear from %s, %s)", sizeName(p.Records), sizeName(q.Records))
	t := lin(p.ServeMS, q.ServeMS) / 1000
	res.add("start 1M", "Open → serves queries, extrapolated "+from, fmt.Sprintf("%.0f s", t), "", info)
	for _, f := range []struct {
		name   string
		y0, y1 int64
	}{{"peak RSS (VmHWM)", p.HWM, q.HWM}, {"RSS after GC", p.RSSAfterGC, q.RSSAfterGC}} {
		// Peak RSS is set by the garbage collector's goal, which grows with the live heap, so a
		// line through two small sizes overshoots; the check is a measured start at 1M
		// (-start 1000000).
		v := lin(float64(f.y0), float64(f.y1))
		res.add("start 1M", f.name+", extrapolated "+from, mib(int64(v)), "≤ 1.5 GiB (measure with -start 1000000)", info)
	}
}

// childStart is the child side of measureStart.
func childStart(dir string) error {
	h, err := node.LoadHome(dir, "")
	if err != nil {
		return err
	}
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Profiles of the child, for finding where a start goes: the file
	// names get the home's base name appended.
	if path := os.Getenv("URSIC_BENCH_CHILD_CPUPROFILE"); path != "" {
		f, err := os.Create(path + "." + filepath.Base(dir))
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	t0 := time.Now()
	n, err := node.Open(h, node.Options{Logger: lg, IndexInBackground: true})
	if err != nil {
		return err
	}
	defer n.Close()
	if _, _, err := n.List(node.ListOptions{Limit: 50}); err != nil {
		return err
	}
	serve := time.Since(t0)
	if err := n.WaitIndexed(context.Background()); err != nil {
		return err
	}
	open := time.Since(t0)
	st, err := n.Status()
	if err != nil {
		return err
	}
	r := startReport{Records: st.Records, OpenMS: ms64(open), ServeMS: ms64(serve)}
	r.RSS, r.HWM = procStatus("VmRSS"), procStatus("VmHWM")
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	r.RSSAfterGC, r.HeapInuse, r.RSSFile = procStatus("VmRSS"), m.HeapInuse, procStatus("RssFile")
	if path := os.Getenv("URSIC_BENCH_CHILD_MEMPROFILE"); path != "" {
		f, err := os.Create(path + "." + filepath.Base(dir))
		if err != nil {
			return err
		}
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	runtime.KeepAlive(n)
	return json.NewEncoder(os.Stdout).Encode(r)
}

func ms64(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// procStatus reads a "kB" field of /proc/self/status, in bytes.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if ok && k == field {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

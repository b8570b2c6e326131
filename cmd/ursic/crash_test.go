package main

import (
	"bufio"
	"context"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Nothing acknowledged is lost. These tests kill a real node
// process with SIGKILL right after publish acknowledged records, restart it,
// and check that every acknowledged CID is listed.
//
// URSIC_CRASH_CYCLES sets the number of kill/restart cycles (default 3);
// URSIC_CRASH_RECORDS the size of the JSON Lines input (default 1000).

func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// TestCrashAfterPublish kills the node the moment `ursic publish` has
// returned, and checks after a restart that the record is there.
func TestCrashAfterPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills node processes")
	}
	cycles := envInt(t, "URSIC_CRASH_CYCLES", 3)
	home := initHome(t, "Crash University")
	rec := []byte(`{"kind":"method","title":"Acknowledged","tactic":"procurement","period":"2026-Q3","narrative":"Published right before a crash.","outcome":"declined"}`)
	var acked []string
	for cycle := range cycles {
		p := startNodeProc(t, home)
		out, errOut, err := runCLI(t, home, rec, "publish", "-")
		if err != nil {
			t.Fatalf("cycle %d: publish: %v\n%s", cycle, err, errOut)
		}
		cid := strings.TrimSpace(out)
		if !cidPattern.MatchString(cid) || strings.Contains(cid, "\n") {
			t.Fatalf("cycle %d: publish printed %q, want one CID", cycle, out)
		}
		acked = append(acked, cid)
		p.kill()

		p = startNodeProc(t, home)
		listed := listedCIDs(t, home)
		for _, c := range acked {
			if !listed[c] {
				t.Errorf("cycle %d: acknowledged %s lost after SIGKILL\nnode log:\n%s", cycle, c, p.stderr.String())
			}
		}
		p.kill()
	}
}

// TestCrashDuringPublish kills the node with SIGKILL while `ursic publish`
// streams CIDs for a large JSON Lines file, at a random point, then restarts
// it and checks that every CID the CLI printed is listed, and that the node
// can go on publishing (its logs were not left with a gap or a bad head).
func TestCrashDuringPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills node processes")
	}
	cycles := envInt(t, "URSIC_CRASH_CYCLES", 3)
	n := envInt(t, "URSIC_CRASH_RECORDS", 1000)
	if n < 2 {
		t.Fatal("URSIC_CRASH_RECORDS must be at least 2")
	}
	home := initHome(t, "Crash University")
	var acked []string
	for cycle := range cycles {
		file := t.TempDir() + "/records.jsonl"
		if err := os.WriteFile(file, jsonLines(n, 1024, fmt.Sprintf("Cycle %d", cycle)), 0o600); err != nil {
			t.Fatal(err)
		}
		killAfter := 1 + mrand.IntN(n*3/4)
		p := startNodeProc(t, home)
		printed, killed := publishAndKill(t, p, file, n, killAfter)
		t.Logf("cycle %d: killed the node after %d of %d CIDs were printed (target %d, killed=%v)", cycle, len(printed), n, killAfter, killed)
		acked = append(acked, printed...)

		p = startNodeProc(t, home)
		listed := listedCIDs(t, home)
		lost := 0
		for _, c := range acked {
			if !listed[c] {
				lost++
				if lost <= 5 {
					t.Errorf("cycle %d: acknowledged %s lost after SIGKILL", cycle, c)
				}
			}
		}
		if lost > 0 {
			t.Fatalf("cycle %d: %d of %d acknowledged records lost\nnode log:\n%s", cycle, lost, len(acked), p.stderr.String())
		}
		// The node's own log continues after the crash.
		out, errOut, err := runCLI(t, home, []byte(`{"kind":"method","title":"After the crash","tactic":"procurement","period":"2026-Q3","narrative":"Publishing goes on.","outcome":"declined"}`), "publish", "-")
		if err != nil {
			t.Fatalf("cycle %d: publish after restart: %v\n%s\nnode log:\n%s", cycle, err, errOut, p.stderr.String())
		}
		acked = append(acked, strings.TrimSpace(out))
		p.kill()
	}
}

// publishAndKill runs `ursic publish FILE`, reads the CIDs it prints and
// kills the node with SIGKILL once killAfter have been printed; n is the
// number of records in FILE. It returns
// every CID printed, and whether the node was killed before the publish
// finished.
func publishAndKill(t *testing.T, p *nodeProc, file string, n, killAfter int) (printed []string, killed bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ursicPath(t), "--home", p.home, "publish", file)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	deadline := time.After(cliTimeout)
	for done := false; !done; {
		select {
		case l, ok := <-lines:
			if !ok {
				done = true
				break
			}
			if !cidPattern.MatchString(l) {
				t.Fatalf("publish printed %q, want a CID", l)
			}
			printed = append(printed, l)
			if len(printed) == killAfter {
				p.kill()
				killed = true
			}
		case <-deadline:
			t.Fatalf("publish did not finish within %v (%d CIDs so far)\n%s", cliTimeout, len(printed), stderr.String())
		}
	}
	err = cmd.Wait()
	switch {
	case err == nil && len(printed) != n:
		t.Errorf("publish exited 0 having printed %d of %d CIDs", len(printed), n)
	case killed && err != nil && !strings.Contains(stderr.String(), "ursic: error: "):
		t.Errorf("publish failed without an error line: %v\n%s", err, stderr.String())
	case killed && err != nil && !strings.Contains(stderr.String(), fmt.Sprintf("the %d CIDs printed are durable", len(printed))):
		t.Errorf("publish cut short did not say which CIDs are durable:\n%s", stderr.String())
	case !killed && err != nil:
		t.Fatalf("publish failed before the kill point: %v\n%s", err, stderr.String())
	}
	return printed, killed
}

// TestResumablePublish kills the node with SIGKILL at random points of a
// large publish, restarts it and runs the same publish again, until one run
// completes: the node then holds exactly the file's records, each once, and
// the last run printed every CID (those published before marked as such).
func TestResumablePublish(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills node processes")
	}
	n := envInt(t, "URSIC_RESUME_RECORDS", 5000)
	cycles := envInt(t, "URSIC_CRASH_CYCLES", 3)
	home := initHome(t, "Resume University")
	file := t.TempDir() + "/records.jsonl"
	if err := os.WriteFile(file, jsonLines(n, 1024, "Resumable"), 0o600); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for cycle := range cycles {
		p := startNodeProc(t, home)
		killAfter := 1 + mrand.IntN(n-1)
		printed, killed := publishAndKill(t, p, file, n, killAfter)
		t.Logf("cycle %d: killed after %d CIDs (killed=%v)", cycle, len(printed), killed)
		for _, c := range printed {
			seen[c] = true
		}
		if !killed {
			p.kill()
		}
	}
	p := startNodeProc(t, home)
	defer p.kill()
	out, errOut, err := runCLI(t, home, nil, "publish", file)
	if err != nil {
		t.Fatalf("the last publish: %v\n%s", err, errOut)
	}
	final := strings.Fields(out)
	if len(final) != n {
		t.Fatalf("the last publish printed %d CIDs, want %d", len(final), n)
	}
	if len(seen) > 0 && !strings.Contains(errOut, "already published") {
		t.Errorf("the last publish did not say that records were already published:\n%s", errOut)
	}
	for c := range seen {
		if !slices.Contains(final, c) {
			t.Errorf("a CID printed before the crash, %s, is not among the final run's: published twice", c)
			break
		}
	}
	listed := listedCIDs(t, home)
	if len(listed) != n {
		t.Fatalf("the node lists %d records after the runs, want exactly %d", len(listed), n)
	}
	for _, c := range final {
		if !listed[c] {
			t.Fatalf("%s printed but not listed", c)
		}
	}
}

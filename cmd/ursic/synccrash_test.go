package main

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
)

// Killing a node with SIGKILL while it syncs loses nothing it had
// stored, leaves a store that opens, and the node converges after restart.
//
// URSIC_CRASH_CYCLES sets the number of kill/restart cycles (default 3);
// URSIC_SYNCCRASH_RECORDS the records the source publishes per cycle
// (default 2000).

// syncWait bounds a pull of every record of the test by a restarted node.
const syncWait = 2 * time.Minute

// TestCrashDuringSync: two `ursic run` processes on one genesis roster. In
// each cycle, while the receiver is down, the source publishes a few
// thousand AMBER records; the receiver starts and pulls them, and is killed
// with SIGKILL at a random moment before it holds them all; it is
// restarted and must start (its store opens), still hold at least what it
// held at the kill, and converge to exactly the source's records.
func TestCrashDuringSync(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills node processes")
	}
	cycles := envInt(t, "URSIC_CRASH_CYCLES", 3)
	n := envInt(t, "URSIC_SYNCCRASH_RECORDS", 2000)
	if n < 2 {
		t.Fatal("URSIC_SYNCCRASH_RECORDS must be at least 2")
	}
	src, dst := syncPair(t)
	startNodeProc(t, src)

	midSync, held := 0, 0 // held: what the receiver holds when it is down
	// pullTook is how long the last complete pull took from the receiver's
	// connection; kills are drawn from it.
	pullTook := time.Second
	for cycle := range cycles {
		file := filepath.Join(t.TempDir(), "records.jsonl")
		if err := os.WriteFile(file, jsonLines(n, 1024, fmt.Sprintf("Sync cycle %d", cycle)), 0o600); err != nil {
			t.Fatal(err)
		}
		out, errOut, err := runCLI(t, src, nil, "publish", "--tlp", "amber", file)
		if err != nil {
			t.Fatalf("cycle %d: publish at the source: %v\n%s", cycle, err, errOut)
		}
		if got := len(cidPattern.FindAllString(out, -1)); got != n {
			t.Fatalf("cycle %d: publish printed %d CIDs, want %d", cycle, got, n)
		}
		total := recordCount(t, src)
		if total != held+n {
			t.Fatalf("cycle %d: the source reads %d records, want %d", cycle, total, held+n)
		}

		// Start the receiver and kill it at a random moment of its pull. The
		// count grows a store transaction (thousands of envelopes) at a
		// time, so the moment is drawn in time, not from the count: within
		// the first half of the last pull's length after the receiver
		// connects to the source, while it verifies and opens or inside a
		// bbolt commit.
		p := startNodeProc(t, dst)
		pollFor(t, syncWait, fmt.Sprintf("cycle %d: the receiver connects to the source", cycle), func() bool {
			return strings.Contains(p.stderr.String(), "peer connected")
		})
		started := time.Now()
		killAt := started.Add(time.Duration(mrand.Int64N(int64(pullTook / 2))))
		seen, killed := -1, false
		deadline := started.Add(syncWait)
		tick := time.NewTicker(2 * time.Millisecond)
		for seen < 0 && time.Now().Before(deadline) {
			got := recordCount(t, dst)
			switch {
			case got >= total:
				seen = got
				pullTook = max(time.Since(started), 10*time.Millisecond)
			case time.Now().After(killAt):
				seen, killed = storedCount(t, dst), true // what is durable now must survive
				p.kill()
			}
			<-tick.C
		}
		tick.Stop()
		if seen < 0 {
			t.Fatalf("cycle %d: the receiver held %d of %d records after %v", cycle, recordCount(t, dst), total, syncWait)
		}
		if killed {
			midSync++
			t.Logf("cycle %d: killed the receiver %v after it connected, with %d envelopes stored (%d readable records at the source)", cycle, time.Since(started).Round(time.Millisecond), seen, total)
		} else {
			t.Logf("cycle %d: the receiver had all %d records before the kill point; killing it at rest", cycle, total)
			p.kill()
		}

		// Restart: the store opens, nothing stored is lost, and it converges.
		// The count the node logs when its store has opened, before it
		// goes online, is what survived the kill.
		p = startNodeProc(t, dst)
		m := tookPattern.FindStringSubmatch(p.stderr.String())
		if m == nil {
			t.Fatalf("cycle %d: the restarted receiver did not log \"node open\"\nreceiver log:\n%s", cycle, p.stderr.String())
		}
		if got, _ := strconv.Atoi(m[1]); got < seen {
			t.Fatalf("cycle %d: the receiver's store holds %d envelopes after restart, it held %d before the SIGKILL\nreceiver log:\n%s", cycle, got, seen, p.stderr.String())
		}
		pollFor(t, syncWait, fmt.Sprintf("cycle %d: the restarted receiver converges to %d records", cycle, total), func() bool {
			return recordCount(t, dst) == total
		})
		want, got := listedCIDs(t, src), listedCIDs(t, dst)
		for c := range want {
			if !got[c] {
				t.Fatalf("cycle %d: the receiver lacks %s after converging to %d records", cycle, c, len(got))
			}
		}
		if len(got) != len(want) {
			t.Fatalf("cycle %d: the receiver lists %d records, the source %d", cycle, len(got), len(want))
		}
		p.kill()
		held = total
	}
	if midSync == 0 {
		t.Errorf("no cycle killed the receiver during its pull; raise URSIC_SYNCCRASH_RECORDS")
	}
}

// syncPair makes two homes with `ursic init` and installs a genesis roster
// naming both, written by the first and signed by both (threshold 2), as
// examples/three-universities.sh does.
func syncPair(t *testing.T) (src, dst string) {
	t.Helper()
	dir := t.TempDir()
	var cards []string
	for _, name := range []string{"source", "receiver"} {
		home := filepath.Join(dir, name)
		out, errOut, err := runCLI(t, home, nil, "init", "--name", name+" university")
		if err != nil {
			t.Fatalf("ursic init: %v\n%s", err, errOut)
		}
		card := filepath.Join(dir, name+".card")
		if err := os.WriteFile(card, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		cards = append(cards, card)
		if src == "" {
			src = home
		} else {
			dst = home
		}
	}
	genesis, errOut, err := runCLI(t, src, nil, "roster", "genesis", "--threshold", "2", cards[1])
	if err != nil {
		t.Fatalf("roster genesis: %v\n%s", err, errOut)
	}
	doc := filepath.Join(dir, "genesis.json")
	if err := os.WriteFile(doc, []byte(genesis), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := runCLI(t, dst, nil, "roster", "sign", doc); err != nil {
		t.Fatalf("roster sign: %v\n%s", err, errOut)
	}
	for _, home := range []string{src, dst} {
		if _, errOut, err := runCLI(t, home, nil, "roster", "apply", doc); err != nil {
			t.Fatalf("roster apply at %s: %v\n%s", home, err, errOut)
		}
	}
	return src, dst
}

// recordCount is the number of records the node of home can read, from
// the status its API reports (what `ursic status --json` prints).
// storedCount is the number of envelopes a running node has stored.
func storedCount(t *testing.T, home string) int { return nodeStatus(t, home).Envelopes }

// recordCount is the number of records a running node can read.
func recordCount(t *testing.T, home string) int { return nodeStatus(t, home).Records }

func nodeStatus(t *testing.T, home string) node.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	st, err := client(t, home).Status(ctx)
	if err != nil {
		t.Fatalf("status of %s: %v", home, err)
	}
	return st
}

// pollFor polls cond every 20 ms until it holds, and fails the test if it
// does not within d.
func pollFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for: %s", d, what)
		}
		<-tick.C
	}
}

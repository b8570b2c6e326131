package store

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ursic/ursic/internal/killtest"
)

const (
	crashHelperEnv = "URSIC_STORE_CRASH_HELPER" // path of the store the helper process writes to
	crashAuthor    = "crash-author"
	crashLog       = "crash-log"
)

// TestHelperProcess is not a test: TestCrashLosesNothingAcknowledged runs the test binary again
// with crashHelperEnv set, and this function then appends to the store one entry per
// transaction, printing each CID only after Put has returned, until it is killed.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(crashHelperEnv)
	if path == "" {
		t.Skip("helper process for TestCrashLosesNothingAcknowledged")
	}
	s, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	seq, prev, err := s.Head(crashAuthor, crashLog)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; i < 100_000; i++ { // bounded; the parent kills us long before
		env := make([]byte, 1024)
		rand.Read(env)
		seq++
		e := Entry{CID: fakeCID(env), Author: crashAuthor, Log: crashLog, Seq: seq, Prev: prev, Envelope: env}
		if _, err := s.Put(e); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		prev = e.CID
		// One write(2) per line: the parent never reads half a CID.
		os.Stdout.Write([]byte(e.CID + "\n"))
	}
	os.Exit(0)
}

// TestCrashLosesNothingAcknowledged kills a writer with SIGKILL while it is putting entries, then
// checks that every entry it acknowledged is in the store and that the file is consistent.
// Set URSIC_CRASH_CYCLES for more cycles than the default 5.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	cycles := 5
	if v := os.Getenv("URSIC_CRASH_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("URSIC_CRASH_CYCLES=%q: want a positive integer", v)
		}
		cycles = n
	}
	path := filepath.Join(t.TempDir(), "store.db")
	var acked []string
	for cycle := 0; cycle < cycles; cycle++ {
		lines := runAndKill(t, path, 1+mrand.IntN(200))
		acked = append(acked, lines...)

		s, err := Open(path)
		if err != nil {
			t.Fatalf("cycle %d: reopen after SIGKILL: %v", cycle, err)
		}
		if err := s.Check(); err != nil {
			s.Close()
			t.Fatalf("cycle %d: %v", cycle, err)
		}
		for _, cid := range acked {
			if _, err := s.Get(cid); err != nil {
				s.Close()
				t.Fatalf("cycle %d: acknowledged %s lost: %v", cycle, cid, err)
			}
		}
		seq, _, err := s.Head(crashAuthor, crashLog)
		if err != nil {
			t.Fatal(err)
		}
		if seq < uint64(len(acked)) {
			t.Fatalf("cycle %d: head %d below %d acknowledged entries", cycle, seq, len(acked))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("cycle %d: %d acknowledged so far, head %d", cycle, len(acked), seq)
	}
}

// runAndKill starts the helper on path, reads at least want acknowledged CIDs (or gives up after
// 10 s), kills it with SIGKILL and returns every CID it printed.
func runAndKill(t *testing.T, path string, want int) []string {
	t.Helper()
	n := 0
	return killtest.Run(t, "TestHelperProcess", []string{crashHelperEnv + "=" + path}, 10*time.Second, func(string) bool {
		n++
		return n >= want
	})
}

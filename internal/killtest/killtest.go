// Package killtest runs a test binary's own helper test as a separate process
// and kills it with SIGKILL at a moment the test chooses: the crash tests of
// the store and of the index snapshot use it to show that what was
// acknowledged before a kill survives it.
package killtest

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Run starts this test binary running only the test named helper, with env
// added to its environment, and reads what it prints, line by line, until
// stop returns true for a line (or the helper's output ends, or deadline
// passes). It then kills the helper with SIGKILL and returns every line the
// helper printed, those written before the kill landed included.
//
// A helper that ends by itself — it failed, or ran out of its bounded loop —
// fails t: a crash test whose process was never killed tests nothing.
func Run(t testing.TB, helper string, env []string, deadline time.Duration, stop func(line string) bool) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+helper+"$")
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The deadline kills the helper, which closes its stdout and ends the read loop below.
	timer := time.AfterFunc(deadline, func() { cmd.Process.Kill() })
	defer timer.Stop()
	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if stop(sc.Text()) {
			break
		}
	}
	killErr := cmd.Process.Kill()
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if killErr != nil || !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("helper was not killed (wait: %v, kill: %v); stderr:\n%s", err, killErr, stderr.Bytes())
	}
	return lines
}

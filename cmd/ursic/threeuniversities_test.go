//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestThreeUniversitiesScript runs examples/three-universities.sh: three
// `ursic run` processes, each with its own home, driven through the CLI as
// operators would (genesis, AMBER and RED publishing, removal of a member).
// The script exits non-zero if any step does not behave as it states.
func TestThreeUniversitiesScript(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three node processes; skipped in -short mode")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not on PATH")
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "examples", "three-universities.sh"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "ursic")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "three")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, script, dir)
	cmd.Env = append(os.Environ(), "URSIC="+bin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The script and the nodes it starts in the background share one
	// process group: on timeout all of them are killed, not just bash.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // whatever the script's trap missed
	}
	if err == nil && !strings.Contains(out.String(), "All steps behaved as stated.") {
		err = errors.New("the script exited 0 without its closing line")
	}
	if err != nil {
		switch {
		case ctx.Err() != nil:
			t.Errorf("the script did not finish within 3 minutes")
		case errors.Is(err, exec.ErrWaitDelay):
			t.Errorf("the script exited but left processes (its nodes?) running that hold its output")
		}
		t.Errorf("examples/three-universities.sh: %v\n%s", err, out.String())
		logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			t.Logf("---- %s ----\n%s", filepath.Base(l), b)
		}
	}
}

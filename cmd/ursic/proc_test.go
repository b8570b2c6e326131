package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/node/apiwire"
)

// This file starts real ursic processes for the crash tests and benchmarks:
// the test binary itself, installed on $PATH as "ursic" by testscript.Main.

// cliTimeout bounds every CLI command the tests run.
const cliTimeout = 2 * time.Minute

// ursicPath returns the ursic command that TestMain put on $PATH.
func ursicPath(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("ursic")
	if err != nil {
		tb.Fatalf("ursic is not on $PATH (TestMain installs it): %v", err)
	}
	return p
}

// lockedBuffer is a bytes.Buffer safe to write from a process's copier
// goroutine while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// initHome creates a node home in a fresh temporary directory.
func initHome(tb testing.TB, name string) string {
	tb.Helper()
	home := filepath.Join(tb.TempDir(), "home")
	if out, errOut, err := runCLI(tb, home, nil, "init", "--name", name); err != nil {
		tb.Fatalf("ursic init: %v\n%s%s", err, out, errOut)
	}
	return home
}

// runCLI runs one ursic command against home and returns its output.
func runCLI(tb testing.TB, home string, stdin []byte, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ursicPath(tb), append([]string{"--home", home}, args...)...)
	cmd.Env = append(os.Environ(), "URSIC_HOME="+home)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// nodeProc is a running `ursic run` process.
type nodeProc struct {
	tb      testing.TB
	home    string
	cmd     *exec.Cmd
	stderr  *lockedBuffer
	started time.Time
	exited  chan struct{} // closed once the process has been reaped
}

// startNodeProc starts `ursic run` for home and waits until its API answers.
// On failure of the test its log is printed; it is killed at cleanup if
// still running.
func startNodeProc(tb testing.TB, home string) *nodeProc {
	tb.Helper()
	p := &nodeProc{tb: tb, home: home, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(ursicPath(tb), "--home", home, "run")
	p.cmd.Env = append(os.Environ(), "URSIC_HOME="+home)
	p.cmd.Stderr = p.stderr
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("start ursic run: %v", err)
	}
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	tb.Cleanup(func() {
		p.kill()
		if tb.Failed() {
			tb.Logf("node log (%s):\n%s", home, p.stderr.String())
		}
	})
	if err := waitHealthy(home, nodeStartTimeout, p.exited); err != nil {
		tb.Fatalf("%v\nnode log:\n%s", err, p.stderr.String())
	}
	return p
}

// kill sends SIGKILL and waits, bounded, until the process is gone.
func (p *nodeProc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Kill()
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.tb.Errorf("node %s did not exit within 30s of SIGKILL", p.home)
	}
}

// stop asks the node to shut down with SIGINT and waits, bounded, for it.
func (p *nodeProc) stop() {
	p.tb.Helper()
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.exited:
		if !p.cmd.ProcessState.Success() {
			p.tb.Errorf("node %s exited with %v after SIGINT\n%s", p.home, p.cmd.ProcessState, p.stderr.String())
		}
	case <-time.After(30 * time.Second):
		p.tb.Errorf("node %s did not stop within 30s of SIGINT", p.home)
		p.kill()
	}
}

// client is a local API client for the node of home.
func client(tb testing.TB, home string) *apiclient.Client {
	tb.Helper()
	c, err := apiclient.ForHome(home)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// listedCIDs returns every CID the node of home lists, expired ones too,
// once the node has opened all its stored records (a node that has just
// started answers with a partial list until then).
func listedCIDs(tb testing.TB, home string) map[string]bool {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	var res apiwire.ListResult
	for {
		var err error
		res, err = client(tb, home).List(ctx, apiclient.ListOptions{All: true})
		if err != nil {
			tb.Fatalf("list: %v", err)
		}
		if res.Complete {
			break
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("the node's index was not complete within %s", cliTimeout)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if len(res.Records) != res.Total {
		tb.Fatalf("list returned %d of %d records", len(res.Records), res.Total)
	}
	out := make(map[string]bool, len(res.Records))
	for _, r := range res.Records {
		out[r.CID] = true
	}
	return out
}

// filler is neutral prose for record bodies: no names, numbers, addresses or
// other text the guardrails would flag.
const filler = "The offer arrived through an intermediary foundation and the funding agreement " +
	"named a second company as the beneficiary of all results. The office read every annex " +
	"before approval and screened beneficiaries as well as signatories. "

// jsonLines returns n method records of about bodySize bytes each, one a line.
func jsonLines(n, bodySize int, tag string) []byte {
	var b bytes.Buffer
	narrative := strings.Repeat(filler, bodySize/len(filler)+1)[:max(bodySize-220, 16)]
	for i := range n {
		fmt.Fprintf(&b, `{"kind":"method","title":"%s record %d","tactic":"intermediary_funding","period":"2026-Q2","narrative":%q,"outcome":"declined"}`+"\n",
			tag, i, strings.TrimSpace(narrative))
	}
	return b.Bytes()
}

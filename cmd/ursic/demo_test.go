package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/cmd/ursic/cli"
)

// TestDemoOnce runs the README's first command, `ursic demo --once`: a
// five-node consortium on loopback whose walkthrough must behave at every
// step (it exits non-zero otherwise).
func TestDemoOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts five libp2p nodes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code := cli.RunContext(ctx, []string{"demo", "--once", "--dir", t.TempDir()}, strings.NewReader(""), &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "All steps behaved as stated.") {
		t.Fatalf("demo --once exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	if strings.Contains(out.String(), "✗") {
		t.Fatalf("a step failed:\n%s", out.String())
	}
}

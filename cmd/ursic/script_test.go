package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ursic/ursic/cmd/ursic/cli"
	"github.com/ursic/ursic/node"
)

// TestMain makes this test binary double as the ursic command: testscript
// puts a copy named "ursic" on $PATH, and running it runs the real CLI. The
// crash tests and benchmarks start the node the same way (see ursicPath).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ursic": func() { os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts in testdata/script. Each script gets its
// own $WORK; the node's home is $WORK/home.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("URSIC_HOME", filepath.Join(e.WorkDir, "home"))
			lists, err := filepath.Abs(filepath.Join("..", "..", "node", "screen", "testdata", "lists"))
			e.Setenv("LISTS", lists) // sample lists to screen, in several encodings
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitnode": cmdWaitNode,
			"setcid":   cmdSetCID,
		},
	})
}

// nodeStartTimeout bounds every wait for a node's API to answer.
const nodeStartTimeout = 30 * time.Second

// cmdWaitNode waits until the node of $URSIC_HOME answers /healthz.
//
//	waitnode
func cmdWaitNode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: waitnode")
	}
	if err := waitHealthy(ts.Getenv("URSIC_HOME"), nodeStartTimeout, nil); err != nil {
		ts.Fatalf("%v", err)
	}
}

// cidPattern matches a record CID as the CLI prints it (base32 CIDv1).
var cidPattern = regexp.MustCompile(`\bb[a-z2-7]{40,}\b`)

// cmdSetCID sets an environment variable to the last CID printed on stdout
// by the previous command.
//
//	setcid NAME
func cmdSetCID(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: setcid NAME")
	}
	all := cidPattern.FindAllString(ts.ReadFile("stdout"), -1)
	if len(all) == 0 {
		ts.Fatalf("no CID on stdout")
	}
	ts.Setenv(args[0], all[len(all)-1])
}

// waitHealthy polls the /healthz endpoint of the node whose home is dir until
// it answers 200 or timeout passes. exited, if not nil, is closed when the
// node process has ended, which ends the wait early.
func waitHealthy(dir string, timeout time.Duration, exited <-chan struct{}) error {
	cfg, err := node.ReadConfig(dir)
	if err != nil {
		return err
	}
	url := "http://" + cfg.API + "/healthz"
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: time.Second}
	for {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		resp, err := client.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the node at %s did not answer /healthz within %v (last error: %v)", cfg.API, timeout, err)
		}
		select {
		case <-tick.C:
		case <-exited:
			return fmt.Errorf("the node exited before its API at %s answered", cfg.API)
		}
	}
}

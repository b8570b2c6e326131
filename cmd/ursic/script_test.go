package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/text/width"

	"github.com/ursic/ursic/cmd/ursic/cli"
	"github.com/ursic/ursic/node"
)

// TestMain makes this test binary double as the ursic command: testscript
// puts a copy named "ursic" on $PATH, and running it runs the real CLI. The
// crash tests and benchmarks start the node the same way (see ursicPath).
//
// The tests match the CLI's English text, and the CLI speaks the language
// of LC_ALL / LC_MESSAGES / LANG: the top-level run pins the C locale, so
// that a machine set to Japanese runs the same tests (processes it starts
// inherit it). A script that wants Japanese says --lang ja or sets LANG.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) != "ursic" {
		pinEnglish()
	}
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
			e.Setenv("LANG", "C") // the scripts match English unless they ask otherwise
			lists, err := filepath.Abs(filepath.Join("..", "..", "node", "screen", "testdata", "lists"))
			e.Setenv("LISTS", lists) // sample lists to screen, in several encodings
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitnode": cmdWaitNode,
			"setcid":   cmdSetCID,
			"aligned":  cmdAligned,
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

// pinEnglish sets the C locale for this process and those it starts.
func pinEnglish() {
	os.Unsetenv("LC_ALL")
	os.Unsetenv("LC_MESSAGES")
	os.Setenv("LANG", "C")
}

// cmdAligned checks that the table the previous command printed on stdout
// (its first line the header, up to the first blank line) lines up as a
// terminal draws it: each named header cell starts at the same display
// column on every row, where a Japanese character takes two columns, and
// the cell before it ends in a space there (a cell in the middle of
// a row must not be empty).
//
//	aligned HEADER-CELL...
func cmdAligned(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: aligned HEADER-CELL...")
	}
	table, _, _ := strings.Cut(ts.ReadFile("stdout"), "\n\n")
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	if len(lines) < 2 {
		ts.Fatalf("no table rows on stdout")
	}
	for _, h := range args {
		i := strings.Index(lines[0], h)
		if i < 0 {
			ts.Fatalf("header %q has no cell %q", lines[0], h)
		}
		col := displayWidth(lines[0][:i])
		for _, l := range lines[1:] {
			before, at, ok := atColumn(l, col)
			// An empty last cell leaves the row ending in its padding.
			if !ok || strings.HasPrefix(at, " ") || !strings.HasSuffix(before, " ") {
				ts.Fatalf("column %q (display column %d) is out of line in:\n%s\n%s", h, col, lines[0], l)
			}
		}
	}
}

// atColumn splits s where its display column col starts; ok is false if
// col falls inside a wide character or beyond the end of s.
func atColumn(s string, col int) (before, at string, ok bool) {
	w := 0
	for i, r := range s {
		if w == col {
			return s[:i], s[i:], true
		}
		if w > col {
			return "", "", false
		}
		w += runeWidth(r)
	}
	return s, "", w == col
}

// displayWidth is how many terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is two columns for East Asian wide and full-width characters,
// none for combining marks and format characters, one for the rest; it is
// written apart from the CLI's own so that a mistake there shows here.
func runeWidth(r rune) int {
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command, given --help (or -h) anywhere before "--", prints its usage
// and exits 0 without acting: nothing is written in the home or the working
// directory, and no node is needed.
func TestEveryCommandHelp(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	home := filepath.Join(dir, "home")
	for _, c := range commands {
		for _, flag := range []string{"--help", "-h"} {
			var out, errb bytes.Buffer
			args := []string{"--home", home, c.name, "x", flag}
			if code := Run(args, strings.NewReader(""), &out, &errb); code != 0 {
				t.Errorf("ursic %s x %s: exit %d, stderr %q", c.name, flag, code, errb.String())
			}
			if !strings.HasPrefix(out.String(), "usage: ursic "+c.name) {
				t.Errorf("ursic %s %s printed %q", c.name, flag, out.String())
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("--help acted: the directory holds %d entries, the first %s", len(entries), entries[0].Name())
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errb bytes.Buffer
		if code := Run(args, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("ursic %v: exit %d: %s", args, code, errb.String())
		}
		if !strings.HasPrefix(out.String(), "ursic ") || !strings.Contains(out.String(), "go1.") {
			t.Errorf("ursic %v printed %q", args, out.String())
		}
	}
}

// With --json, an error is one JSON object on stderr.
func TestJSONErrors(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run([]string{"--home", t.TempDir(), "--json", "show", "nonsense"}, strings.NewReader(""), &out, &errb)
	if code == 0 {
		t.Fatal("show of nonsense succeeded")
	}
	var e struct {
		Error string `json:"error"`
		Hint  string `json:"hint"`
	}
	if err := json.Unmarshal(errb.Bytes(), &e); err != nil || e.Error == "" {
		t.Errorf("stderr is not a JSON error: %q (%v)", errb.String(), err)
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
)

// TestStatusShowsRosterFork: `ursic status` prints a roster fork the node
// reports, in the text and the JSON form.
func TestStatusShowsRosterFork(t *testing.T) {
	fork := node.RosterFork{
		Peer: "12D3KooWForkedPeer", Name: "Tohoku University", Version: 2,
		Ours: strings.Repeat("a", 64), Theirs: strings.Repeat("b", 64),
		Since: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/status" {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(node.Status{Name: "Kyoto University", Role: "member", RosterVersion: 2, RosterFork: []node.RosterFork{fork}})
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: "Kyoto University", API: strings.TrimPrefix(srv.URL, "http://")}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := RunContext(context.Background(), append([]string{"--home", dir}, args...), nil, &out, &errOut); code != 0 {
			t.Fatalf("ursic %v: exit %d: %s", args, code, errOut.String())
		}
		return out.String()
	}
	text := run("status")
	for _, want := range []string{"ROSTER FORK:", "Tohoku University (12D3KooWForkedPeer) holds roster version 2 with hash " + fork.Theirs, "this node's is " + fork.Ours, "docs/ROSTER-FORKS.md"} {
		if !strings.Contains(text, want) {
			t.Errorf("status text lacks %q:\n%s", want, text)
		}
	}
	js := run("status", "--json")
	var got node.Status
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.RosterFork) != 1 || got.RosterFork[0] != fork || !strings.Contains(js, `"roster_fork": [`) {
		t.Errorf("status --json: %s", js)
	}
}

// TestStatusEnglishUnchanged checks status's English byte for byte against
// the text it printed before its labels came from the catalogue: scripts
// read it.
func TestStatusEnglishUnchanged(t *testing.T) {
	st := node.Status{Name: "Kyoto University", Role: "member", PeerID: "12D3KooWSelf", Records: 7, Retracted: 2, IndexReady: true,
		Logs: 3, RosterVersion: 4, PeersConnected: 5, Equivocations: 0, Started: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		API: "127.0.0.1:7777", Restoring: true, AuditTampered: true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { json.NewEncoder(w).Encode(st) }))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: "Kyoto University", API: strings.TrimPrefix(srv.URL, "http://")}); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := RunContext(context.Background(), []string{"--home", dir, "status"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := fmt.Sprintf("%s (%s)\npeer ID:         %s\nrecords:         %s\nlogs:            %d\nroster version:  %d\npeers connected: %d\nequivocations:   %d\nup since:        %s\nlocal API:       %s\n",
		st.Name, st.Role, st.PeerID, "7 (2 retracted)", st.Logs, st.RosterVersion, st.PeersConnected, st.Equivocations, st.Started.Local().Format(time.RFC3339), st.API) +
		"restoring:       fetching this node's own records back from its peers after a restore; publishing waits\n" +
		"audit log:       TAMPERED (see `ursic audit verify`)\n"
	if out.String() != want {
		t.Errorf("status:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	if code := RunContext(context.Background(), []string{"--home", dir, "--lang", "ja", "status"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, line := range []string{"記録:            7 件（うち撤回 2 件）\n", "復元中:          復元後のため", "監査ログ:        改ざんされています"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("status --lang ja lacks %q:\n%s", line, out.String())
		}
	}
}

//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
)

// procWait bounds every wait for the consortium's processes.
const procWait = 60 * time.Second

// pollCLI runs an ursic command against home until ok accepts its stdout,
// for at most procWait.
func pollCLI(t *testing.T, what, home string, ok func(stdout string) bool, args ...string) string {
	t.Helper()
	deadline := time.Now().Add(procWait)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		out, errOut, err := runCLI(t, home, nil, args...)
		if err == nil && ok(out) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s (last: %v\n%s%s)", procWait, what, err, out, errOut)
		}
		<-tick.C
	}
}

// TestTrendsMultiProcess is the acceptance test of the secretariat's
// picture with one `ursic run` process per institution: five members and a
// secretariat, driven only through the CLI. The members publish methods
// with known categories and outcomes; the secretariat's `trends --json`
// has the exact counts of the publishable cells and suppresses the others
// with the right reasons; no suppressed cell follows from the published
// report; the report reaches every member; `similar` at a member shows both
// parts; and a retraction leaves the next aggregation.
func TestTrendsMultiProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts six node processes; skipped in -short mode")
	}
	root := t.TempDir()
	names := []string{"kyoto", "osaka", "tohoku", "nagoya", "kyushu", "secretariat"}
	homes := map[string]string{}
	cards := map[string]string{}
	ids := map[string]string{}
	for _, n := range names {
		homes[n] = filepath.Join(root, n)
		args := []string{"init", "--name", n + " (test)"}
		if n == "secretariat" {
			args = append(args, "--role", "secretariat")
		}
		out, errOut, err := runCLI(t, homes[n], nil, args...)
		if err != nil {
			t.Fatalf("init %s: %v\n%s", n, err, errOut)
		}
		cards[n] = filepath.Join(root, n+".card")
		if err := os.WriteFile(cards[n], []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		var c node.Card
		if err := json.Unmarshal([]byte(out), &c); err != nil {
			t.Fatalf("card of %s: %v", n, err)
		}
		ids[n] = c.PeerID
	}
	genesis := filepath.Join(root, "genesis.json")
	args := []string{"roster", "genesis", "--threshold", "2", "--executive", ids["kyoto"], "--executive", ids["osaka"]}
	for _, n := range names[1:] {
		args = append(args, cards[n])
	}
	out, errOut, err := runCLI(t, homes["kyoto"], nil, args...)
	if err != nil {
		t.Fatalf("roster genesis: %v\n%s", err, errOut)
	}
	if err := os.WriteFile(genesis, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := runCLI(t, homes["osaka"], nil, "roster", "sign", genesis); err != nil {
		t.Fatalf("roster sign: %v\n%s", err, errOut)
	}
	for _, n := range names {
		if _, errOut, err := runCLI(t, homes[n], nil, "roster", "apply", genesis); err != nil {
			t.Fatalf("roster apply at %s: %v\n%s", n, err, errOut)
		}
	}
	for _, n := range names {
		startNodeProc(t, homes[n])
	}
	for _, n := range names {
		pollCLI(t, n+" connected to the other five", homes[n], func(s string) bool {
			return strings.Contains(s, `"peers_connected": 5`)
		}, "status", "--json")
	}

	// The data: category/outcome → the members (by index) that publish one
	// method each.
	data := []struct {
		cell    string
		members []int
	}{
		{"talent_recruitment/declined", []int{0, 1, 2}},                    // 3 from 3
		{"talent_recruitment/accepted-with-mitigation", []int{0, 0, 1, 3}}, // 4 from 3, 50%
		{"talent_recruitment/accepted", []int{4, 4}},                       // k
		{"talent_recruitment/pending", []int{2, 3}},                        // k
		{"intermediary_funding/declined", []int{0, 0, 0, 0, 0, 1, 2}},      // 71%: dominance
		{"intermediary_funding/accepted", []int{1, 2, 3}},                  // 3 from 3
		{"intermediary_funding/pending", []int{3, 3, 4, 4}},                // 2 members: m
		{"visiting_post/declined", []int{0, 1, 2, 3}},                      // 4 from 4
		{"visiting_post/accepted", []int{1, 2, 4}},                         // the line's smallest: secondary
		{"visiting_post/accepted-with-mitigation", []int{4}},               // k
	}
	lines := map[int]*strings.Builder{}
	total := 0
	for _, d := range data {
		cat, outcome, _ := strings.Cut(d.cell, "/")
		for _, m := range d.members {
			if lines[m] == nil {
				lines[m] = &strings.Builder{}
			}
			fmt.Fprintf(lines[m], `{"kind":"method","title":"Case %d","tactic":%q,"period":"2026-Q4","narrative":"A fictional case.","outcome":%q,"mitigations":["Contract review"]}`+"\n", total, cat, outcome)
			total++
		}
	}
	firstCID := ""
	for m := range 5 {
		out, errOut, err := runCLI(t, homes[names[m]], []byte(lines[m].String()), "publish", "-")
		if err != nil {
			t.Fatalf("publish at %s: %v\n%s", names[m], err, errOut)
		}
		if m == 0 {
			firstCID = strings.Fields(out)[0] // kyoto's first: talent_recruitment/declined
		}
	}

	sec := homes["secretariat"]
	type cell struct {
		Dims       map[string]string `json:"dims"`
		Records    *int              `json:"records"`
		Members    *int              `json:"members"`
		Suppressed bool              `json:"suppressed"`
		Reason     string            `json:"reason"`
	}
	type table struct {
		K, M, P int
		From    *string
		By      []string
		Cells   []cell
		Totals  []cell
	}
	read := func(s string) (table, map[string]string, int) {
		var tb table
		if err := json.Unmarshal([]byte(s), &tb); err != nil {
			t.Fatalf("trends --json: %v\n%s", err, s)
		}
		cells, sum := map[string]string{}, 0
		for _, c := range tb.Cells {
			k := c.Dims["category"] + "/" + c.Dims["outcome"]
			if c.Suppressed {
				cells[k] = "x:" + c.Reason
			} else {
				cells[k] = fmt.Sprintf("%d/%d", *c.Records, *c.Members)
			}
		}
		for _, c := range tb.Totals {
			if c.Records != nil {
				sum += *c.Records
			}
		}
		return tb, cells, sum
	}
	out = pollCLI(t, "the secretariat's table to count every method", sec, func(s string) bool {
		_, _, sum := read(s)
		return sum == total
	}, "trends", "--json")
	tb, cells, _ := read(out)
	if tb.K != 3 || tb.M != 3 || tb.P != 70 || strings.Join(tb.By, ",") != "category,outcome" || tb.From == nil {
		t.Errorf("table header: %+v", tb)
	}
	want := map[string]string{
		"talent_recruitment/declined": "3/3", "talent_recruitment/accepted-with-mitigation": "4/3",
		"talent_recruitment/accepted": "x:k", "talent_recruitment/pending": "x:k",
		"intermediary_funding/declined": "x:dominance", "intermediary_funding/accepted": "3/3", "intermediary_funding/pending": "x:m",
		"visiting_post/declined": "4/4", "visiting_post/accepted": "x:secondary", "visiting_post/accepted-with-mitigation": "x:k",
	}
	for k, w := range want {
		if cells[k] != w {
			t.Errorf("secretariat's cell %s = %q, want %q", k, cells[k], w)
		}
	}
	if len(cells) != len(want) {
		t.Errorf("%d cells, want %d: %v", len(cells), len(want), cells)
	}

	// The report.
	now := time.Now().UTC()
	quarter := fmt.Sprintf("%04d-Q%d", now.Year(), (int(now.Month())-1)/3+1)
	out, errOut, err = runCLI(t, sec, nil, "trends", "publish", "--period", quarter)
	if err != nil {
		t.Fatalf("trends publish: %v\n%s", err, errOut)
	}
	report := strings.TrimSpace(out)
	type reportJSON struct {
		CID    string `json:"cid"`
		Period string `json:"period"`
		Table  []struct {
			Dims    map[string]string `json:"dims"`
			Records int               `json:"records"`
			Members int               `json:"members"`
		} `json:"table"`
		Totals []struct {
			Dims    map[string]string `json:"dims"`
			Records int               `json:"records"`
		} `json:"totals"`
	}
	var reps []reportJSON
	for _, n := range names[:5] {
		out := pollCLI(t, n+" to receive the report", homes[n], func(s string) bool { return strings.Contains(s, report) }, "trends", "--json")
		if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 || reps[0].CID != report || reps[0].Period != quarter {
			t.Fatalf("%s: trends --json = %v, %s", n, err, out)
		}
	}
	published := map[string]int{}
	for _, c := range reps[0].Table {
		published[c.Dims["category"]+"/"+c.Dims["outcome"]] = c.Records
		if c.Records < 3 || c.Members < 3 {
			t.Errorf("the report carries %v with %d records from %d members", c.Dims, c.Records, c.Members)
		}
	}
	for k, w := range want {
		if _, ok := published[k]; ok == strings.HasPrefix(w, "x:") {
			t.Errorf("report and table disagree on %s (%s)", k, w)
		}
	}
	// No suppressed cell follows from the report: in each line whose total
	// it publishes, the cells it leaves out are none or at least two, and
	// they share more than one value.
	truth := map[string]int{}
	for _, d := range data {
		truth[d.cell] = len(d.members)
	}
	for _, tot := range reps[0].Totals {
		cat := tot.Dims["category"]
		rest, missing := tot.Records, 0
		for k := range truth {
			if strings.HasPrefix(k, cat+"/") {
				if v, ok := published[k]; ok {
					rest -= v
				} else {
					missing++
				}
			}
		}
		if missing == 1 || (missing > 1 && rest < 2) {
			t.Errorf("category %s: %d unpublished cell(s) sharing %d records: derivable", cat, missing, rest)
		}
	}

	// 相場感 at a member.
	out, errOut, err = runCLI(t, homes["osaka"], nil, "similar", "--category", "talent_recruitment", "--json")
	if err != nil {
		t.Fatalf("similar: %v\n%s", err, errOut)
	}
	var sim struct {
		Category string `json:"category"`
		Readable struct {
			Records  int            `json:"records"`
			Outcomes map[string]int `json:"outcomes"`
			CIDs     []string       `json:"cids"`
		} `json:"readable"`
		Consortium struct {
			Report   *string         `json:"report"`
			Period   *string         `json:"period"`
			Outcomes map[string]*int `json:"outcomes"`
		} `json:"consortium"`
	}
	if err := json.Unmarshal([]byte(out), &sim); err != nil {
		t.Fatal(err)
	}
	if sim.Category != "talent_recruitment" || sim.Readable.Records != 11 || len(sim.Readable.CIDs) != 11 || sim.Readable.Outcomes["accepted-with-mitigation"] != 4 {
		t.Errorf("similar, readable part: %s", out)
	}
	if sim.Consortium.Report == nil || *sim.Consortium.Report != report || *sim.Consortium.Period != quarter {
		t.Fatalf("similar, consortium part: %s", out)
	}
	if v := sim.Consortium.Outcomes["declined"]; v == nil || *v != 3 {
		t.Errorf("consortium declined = %v, want 3", v)
	}
	if !strings.Contains(out, `"accepted": null`) || !strings.Contains(out, `"pending": null`) {
		t.Errorf("suppressed outcomes are not null: %s", out)
	}

	// A retraction leaves the next aggregation.
	if _, errOut, err := runCLI(t, homes["kyoto"], nil, "retract", firstCID, "--reason", "withdrawn"); err != nil {
		t.Fatalf("retract: %v\n%s", err, errOut)
	}
	out = pollCLI(t, "the secretariat's table to drop the retracted method", sec, func(s string) bool {
		_, _, sum := read(s)
		return sum == total-1
	}, "trends", "--json")
	if _, cells, _ := read(out); cells["talent_recruitment/declined"] != "x:k" {
		t.Errorf("after the retraction talent_recruitment/declined = %s, want x:k", cells["talent_recruitment/declined"])
	}
}

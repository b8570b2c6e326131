package node_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ursic/ursic/node"
)

func (tn *testNode) screen(file, list string, opt node.ScreenOptions) *node.ScreenResult {
	tn.t.Helper()
	res, err := tn.n.Screen(context.Background(), file, []byte(list), opt)
	if err != nil {
		tn.t.Fatalf("Screen: %v", err)
	}
	return res
}

// hitCIDs lists a result's hits as "row:cid:how".
func hitCIDs(res *node.ScreenResult) []string {
	var out []string
	for _, r := range res.Rows {
		for _, h := range r.Hits {
			out = append(out, strings.Join([]string{string(rune('0' + r.Row)), h.CID, h.How}, ":"))
		}
	}
	return out
}

func TestScreen(t *testing.T) {
	tn := startNode(t, "Test University")
	amber := example(t, "indicator-amber.json") // Northbridge Photonics Trading Co., Ltd. / 北橋光学貿易株式会社
	expired := edit(t, amber, func(m map[string]any) {
		m["title"] = "An expired indicator"
		m["subject"].(map[string]any)["names"] = []any{map[string]any{"value": "Old Tidewater Instruments GmbH"}}
		m["subject"].(map[string]any)["ids"] = map[string]any{"ror": "https://ror.org/02kpeqv85"}
		m["valid_from"], m["valid_until"], m["review_due"] = "2020-01-01", "2021-01-01", "2020-06-01"
	})
	green := example(t, "indicator-green.json")
	cids := tn.mustPublish(node.PublishOptions{}, amber, expired, green)

	list := "組織名,ROR,国\n北橋光学貿易(株),,日本\nOLD TIDEWATER INSTRUMENTS,,\nUniversity,,\n,https://ror.org/02kpeqv85,\nNorthbridge Photonics Trading,0zzzzzz00,\nSomeone Else Entirely KK,,\n"
	res := tn.screen("partners.csv", list, node.ScreenOptions{})
	if len(res.Rows) != 6 || res.Screened != 6 || !res.Complete {
		t.Fatalf("rows %d screened %d complete %v; want 6, 6, true", len(res.Rows), res.Screened, res.Complete)
	}
	want := "1:" + cids[0] + ":normalised 5:" + cids[0] + ":normalised"
	if got := strings.Join(hitCIDs(res), " "); got != want {
		t.Errorf("hits %q; want %q", got, want)
	}
	h := res.Rows[0].Hits[0]
	if h.TLP != "amber" || h.Severity != "high" || h.Expired || h.Matched != "北橋光学貿易株式会社" || h.Mitigation == "" {
		t.Errorf("hit %+v", h)
	}
	for _, r := range []int{2, 4} {
		if !strings.Contains(res.Rows[r-1].Note, "expired") {
			t.Errorf("row %d: the hidden expired hit is not noted: %q", r, res.Rows[r-1].Note)
		}
	}
	if !strings.Contains(res.Rows[2].Note, "generic") || !strings.Contains(res.Rows[4].Note, "malformed ROR") {
		t.Errorf("notes: %q, %q", res.Rows[2].Note, res.Rows[4].Note)
	}

	all := tn.screen("partners.csv", list, node.ScreenOptions{All: true})
	want = "1:" + cids[0] + ":normalised 2:" + cids[1] + ":normalised 4:" + cids[1] + ":ror 5:" + cids[0] + ":normalised"
	if got := strings.Join(hitCIDs(all), " "); got != want {
		t.Errorf("with All: hits %q; want %q", got, want)
	}
	if !all.Rows[1].Hits[0].Expired {
		t.Errorf("the expired indicator is not marked expired: %+v", all.Rows[1].Hits[0])
	}

	// The audit log names the file and counts, never a name on the list.
	audit, err := os.ReadFile(filepath.Join(tn.dir, node.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(audit), `"event":"screen"`) || !strings.Contains(string(audit), `partners.csv`) || !strings.Contains(string(audit), "6 rows") {
		t.Errorf("no screening in the audit log:\n%s", audit)
	}
	for _, name := range []string{"北橋", "TIDEWATER", "Someone Else"} {
		if strings.Contains(string(audit), name) {
			t.Errorf("the audit log holds a listed name %q", name)
		}
	}

	// After a restart the index is rebuilt from the store; a retracted
	// indicator no longer matches.
	tn.reopen()
	if got := hitCIDs(tn.screen("again.txt", "Northbridge Photonics Trading Co Ltd\n", node.ScreenOptions{})); len(got) != 1 {
		t.Fatalf("after a restart: hits %q", got)
	}
	if _, err := tn.n.Retract(cids[0], "withdrawn"); err != nil {
		t.Fatal(err)
	}
	if got := hitCIDs(tn.screen("again.txt", "Northbridge Photonics Trading Co Ltd\n", node.ScreenOptions{})); len(got) != 0 {
		t.Fatalf("a retracted indicator matched: %q", got)
	}
}

func TestScreenBadInput(t *testing.T) {
	tn := startNode(t, "Test University")
	for _, tc := range []struct{ file, data, want string }{
		{"empty.csv", "", "no names"},
		{"cols.csv", "Country,Remarks\nJP,x\n", "no name column"},
		{"bin.dat", "\x00\x01\x02", "encoding"},
		{"big.csv", "name\n" + strings.Repeat("Example Trading Co., Ltd.\n", 100_000), "at most 50,000 rows"},
	} {
		_, err := tn.n.Screen(context.Background(), tc.file, []byte(tc.data), node.ScreenOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v; want %q", tc.file, err, tc.want)
		}
	}
	titled := tn.screen("t.csv", "相手先一覧,\n\n機関名,国\nAcme GmbH,DE\n", node.ScreenOptions{})
	if len(titled.Rows) != 1 || titled.Rows[0].Name != "Acme GmbH" || !strings.Contains(titled.Note, "1 row(s) above the header") {
		t.Errorf("a title above the header: %+v", titled)
	}
	res := tn.screen("x.csv", "name,ror\n,bad\n", node.ScreenOptions{})
	if res.Screened != 0 || !strings.Contains(res.Rows[0].Note, "not screened") {
		t.Errorf("a row with neither a name nor a ROR id: %+v", res)
	}
}

// TestScreenFederated: an indicator that reaches a node by sync is screened
// there, and only by the nodes it may reach — a RED record screened by the
// named member alone.
func TestScreenFederated(t *testing.T) {
	nodes, _ := newConsortium(t, "kyoto", "osaka", "tohoku")
	kyoto, osaka, tohoku := nodes[0], nodes[1], nodes[2]
	startMesh(t, nodes...)
	rec := sampleRecord(t, "indicator-amber.json") // Northbridge Photonics Trading Co., Ltd.
	red := edit(t, rec, func(m map[string]any) {
		m["subject"].(map[string]any)["names"] = []any{map[string]any{"value": "Redline Avionics GmbH"}}
	})
	amber := kyoto.publish(rec, node.PublishOptions{})
	redCID := kyoto.publish(red, node.PublishOptions{TLP: "red", Audience: []string{osaka.peerID()}})
	waitFor(t, fedWait, "osaka and tohoku read the AMBER record", func() bool { return osaka.canRead(amber) && tohoku.canRead(amber) })
	waitFor(t, fedWait, "osaka reads the RED record", func() bool { return osaka.canRead(redCID) })
	syncAll(nodes...)

	list := []byte("NORTHBRIDGE PHOTONICS TRADING LTD\nRedline Avionics\n")
	for _, tc := range []struct {
		p    *peerNode
		want string
	}{{osaka, amber + " " + redCID}, {tohoku, amber}} {
		res, err := tc.p.n.Screen(context.Background(), "list.txt", list, node.ScreenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res.Rows {
			for _, h := range r.Hits {
				got = append(got, h.CID)
			}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: hits %q; want %q", tc.p.name, got, tc.want)
		}
	}
}

package node_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
)

func partnerBundle(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("liaison/testdata/partner-bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportPartnerBundle: one line per object; a partner's AMBER stays
// AMBER to members, AMBER+STRICT stays in this institution, RED, unknown
// and missing markings are refused, a person subject and guardrail
// findings are refused, unsupported types are skipped; TLP 1.0 ids are
// read. A dry run stores nothing.
func TestImportPartnerBundle(t *testing.T) {
	tn := startNode(t, "Liaison University")
	ctx := context.Background()
	dry, err := tn.n.ImportSTIX(ctx, partnerBundle(t), node.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := tn.status().Records; got != 0 {
		t.Fatalf("a dry run stored %d records", got)
	}
	res, err := tn.n.ImportSTIX(ctx, partnerBundle(t), node.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ outcome, tlp, reason string }{
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d01":         {node.ImportPublished, "green", ""},
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d02":         {node.ImportPublished, "amber", ""},
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d03":         {node.ImportPublished, "amber+strict", ""},
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d04":         {node.ImportRefused, "red", "TLP:RED"},
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d05":         {node.ImportPublished, "clear", ""},
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d06":         {node.ImportRefused, "", "marking"},
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d07":         {node.ImportRefused, "", "marking"},
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d08":         {node.ImportRefused, "green", "never persons"},
		"report--6b4f7e55-1f3c-4a8e-bb37-0c9e2b1a7d09":         {node.ImportRefused, "green", "nationality"},
		"attack-pattern--2c1d7a4e-6f0b-4a4b-9f53-1d2e3f4a5b60": {node.ImportPublished, "green", ""},
		"malware--3a1d7a4e-6f0b-4a4b-9f53-1d2e3f4a5b61":        {node.ImportSkipped, "", "unsupported"},
	}
	if len(res) != 15 || len(dry) != 15 {
		t.Fatalf("%d results (dry run %d), want one per object (15)", len(res), len(dry))
	}
	for i, r := range res {
		w, ok := want[r.ID]
		if !ok {
			if r.Outcome != node.ImportSkipped {
				t.Errorf("%s: %s, want skipped", r.ID, r.Outcome)
			}
			continue
		}
		if r.Outcome != w.outcome || r.TLP != w.tlp || !strings.Contains(r.Reason, w.reason) {
			t.Errorf("%s: %s %s %q, want %s %s …%s…", r.ID, r.Outcome, r.TLP, r.Reason, w.outcome, w.tlp, w.reason)
		}
		wantDry := w.outcome
		if wantDry == node.ImportPublished {
			wantDry = node.ImportWouldPublish
		}
		if dry[i].Outcome != wantDry {
			t.Errorf("%s: dry run %s, want %s", r.ID, dry[i].Outcome, wantDry)
		}
		if r.Outcome != node.ImportPublished {
			continue
		}
		v := tn.show(r.CID)
		if v.TLP != w.tlp {
			t.Errorf("%s published at %s, want %s", r.ID, v.TLP, w.tlp)
		}
		wantAud := []string{"members"}
		if w.tlp == "amber+strict" {
			wantAud = []string{tn.n.PeerID()}
		}
		if !reflect.DeepEqual(v.Audience, wantAud) {
			t.Errorf("%s published to %v, want %v", r.ID, v.Audience, wantAud)
		}
		if !strings.Contains(string(v.Body), "Maple Research Security Network ("+r.ID+")") {
			t.Errorf("%s: no provenance in %s", r.ID, v.Body)
		}
	}
	if got := tn.status().Records; got != 5 {
		t.Errorf("%d records stored, want the 5 published", got)
	}
	again, err := tn.n.ImportSTIX(ctx, partnerBundle(t), node.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range again {
		if res[i].Outcome == node.ImportPublished && (r.Outcome != node.ImportSkipped || !strings.Contains(r.Reason, "already imported as "+res[i].CID)) {
			t.Errorf("%s imported twice: %s %s", r.ID, r.Outcome, r.Reason)
		}
	}
	if got := tn.status().Records; got != 5 {
		t.Errorf("%d records after a second import, want 5", got)
	}
}

// TestImportRoundTrip: what one node exports, another imports with the same
// fields; only the provenance differs (basis.source_type and source_list of
// an indicator, the source line of a method's narrative).
func TestImportRoundTrip(t *testing.T) {
	a, b := startNode(t, "Exporting University"), startNode(t, "Importing University")
	records := [][]byte{
		example(t, "indicator-green.json"),
		example(t, "indicator-clear.json"),
		edit(t, example(t, "method-amber-strict.json"), func(r map[string]any) { r["policy"] = map[string]any{"tlp": "green"} }),
	}
	cids := a.mustPublish(node.PublishOptions{}, records...)
	bundle, err := a.n.ExportSTIX(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.n.ImportSTIX(context.Background(), bundle, node.ImportOptions{Partner: "Exporting University"})
	if err != nil {
		t.Fatal(err)
	}
	byOrig := map[string]node.ImportResult{}
	for _, r := range res {
		if r.Outcome == node.ImportRefused {
			t.Errorf("%s refused: %s", r.ID, r.Reason)
		}
		if r.Outcome == node.ImportPublished {
			byOrig[r.ID] = r
		}
	}
	if len(byOrig) != len(cids) {
		t.Fatalf("%d records imported, want %d", len(byOrig), len(cids))
	}
	for _, cid := range cids {
		orig := a.show(cid)
		var got node.RecordView
		for _, r := range byOrig {
			v := b.show(r.CID)
			if v.Title == orig.Title {
				got = v
			}
		}
		if got.CID == "" {
			t.Fatalf("%s (%s) was not imported", cid, orig.Title)
		}
		if got.TLP != orig.TLP || got.Kind != orig.Kind {
			t.Errorf("%s: %s %s, want %s %s", orig.Title, got.Kind, got.TLP, orig.Kind, orig.TLP)
		}
		var want, have map[string]any
		json.Unmarshal(orig.Body, &want)
		json.Unmarshal(got.Body, &have)
		if basis, ok := have["basis"].(map[string]any); ok {
			if basis["source_type"] != "partner_feed" || !strings.HasPrefix(basis["source_list"].(string), "Exporting University (report--") {
				t.Errorf("%s: provenance %v", orig.Title, basis)
			}
			wb := want["basis"].(map[string]any)
			basis["source_type"] = wb["source_type"]
			delete(basis, "source_list")
		}
		if n, ok := have["narrative"].(string); ok {
			head, _, found := strings.Cut(n, "\n\nSource: partner feed Exporting University (attack-pattern--")
			if !found {
				t.Errorf("%s: no provenance in the narrative", orig.Title)
			}
			have["narrative"] = head
		}
		if !reflect.DeepEqual(have, want) {
			t.Errorf("%s: fields differ after the round trip\n got %v\nwant %v", orig.Title, have, want)
		}
	}
}

package node

import (
	"context"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ursic/ursic/share"
)

// TestFacetRepairAfterCrash: a record and its facet are retracted in two
// transactions. If the node stops between them, the next start retracts
// the facet that was left behind.
func TestFacetRepairAfterCrash(t *testing.T) {
	_, h := homeWithSecretariat(t)
	open := func() *Node {
		n, err := Open(h, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := open()
	var cid string
	rec := []byte(`{"kind":"method","title":"T","tactic":"talent_recruitment","period":"2026-Q4","narrative":"N.","outcome":"declined"}`)
	if err := n.Publish(context.Background(), [][]byte{rec}, PublishOptions{}, func(p Published) error { cid = p.CID; return nil }); err != nil {
		t.Fatal(err)
	}
	c, _ := share.ParseCID(cid)
	facet, ok := n.cases.facetByLink(hex.EncodeToString(h.Identity.FacetLink(c.Bytes())))
	if !ok || !n.live(facet) {
		t.Fatal("no live facet after publishing")
	}
	// The record alone, as if the node stopped before the facet's turn.
	if _, err := n.retractOne(cid, "withdrawn"); err != nil {
		t.Fatal(err)
	}
	if v, err := n.Show(facet.cid); err != nil || v.Retracted {
		t.Fatalf("facet %s: %v, retracted %v; want it still live before the restart", facet.cid, err, v.Retracted)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	n = open()
	defer n.Close()
	if v, err := n.Show(facet.cid); err != nil || !v.Retracted {
		t.Errorf("after the restart the facet is not retracted: %v, %+v", err, v)
	}
	if tab, err := n.Trends(TrendOptions{}); err != nil || len(tab.Cells) != 0 {
		t.Errorf("the table still counts the facet: %+v, %v", tab, err)
	}
}

// TestSightingFacetCategory: a sighting's facet takes the category of the
// record it met only when that record's own policy allows a facet.
func TestSightingFacetCategory(t *testing.T) {
	_, h := homeWithSecretariat(t)
	n, err := Open(h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	publish := func(rec string, opt PublishOptions) string {
		var cid string
		if err := n.Publish(context.Background(), [][]byte{[]byte(rec)}, opt, func(p Published) error { cid = p.CID; return nil }); err != nil {
			t.Fatal(err)
		}
		return cid
	}
	method := `{"kind":"method","title":"T","tactic":"%s","period":"2026-Q4","narrative":"N.","outcome":"declined","tech_areas":["ai"]}`
	amber := publish(fmt.Sprintf(method, "visible_tactic"), PublishOptions{})
	red := publish(fmt.Sprintf(method, "red_tactic"), PublishOptions{TLP: "red", Audience: []string{n.PeerID()}})
	optedOut := publish(fmt.Sprintf(method, "hidden_tactic"), PublishOptions{Caveats: []string{"no-facet"}})
	for ref, want := range map[string]string{amber: "visible_tactic", red: "", optedOut: ""} {
		cid := publish(`{"kind":"sighting","ref":"`+ref+`","when":"2026-11-01","outcome":"declined"}`, PublishOptions{})
		c, _ := share.ParseCID(cid)
		f, ok := n.cases.facetByLink(hex.EncodeToString(h.Identity.FacetLink(c.Bytes())))
		if !ok {
			t.Fatalf("no facet for the sighting of %s", ref)
		}
		names := n.cases.names()
		if names.category(f) != want || (want == "") != (len(names.areas(f)) == 0) {
			t.Errorf("sighting of a record with category %q: facet category %q, areas %v", want, names.category(f), names.areas(f))
		}
	}
}

// homeWithSecretariat makes a member's home on a roster with a secretariat,
// so that its records get facets.
func homeWithSecretariat(t testing.TB) (string, *Home) {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "kyoto")
	card, err := Init(dir, InitOptions{Name: "kyoto"})
	if err != nil {
		t.Fatal(err)
	}
	secCard, err := Init(filepath.Join(root, "sec"), InitOptions{Name: "sec", Role: "secretariat"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := LoadHome(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	g := &share.Roster{Version: 1, Threshold: 1, Created: time.Now().UTC().Truncate(time.Second),
		Members: []share.RosterMember{share.RosterMember(*card), share.RosterMember(*secCard)}, Executive: []string{card.PeerID}}
	if err := g.Sign(h.Identity); err != nil {
		t.Fatal(err)
	}
	if err := ApplyRosterOffline(dir, g); err != nil {
		t.Fatal(err)
	}
	return dir, h
}

package node_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// newRoleHome is newPeerHome with a role.
func newRoleHome(tb testing.TB, name, role string) *peerNode {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), name)
	card, err := node.Init(dir, node.InitOptions{Name: name, Role: role})
	if err != nil {
		tb.Fatalf("Init %s: %v", name, err)
	}
	h, err := node.LoadHome(dir, "")
	if err != nil {
		tb.Fatalf("LoadHome %s: %v", name, err)
	}
	p := &peerNode{tb: tb, name: name, dir: dir, card: card, id: h.Identity, log: &lockedBuffer{}}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("---- log of %s (%s) ----\n%s", name, card.PeerID, p.log.String())
		}
	})
	tb.Cleanup(p.stop)
	return p
}

// newSecretariatConsortium makes homes for the members and one secretariat
// (the last node), with a genesis roster signed by the first two members,
// installed everywhere. The nodes are not started.
func newSecretariatConsortium(tb testing.TB, members ...string) []*peerNode {
	tb.Helper()
	g := &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second)}
	var nodes []*peerNode
	for _, name := range members {
		nodes = append(nodes, newRoleHome(tb, name, "member"))
	}
	nodes = append(nodes, newRoleHome(tb, "secretariat", "secretariat"))
	for _, p := range nodes {
		g.Members = append(g.Members, share.RosterMember(*p.card))
	}
	for _, p := range nodes[:2] {
		g.Executive = append(g.Executive, p.peerID())
	}
	for _, p := range nodes[:2] {
		if err := g.Sign(p.id); err != nil {
			tb.Fatalf("sign genesis: %v", err)
		}
	}
	for _, p := range nodes {
		if err := node.ApplyRosterOffline(p.dir, g); err != nil {
			tb.Fatalf("ApplyRosterOffline %s: %v", p.name, err)
		}
	}
	return nodes
}

// facetsOf lists the facets n can read, by author.
func facetsOf(tb testing.TB, p *peerNode, author string) []node.RecordView {
	tb.Helper()
	views, _, err := p.n.List(node.ListOptions{Kind: share.KindFacet, Author: author, All: true})
	if err != nil {
		tb.Fatal(err)
	}
	return views
}

func methodRecord(title, tactic, outcome string, areas []string, mitigations []string) []byte {
	m := map[string]any{
		"kind": "method", "title": title, "tactic": tactic, "period": "2026-Q4",
		"narrative": "Narrative of " + title + ".", "outcome": outcome,
	}
	if len(areas) > 0 {
		m["tech_areas"] = areas
	}
	if len(mitigations) > 0 {
		m["mitigations"] = mitigations
	}
	b, _ := json.Marshal(m)
	return b
}

// TestFacetWrittenWithRecord: publishing a method writes its facet in the
// author's secretariat log in the same commit; the secretariat receives the
// facet, never the method's body, and a member never receives the facet.
// The facet carries coarse fields only and a link that only the author's
// key ties to the record; its header says nothing of the record's level or
// time. RED records and records with the no-facet caveat get no facet, and
// retracting a record retracts its facet at the secretariat.
func TestFacetWrittenWithRecord(t *testing.T) {
	nodes := newSecretariatConsortium(t, "kyoto", "osaka")
	kyoto, osaka, sec := nodes[0], nodes[1], nodes[2]
	startMesh(t, nodes...)

	title := "Fictional joint-lab offer through a foundation"
	rec := methodRecord(title, "intermediary_funding", "accepted-with-mitigation", []string{"semiconductors", "quantum"},
		[]string{"Read every annex of the agreement", "Segment lab access"})
	method := kyoto.publish(rec, node.PublishOptions{TLP: "amber+strict"})

	// Same transaction: when Publish returns, the author already holds the facet.
	own := facetsOf(t, kyoto, kyoto.peerID())
	if len(own) != 1 {
		t.Fatalf("kyoto holds %d facets after publishing, want 1", len(own))
	}
	facetCID := own[0].CID

	waitFor(t, fedWait, "the secretariat reads the facet", func() bool { return sec.canRead(facetCID) })
	f, err := sec.n.Show(facetCID)
	if err != nil {
		t.Fatal(err)
	}
	if f.TLP != "amber" || !slices.Equal(f.Audience, []string{"secretariat"}) || len(f.Caveats) != 0 {
		t.Errorf("facet policy = %s %v %v, want amber [secretariat] and no caveats", f.TLP, f.Audience, f.Caveats)
	}
	month := policy.MonthOf(time.Now())
	if !f.Created.Equal(month.Start()) && !f.Created.Equal((month - 1).Start()) {
		t.Errorf("facet created %v, want the first instant of its month", f.Created)
	}
	var body map[string]any
	if err := json.Unmarshal(f.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"kind": "facet", "record_kind": "method", "category": "intermediary_funding",
		"tech_areas": []any{"semiconductors", "quantum"}, "outcome": "accepted-with-mitigation",
		"mitigations": []any{"access-control", "contract"},
	}
	for k, v := range want {
		if fmt.Sprint(body[k]) != fmt.Sprint(v) {
			t.Errorf("facet %s = %v, want %v", k, body[k], v)
		}
	}
	if p, _ := body["period"].(string); p != policy.MonthOf(time.Now()).String() {
		t.Errorf("facet period = %v, want the month of publishing", body["period"])
	}
	for _, leak := range []string{title, "Narrative", "annex", method} {
		if bytes.Contains(f.Body, []byte(leak)) {
			t.Errorf("facet body carries %q: %s", leak, f.Body)
		}
	}
	link, _ := body["link"].(string)
	c, _ := share.ParseCID(method)
	if link != hex.EncodeToString(kyoto.id.FacetLink(c.Bytes())) {
		t.Errorf("facet link is not the author's keyed hash of the record's CID")
	}
	if link == hex.EncodeToString(osaka.id.FacetLink(c.Bytes())) || link == hex.EncodeToString(sec.id.FacetLink(c.Bytes())) {
		t.Errorf("another node's key ties the facet to its record")
	}
	if strings.Contains(link, hex.EncodeToString(c.Bytes()[4:])) {
		t.Errorf("facet link contains the record's digest")
	}

	// The secretariat never receives the body it is not an audience of; a
	// member never receives the facet.
	waitFor(t, fedWait, "osaka reads the method", func() bool { return osaka.canRead(method) })
	syncAll(nodes...)
	if sec.holds(method) || sec.canRead(method) {
		t.Errorf("the secretariat holds the method it is not an audience of")
	}
	if osaka.holds(facetCID) {
		t.Errorf("a member holds the secretariat's facet")
	}

	// No facet for RED, nor for the no-facet caveat.
	kyoto.publish(methodRecord("Red case", "talent_recruitment", "declined", nil, nil), node.PublishOptions{TLP: "red", Audience: []string{osaka.peerID()}})
	kyoto.publish(methodRecord("Opted out", "talent_recruitment", "declined", nil, nil), node.PublishOptions{Caveats: []string{policy.CaveatNoFacet}})
	if got := len(facetsOf(t, kyoto, kyoto.peerID())); got != 1 {
		t.Errorf("kyoto holds %d facets after a RED and a no-facet record, want 1", got)
	}

	// Retracting the record retracts its facet, at the author and at the secretariat.
	if _, err := kyoto.n.Retract(method, "published by mistake"); err != nil {
		t.Fatal(err)
	}
	if v, _ := kyoto.n.Show(facetCID); !v.Retracted {
		t.Errorf("kyoto's facet is not retracted with its record")
	}
	waitFor(t, fedWait, "the secretariat sees the facet retracted", func() bool {
		v, err := sec.n.Show(facetCID)
		return err == nil && v.Retracted
	})
	v, _ := sec.n.Show(facetCID)
	if strings.Contains(v.RetractReason, "mistake") {
		t.Errorf("the facet's retraction carries the record's reason: %q", v.RetractReason)
	}
}

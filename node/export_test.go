package node_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/liaison/stixtest"
)

// levelRecords publishes one indicator and one method at every TLP level,
// each titled with a marker of its level, and returns marker by level.
func levelRecords(t *testing.T, tn *testNode) map[string]string {
	t.Helper()
	markers := map[string]string{}
	for _, level := range []string{"clear", "green", "amber", "amber+strict", "red"} {
		m := uniqueMarker(t)
		markers[level] = m
		aud := []string{"members"}
		if level == "red" {
			aud = []string{tn.n.PeerID()}
		}
		opt := node.PublishOptions{TLP: level, Audience: aud}
		tn.mustPublish(opt,
			edit(t, example(t, "indicator-green.json"), func(r map[string]any) { r["title"] = "Indicator " + m; delete(r, "policy") }),
			edit(t, example(t, "method-amber-strict.json"), func(r map[string]any) { r["title"] = "Method " + m; delete(r, "policy") }),
		)
	}
	return markers
}

// TestExportOnlyClearAndGreen: an export validates against the OASIS
// schemas and holds the CLEAR and GREEN records and nothing of AMBER,
// AMBER+STRICT or RED; a retracted record is revoked, without its body.
func TestExportOnlyClearAndGreen(t *testing.T) {
	v := stixtest.Load(t)
	tn := startNode(t, "Export University")
	markers := levelRecords(t, tn)
	gone := uniqueMarker(t)
	cid := tn.mustPublish(node.PublishOptions{TLP: "green"}, edit(t, example(t, "indicator-green.json"), func(r map[string]any) { r["title"] = "Retracted " + gone }))[0]
	if _, err := tn.n.Retract(cid, "wrong subject"); err != nil {
		t.Fatal(err)
	}
	b, err := tn.n.ExportSTIX(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Bundle(b); err != nil {
		t.Fatalf("export does not validate: %v\n%s", err, b)
	}
	for _, err := range stixtest.Strict(b) {
		t.Errorf("a strict validator refuses the export: %v", err)
	}
	for level, m := range markers {
		want := level == "clear" || level == "green"
		if got := bytes.Count(b, []byte(m)); (got == 2) != want || (!want && got != 0) {
			t.Errorf("%s records: marker appears %d times in the export", level, got)
		}
	}
	if bytes.Contains(b, []byte(gone)) {
		t.Error("the body of a retracted record is in the export")
	}
	if !bytes.Contains(b, []byte(liaison.RecordID("report", cid))) || !bytes.Contains(b, []byte(`"revoked":true`)) {
		t.Error("the retracted record is not exported as revoked")
	}
	for _, bad := range []string{liaison.MarkingAmber, liaison.MarkingAmberStrict, liaison.MarkingRed} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("the export names marking %s", bad)
		}
	}
	again, err := tn.n.ExportSTIX(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Error("two exports of the same node differ")
	}
	later, err := tn.n.ExportSTIX(time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(later), markers["green"]) {
		t.Error("--since in the future still exports records")
	}
}

// TestExportNamesNoAmberRecord: a GREEN method may list, in
// observed_indicators, the CIDs of records that never leave (an AMBER
// indicator, a CID this node cannot read). The export names only those
// that leave themselves: an AMBER record's CID, from which its STIX id
// follows, is as much "the record in some form" as its body.
func TestExportNamesNoAmberRecord(t *testing.T) {
	tn := startNode(t, "Export Links University")
	indicator := example(t, "indicator-green.json")
	green := tn.mustPublish(node.PublishOptions{TLP: "green", Audience: []string{"members"}}, edit(t, indicator, func(r map[string]any) { delete(r, "policy") }))[0]
	amber := tn.mustPublish(node.PublishOptions{TLP: "amber", Audience: []string{"members"}}, edit(t, indicator, func(r map[string]any) { r["title"] = "Amber " + uniqueMarker(t); delete(r, "policy") }))[0]
	const unknown = "bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmqqme5yfu"
	tn.mustPublish(node.PublishOptions{TLP: "green", Audience: []string{"members"}}, edit(t, example(t, "method-amber-strict.json"), func(r map[string]any) {
		r["observed_indicators"] = []string{green, amber, unknown}
		delete(r, "policy")
	}))
	b, err := tn.n.ExportSTIX(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for name, cid := range map[string]string{"AMBER": amber, "unreadable": unknown} {
		if bytes.Contains(b, []byte(cid)) {
			t.Errorf("the export names the %s record %s (a GREEN method's observed_indicators)", name, cid)
		}
	}
	if !bytes.Contains(b, []byte(`"observed_indicators":["`+green+`"]`)) {
		t.Errorf("the GREEN indicator's CID is no longer in the method's observed_indicators:\n%s", b)
	}
}

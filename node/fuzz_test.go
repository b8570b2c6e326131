package node

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ursic/ursic/share/sharetest"
)

// FuzzParseConfig: a config file never panics the parser, and one that
// parses is valid and survives a re-validation.
func FuzzParseConfig(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/config/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("parsed config fails validation: %v", err)
		}
	})
}

// FuzzSplitRecords: splitting a publish input never panics, and every
// record it returns is one complete JSON value.
func FuzzSplitRecords(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/input/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := SplitRecords(data)
		if err != nil {
			return
		}
		if len(recs) == 0 {
			t.Fatal("no error and no record")
		}
		for i, r := range recs {
			if !json.Valid(r) {
				t.Fatalf("record %d is not JSON: %q", i, r)
			}
		}
	})
}

// FuzzCheckAudit: checking an audit log never panics, whatever the file
// holds, with or without an anchor, and a log it calls intact has every line
// signed by the node and anchored where the anchor says.
func FuzzCheckAudit(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/audit/*.log")
	peer, err := os.ReadFile("testdata/audit/peer-id")
	if err != nil {
		f.Fatal(err)
	}
	peerID := strings.TrimSpace(string(peer))
	f.Fuzz(func(t *testing.T, data []byte) {
		unanchored := checkAudit(data, nil, peerID, true)
		if unanchored.report.Lines > 0 {
			// Anchor the last complete line, as the node would have.
			head := unanchored.report.Head
			c := checkAudit(data, &head, peerID, false)
			full := checkAudit(data, &head, peerID, true)
			if full.report.Intact() != unanchored.report.Intact() {
				t.Fatalf("anchoring the file's own head changed the verdict: %v vs %v", full.report.Problems, unanchored.report.Problems)
			}
			if full.report.Intact() && !c.report.Intact() {
				t.Fatalf("the start check finds problems the full check does not: %v", c.report.Problems)
			}
		}
		if unanchored.report.Intact() && unanchored.report.Lines > 0 {
			for i, l := range bytes.Split(bytes.TrimSuffix(data[:len(data)-unanchored.torn], []byte("\n")), []byte("\n")) {
				if _, err := decodeAuditLine(l, peerID, true); err != nil {
					t.Fatalf("intact log, but line %d: %v", i+1, err)
				}
			}
		}
	})
}

// TestAuditSeeds: the seed logs say what they are.
func TestAuditSeeds(t *testing.T) {
	peer, err := os.ReadFile("testdata/audit/peer-id")
	if err != nil {
		t.Fatal(err)
	}
	peerID := strings.TrimSpace(string(peer))
	for name, want := range map[string]bool{"intact": true, "torn": true, "truncated": true, "added-field": false} {
		data, err := os.ReadFile("testdata/audit/" + name + ".log")
		if err != nil {
			t.Fatal(err)
		}
		if got := checkAudit(data, nil, peerID, true).report.Intact(); got != want {
			t.Errorf("%s.log: intact %v, want %v", name, got, want)
		}
	}
}

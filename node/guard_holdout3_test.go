package node_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/policy/guard"
)

// holdout3File is the guard's third held-out corpus: long case narratives,
// hearing notes, timelines, translations, special-care information about a
// person and names with no anchor, next to organisations, parties, unions,
// programmes and history that must pass, each with the verdict it must get.
const holdout3File = "../policy/guard/testdata/holdout3-2026-11-30.jsonl"

// TestGuardHoldout3AsPublished runs every record of the third held-out
// corpus through the node's publish path — Node.Check (parse, policy,
// guardrails, field rules), then Node.Publish — as `ursic publish` sends it,
// without --confirm-personal-data:
//   - a record to refuse is refused (guard.ErrRefused), and stays refused
//     when the user confirms personal data;
//   - a record with personal data is held (refused or needing
//     confirmation), and stores nothing;
//   - a record to pass is checked clean, with no finding at all, and is
//     published: it gets a CID and can be shown.
func TestGuardHoldout3AsPublished(t *testing.T) { publishHoldout(t, holdout3File, 150) }

// publishHoldout runs the held-out corpus in file (JSON Lines of id, expect,
// why, record and, for a known miss, known_miss) through the publish path as
// TestGuardHoldout3AsPublished says; the file must hold at least min records.
func publishHoldout(t *testing.T, file string, min int) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tn := startNode(t, "Holdout University")
	var passes [][]byte
	var passIDs []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	for line := 1; sc.Scan(); line++ {
		var c struct {
			ID     string          `json:"id"`
			Expect string          `json:"expect"`
			Why    string          `json:"why"`
			Record json.RawMessage `json:"record"`
			// KnownMiss: a record the guard should stop and does not
			// (docs/GUARDRAILS.md, "Known limits"); it is checked, not
			// published.
			KnownMiss string `json:"known_miss"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", file, line, err)
		}
		n++
		d, err := tn.n.Check(c.Record, node.PublishOptions{})
		if c.KnownMiss != "" {
			if err != nil {
				t.Errorf("%s: a known miss (%s) is now stopped (%v): update the corpus", c.ID, c.KnownMiss, err)
			}
			continue
		}
		switch c.Expect {
		case "pass":
			if err != nil {
				t.Errorf("%s (%s): Check: %v", c.ID, c.Why, err)
				continue
			}
			if len(d.Findings) != 0 {
				t.Errorf("%s (%s): passed with findings %v", c.ID, c.Why, d.Findings)
			}
			passes = append(passes, c.Record)
			passIDs = append(passIDs, c.ID)
		case "refuse", "personal":
			var re *node.RecordError
			if !errors.As(err, &re) {
				t.Errorf("%s (%s): Check err = %v, want a *node.RecordError from the guard", c.ID, c.Why, err)
				continue
			}
			refused := errors.Is(err, guard.ErrRefused)
			held := errors.Is(err, guard.ErrNeedsConfirmation)
			switch {
			case c.Expect == "refuse" && !refused:
				t.Errorf("%s (%s): Check err = %v, want it refused", c.ID, c.Why, err)
			case c.Expect == "personal" && !refused && !held:
				t.Errorf("%s (%s): Check err = %v, want it held by the guard", c.ID, c.Why, err)
			case len(re.Findings) == 0:
				t.Errorf("%s (%s): refused without findings", c.ID, c.Why)
			}
			if c.Expect == "refuse" {
				if _, err := tn.n.Check(c.Record, node.PublishOptions{ConfirmPersonalData: true}); !errors.Is(err, guard.ErrRefused) {
					t.Errorf("%s (%s): with --confirm-personal-data, err = %v, want it still refused", c.ID, c.Why, err)
				}
			}
		default:
			t.Fatalf("%s:%d: expect %q", file, line, c.Expect)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < min {
		t.Fatalf("%d records in %s, want at least %d", n, file, min)
	}
	t.Logf("%d records: %d pass and are published", n, len(passes))
	if st := tn.status(); st.Records != 0 {
		t.Fatalf("Check stored %d records", st.Records)
	}
	// The records that pass are published, all in one batch.
	cids, err := tn.publish(node.PublishOptions{}, passes...)
	if err != nil {
		t.Fatalf("Publish of the %d records that pass: %v", len(passes), err)
	}
	for i, c := range cids {
		if c == "" {
			t.Errorf("%s: no CID", passIDs[i])
			continue
		}
		if v := tn.show(c); len(v.Body) == 0 {
			t.Errorf("%s: published record %s shows no body", passIDs[i], c)
		}
	}
}

package share_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/ursic/ursic/policy/guard"
	"github.com/ursic/ursic/share"
)

// TestHoldoutCorpusAsPublished runs the guard's held-out corpus
// (policy/guard/testdata/holdout-2026-11-30.jsonl) the way a publish does:
// share.ParseRecord, guard.CheckContent on the record's body, then
// Validate. Every record the guard must let through is a valid record of
// its kind, so a pass in the corpus is a record that would be published;
// every other record must be stopped by the guard before Validate.
func TestHoldoutCorpusAsPublished(t *testing.T) {
	const file = "../policy/guard/testdata/holdout-2026-11-30.jsonl"
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	n := 0
	for line := 1; sc.Scan(); line++ {
		var c struct {
			Want   string          `json:"want"`
			Why    string          `json:"why"`
			Record json.RawMessage `json:"record"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", file, line, err)
		}
		n++
		rec, err := share.ParseRecord(c.Record)
		if err != nil {
			t.Errorf("line %d (%s): ParseRecord: %v", line, c.Why, err)
			continue
		}
		if err := rec.Validate(); err != nil {
			t.Errorf("line %d (%s): not a valid %s record, so it does not test what a publish meets: %v", line, c.Why, rec.Kind, err)
		}
		_, errConfirmed := guard.CheckContent(rec.Kind, rec.Body, true)
		_, errPlain := guard.CheckContent(rec.Kind, rec.Body, false)
		switch c.Want {
		case "refuse":
			if !errors.Is(errConfirmed, guard.ErrRefused) {
				t.Errorf("line %d (%s): published body not refused: %v", line, c.Why, errConfirmed)
			}
		case "hold":
			if errConfirmed != nil || !errors.Is(errPlain, guard.ErrNeedsConfirmation) {
				t.Errorf("line %d (%s): published body not held for confirmation: %v / %v", line, c.Why, errPlain, errConfirmed)
			}
		case "pass":
			if errPlain != nil {
				t.Errorf("line %d (%s): published body stopped: %v", line, c.Why, errPlain)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 120 {
		t.Fatalf("%d records; the corpus must keep at least 120", n)
	}
}

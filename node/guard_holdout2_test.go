package node_test

import "testing"

// holdout2File is the guard's second held-out corpus: records as officers
// paste them (e-mail, minutes, spreadsheet rows, PDF text, romaji, Chinese
// and Korean …), each with the verdict it must get.
const holdout2File = "../policy/guard/testdata/holdout2-2026-11-30.jsonl"

// TestGuardHoldout2AsPublished runs every record of the second held-out
// corpus through the node's publish path (publishHoldout).
func TestGuardHoldout2AsPublished(t *testing.T) { publishHoldout(t, holdout2File, 140) }

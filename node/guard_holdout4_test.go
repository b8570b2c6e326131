package node_test

import "testing"

// holdout4File is the guard's fourth held-out corpus: English records with
// links, handles, addresses, ages, appearance, names in running text,
// relatives, identity numbers and nationality in English forms, next to
// organisations' sites and addresses, export terms ("US person"), public
// officials, citations and organisations named after people that must pass.
const holdout4File = "../policy/guard/testdata/holdout4-2026-11-30.jsonl"

// TestGuardHoldout4AsPublished runs every record of the fourth held-out
// corpus through the publish path as TestGuardHoldout3AsPublished says.
func TestGuardHoldout4AsPublished(t *testing.T) { publishHoldout(t, holdout4File, 120) }

package liaison

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/ursic/ursic/policy"
)

// tlpMarkings is the OASIS TLP 2.0 marking-definition file, copied byte for
// byte from the OASIS publication (extension
// extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d).
//
//go:embed tlp2-markings.json
var tlpMarkings []byte

// TLP 2.0 marking-definition ids (OASIS).
const (
	MarkingClear       = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
	MarkingGreen       = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	MarkingAmber       = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	MarkingAmberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
	MarkingRed         = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
)

// markingLevels maps every marking id an import accepts to its level: the
// TLP 2.0 ids, the TLP 1.0 ids of the STIX 2.1 specification (WHITE is
// CLEAR) and the AMBER+STRICT id OpenCTI emits.
var markingLevels = map[string]policy.Level{
	MarkingClear:       policy.Clear,
	MarkingGreen:       policy.Green,
	MarkingAmber:       policy.Amber,
	MarkingAmberStrict: policy.AmberStrict,
	MarkingRed:         policy.Red,
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": policy.Clear, // TLP 1.0 WHITE
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": policy.Green, // TLP 1.0 GREEN
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": policy.Amber, // TLP 1.0 AMBER
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": policy.Red,   // TLP 1.0 RED
	"marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": policy.AmberStrict,
}

// MarkingLevel is the TLP level of a marking-definition id, false if the
// id is not a TLP marking this package knows.
func MarkingLevel(id string) (policy.Level, bool) {
	l, ok := markingLevels[id]
	return l, ok
}

// markingObjects are the five objects of tlpMarkings by id, each exactly as
// published (only the indentation of the array is gone once compacted in a
// bundle).
var markingObjects = func() map[string]json.RawMessage {
	var list []json.RawMessage
	if err := json.Unmarshal(tlpMarkings, &list); err != nil {
		panic(fmt.Sprintf("liaison: embedded TLP markings: %v", err))
	}
	out := map[string]json.RawMessage{}
	for _, raw := range list {
		var m struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			panic(fmt.Sprintf("liaison: embedded TLP marking: %v", err))
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			panic(err)
		}
		out[m.ID] = buf.Bytes()
	}
	return out
}()

// markingFor is the TLP 2.0 marking id of an exportable level; false for a
// level that never leaves.
func markingFor(level string) (string, bool) {
	switch level {
	case policy.Clear.String():
		return MarkingClear, true
	case policy.Green.String():
		return MarkingGreen, true
	}
	return "", false
}

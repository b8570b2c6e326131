package screen

import (
	"encoding/json"
	"fmt"
)

// SubjectOf reads the subject of an indicator's JSON body: its names, ROR
// id and jurisdiction, with the indicator's severity and suggested
// mitigation. It decodes only those members.
func SubjectOf(cid string, body []byte) (Subject, error) {
	var b struct {
		Subject struct {
			Names        []SubjectName `json:"names"`
			Jurisdiction string        `json:"jurisdiction"`
			IDs          struct {
				ROR string `json:"ror"`
			} `json:"ids"`
		} `json:"subject"`
		Severity   string `json:"severity"`
		Mitigation string `json:"suggested_mitigation"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return Subject{}, fmt.Errorf("indicator %s: %w", cid, err)
	}
	return Subject{
		CID: cid, Names: b.Subject.Names, ROR: b.Subject.IDs.ROR, Jurisdiction: b.Subject.Jurisdiction,
		Severity: b.Severity, Mitigation: b.Mitigation,
	}, nil
}

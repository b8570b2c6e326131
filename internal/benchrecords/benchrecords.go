// Package benchrecords generates the records of ursic-bench's corpora, so
// that the node's benchmarks and tests read the same bodies the bulk sync
// is measured with.
package benchrecords

import (
	"fmt"
	"strings"
)

// prose is neutral text for record bodies: no names, numbers, addresses or
// anything else the guardrails flag.
const prose = "The offer arrived through an intermediary foundation and the funding agreement " +
	"named a second company as the beneficiary of all results. The office read every annex " +
	"before approval and screened beneficiaries as well as signatories. "

// topics give the text search something selective to find: each record
// mentions one of them, so a one-word query matches 1/len(topics) of them.
var topics = []string{
	"photonics", "quantum", "semiconductors", "aerospace", "biotechnology", "robotics",
	"cryptography", "materials", "nuclear", "drones", "batteries", "genomics",
	"hypersonics", "lidar", "satellites", "superconductors", "microelectronics", "sensors",
	"propulsion", "metamaterials",
}

// bodySize is the target size of one record's JSON body.
const bodySize = 1024

// Record returns record i of a generated corpus: about 1 KiB of JSON.
// Nine in ten are `indicator` records, one in ten `method` records; four in
// five are TLP:AMBER, one in five TLP:GREEN, all to the `members` group (so
// they form one log per author), which gives the kind and TLP filters of the
// query scenario something to select.
func Record(tag string, i int) []byte {
	topic := topics[i%len(topics)]
	tlp := "amber"
	if i%5 == 4 {
		tlp = "green"
	}
	if i%10 == 9 {
		narrative := fill(bodySize - 260)
		return fmt.Appendf(nil, `{"kind":"method","title":"%s method %d on %s","tactic":"intermediary_funding","period":"2026-Q2","narrative":%q,"outcome":"declined","policy":{"tlp":%q,"audience":["members"]}}`,
			tag, i, topic, "A "+topic+" case. "+narrative, tlp)
	}
	summary := fill(bodySize - 640)
	return fmt.Appendf(nil, `{"kind":"indicator","title":"%s indicator %d: procurement front for dual-use %s","indicator_type":"procurement_front",`+
		`"subject":{"kind":"organisation","names":[{"value":"Northbridge Trading Co. %d","lang":"en","type":"legal"}],"jurisdiction":"JP"},`+
		`"reason_category":"export_control","summary":%q,"tech_areas":[%q],"severity":"high","confidence":"medium",`+
		`"valid_from":"2026-04-01","valid_until":"2099-03-31","review_due":"2099-01-31",`+
		`"basis":{"source_type":"government_list","source_list":"METI End User List","as_of":"2026-03-15","legal_effect":"advisory"},`+
		`"suggested_mitigation":"Screen against the End User List before any MTA, quote or purchase.","policy":{"tlp":%q,"audience":["members"]}}`,
		tag, i, topic, i, "Requests about "+topic+". "+summary, topic, tlp)
}

func fill(n int) string {
	return strings.TrimSpace(strings.Repeat(prose, n/len(prose)+1)[:max(n, 16)])
}

// Records returns records [from, to) of a corpus.
func Records(tag string, from, to int) [][]byte {
	out := make([][]byte, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, Record(tag, i))
	}
	return out
}

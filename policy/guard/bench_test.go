package guard

import (
	"fmt"
	"strings"
	"testing"
)

// record1KiB is a method record of about 1 KiB of neutral prose, like the
// records cmd/ursic's publish benchmark sends.
func record1KiB() []byte {
	const filler = "The offer arrived through an intermediary foundation and the funding agreement " +
		"named a second company as the beneficiary of all results. The office read every annex " +
		"before approval and screened beneficiaries as well as signatories. "
	narrative := strings.Repeat(filler, 1024/len(filler)+1)[:1024-220]
	return fmt.Appendf(nil, `{"kind":"method","title":"bench record 1","tactic":"intermediary_funding","period":"2026-Q2","narrative":%q,"outcome":"declined"}`, strings.TrimSpace(narrative))
}

// BenchmarkLint1KiB is the guardrails' cost per 1 KiB record, to compare
// with the cost of publishing one (docs/BENCHMARKS.md).
func BenchmarkLint1KiB(b *testing.B) {
	body := record1KiB()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckContent("method", body, false); err != nil {
			b.Fatal(err)
		}
	}
}

// indicator1KiB is an indicator of about 1 KiB like cmd/ursic-bench's
// corpus: many short fields, one long summary.
func indicator1KiB(i int) []byte {
	const prose = "The offer arrived through an intermediary foundation and the funding agreement " +
		"named a second company as the beneficiary of all results. The office read every annex " +
		"before approval and screened beneficiaries as well as signatories. "
	summary := strings.TrimSpace(strings.Repeat(prose, 3)[:1024-640])
	return fmt.Appendf(nil, `{"kind":"indicator","title":"bench indicator %d: procurement front for dual-use photonics","indicator_type":"procurement_front",`+
		`"subject":{"kind":"organisation","names":[{"value":"Northbridge Trading Co. %d","lang":"en","type":"legal"}],"jurisdiction":"JP"},`+
		`"reason_category":"export_control","summary":%q,"tech_areas":["photonics"],"severity":"high","confidence":"medium",`+
		`"valid_from":"2026-04-01","valid_until":"2099-03-31","review_due":"2099-01-31",`+
		`"basis":{"source_type":"government_list","source_list":"METI End User List","as_of":"2026-03-15","legal_effect":"advisory"},`+
		`"suggested_mitigation":"Screen against the End User List before any MTA, quote or purchase."}`,
		i, i, "Requests about photonics. "+summary)
}

// BenchmarkLintIndicator1KiB lints 1 KiB indicators whose title and subject
// name differ from record to record (16,384 of them, more than the caches
// hold, so that no cache helps with what is unique to a record).
func BenchmarkLintIndicator1KiB(b *testing.B) {
	bodies := make([][]byte, 16384)
	for i := range bodies {
		bodies[i] = indicator1KiB(i)
	}
	b.SetBytes(int64(len(bodies[0])))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := CheckContent("indicator", bodies[i%len(bodies)], false); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkLintJapanese1KiB lints a method record of about 1 KiB of
// Japanese prose (the CJK rules and NFKC run on it).
func BenchmarkLintJapanese1KiB(b *testing.B) {
	const filler = "財団から共同研究室の設置資金の申し出があった。契約書の付属書で成果の帰属先が第三者企業とされていた。承認前にすべての付属書を読み、署名者だけでなく受益者も照合した。"
	narrative := strings.Repeat(filler, 1024/len(filler)+1)
	narrative = string([]rune(narrative)[:280])
	body := fmt.Appendf(nil, `{"kind":"method","title":"共同研究室の申し出","tactic":"intermediary_funding","period":"2026-Q2","narrative":%q,"outcome":"declined"}`, narrative)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckContent("method", body, false); err != nil {
			b.Fatal(err)
		}
	}
}

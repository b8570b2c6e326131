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

package policy

import (
	"slices"
	"strings"
)

// Mitigation classes: the coarse, closed vocabulary a secretariat facet and
// the 相場感 view use for what a member did about a case. A method's
// mitigations are free text, which never leaves the record; only these
// classes do.
const (
	MitigationContract     = "contract"       // contract terms, clauses, annexes, side letters
	MitigationDisclosure   = "disclosure"     // disclosure or declaration obligations
	MitigationAccess       = "access-control" // segmenting data, labs or systems
	MitigationExport       = "export-control" // export-control review or licence
	MitigationScreening    = "screening"      // due diligence, screening of parties
	MitigationMonitoring   = "monitoring"     // follow-up review, audit, reporting
	MitigationTraining     = "training"       // briefing and training of staff
	MitigationOther        = "other"          // anything else
	maxMitigationsPerFacet = 8
)

// mitigationWords maps each class to the words (English and Japanese, lower
// case) that put a mitigation in it. The first class that matches wins.
var mitigationWords = []struct {
	class string
	words []string
}{
	{MitigationExport, []string{"export", "end user", "end-user", "輸出", "該非", "安全保障貿易"}},
	{MitigationContract, []string{"contract", "clause", "annex", "side letter", "agreement", "mta", "nda", "契約", "条項", "覚書"}},
	{MitigationDisclosure, []string{"disclos", "declar", "conflict of interest", "開示", "申告", "届出"}},
	{MitigationAccess, []string{"access", "segment", "segregat", "restrict", "separat", "isolat", "アクセス", "分離", "制限"}},
	{MitigationScreening, []string{"screen", "due diligence", "vet", "check", "verif", "審査", "確認", "スクリーニング"}},
	{MitigationMonitoring, []string{"monitor", "audit", "review", "report", "follow-up", "follow up", "監査", "モニタリング", "報告", "点検"}},
	{MitigationTraining, []string{"train", "brief", "awareness", "educat", "研修", "教育", "周知"}},
}

// MitigationClasses classifies free-text mitigations into the classes above:
// sorted, without duplicates, at most eight. Text that fits no class counts
// as "other". It is a pure function of its input.
func MitigationClasses(mitigations []string) []string {
	var out []string
	for _, m := range mitigations {
		l := strings.ToLower(m)
		class := MitigationOther
	search:
		for _, c := range mitigationWords {
			for _, w := range c.words {
				if strings.Contains(l, w) {
					class = c.class
					break search
				}
			}
		}
		if !slices.Contains(out, class) {
			out = append(out, class)
		}
	}
	slices.Sort(out)
	if len(out) > maxMitigationsPerFacet {
		out = out[:maxMitigationsPerFacet]
	}
	return out
}

// MitigationClassList is every class, for documentation and validation.
func MitigationClassList() []string {
	return []string{MitigationAccess, MitigationContract, MitigationDisclosure, MitigationExport, MitigationMonitoring, MitigationOther, MitigationScreening, MitigationTraining}
}

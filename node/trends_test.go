package node_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/policy"
)

// trendCase is one method of the acceptance data: its category, outcome
// and the member (index) that publishes it.
type trendCase struct {
	category, outcome string
	member            int
}

// trendData builds the acceptance data: three categories whose cells fall
// above and below k, m and p, one of them needing secondary suppression.
func trendData() []trendCase {
	var out []trendCase
	add := func(cat, outcome string, members ...int) {
		for _, m := range members {
			out = append(out, trendCase{cat, outcome, m})
		}
	}
	add("talent_recruitment", "declined", 0, 1, 2)                    // 3 from 3: published
	add("talent_recruitment", "accepted-with-mitigation", 0, 0, 1, 3) // 4 from 3, 50%: published
	add("talent_recruitment", "accepted", 4, 4)                       // 2: k
	add("talent_recruitment", "pending", 2, 3)                        // 2: k
	add("intermediary_funding", "declined", 0, 0, 0, 0, 0, 1, 2)      // 7 from 3, 71%: dominance
	add("intermediary_funding", "accepted", 1, 2, 3)                  // 3 from 3: published
	add("intermediary_funding", "pending", 3, 3, 4, 4)                // 4 from 2: m
	add("visiting_post", "declined", 0, 1, 2, 3)                      // 4 from 4: published
	add("visiting_post", "accepted", 1, 2, 4)                         // 3 from 3: the line's smallest, secondary
	add("visiting_post", "accepted-with-mitigation", 4)               // 1: k
	return out
}

func cellKey(dims map[string]string) string {
	return dims["category"] + "/" + dims["outcome"]
}

// tableOf indexes a table's cells as "category/outcome" → "records/members"
// or "x:reason", and its totals as "category" → "records/members" or "x:reason".
func tableOf(t node.TrendTable) (cells, totals map[string]string) {
	cells, totals = map[string]string{}, map[string]string{}
	for _, c := range t.Cells {
		if c.Suppressed {
			cells[cellKey(c.Dims)] = "x:" + c.Reason
		} else {
			cells[cellKey(c.Dims)] = fmt.Sprintf("%d/%d", *c.Records, *c.Members)
		}
	}
	for _, c := range t.Totals {
		if c.Suppressed {
			totals[c.Dims["category"]] = "x:" + c.Reason
		} else {
			totals[c.Dims["category"]] = fmt.Sprintf("%d/%d", *c.Records, *c.Members)
		}
	}
	return cells, totals
}

func diffMaps(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s %s = %q, want %q", what, k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %s = %q, not expected", what, k, g)
		}
	}
}

// TestTrendsAcceptance: five members and a secretariat, real nodes with
// libp2p hosts on loopback (in one process). The members publish methods
// with known categories and outcomes; the secretariat's table has the exact
// counts of the publishable cells and suppresses the others with the right
// reasons; no suppressed cell can be derived from the published report; the
// report reaches every member; `similar` at a member shows both parts; and
// retracting a record removes it from the next aggregation.
func TestTrendsAcceptance(t *testing.T) {
	nodes := newSecretariatConsortium(t, "kyoto", "osaka", "tohoku", "nagoya", "kyushu")
	members, sec := nodes[:5], nodes[5]
	startMesh(t, nodes...)

	data := trendData()
	cids := make([]string, len(data))
	for i, c := range data {
		rec := methodRecord(fmt.Sprintf("Case %d", i), c.category, c.outcome, []string{"ai"}, []string{"Contract review"})
		cids[i] = members[c.member].publish(rec, node.PublishOptions{})
	}
	total := func(tab node.TrendTable) int {
		n := 0
		for _, c := range tab.Totals {
			if c.Records != nil {
				n += *c.Records
			}
		}
		return n
	}
	var tab node.TrendTable
	waitFor(t, fedWait, "the secretariat holds every facet", func() bool {
		var err error
		tab, err = sec.n.Trends(node.TrendOptions{})
		return err == nil && total(tab) == len(data)
	})
	if tab.K != 3 || tab.M != 3 || tab.P != 70 || !slices.Equal(tab.By, []string{"category", "outcome"}) {
		t.Errorf("table settings k=%d m=%d p=%d by=%v", tab.K, tab.M, tab.P, tab.By)
	}
	cells, totals := tableOf(tab)
	diffMaps(t, "cell", cells, map[string]string{
		"talent_recruitment/declined":                 "3/3",
		"talent_recruitment/accepted-with-mitigation": "4/3",
		"talent_recruitment/accepted":                 "x:k",
		"talent_recruitment/pending":                  "x:k",
		"intermediary_funding/declined":               "x:dominance",
		"intermediary_funding/accepted":               "3/3",
		"intermediary_funding/pending":                "x:m",
		"visiting_post/declined":                      "4/4",
		"visiting_post/accepted":                      "x:secondary",
		"visiting_post/accepted-with-mitigation":      "x:k",
	})
	diffMaps(t, "total", totals, map[string]string{
		"talent_recruitment": "11/5", "intermediary_funding": "14/5", "visiting_post": "8/5",
	})

	// The secretariat never read a method.
	for _, c := range cids {
		if sec.holds(c) {
			t.Fatalf("the secretariat holds method %s", c)
		}
	}

	// Publish the quarter's report; it reaches every member.
	month := policy.MonthOf(time.Now())
	quarter := fmt.Sprintf("%04d-Q%d", int(month)/12, int(month)%12/3+1)
	report, err := sec.n.PublishTrend(context.Background(), node.TrendPublishOptions{Period: quarter})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		waitFor(t, fedWait, m.name+" receives the trend report", func() bool {
			reps, err := m.n.TrendReports()
			return err == nil && len(reps) == 1 && reps[0].CID == report
		})
	}
	reps, _ := members[1].n.TrendReports()
	rep := reps[0]
	if rep.Period != quarter || rep.TLP != "amber" || rep.Suppression.K != 3 || rep.Suppression.M != 3 || rep.Suppression.P != 70 {
		t.Errorf("report %s: period %s, tlp %s, suppression %+v", rep.CID, rep.Period, rep.TLP, rep.Suppression)
	}
	published := map[string]int{}
	for _, c := range rep.Cells {
		published[cellKey(c.Dims)] = c.Records
		if c.Records < 3 || c.Members < 3 {
			t.Errorf("report carries cell %v with %d records from %d members", c.Dims, c.Records, c.Members)
		}
	}
	for k, v := range cells {
		if _, ok := published[k]; ok == strings.HasPrefix(v, "x:") {
			t.Errorf("report and table disagree on %s (table %s)", k, v)
		}
	}
	// No suppressed cell is derivable: in every line whose total the report
	// publishes, the cells it leaves out are none or at least two, and the
	// remainder they share leaves each of them more than one value.
	truth := map[string]int{}
	for _, c := range data {
		truth[c.category+"/"+c.outcome]++
	}
	for _, tot := range rep.Totals {
		cat := tot.Dims["category"]
		rest, missing := tot.Records, 0
		for k, n := range truth {
			if !strings.HasPrefix(k, cat+"/") {
				continue
			}
			if v, ok := published[k]; ok {
				rest -= v
			} else if n > 0 {
				missing++
			}
		}
		if missing == 1 || (missing > 1 && rest < 1) {
			t.Errorf("category %s: %d suppressed cell(s) sharing %d records: derivable", cat, missing, rest)
		}
	}

	// 相場感 at a member: both parts.
	sim, err := members[1].n.Similar(node.SimilarOptions{Category: "talent_recruitment"})
	if err != nil {
		t.Fatal(err)
	}
	if sim.Readable.Records != 11 || len(sim.Readable.CIDs) != 11 || sim.Readable.Outcomes["declined"] != 3 || sim.Readable.Outcomes["accepted"] != 2 || sim.Readable.Mitigations["contract"] != 11 {
		t.Errorf("readable part: %+v", sim.Readable)
	}
	for _, c := range sim.Readable.CIDs {
		if !slices.Contains(cids, c) {
			t.Errorf("similar lists %s, not one of the methods", c)
		}
		if !strings.HasPrefix(sim.Readable.Titles[c], "Case ") {
			t.Errorf("similar lists %s with the title %q", c, sim.Readable.Titles[c])
		}
	}
	con := sim.Consortium
	if con.Report == nil || *con.Report != report || *con.Period != quarter || con.Records == nil || *con.Records != 11 {
		t.Fatalf("consortium part: %+v", con)
	}
	if v := con.Outcomes["declined"]; v == nil || *v != 3 {
		t.Errorf("consortium declined = %v, want 3", v)
	}
	for _, o := range []string{"accepted", "pending"} {
		if v, ok := con.Outcomes[o]; !ok || v != nil {
			t.Errorf("consortium %s = %v (present %v), want null: suppressed is never shown as 0", o, v, ok)
		}
	}

	// Retracting a record removes it from the next aggregation.
	if _, err := members[0].n.Retract(cids[0], "withdrawn"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "the secretariat's table drops the retracted record", func() bool {
		tab, err = sec.n.Trends(node.TrendOptions{})
		return err == nil && total(tab) == len(data)-1
	})
	cells, _ = tableOf(tab)
	if cells["talent_recruitment/declined"] != "x:k" {
		t.Errorf("after the retraction, talent_recruitment/declined = %s, want x:k", cells["talent_recruitment/declined"])
	}
}

// TestTrendsBadInput: unknown dimensions, periods that are not whole months
// or quarters, TLP:RED, weaker thresholds and a member publishing a report
// are refused, and nothing is written.
func TestTrendsBadInput(t *testing.T) {
	nodes := newSecretariatConsortium(t, "kyoto", "osaka")
	kyoto, sec := nodes[0], nodes[2]
	kyoto.startNode()
	sec.startNode()
	before := sec.status().Envelopes
	tests := []struct {
		name string
		p    *peerNode
		opt  node.TrendPublishOptions
		want error
	}{
		{"unknown dimension", sec, node.TrendPublishOptions{Period: "2026-Q4", By: []string{"nationality"}}, policy.ErrUnknownDimension},
		{"part of a month", sec, node.TrendPublishOptions{Period: "2026-11-15"}, policy.ErrBadPeriod},
		{"a week", sec, node.TrendPublishOptions{Period: "2026-W47"}, policy.ErrBadPeriod},
		{"no period", sec, node.TrendPublishOptions{}, policy.ErrBadPeriod},
		{"red", sec, node.TrendPublishOptions{Period: "2026-Q4", TLP: "red"}, node.ErrReportLevel},
		{"amber+strict", sec, node.TrendPublishOptions{Period: "2026-Q4", TLP: "amber+strict"}, node.ErrReportLevel},
		{"k 2", sec, node.TrendPublishOptions{Period: "2026-Q4", K: 2}, policy.ErrWeakDisclosure},
		{"m 2", sec, node.TrendPublishOptions{Period: "2026-Q4", M: 2}, policy.ErrWeakDisclosure},
		{"p 80", sec, node.TrendPublishOptions{Period: "2026-Q4", P: 80}, policy.ErrWeakDisclosure},
		{"member", kyoto, node.TrendPublishOptions{Period: "2026-Q4"}, node.ErrNotSecretariat},
	}
	for _, tt := range tests {
		if _, err := tt.p.n.PublishTrend(context.Background(), tt.opt); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if after := sec.status().Envelopes; after != before {
		t.Errorf("the secretariat stored %d envelopes for refused reports", after-before)
	}
	if st := kyoto.status(); st.Envelopes != 0 {
		t.Errorf("the member stored %d envelopes", st.Envelopes)
	}
	for _, opt := range []node.TrendOptions{{By: []string{"title"}}, {From: "2026-11-01"}, {From: "2026-12", To: "2026-01"}, {K: 1}, {P: 71}} {
		if _, err := sec.n.Trends(opt); err == nil {
			t.Errorf("Trends(%+v) accepted", opt)
		}
	}
	// A strictly stricter setting is accepted.
	if _, err := sec.n.Trends(node.TrendOptions{K: 5, M: 4, P: 50}); err != nil {
		t.Errorf("stricter thresholds: %v", err)
	}
}

// reportPair publishes three cases, the report of first, one more case, and
// the report of second (each a period of the current month's quarter, by
// category), and returns each report's published counts as a member reads
// them: "cell CATEGORY" and "total" → records. Two reports that count the
// same cases a case apart would single the case out.
func reportPair(t *testing.T, first, second string) (a, b map[string]int) {
	t.Helper()
	nodes := newSecretariatConsortium(t, "kyoto", "osaka", "tohoku")
	members, sec := nodes[:3], nodes[3]
	startMesh(t, nodes...)
	publish := func(i int) {
		members[i%3].publish(methodRecord(fmt.Sprintf("Case %d", i), "talent_recruitment", "declined", []string{"ai"}, nil), node.PublishOptions{})
	}
	held := func(n int) {
		waitFor(t, fedWait, fmt.Sprintf("the secretariat holds %d facets", n), func() bool {
			tab, err := sec.n.Trends(node.TrendOptions{By: []string{"category"}})
			return err == nil && len(tab.Totals) == 1 && tab.Totals[0].Records != nil && *tab.Totals[0].Records == n
		})
	}
	for i := range 3 {
		publish(i)
	}
	held(3)
	ctx := context.Background()
	firstCID, err := sec.n.PublishTrend(ctx, node.TrendPublishOptions{Period: first, By: []string{"category"}})
	if err != nil {
		t.Fatal(err)
	}
	publish(3)
	held(4)
	secondCID, err := sec.n.PublishTrend(ctx, node.TrendPublishOptions{Period: second, By: []string{"category"}})
	if err != nil {
		t.Fatal(err)
	}
	var reps []node.TrendReport
	waitFor(t, fedWait, "kyoto receives both reports", func() bool {
		reps, err = members[0].n.TrendReports()
		return err == nil && len(reps) == 2
	})
	counts := map[string]map[string]int{} // report → cell or total → records
	for _, r := range reps {
		counts[r.CID] = map[string]int{}
		for _, c := range r.Cells {
			counts[r.CID]["cell "+c.Dims["category"]] = c.Records
		}
		for _, c := range r.Totals {
			counts[r.CID]["total"] = c.Records
		}
	}
	if counts[firstCID]["cell talent_recruitment"] != 3 {
		t.Fatalf("the first report: %v", counts[firstCID])
	}
	return counts[firstCID], counts[secondCID]
}

// TestTrendReportsCannotBeDifferenced: the secretariat publishes the
// month's report, a member publishes one more case, and the secretariat
// publishes the month again. Nothing the two reports both publish for the
// same cell or total may differ by fewer than k records: a cell that grew
// from 3 to 4 would tell every member that one case was added to it.
func TestTrendReportsCannotBeDifferenced(t *testing.T) {
	month := policy.MonthOf(time.Now()).String()
	first, second := reportPair(t, month, month)
	for k, a := range first {
		if b, ok := second[k]; ok && a != b && b-a < 3 && a-b < 3 {
			t.Errorf("%s is %d in the first report and %d in the second: the difference is a cell of %d", k, a, b, b-a)
		}
	}
}

// TestQuarterReportAfterItsMonth: the secretariat publishes the month's
// report, a member publishes one more case, and the secretariat publishes
// the quarter. The quarter's count of a cell less the month's (the other
// months of the quarter had no cases) would be the one new case; every
// cell and total both reports publish must differ by 0 or by k or more.
func TestQuarterReportAfterItsMonth(t *testing.T) {
	m := policy.MonthOf(time.Now())
	month, quarter := m.String(), policy.Period{From: m - m%3, To: m - m%3 + 2}.String()
	first, second := reportPair(t, month, quarter)
	for k, a := range first {
		if b, ok := second[k]; ok && b-a > 0 && b-a < 3 {
			t.Errorf("%s is %d in %s and %d in %s: the quarter less the month is a cell of %d", k, a, month, b, quarter, b-a)
		}
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiclient"
)

// demoTrends is the demo's part on the secretariat's picture: three
// universities publish case write-ups; the secretariat sees only their
// facets, aggregates them under disclosure control and publishes a trend
// report; a member reads its 相場感 beside the consortium's.
func demoTrends(ctx context.Context, wt *walkthrough, nodes map[string]*demoNode) {
	wt.say("\nThe secretariat's picture and 相場感 (facets, disclosure control, trend reports)")
	const category = "talent_recruitment"
	cases := map[string][]string{
		"kyoto":  {"declined", "declined", "accepted-with-mitigation"},
		"osaka":  {"declined", "accepted-with-mitigation"},
		"tohoku": {"declined", "accepted-with-mitigation", "pending"},
	}
	total := 0
	ok := true
	wt.step("Kyoto, Osaka and Tohoku publish 8 fictional talent-recruitment case write-ups (TLP:AMBER to members)", func() (string, error) {
		for _, k := range []string{"kyoto", "osaka", "tohoku"} {
			var lines bytes.Buffer
			for i, outcome := range cases[k] {
				rec := map[string]any{
					"kind": "method", "title": fmt.Sprintf("Paid visiting post offer %d (fictional, %s)", i+1, k),
					"tactic": category, "period": "2026-Q4", "tech_areas": []string{"semiconductors"},
					"narrative": "An overseas programme offered a paid visiting post with an exclusivity clause (fictional example).",
					"outcome":   outcome, "mitigations": []string{"Contract review of the side letter"},
				}
				b, _ := json.Marshal(rec)
				lines.Write(append(b, '\n'))
				total++
			}
			if _, err := nodes[k].client.Publish(ctx, lines.Bytes(), apiclient.PublishOptions{}, func(apiclient.PublishEvent) error { return nil }); err != nil {
				ok = false
				return "", err
			}
		}
		return fmt.Sprintf("%d records; each wrote its facet in the same commit, for the secretariat only", total), nil
	})
	if !ok {
		return
	}
	sec, osaka := nodes["secretariat"], nodes["osaka"]
	talent := func(t node.TrendTable) int {
		n := 0
		for _, c := range t.Totals {
			if c.Dims["category"] == category && c.Records != nil {
				n += *c.Records
			}
		}
		return n
	}
	wt.step("the secretariat's table (ursic trends): exact counts where ≥ 3 records from ≥ 3 members, the rest suppressed with a reason", func() (string, error) {
		var t node.TrendTable
		if err := waitUntil(ctx, demoWait, func() bool {
			var err error
			t, err = api.Trends(ctx, sec.client, node.TrendOptions{})
			return err == nil && talent(t) == total
		}); err != nil {
			return "", fmt.Errorf("the secretariat did not receive the %d facets", total)
		}
		var b strings.Builder
		for _, c := range t.Cells {
			if c.Dims["category"] != category {
				continue
			}
			if c.Suppressed {
				fmt.Fprintf(&b, "%s / %-26s suppressed (%s)\n", category, c.Dims["outcome"], c.Reason)
			} else {
				fmt.Fprintf(&b, "%s / %-26s %d records from %d members\n", category, c.Dims["outcome"], *c.Records, *c.Members)
			}
		}
		fmt.Fprintf(&b, "%s / %-26s %d records\n", category, "(total)", talent(t))
		if _, n, err := sec.node.List(node.ListOptions{Kind: "method"}); err != nil || n != 0 {
			return "", fmt.Errorf("the secretariat can read %d case write-ups (%v)", n, err)
		}
		b.WriteString("the secretariat can read no case write-up: it never saw a title or a narrative")
		return b.String(), nil
	})
	month := time.Now().UTC()
	quarter := fmt.Sprintf("%04d-Q%d", month.Year(), (int(month.Month())-1)/3+1)
	var report string
	wt.step("the secretariat publishes its "+quarter+" report (ursic trends publish): only publishable cells, to every member", func() (string, error) {
		var err error
		if report, err = api.PublishTrend(ctx, sec.client, api.TrendPublishRequest{Period: quarter}); err != nil {
			return "", err
		}
		if err := waitUntil(ctx, demoWait, func() bool {
			reps, err := api.TrendReports(ctx, osaka.client)
			return err == nil && len(reps) > 0 && reps[0].CID == report
		}); err != nil {
			return "", fmt.Errorf("osaka did not receive report %s", report)
		}
		return report + "\nreceived by osaka", nil
	})
	wt.step("Osaka's 相場感 (ursic similar --category "+category+"): its readable cases beside the consortium's report", func() (string, error) {
		s, err := api.Similar(ctx, osaka.client, node.SimilarOptions{Category: category})
		if err != nil {
			return "", err
		}
		if s.Consortium.Report == nil || *s.Consortium.Report != report {
			return "", fmt.Errorf("the consortium part is not from report %s", report)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "readable here: %d records; outcomes %s; mitigations %s\n", s.Readable.Records, counts("en", s.Readable.Outcomes), counts("en", s.Readable.Mitigations))
		fmt.Fprintf(&b, "consortium (%s):", *s.Consortium.Period)
		for _, o := range node.Outcomes {
			if v := s.Consortium.Outcomes[o]; v != nil {
				fmt.Fprintf(&b, " %s %d;", o, *v)
			} else {
				fmt.Fprintf(&b, " %s not published (suppressed or none);", o)
			}
		}
		return strings.TrimSuffix(b.String(), ";"), nil
	})
}

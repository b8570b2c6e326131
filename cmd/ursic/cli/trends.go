package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
)

func init() {
	register(&command{
		name: "trends",
		usage: "[--from YYYY-MM] [--to YYYY-MM] [--by category,tech_area,period,outcome] [--k N] [--m N] [--p N] [--json]\n" +
			"           ursic trends publish --period YYYY-Qn|YYYY-MM [--by ...] [--tlp green|amber] [--k N] [--m N] [--p N]",
		summary: "secretariat: the table aggregated from the facets it holds, disclosure control applied (k records from m members, no member over p%, secondary suppression); " +
			"a member: the trend reports it received, newest first. `trends publish` (secretariat only) publishes a report to the members and prints its CID",
		run: runTrends,
	})
}

// trendFlags are the flags trends and trends publish share.
type trendFlags struct {
	by      listFlag
	k, m, p int
}

func (f *trendFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.by, "by", "")
	fs.IntVar(&f.k, "k", 0, "")
	fs.IntVar(&f.m, "m", 0, "")
	fs.IntVar(&f.p, "p", 0, "")
}

func runTrends(e *env, args []string) error {
	if len(args) > 0 && args[0] == "publish" {
		return runTrendsPublish(e, args[1:])
	}
	fs := flag.NewFlagSet("trends", flag.ContinueOnError)
	var tf trendFlags
	tf.register(fs)
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	st, err := c.Status(e.ctx)
	if err != nil {
		return err
	}
	if err := waitIndexed(e, c); err != nil {
		return err
	}
	if st.Role != "secretariat" {
		if *from != "" || *to != "" || len(tf.by) > 0 || tf.k != 0 || tf.m != 0 || tf.p != 0 {
			fmt.Fprintln(e.stderr, "ursic: note: "+e.tr("trends.notsec"))
		}
		reps, err := api.TrendReports(e.ctx, c)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(reps)
		}
		return printReports(e, reps)
	}
	t, err := api.Trends(e.ctx, c, node.TrendOptions{From: *from, To: *to, By: tf.by, K: tf.k, M: tf.m, P: tf.p})
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(t)
	}
	return printTable(e, t)
}

func runTrendsPublish(e *env, args []string) error {
	fs := flag.NewFlagSet("trends publish", flag.ContinueOnError)
	var tf trendFlags
	tf.register(fs)
	period := fs.String("period", "", "")
	tlp := fs.String("tlp", "", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if *period == "" {
		return &usageError{e.tr("trends.needperiod")}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	if err := waitIndexed(e, c); err != nil {
		return err
	}
	cid, err := api.PublishTrend(e.ctx, c, api.TrendPublishRequest{Period: *period, By: tf.by, TLP: *tlp, K: tf.k, M: tf.m, P: tf.p})
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(api.TrendPublishResult{CID: cid})
	}
	fmt.Fprintln(e.stdout, cid)
	return nil
}

func printTable(e *env, t node.TrendTable) error {
	span := e.tr("trends.nofacets")
	if t.From != nil {
		span = e.trf("trends.span", *t.From, *t.To)
	}
	fmt.Fprintf(e.stdout, e.tr("trends.title"), span, strings.Join(t.By, ", "), t.K, t.M, t.P)
	tw := newTable(e.stdout)
	head := make([]string, 0, len(t.By)+2)
	for _, d := range t.By {
		head = append(head, strings.ToUpper(d))
	}
	fmt.Fprintln(tw, strings.Join(append(head, e.tr("trends.counts")), "\t"))
	row := func(dims []string, c node.TrendCell) {
		vals := make([]string, 0, len(dims)+2)
		for _, d := range dims {
			vals = append(vals, c.Dims[d])
		}
		for len(vals) < len(t.By) {
			vals = append(vals, e.tr("trends.total"))
		}
		if c.Suppressed {
			vals = append(vals, "x", e.trf("trends.suppressed", e.reason(c.Reason)))
		} else {
			vals = append(vals, fmt.Sprint(*c.Records), fmt.Sprint(*c.Members))
		}
		fmt.Fprintln(tw, strings.Join(vals, "\t"))
	}
	for _, c := range t.Cells {
		row(t.By, c)
	}
	for _, c := range t.Totals {
		row(t.By[:len(t.By)-1], c)
	}
	return tw.Flush()
}

func printReports(e *env, reps []node.TrendReport) error {
	if len(reps) == 0 {
		fmt.Fprintln(e.stdout, e.tr("trends.noreports"))
		return nil
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, e.tr("trends.reportshead"))
	for _, r := range reps {
		fmt.Fprintf(tw, "%s\t%s\tTLP:%s\t%s\t%d\t%s\n", r.CID, r.Period, strings.ToUpper(r.TLP), strings.Join(r.By, ","), len(r.Cells), r.Created)
	}
	return tw.Flush()
}

// reason names why a cell was suppressed: the policy's token in English
// (k, m, dominance, secondary, difference), a phrase in Japanese.
func (e *env) reason(r string) string {
	if _, ok := messages["reason."+r]; ok {
		return e.tr("reason." + r)
	}
	return r
}

package cli

import (
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
)

func init() {
	register(&command{
		name:    "similar",
		usage:   "--category CAT [--tech-area AREA] [--json]",
		summary: "相場感: how cases of this category ended — outcomes and mitigations over the records this node can read (with their CIDs), beside the consortium's distribution from the latest trend report (suppressed values shown as suppressed, never as 0)",
		run:     runSimilar,
	})
}

func runSimilar(e *env, args []string) error {
	fs := flag.NewFlagSet("similar", flag.ContinueOnError)
	var opt node.SimilarOptions
	fs.StringVar(&opt.Category, "category", "", "")
	fs.StringVar(&opt.TechArea, "tech-area", "", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{e.trf("err.unexpected", pos[0])}
	}
	if opt.Category == "" {
		return &usageError{e.tr("similar.needs")}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	if err := waitIndexed(e, c); err != nil {
		return err
	}
	s, err := api.Similar(e.ctx, c, opt)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(s)
	}
	printSimilar(e, s)
	return nil
}

func printSimilar(e *env, s node.Similar) {
	what := s.Category
	if s.TechArea != "" {
		what = e.trf("similar.in", s.Category, s.TechArea)
	}
	fmt.Fprintf(e.stdout, e.tr("similar.head"), what)
	fmt.Fprintf(e.stdout, e.tr("similar.readable"), s.Readable.Records)
	fmt.Fprintf(e.stdout, e.tr("similar.outcomes"), counts(e.lang, s.Readable.Outcomes))
	fmt.Fprintf(e.stdout, e.tr("similar.mitig"), counts(e.lang, s.Readable.Mitigations))
	for _, c := range s.Readable.CIDs {
		if t := s.Readable.Titles[c]; t != "" {
			fmt.Fprintf(e.stdout, "  %s  %s\n", c, clip(t, 60))
			continue
		}
		fmt.Fprintf(e.stdout, "  %s\n", c)
	}
	fmt.Fprintln(e.stdout)
	if s.Consortium.Report == nil {
		fmt.Fprintf(e.stdout, e.tr("similar.noreport"), s.Consortium.Note)
		return
	}
	fmt.Fprintf(e.stdout, e.tr("similar.report"), *s.Consortium.Report, *s.Consortium.Period)
	if s.Consortium.Records != nil {
		fmt.Fprintf(e.stdout, e.tr("similar.records"), *s.Consortium.Records)
	}
	keys := make([]string, 0, len(s.Consortium.Outcomes))
	for k := range s.Consortium.Outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := s.Consortium.Outcomes[k]; v != nil {
			fmt.Fprintf(e.stdout, "  %-26s %d\n", k, *v)
		} else {
			fmt.Fprintf(e.stdout, e.tr("similar.suppressed"), k)
		}
	}
}

func counts(lang string, m map[string]int) string {
	if len(m) == 0 {
		return tr(lang, "similar.none")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

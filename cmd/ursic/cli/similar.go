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
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if opt.Category == "" {
		return &usageError{"similar needs --category: an indicator's reason_category or a method's tactic"}
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
		what += " in " + s.TechArea
	}
	fmt.Fprintf(e.stdout, "相場感 (similar cases): %s\n\n", what)
	fmt.Fprintf(e.stdout, "Records this node can read (閲覧可能な記録): %d\n", s.Readable.Records)
	fmt.Fprintf(e.stdout, "  outcomes (結果):      %s\n", counts(s.Readable.Outcomes))
	fmt.Fprintf(e.stdout, "  mitigations (対策):   %s\n", counts(s.Readable.Mitigations))
	for _, c := range s.Readable.CIDs {
		if t := s.Readable.Titles[c]; t != "" {
			fmt.Fprintf(e.stdout, "  %s  %s\n", c, clip(t, 60))
			continue
		}
		fmt.Fprintf(e.stdout, "  %s\n", c)
	}
	fmt.Fprintln(e.stdout)
	if s.Consortium.Report == nil {
		fmt.Fprintf(e.stdout, "Consortium (コンソーシアム全体): %s\n", s.Consortium.Note)
		return
	}
	fmt.Fprintf(e.stdout, "Consortium (コンソーシアム全体), trend report %s (%s):\n", *s.Consortium.Report, *s.Consortium.Period)
	if s.Consortium.Records != nil {
		fmt.Fprintf(e.stdout, "  records: %d\n", *s.Consortium.Records)
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
			fmt.Fprintf(e.stdout, "  %-26s suppressed or none (非公表)\n", k)
		}
	}
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
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

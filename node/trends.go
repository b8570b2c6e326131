package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// The secretariat's picture: [Node.Trends] aggregates the facets this node
// holds into a table under disclosure control (policy.Protect),
// [Node.PublishTrend] publishes one as a signed trend record to the members,
// [Node.TrendReports] lists the reports a member received, and
// [Node.Similar] is a member's 相場感 for a category.

// ErrNotSecretariat is returned when a node that is not the secretariat
// tries to publish a trend report.
var ErrNotSecretariat = errors.New("only the secretariat publishes trend reports")

// ErrReportLevel is returned for a trend report at a level other than
// TLP:GREEN or TLP:AMBER.
var ErrReportLevel = errors.New("a trend report is TLP:GREEN or TLP:AMBER")

// Unspecified is the value of a dimension a facet does not have (a
// sighting of a record its author cannot read has no category; an
// indicator has no outcome).
const Unspecified = "unspecified"

// DefaultTrendDimensions is the breakdown when none is asked for: the
// 相場感 view reads outcomes by category from it.
var DefaultTrendDimensions = []string{policy.DimCategory, policy.DimOutcome}

// TrendOptions choose a table: the months it covers (From and To are
// YYYY-MM or YYYY-Qn, empty for an open end), its dimensions (totals are
// taken over the last) and its thresholds (zero fields take the defaults).
type TrendOptions struct {
	From, To string
	By       []string
	K, M, P  int
}

// TrendCell is one cell or total of a table: published with its counts, or
// suppressed with the reason.
type TrendCell struct {
	Dims       map[string]string `json:"dims"`
	Records    *int              `json:"records,omitempty"`
	Members    *int              `json:"members,omitempty"`
	Suppressed bool              `json:"suppressed,omitempty"`
	Reason     string            `json:"reason,omitempty"`
}

// TrendTable is the secretariat's table.
type TrendTable struct {
	K      int         `json:"k"`
	M      int         `json:"m"`
	P      int         `json:"p"`
	From   *string     `json:"from"`
	To     *string     `json:"to"`
	By     []string    `json:"by"`
	Cells  []TrendCell `json:"cells"`
	Totals []TrendCell `json:"totals"`
}

// resolve checks the options and fills in the defaults.
func (o TrendOptions) resolve() (policy.Period, []string, policy.Thresholds, error) {
	t := policy.DefaultThresholds
	for _, s := range []struct{ dst, v *int }{{&t.K, &o.K}, {&t.M, &o.M}, {&t.P, &o.P}} {
		if *s.v != 0 {
			*s.dst = *s.v
		}
	}
	if err := t.Validate(); err != nil {
		return policy.Period{}, nil, t, err
	}
	by := o.By
	if len(by) == 0 {
		by = DefaultTrendDimensions
	}
	by, err := policy.ParseDimensions(by)
	if err != nil {
		return policy.Period{}, nil, t, err
	}
	p, err := policy.ParseRange(o.From, o.To)
	if err != nil {
		return policy.Period{}, nil, t, err
	}
	return p, by, t, nil
}

// Trends aggregates the facets this node holds (and that are not
// retracted) into a table by opt.By, with disclosure control applied. A
// facet with several technology areas counts once in each when the table
// is by tech_area.
func (n *Node) Trends(opt TrendOptions) (TrendTable, error) {
	period, by, th, err := opt.resolve()
	if err != nil {
		return TrendTable{}, err
	}
	return n.trends(period, by, th, nil)
}

// trends builds the table; earlier are the counts earlier reports
// published, against which a report is protected too: those of the same
// period by policy.Thresholds.Republish, those of its quarter and the
// quarter's months by policy.Thresholds.Nested.
func (n *Node) trends(period policy.Period, by []string, th policy.Thresholds, earlier []policy.Earlier) (TrendTable, error) {
	type cellAcc struct {
		key      []string
		byMember map[string]int
	}
	cells := map[string]*cellAcc{}
	var order []string
	var lo, hi policy.Month
	key := make([]string, len(by))
	facets, names := n.cases.snapshot()
	var add func(f *caseSummary, d int)
	add = func(f *caseSummary, d int) {
		if d == len(by) {
			k := strings.Join(key, "\x00")
			c, ok := cells[k]
			if !ok {
				c = &cellAcc{key: slices.Clone(key), byMember: map[string]int{}}
				cells[k] = c
				order = append(order, k)
			}
			c.byMember[names.author(f)]++
			return
		}
		switch by[d] {
		case policy.DimCategory:
			key[d] = orUnspecified(names.category(f))
		case policy.DimOutcome:
			key[d] = orUnspecified(outcomeOf(f))
		case policy.DimPeriod:
			key[d] = policy.Month(f.month).String()
		case policy.DimTechArea:
			areas := names.areas(f)
			if len(areas) == 0 {
				key[d] = Unspecified
				break
			}
			for _, a := range areas {
				key[d] = a
				add(f, d+1)
			}
			return
		}
		add(f, d+1)
	}
	for _, f := range facets {
		m := policy.Month(f.month)
		if m == 0 || !period.Contains(m) || !n.live(f) {
			continue
		}
		if lo == 0 || m < lo {
			lo = m
		}
		hi = max(hi, m)
		add(f, 0)
	}
	slices.Sort(order)
	in := make([]policy.Cell, len(order))
	for i, k := range order {
		in[i] = policy.Cell{Key: cells[k].key, ByMember: cells[k].byMember}
	}
	prot, err := policy.Protect(th, in)
	if err != nil {
		return TrendTable{}, err
	}
	var same []policy.Earlier
	for _, e := range earlier {
		if e.Period == period {
			same = append(same, e)
		}
	}
	prot = th.Nested(period, by, th.Republish(by, prot, same), earlier)
	t := TrendTable{K: th.K, M: th.M, P: th.P, By: by, Cells: []TrendCell{}, Totals: []TrendCell{}}
	if period.From != 0 {
		lo = period.From
	}
	if period.To != 0 {
		hi = period.To
	}
	if lo != 0 {
		f, to := lo.String(), hi.String()
		t.From, t.To = &f, &to
	}
	for _, d := range prot.Cells {
		t.Cells = append(t.Cells, trendCell(by, d))
	}
	for _, d := range prot.Totals {
		t.Totals = append(t.Totals, trendCell(by[:len(by)-1], d))
	}
	return t, nil
}

func orUnspecified(s string) string {
	if s == "" {
		return Unspecified
	}
	return s
}

func trendCell(by []string, d policy.Decision) TrendCell {
	c := TrendCell{Dims: map[string]string{}}
	for i, dim := range by {
		c.Dims[dim] = d.Key[i]
	}
	if d.Published() {
		r, m := d.Records, d.Members
		c.Records, c.Members = &r, &m
	} else {
		c.Suppressed, c.Reason = true, string(d.Reason)
	}
	return c
}

// TrendPublishOptions choose a report: its period (one whole month or
// quarter), its breakdown and thresholds, and its level (green or amber;
// amber if empty).
type TrendPublishOptions struct {
	Period  string
	By      []string
	K, M, P int
	TLP     string
}

// TrendBody is the body of a trend record (the format's §6.3).
type TrendBody struct {
	Kind        string         `json:"kind"`
	Period      string         `json:"period"`
	Metrics     []TrendMetric  `json:"metrics"`
	Suppression TrendThreshold `json:"suppression"`
	By          []string       `json:"by,omitempty"`
	Cells       []ReportCell   `json:"table,omitempty"`
	Totals      []ReportCell   `json:"totals,omitempty"`
}

// TrendMetric is one one-dimension count of a trend record.
type TrendMetric struct {
	Dimension string `json:"dimension"`
	Value     string `json:"value"`
	Count     int    `json:"count"`
}

// TrendThreshold is a trend record's disclosure settings.
type TrendThreshold struct {
	K int `json:"k"`
	M int `json:"m"`
	P int `json:"p,omitempty"`
}

// ReportCell is one published cell or total of a trend record.
type ReportCell struct {
	Dims    map[string]string `json:"dims"`
	Records int               `json:"records"`
	Members int               `json:"members"`
}

// PublishTrend publishes the table of one whole month or quarter as a
// signed trend record to the group `members`, holding only the cells and
// totals disclosure control lets through. Only a secretariat may; nothing
// is written if any option is wrong.
func (n *Node) PublishTrend(ctx context.Context, opt TrendPublishOptions) (string, error) {
	if n.home.Config.Role != string(policy.RoleSecretariat) {
		return "", fmt.Errorf("%w: this node's role is %s", ErrNotSecretariat, n.home.Config.Role)
	}
	if opt.Period == "" {
		return "", fmt.Errorf("%w: a report needs --period (a month YYYY-MM or a quarter YYYY-Qn)", policy.ErrBadPeriod)
	}
	period, err := policy.ParsePeriod(opt.Period)
	if err != nil {
		return "", err
	}
	level := policy.Amber
	if opt.TLP != "" {
		if level, err = policy.ParseLevel(opt.TLP); err != nil {
			return "", err
		}
		if level != policy.Green && level != policy.Amber {
			return "", fmt.Errorf("%w, not %s: it goes to every member", ErrReportLevel, level)
		}
	}
	_, by, th, err := TrendOptions{By: opt.By, K: opt.K, M: opt.M, P: opt.P}.resolve()
	if err != nil {
		return "", err
	}
	earlier, err := n.earlierCounts(period)
	if err != nil {
		return "", err
	}
	t, err := n.trends(period, by, th, earlier)
	if err != nil {
		return "", err
	}
	body := TrendBody{Kind: share.KindTrend, Period: period.String(), Metrics: []TrendMetric{},
		Suppression: TrendThreshold{K: th.K, M: th.M, P: th.P}, By: by}
	for _, c := range t.Cells {
		if c.Suppressed {
			continue
		}
		body.Cells = append(body.Cells, ReportCell{Dims: c.Dims, Records: *c.Records, Members: *c.Members})
		if len(by) == 1 {
			body.Metrics = append(body.Metrics, TrendMetric{Dimension: by[0], Value: c.Dims[by[0]], Count: *c.Records})
		}
	}
	for _, c := range t.Totals {
		if !c.Suppressed {
			body.Totals = append(body.Totals, ReportCell{Dims: c.Dims, Records: *c.Records, Members: *c.Members})
		}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	var cid string
	err = n.Publish(ctx, [][]byte{raw}, PublishOptions{TLP: level.String(), Audience: []string{policy.GroupMembers}}, func(p Published) error {
		cid = p.CID
		return nil
	})
	if err != nil {
		return "", err
	}
	return cid, nil
}

// earlierCounts are the counts every live report of period's quarter (the
// quarter's and its months') already published: a new report must not
// differ from one of the same period by a single case, nor leave a
// quarter's count less its months' at one.
func (n *Node) earlierCounts(period policy.Period) ([]policy.Earlier, error) {
	var out []policy.Earlier
	quarter := period.From - period.From%3
	err := n.trendReports(func(r TrendReport) bool {
		p, err := policy.ParsePeriod(r.Period)
		if err != nil || p.From-p.From%3 != quarter {
			return true
		}
		for _, c := range r.Cells {
			out = append(out, policy.Earlier{Dims: c.Dims, Records: c.Records, Period: p})
		}
		for _, c := range r.Totals {
			out = append(out, policy.Earlier{Dims: c.Dims, Records: c.Records, Period: p})
		}
		if len(r.Cells) == 0 { // a report that has only metrics
			for _, m := range r.Metrics {
				out = append(out, policy.Earlier{Dims: map[string]string{m.Dimension: m.Value}, Records: m.Count, Period: p})
			}
		}
		return true
	})
	return out, err
}

// TrendReport is a trend record as a member reads it.
type TrendReport struct {
	CID        string `json:"cid"`
	Author     string `json:"author"`
	AuthorName string `json:"author_name,omitempty"`
	Created    string `json:"created"`
	TLP        string `json:"tlp"`
	TrendBody
}

// TrendReports lists the trend reports this node can read that a
// secretariat on the roster wrote, newest first.
func (n *Node) TrendReports() ([]TrendReport, error) {
	out := []TrendReport{}
	err := n.trendReports(func(r TrendReport) bool {
		out = append(out, r)
		return true
	})
	return out, err
}

// trendReports calls yield with each trend report a secretariat wrote,
// newest first, opening one at a time, until yield returns false.
func (n *Node) trendReports(yield func(TrendReport) bool) error {
	views, _, err := n.List(ListOptions{Kind: share.KindTrend, All: true})
	if err != nil {
		return err
	}
	roster := n.roster()
	for _, v := range views {
		if v.Retracted {
			continue
		}
		if m, ok := roster.Member(v.Author); !ok || m.Role != policy.RoleSecretariat {
			continue
		}
		body, err := n.bodyOf(v.CID)
		if err != nil {
			return fmt.Errorf("trend report %s: %w", v.CID, err)
		}
		r := TrendReport{CID: v.CID, Author: v.Author, AuthorName: v.AuthorName, Created: v.Created.Format(time.RFC3339), TLP: v.TLP}
		if err := json.Unmarshal(body, &r.TrendBody); err != nil {
			return fmt.Errorf("trend report %s: %w", v.CID, err)
		}
		if !yield(r) {
			return nil
		}
	}
	return nil
}

// SimilarOptions ask for the 相場感 of one category, optionally in one
// technology area.
type SimilarOptions struct {
	Category string
	TechArea string
}

// Similar is a member's 相場感: how cases like this ended, over the records
// it can read and across the consortium.
type Similar struct {
	Category   string          `json:"category"`
	TechArea   string          `json:"tech_area,omitempty"`
	Readable   SimilarReadable `json:"readable"`
	Consortium SimilarReport   `json:"consortium"`
}

// SimilarReadable is the distribution over the records this node can read.
type SimilarReadable struct {
	Records     int            `json:"records"`
	Outcomes    map[string]int `json:"outcomes"`
	Mitigations map[string]int `json:"mitigations"`
	CIDs        []string       `json:"cids"`
	// Titles are the records' titles by CID, as the inbox lists them:
	// a list of CIDs alone gave an officer nothing to choose by.
	Titles map[string]string `json:"titles,omitempty"`
}

// SimilarReport is the consortium-wide distribution from the latest trend
// report that breaks outcomes down by category. An outcome the report does
// not publish (suppressed, or none) is null, never 0.
type SimilarReport struct {
	Report   *string         `json:"report"`
	Period   *string         `json:"period"`
	Records  *int            `json:"records,omitempty"` // the category's published total, if any
	Outcomes map[string]*int `json:"outcomes"`
	Note     string          `json:"note,omitempty"`
}

// Outcomes are the outcome values, in the format's order.
var Outcomes = []string{"declined", "accepted-with-mitigation", "accepted", "pending"}

// Similar returns the 相場感 for opt.Category.
func (n *Node) Similar(opt SimilarOptions) (Similar, error) {
	if opt.Category == "" {
		return Similar{}, errors.New("similar needs a category (--category CAT): a reason_category or tactic")
	}
	s := Similar{Category: opt.Category, TechArea: opt.TechArea,
		Readable: SimilarReadable{Outcomes: map[string]int{}, Mitigations: map[string]int{}, CIDs: []string{}}}
	cases, sightings := n.cases.ofCategory(opt.Category)
	names := n.cases.names()
	count := func(c *caseSummary) {
		s.Readable.Records++
		if o := outcomeOf(c); o != "" {
			s.Readable.Outcomes[o]++
		}
		if c.mitig != 0 {
			for _, m := range mitigationsOf(c) {
				s.Readable.Mitigations[m]++
			}
		}
	}
	var hits []*caseSummary
	for _, c := range cases { // newest first
		if (opt.TechArea == "" || slices.Contains(names.areas(c), opt.TechArea)) && n.live(c) {
			count(c)
			hits = append(hits, c)
		}
	}
	// A sighting counts under the category of the record it met.
	sorted := true
	for _, sg := range sightings {
		ref, ok := n.cases.get(sg.ref)
		if !ok || names.category(ref) != opt.Category || (opt.TechArea != "" && !slices.Contains(names.areas(ref), opt.TechArea)) || !n.live(sg.s) {
			continue
		}
		count(sg.s)
		hits, sorted = append(hits, sg.s), false
	}
	if !sorted {
		slices.SortFunc(hits, newestFirst)
	}
	s.Readable.CIDs = make([]string, len(hits))
	for i, c := range hits {
		s.Readable.CIDs[i] = c.cid
		if row, ok := n.index.Get(c.cid); ok && row.Title != "" {
			if s.Readable.Titles == nil {
				s.Readable.Titles = map[string]string{}
			}
			s.Readable.Titles[c.cid] = row.Title
		}
	}
	rep, err := n.similarReport(opt)
	if err != nil {
		return Similar{}, err
	}
	s.Consortium = rep
	return s, nil
}

// similarReport reads the consortium part from the newest report whose
// breakdown is category and outcome (and the technology area when one is
// asked for): with any other dimension the published cells of one
// category and outcome would not add up to a count.
func (n *Node) similarReport(opt SimilarOptions) (SimilarReport, error) {
	out := SimilarReport{Outcomes: map[string]*int{}}
	for _, o := range Outcomes {
		out.Outcomes[o] = nil
	}
	want := []string{policy.DimCategory, policy.DimOutcome}
	if opt.TechArea != "" {
		want = append(want, policy.DimTechArea)
	}
	slices.Sort(want)
	found := false
	err := n.trendReports(func(r TrendReport) bool {
		if !slices.Equal(slices.Sorted(slices.Values(r.By)), want) {
			return true
		}
		found = true
		out.Report, out.Period = &r.CID, &r.Period
		match := func(d map[string]string) bool {
			return d[policy.DimCategory] == opt.Category && (opt.TechArea == "" || d[policy.DimTechArea] == opt.TechArea)
		}
		for _, c := range r.Cells {
			if match(c.Dims) {
				v := c.Records
				out.Outcomes[c.Dims[policy.DimOutcome]] = &v
			}
		}
		if r.By[len(r.By)-1] == policy.DimOutcome {
			for _, c := range r.Totals {
				if match(c.Dims) {
					v := c.Records
					out.Records = &v
				}
			}
		}
		return false
	})
	if err != nil || found {
		return out, err
	}
	if opt.TechArea != "" {
		out.Note = "no trend report is broken down by category, tech_area and outcome"
	} else {
		out.Note = "no trend report is broken down by category and outcome"
	}
	return out, nil
}

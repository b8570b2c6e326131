package policy

// Disclosure control for the secretariat's tables: which cells of an
// aggregated table of facets may be published. The rules are those of
// official statistics (τ-ARGUS is the reference tool):
//
//	rule        a cell is published only if                         default   may be set
//	threshold   it has at least K records ...                       K = 3     upward only
//	            ... from at least M distinct members                M = 3     upward only
//	dominance   no single member contributes more than P% of it     P = 70    downward only
//	secondary   no suppressed cell's value follows from what is published (totals included)
//
// A table here has one or more dimensions; its totals are taken over the
// last dimension (for a table by category and outcome: one total per
// category). Totals are cells too and pass the same primary rules. Each
// cell belongs to exactly one total, so the totals split the table into
// disjoint lines, and within a line whose total is published the suppressed
// cells are protected when there are two or more of them: a reader of the
// report knows only that they add up to the total minus the published cells
// (every cell is at least 0, since the report does not say which cells
// exist), so each one can be anything from 0 to that remainder, which is at
// least 2. A line with exactly one suppressed cell gets a second one: the
// published cell of that line with the fewest records.
//
// Reports cover whole calendar months or quarters ([ParsePeriod]), so two
// reports cannot be differenced into a window smaller than a month; reports
// of the same period ([Thresholds.Republish]) and of a quarter and its
// months ([Thresholds.Nested]) are protected against each other.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrWeakDisclosure: a disclosure setting below the consortium's minimum
// (k or m under 3, p over 70).
var ErrWeakDisclosure = errors.New("disclosure setting weaker than the minimum")

// ErrBadPeriod: a reporting period that is not a whole calendar month or
// quarter.
var ErrBadPeriod = errors.New("not a whole calendar month or quarter")

// ErrUnknownDimension: a table dimension this version does not know.
var ErrUnknownDimension = errors.New("unknown dimension")

// Thresholds are the disclosure-control settings of a table.
type Thresholds struct {
	K int `json:"k"` // at least K records per published cell
	M int `json:"m"` // from at least M distinct members
	P int `json:"p"` // no member contributes more than P percent of a cell
}

// DefaultThresholds are the consortium's minimum protection: k = 3, m = 3,
// p = 70. A setting may be stricter, never weaker.
var DefaultThresholds = Thresholds{K: 3, M: 3, P: 70}

// Validate refuses a setting weaker than [DefaultThresholds] (k or m below 3,
// p above 70) and a p below 1, which would publish nothing. The error wraps
// [ErrWeakDisclosure] and names the setting.
func (t Thresholds) Validate() error {
	d := DefaultThresholds
	switch {
	case t.K < d.K:
		return ruleErr(ErrWeakDisclosure, "weak-k", fmt.Sprintf("k = %d is below the minimum of %d records per published cell", t.K, d.K), fmt.Sprintf("--k %d or more", d.K))
	case t.M < d.M:
		return ruleErr(ErrWeakDisclosure, "weak-m", fmt.Sprintf("m = %d is below the minimum of %d distinct members per published cell", t.M, d.M), fmt.Sprintf("--m %d or more", d.M))
	case t.P > d.P:
		return ruleErr(ErrWeakDisclosure, "weak-p", fmt.Sprintf("p = %d%% is above the maximum share of %d%% one member may contribute to a cell", t.P, d.P), fmt.Sprintf("--p %d or less", d.P))
	case t.P < 1:
		return ruleErr(ErrWeakDisclosure, "bad-p", fmt.Sprintf("p = %d%% would publish nothing", t.P), fmt.Sprintf("--p between 1 and %d", d.P))
	}
	return nil
}

// Reason is why a cell is suppressed.
type Reason string

// The reasons, in the order they are tested.
const (
	ReasonK         Reason = "k"         // fewer than K records
	ReasonM         Reason = "m"         // fewer than M distinct members
	ReasonDominance Reason = "dominance" // one member contributes more than P%
	ReasonSecondary Reason = "secondary" // publishable, but would reveal a suppressed cell
)

// Cell is one cell of a table before disclosure control: its key (one value
// per dimension, in the table's order) and the records each member
// contributes to it.
type Cell struct {
	Key      []string
	ByMember map[string]int
}

// Records is the cell's number of records.
func (c Cell) Records() int {
	n := 0
	for _, v := range c.ByMember {
		n += v
	}
	return n
}

// Members is the number of distinct members with at least one record in the
// cell.
func (c Cell) Members() int {
	n := 0
	for _, v := range c.ByMember {
		if v > 0 {
			n++
		}
	}
	return n
}

// Primary applies the threshold and dominance rules to one cell: "" if it
// may be published, else the first rule it fails (k, then m, then
// dominance).
func (t Thresholds) Primary(byMember map[string]int) Reason {
	records, members, largest := 0, 0, 0
	for _, v := range byMember {
		if v <= 0 {
			continue
		}
		records += v
		members++
		largest = max(largest, v)
	}
	switch {
	case records < t.K:
		return ReasonK
	case members < t.M:
		return ReasonM
	case largest*100 > t.P*records:
		return ReasonDominance
	}
	return ""
}

// Decision is what disclosure control decided for one cell or total.
type Decision struct {
	Key     []string
	Records int
	Members int
	Reason  Reason // "" if published
}

// Published reports whether the cell may be published.
func (d Decision) Published() bool { return d.Reason == "" }

// Protected is a table after disclosure control: a decision for every
// cell, in the order given, and for every total over the last dimension
// (keyed by the other dimensions, in order of first appearance).
type Protected struct {
	Cells  []Decision
	Totals []Decision
}

// Protect applies primary and secondary suppression to a table whose cells
// all have keys of the same length (at least 1). Cells with no records are
// dropped: the table does not say which cells exist. It is a pure function
// of its input; the thresholds must be valid ([Thresholds.Validate]).
func Protect(t Thresholds, cells []Cell) (Protected, error) {
	if err := t.Validate(); err != nil {
		return Protected{}, err
	}
	var out Protected
	dims := -1
	lines := map[string]int{} // total's key → index in out.Totals
	var members []map[string]int
	var lineOf []int
	for _, c := range cells {
		if dims == -1 {
			dims = len(c.Key)
		}
		if len(c.Key) != dims || dims == 0 {
			return Protected{}, fmt.Errorf("cell %v: every cell needs one value for each of the table's %d dimension(s)", c.Key, dims)
		}
		if c.Records() <= 0 {
			continue
		}
		tk := joinKey(c.Key[:dims-1])
		li, ok := lines[tk]
		if !ok {
			li = len(out.Totals)
			lines[tk] = li
			out.Totals = append(out.Totals, Decision{Key: slices.Clone(c.Key[:dims-1])})
			members = append(members, map[string]int{})
		}
		for m, v := range c.ByMember {
			if v > 0 {
				members[li][m] += v
			}
		}
		lineOf = append(lineOf, li)
		out.Cells = append(out.Cells, Decision{Key: slices.Clone(c.Key), Records: c.Records(), Members: c.Members(), Reason: t.Primary(c.ByMember)})
	}
	for li := range out.Totals {
		tot := &out.Totals[li]
		tot.Members = len(members[li])
		for _, v := range members[li] {
			tot.Records += v
		}
		tot.Reason = t.Primary(members[li])
	}
	// Secondary suppression, line by line: a published total with exactly
	// one suppressed cell would give that cell away.
	for li, tot := range out.Totals {
		if !tot.Published() {
			continue
		}
		suppressed, cheapest := 0, -1
		for i := range out.Cells {
			if lineOf[i] != li {
				continue
			}
			c := out.Cells[i]
			if !c.Published() {
				suppressed++
			} else if cheapest == -1 || c.Records < out.Cells[cheapest].Records {
				cheapest = i
			}
		}
		if suppressed == 1 && cheapest >= 0 {
			out.Cells[cheapest].Reason = ReasonSecondary
		}
	}
	return out, nil
}

func joinKey(k []string) string { return strings.Join(k, "\x00") }

// Dimensions of the secretariat's tables.
const (
	DimCategory = "category"  // the indicator's reason_category or the method's tactic
	DimTechArea = "tech_area" // one technology area (a record with several counts in each)
	DimPeriod   = "period"    // the month, YYYY-MM
	DimOutcome  = "outcome"   // declined, accepted-with-mitigation, accepted, pending
)

// Dimensions lists the dimensions a table may be broken down by.
func Dimensions() []string { return []string{DimCategory, DimTechArea, DimPeriod, DimOutcome} }

// ParseDimensions checks a --by list: known dimensions, none twice, at
// least one. The error wraps [ErrUnknownDimension].
func ParseDimensions(by []string) ([]string, error) {
	if len(by) == 0 {
		return nil, ruleErr(ErrUnknownDimension, "no-dimension", "a table needs at least one dimension", strings.Join(Dimensions(), ", "))
	}
	seen := map[string]bool{}
	for _, d := range by {
		if !slices.Contains(Dimensions(), d) {
			return nil, ruleErr(ErrUnknownDimension, "unknown-dimension", fmt.Sprintf("%q is not a dimension", d), strings.Join(Dimensions(), ", "))
		}
		if seen[d] {
			return nil, ruleErr(ErrUnknownDimension, "duplicate-dimension", fmt.Sprintf("dimension %q is given twice", d), strings.Join(Dimensions(), ", "))
		}
		seen[d] = true
	}
	return slices.Clone(by), nil
}

// Month is a calendar month, counted from January of year 0.
type Month int

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 || t.Year() < 1 { // Month 0 stands for an open end
		return 0, ruleErr(ErrBadPeriod, "bad-month", fmt.Sprintf("%q is not a month (YYYY-MM)", s), "YYYY-MM, e.g. 2026-11")
	}
	return MonthOf(t), nil
}

// MonthOf is the calendar month of t in UTC.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month(t.Year()*12 + int(t.Month()) - 1)
}

// String writes YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", int(m)/12, int(m)%12+1) }

// Start is the first instant of the month, UTC.
func (m Month) Start() time.Time {
	return time.Date(int(m)/12, time.Month(int(m)%12+1), 1, 0, 0, 0, 0, time.UTC)
}

// Period is a reporting period: whole calendar months From to To inclusive.
type Period struct {
	From, To Month
}

// ParsePeriod reads a whole month (YYYY-MM) or quarter (YYYY-Qn), nothing
// else: a report over part of a month could be differenced against another
// into a window small enough to single out a record. The error wraps
// [ErrBadPeriod].
func ParsePeriod(s string) (Period, error) {
	if y, q, ok := strings.Cut(s, "-Q"); ok {
		year, err1 := strconv.Atoi(y)
		n, err2 := strconv.Atoi(q)
		if err1 != nil || err2 != nil || len(y) != 4 || len(q) != 1 || year < 1 || n < 1 || n > 4 || strings.ContainsAny(y+q, "+-") {
			return Period{}, ruleErr(ErrBadPeriod, "bad-quarter", fmt.Sprintf("%q is not a quarter (YYYY-Qn, n from 1 to 4)", s), "YYYY-Qn or YYYY-MM")
		}
		from := Month(year*12 + (n-1)*3)
		return Period{From: from, To: from + 2}, nil
	}
	m, err := ParseMonth(s)
	if err != nil {
		return Period{}, ruleErr(ErrBadPeriod, "bad-period", fmt.Sprintf("%q is not a whole calendar month (YYYY-MM) or quarter (YYYY-Qn)", s), "YYYY-MM or YYYY-Qn, e.g. 2026-11 or 2026-Q4")
	}
	return Period{From: m, To: m}, nil
}

// ParseRange reads --from and --to, each a month or a quarter (a quarter
// counts from its first month in from and to its last month in to); either
// may be empty for an open end, given as the zero Month. From after To is
// an error.
func ParseRange(from, to string) (Period, error) {
	var p Period
	if from != "" {
		f, err := ParsePeriod(from)
		if err != nil {
			return Period{}, err
		}
		p.From = f.From
	}
	if to != "" {
		t, err := ParsePeriod(to)
		if err != nil {
			return Period{}, err
		}
		p.To = t.To
	}
	if from != "" && to != "" && p.From > p.To {
		return Period{}, ruleErr(ErrBadPeriod, "empty-range", fmt.Sprintf("--from %s is after --to %s", from, to), "--from before --to")
	}
	return p, nil
}

// Contains reports whether month m is in the period; a zero end is open.
func (p Period) Contains(m Month) bool {
	return (p.From == 0 || m >= p.From) && (p.To == 0 || m <= p.To)
}

// String writes the period as ParsePeriod reads it where it can (a month
// or a quarter), else as "FROM..TO".
func (p Period) String() string {
	switch {
	case p.From == p.To:
		return p.From.String()
	case p.To == p.From+2 && int(p.From)%3 == 0:
		return fmt.Sprintf("%04d-Q%d", int(p.From)/12, int(p.From)%12/3+1)
	}
	return p.From.String() + ".." + p.To.String()
}

package policy

import "slices"

// Reports of one period published at different times can be differenced:
// a report for a month that has not ended, or one published again after a
// late facet arrived or a record was retracted, counts the same cells as
// the report before it, and a cell that grew from 3 to 4 tells every
// member that one case was added to it — the very cell of one that the
// threshold rule suppresses. [Thresholds.Republish] closes that: measured
// against what earlier reports of the same period published, a cell or
// total may change by 0 or by at least K records, nothing in between.

// ReasonDifference: publishable, but it differs from what an earlier
// report of the same period published for the same cell by fewer than K
// records, so the two reports together would reveal a cell of fewer than K.
const ReasonDifference Reason = "difference"

// Earlier is one count an earlier report published: the values it fixes
// (a cell's dimensions, or a total's), its records, and the report's
// period (read by [Thresholds.Nested]; Republish is given only the counts
// of its own period).
type Earlier struct {
	Dims    map[string]string
	Records int
	Period  Period
}

// Republish applies the difference rule to p, a table by the dimensions by
// that is about to be published for a period that earlier reports (of any
// breakdown) already covered: every published cell or total whose records
// differ from an earlier count for the same dimensions by 1 to K-1 is
// suppressed (ReasonDifference), then the secondary rule of [Protect]
// runs again, since a line may now hold exactly one suppressed cell, and
// a line all of whose suppressed cells an earlier report published loses
// its total (ReasonDifference): the reader would know their old sum. A
// count with the same dimensions in a report of another breakdown is the
// same set of facets (a total by category is the category's cell of a
// table by category alone), except that a facet with several technology
// areas counts once in each; treating such counts as comparable only
// suppresses more. It is a pure function; p is not modified.
func (t Thresholds) Republish(by []string, p Protected, earlier []Earlier) Protected {
	out := Protected{Cells: slices.Clone(p.Cells), Totals: slices.Clone(p.Totals)}
	if len(earlier) == 0 {
		return out
	}
	differs := func(dims []string, key []string, records int) bool {
		for _, e := range earlier {
			if d := records - e.Records; d != 0 && d > -t.K && d < t.K && earlierHas(dims, key, []Earlier{e}) {
				return true
			}
		}
		return false
	}
	for i, c := range out.Cells {
		if c.Published() && differs(by, c.Key, c.Records) {
			out.Cells[i].Reason = ReasonDifference
		}
	}
	for i, c := range out.Totals {
		if c.Published() && differs(by, c.Key, c.Records) {
			out.Totals[i].Reason = ReasonDifference
		}
	}
	secondary(&out)
	// A line's suppressed cells add up to its total minus its published
	// cells; if an earlier report published every one of them, the reader
	// knows their old sum too, and the change of the sum may be a single
	// case. Such a line keeps its cells and loses its total.
	for i, tot := range out.Totals {
		if !tot.Published() {
			continue
		}
		known := true
		for _, c := range out.Cells {
			if !c.Published() && slices.Equal(c.Key[:len(c.Key)-1], tot.Key) && !earlierHas(by, c.Key, earlier) {
				known = false
				break
			}
		}
		if known && lineSuppressed(out.Cells, tot.Key) > 0 {
			out.Totals[i].Reason = ReasonDifference
		}
	}
	return out
}

// earlierHas reports whether an earlier report published a count for the
// cell key of a table by the dimensions by.
func earlierHas(by, key []string, earlier []Earlier) bool {
	for _, e := range earlier {
		if len(e.Dims) != len(key) {
			continue
		}
		same := true
		for i, d := range by[:len(key)] {
			if v, ok := e.Dims[d]; !ok || v != key[i] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// lineSuppressed counts the suppressed cells of the line of the total key.
func lineSuppressed(cells []Decision, key []string) int {
	n := 0
	for _, c := range cells {
		if !c.Published() && slices.Equal(c.Key[:len(c.Key)-1], key) {
			n++
		}
	}
	return n
}

// secondary suppresses, in every line whose total is published and which
// holds exactly one suppressed cell, the line's published cell with the
// fewest records (see [Protect]).
func secondary(p *Protected) {
	for _, tot := range p.Totals {
		if !tot.Published() {
			continue
		}
		suppressed, cheapest := 0, -1
		for i, c := range p.Cells {
			if !slices.Equal(c.Key[:len(c.Key)-1], tot.Key) {
				continue
			}
			if !c.Published() {
				suppressed++
			} else if cheapest == -1 || c.Records < p.Cells[cheapest].Records {
				cheapest = i
			}
		}
		if suppressed == 1 && cheapest >= 0 {
			p.Cells[cheapest].Reason = ReasonSecondary
		}
	}
}

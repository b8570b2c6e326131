package policy

import (
	"slices"
	"strings"
)

// Reports of different periods can be differenced too, where one period
// holds the other: a quarter's count for a cell, less the counts its
// months' reports published for the same cell, is the count of the months
// left over. If January and February published 4 and 5 cases of a category
// and the quarter 10, March had one — the cell of one that the threshold
// rule suppressed in March's own report. [Thresholds.Nested] closes that:
// for every cell and total of a report, the counts published for the same
// values in its quarter (the quarter's, its months', this report's own) may
// not leave a remainder of 1 to K-1 records. Reports cover whole months or
// quarters ([ParsePeriod]), so the sets a reader can take apart are a
// quarter and its three months.

// Nested applies the remainder rule to p, a table by the dimensions by
// about to be published for period (a month or a quarter), against earlier
// counts of reports of any period ([Earlier.Period] set): every published
// cell or total that, with the counts already published for the same
// values within the same quarter (and the ones before it in this table),
// leaves a quarter count minus its known months at 1 to K-1 records is
// suppressed (ReasonDifference), in table order, cells before totals;
// then the secondary rule runs again. A cell of a table by period is the
// count of its month; any other count is of the whole period. Counts of
// the same values are compared as Republish compares them (a facet with
// several technology areas counts once in each; treating such counts as
// comparable only suppresses more). It is a pure function; p is not
// modified.
//
// What it does not close: sums across values (a quarter's category total
// against the months' counts of each outcome) are not taken apart; the
// secondary rule keeps a single table's lines from giving away one cell.
func (t Thresholds) Nested(period Period, by []string, p Protected, earlier []Earlier) Protected {
	out := Protected{Cells: slices.Clone(p.Cells), Totals: slices.Clone(p.Totals)}
	quarter := quarterOf(period.From)
	if period.From == 0 || quarterOf(period.To) != quarter {
		return out // not a month or a quarter: nothing of this kind to take apart
	}
	known := map[string]*quarterCounts{}
	add := func(months Period, dims map[string]string, records int) (string, int, bool) {
		if quarterOf(months.From) != quarter || quarterOf(months.To) != quarter {
			return "", 0, false
		}
		slot := -1 // the whole quarter
		switch {
		case months.From == months.To:
			slot = int(months.From - quarter)
		case months.From != quarter || months.To != quarter+2:
			return "", 0, false // neither a month nor the quarter
		}
		k := valuesKey(dims)
		q := known[k]
		if q == nil {
			q = &quarterCounts{}
			known[k] = q
		}
		q.add(slot, records)
		return k, slot, true
	}
	for _, e := range earlier {
		months := e.Period
		if m, ok := e.Dims[DimPeriod]; ok {
			mm, err := ParseMonth(m)
			if err != nil {
				continue
			}
			months = Period{From: mm, To: mm}
		}
		add(months, e.Dims, e.Records)
	}
	check := func(d *Decision, dims []string) {
		if !d.Published() {
			return
		}
		values := map[string]string{}
		months := period
		for i, dim := range dims {
			if dim == DimPeriod {
				m, err := ParseMonth(d.Key[i])
				if err != nil {
					return
				}
				months = Period{From: m, To: m}
				continue
			}
			values[dim] = d.Key[i]
		}
		k, slot, ok := add(months, values, d.Records)
		if !ok {
			return
		}
		if known[k].leaves(t.K) {
			d.Reason = ReasonDifference
			known[k].drop(slot)
		}
	}
	for i := range out.Cells {
		check(&out.Cells[i], by)
	}
	for i := range out.Totals {
		check(&out.Totals[i], by[:len(by)-1])
	}
	secondary(&out)
	return out
}

// quarterOf is the first month of m's calendar quarter.
func quarterOf(m Month) Month { return m - m%3 }

// valuesKey is one key for a count's values other than its period, in any
// order.
func valuesKey(dims map[string]string) string {
	var parts []string
	for d, v := range dims {
		if d != DimPeriod {
			parts = append(parts, d+"="+v)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x00")
}

// quarterCounts are the counts published for one set of values in one
// quarter: the quarter's, and each month's. A set may have been published
// more than once (reports of the same period at different times).
type quarterCounts struct {
	quarter []int
	months  [3][]int
}

func (q *quarterCounts) add(slot, records int) {
	if slot < 0 {
		q.quarter = append(q.quarter, records)
		return
	}
	q.months[slot] = append(q.months[slot], records)
}

// drop takes back the count last added to slot.
func (q *quarterCounts) drop(slot int) {
	if slot < 0 {
		q.quarter = q.quarter[:len(q.quarter)-1]
		return
	}
	q.months[slot] = q.months[slot][:len(q.months[slot])-1]
}

// leaves reports whether some choice of the published counts makes the
// quarter's count minus its published months 1 to k-1 records (or -1 to
// -(k-1): counts published at different times may disagree, and the
// disagreement is a count too).
func (q *quarterCounts) leaves(k int) bool {
	if len(q.quarter) == 0 {
		return false
	}
	// The sums the published months can make, one count a month.
	sums := []int{0}
	for _, ms := range q.months {
		if len(ms) == 0 {
			continue
		}
		next := make([]int, 0, len(sums)*len(ms))
		for _, s := range sums {
			for _, m := range ms {
				next = append(next, s+m)
			}
		}
		slices.Sort(next)
		sums = slices.Compact(next)
	}
	for _, total := range q.quarter {
		for _, s := range sums {
			if r := total - s; r != 0 && r > -k && r < k {
				return true
			}
		}
	}
	return false
}

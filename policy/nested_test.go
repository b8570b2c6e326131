package policy

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// spread is a cell of records spread over three members as evenly as it
// goes, so that only the threshold on records decides it.
func spread(key []string, records int) Cell {
	c := Cell{Key: key, ByMember: map[string]int{}}
	for i := range records {
		c.ByMember[fmt.Sprint("m", i%3)]++
	}
	return c
}

func mustPeriod(t *testing.T, s string) Period {
	t.Helper()
	p, err := ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// shown maps each cell and total of p to its records or "x:reason",
// keyed by its values joined with "/" ("" for a grand total).
func shown(p Protected) map[string]string {
	out := map[string]string{}
	for _, d := range append(slices.Clone(p.Cells), p.Totals...) {
		out[fmt.Sprint(d.Key)] = show(d)
	}
	return out
}

// TestNested: a quarter's count less its months' published counts may not
// leave 1 to K-1 records, whichever report comes first; counts of another
// quarter, and remainders of 0 or of K and more, do not matter.
func TestNested(t *testing.T) {
	th := DefaultThresholds
	x := func(records int, period string) Earlier {
		return Earlier{Dims: map[string]string{DimCategory: "x"}, Records: records, Period: mustPeriod(t, period)}
	}
	cases := []struct {
		name    string
		period  string
		by      []string
		cells   []Cell
		earlier []Earlier
		want    map[string]string
	}{{
		name:    "a month after its quarter and a sibling month: March's one case",
		period:  "2026-02",
		by:      []string{DimCategory},
		cells:   []Cell{spread([]string{"x"}, 5), spread([]string{"y"}, 6)},
		earlier: []Earlier{x(10, "2026-Q1"), x(4, "2026-01")},
		want:    map[string]string{"[x]": "x:difference", "[y]": "x:secondary", "[]": "11"},
	}, {
		name:    "a quarter after two of its months",
		period:  "2026-Q1",
		by:      []string{DimCategory},
		cells:   []Cell{spread([]string{"x"}, 10), spread([]string{"y"}, 7)},
		earlier: []Earlier{x(4, "2026-01"), x(5, "2026-02")},
		want:    map[string]string{"[x]": "x:difference", "[y]": "x:secondary", "[]": "17"},
	}, {
		name:    "a remainder of K or more is published",
		period:  "2026-Q1",
		by:      []string{DimCategory},
		cells:   []Cell{spread([]string{"x"}, 13), spread([]string{"y"}, 7)},
		earlier: []Earlier{x(4, "2026-01"), x(3, "2026-02")},
		want:    map[string]string{"[x]": "13", "[y]": "7", "[]": "20"},
	}, {
		name:    "every month published: the quarter adds nothing",
		period:  "2026-Q1",
		by:      []string{DimCategory},
		cells:   []Cell{spread([]string{"x"}, 12), spread([]string{"y"}, 7)},
		earlier: []Earlier{x(4, "2026-01"), x(5, "2026-02"), x(3, "2026-03")},
		want:    map[string]string{"[x]": "12", "[y]": "7", "[]": "19"},
	}, {
		name:    "every month published, one case since: the difference is the case",
		period:  "2026-Q1",
		by:      []string{DimCategory},
		cells:   []Cell{spread([]string{"x"}, 13), spread([]string{"y"}, 7)},
		earlier: []Earlier{x(4, "2026-01"), x(5, "2026-02"), x(3, "2026-03")},
		want:    map[string]string{"[x]": "x:difference", "[y]": "x:secondary", "[]": "20"},
	}, {
		name:    "another quarter's months do not count",
		period:  "2026-Q1",
		by:      []string{DimCategory},
		cells:   []Cell{spread([]string{"x"}, 10), spread([]string{"y"}, 7)},
		earlier: []Earlier{x(4, "2025-12"), x(5, "2026-04")},
		want:    map[string]string{"[x]": "10", "[y]": "7", "[]": "17"},
	}, {
		name:   "a quarter by period: its total against a month published before",
		period: "2026-Q1",
		by:     []string{DimCategory, DimPeriod},
		cells: []Cell{spread([]string{"x", "2026-01"}, 4), spread([]string{"x", "2026-02"}, 5),
			spread([]string{"x", "2026-03"}, 1)},
		earlier: []Earlier{x(4, "2026-01")},
		// March fails k, January is the line's secondary; the quarter's
		// total less January (published in January's report) and February
		// is March's one case.
		want: map[string]string{"[x 2026-01]": "x:secondary", "[x 2026-02]": "5", "[x 2026-03]": "x:k", "[x]": "x:difference"},
	}, {
		name:   "a month cell of a quarter report is that month's count",
		period: "2026-Q1",
		by:     []string{DimPeriod, DimCategory},
		cells: []Cell{spread([]string{"2026-01", "x"}, 4), spread([]string{"2026-01", "y"}, 5),
			spread([]string{"2026-02", "x"}, 6), spread([]string{"2026-02", "y"}, 3)},
		earlier: []Earlier{x(11, "2026-Q1")},
		// x: 11 - 4 - 6 = 1 (March's one case): February's x, which
		// completes the sum, is held back, and with it its line's other cell.
		want: map[string]string{"[2026-01 x]": "4", "[2026-01 y]": "5", "[2026-01]": "9",
			"[2026-02 x]": "x:difference", "[2026-02 y]": "x:secondary", "[2026-02]": "9"},
	}, {
		name:    "counts published twice: any pair that leaves a case is refused",
		period:  "2026-02",
		by:      []string{DimCategory},
		cells:   []Cell{spread([]string{"x"}, 5), spread([]string{"y"}, 6)},
		earlier: []Earlier{x(13, "2026-Q1"), x(4, "2026-01"), x(7, "2026-01")}, // 13 - 7 - 5 = 1
		want:    map[string]string{"[x]": "x:difference", "[y]": "x:secondary", "[]": "11"},
	}}
	for _, tc := range cases {
		p, err := Protect(th, tc.cells)
		if err != nil {
			t.Fatal(err)
		}
		before := shown(p)
		got := shown(th.Nested(mustPeriod(t, tc.period), tc.by, p, tc.earlier))
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, got, tc.want)
		}
		if fmt.Sprint(shown(p)) != fmt.Sprint(before) {
			t.Errorf("%s: Nested modified its input", tc.name)
		}
	}
}

// TestNestedReportsCannotBeTakenApart: whatever reports a secretariat
// publishes of a quarter and its months, in any order and breakdown, no
// set of months' count of one value follows from them at 1 to K-1: for
// every value and quarter, the quarter's published count less the
// published counts of some of its months is never a true count of the
// months left of 1 to K-1.
func TestNestedReportsCannotBeTakenApart(t *testing.T) {
	th := DefaultThresholds
	q := Period{From: Month(2026 * 12), To: Month(2026*12 + 2)}
	breakdowns := [][]string{{DimCategory}, {DimCategory, DimPeriod}, {DimPeriod}, {DimPeriod, DimCategory}}
	rapid.Check(t, func(rt *rapid.T) {
		cats := []string{"a", "b", "c"}
		// truth[cat][month] by member.
		truth := map[string][3]map[string]int{}
		for _, c := range cats {
			var ms [3]map[string]int
			for m := range 3 {
				ms[m] = map[string]int{}
				for _, mem := range []string{"m0", "m1", "m2", "m3"} {
					ms[m][mem] = rapid.IntRange(0, 3).Draw(rt, "records")
				}
			}
			truth[c] = ms
		}
		var earlier []Earlier
		reports := rapid.IntRange(1, 6).Draw(rt, "reports")
		for range reports {
			slot := rapid.IntRange(-1, 2).Draw(rt, "period") // -1: the quarter
			period := q
			if slot >= 0 {
				period = Period{From: q.From + Month(slot), To: q.From + Month(slot)}
			}
			by := breakdowns[0]
			if slot < 0 {
				by = rapid.SampledFrom(breakdowns).Draw(rt, "by")
			}
			var cells []Cell
			for _, c := range cats {
				for m := range 3 {
					if slot >= 0 && m != slot {
						continue
					}
					key := []string{}
					for _, d := range by {
						if d == DimCategory {
							key = append(key, c)
						} else {
							key = append(key, (q.From + Month(m)).String())
						}
					}
					// One cell per key: a quarter table by category sums
					// its months.
					i := slices.IndexFunc(cells, func(x Cell) bool { return slices.Equal(x.Key, key) })
					if i < 0 {
						cells = append(cells, Cell{Key: key, ByMember: map[string]int{}})
						i = len(cells) - 1
					}
					for mem, n := range truth[c][m] {
						cells[i].ByMember[mem] += n
					}
				}
			}
			p, err := Protect(th, cells)
			if err != nil {
				rt.Fatal(err)
			}
			var same []Earlier
			for _, e := range earlier {
				if e.Period == period {
					same = append(same, e)
				}
			}
			p = th.Republish(by, p, same)
			p = th.Nested(period, by, p, earlier)
			publish := func(d Decision, dims []string) {
				if !d.Published() {
					return
				}
				e := Earlier{Dims: map[string]string{}, Records: d.Records, Period: period}
				for i, dim := range dims {
					e.Dims[dim] = d.Key[i]
				}
				earlier = append(earlier, e)
			}
			for _, d := range p.Cells {
				publish(d, by)
			}
			for _, d := range p.Totals {
				publish(d, by[:len(by)-1])
			}
		}
		// The reader's arithmetic, against the truth.
		trueCount := func(cat string, months []int) int {
			n := 0
			for _, c := range cats {
				if cat != "" && c != cat {
					continue
				}
				for _, m := range months {
					for _, v := range truth[c][m] {
						n += v
					}
				}
			}
			return n
		}
		for _, cat := range append([]string{""}, cats...) {
			var quarterKnown bool
			var monthKnown [3]bool
			for _, e := range earlier {
				if e.Dims[DimCategory] != cat {
					continue
				}
				if m, ok := e.Dims[DimPeriod]; ok {
					mm, _ := ParseMonth(m)
					monthKnown[mm-q.From] = true
				} else if e.Period == q {
					quarterKnown = true
				} else {
					monthKnown[e.Period.From-q.From] = true
				}
			}
			if !quarterKnown {
				continue
			}
			var left []int
			for m := range 3 {
				if !monthKnown[m] {
					left = append(left, m)
				}
			}
			if len(left) == 0 {
				continue
			}
			if n := trueCount(cat, left); n > 0 && n < th.K {
				rt.Fatalf("category %q: the quarter less its published months %v reveals %d records in months %v\npublished: %v",
					cat, monthKnown, n, left, earlier)
			}
		}
	})
}

package policy

import (
	"fmt"
	"testing"
)

// line builds cells of a table by (category, outcome): each "outcome:a,b,c"
// is one record from each listed member.
func cellsOf(cat string, outcomes map[string]string) []Cell {
	var out []Cell
	for o, members := range outcomes {
		c := Cell{Key: []string{cat, o}, ByMember: map[string]int{}}
		for _, m := range members {
			c.ByMember[string(m)]++
		}
		out = append(out, c)
	}
	return out
}

// decisions maps "cat/outcome" and "cat" (totals) to records or "x:reason".
func decisions(p Protected) map[string]string {
	out := map[string]string{}
	for _, c := range p.Cells {
		out[c.Key[0]+"/"+c.Key[1]] = show(c)
	}
	for _, c := range p.Totals {
		out[c.Key[0]] = show(c)
	}
	return out
}

func show(d Decision) string {
	if d.Published() {
		return fmt.Sprint(d.Records)
	}
	return "x:" + string(d.Reason)
}

func TestRepublish(t *testing.T) {
	by := []string{DimCategory, DimOutcome}
	th := DefaultThresholds
	published := func(cat string, rec map[string]int, total int) []Earlier {
		var out []Earlier
		for o, n := range rec {
			out = append(out, Earlier{Dims: map[string]string{DimCategory: cat, DimOutcome: o}, Records: n})
		}
		if total > 0 {
			out = append(out, Earlier{Dims: map[string]string{DimCategory: cat}, Records: total})
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		now     map[string]string // outcome → members, one record each
		earlier []Earlier
		want    map[string]string
	}{
		{"no earlier report", map[string]string{"declined": "abcd", "accepted": "abc"}, nil,
			map[string]string{"c/declined": "4", "c/accepted": "3", "c": "7"}},
		{"unchanged", map[string]string{"declined": "abc", "accepted": "abc"}, published("c", map[string]int{"declined": 3, "accepted": 3}, 6),
			map[string]string{"c/declined": "3", "c/accepted": "3", "c": "6"}},
		{"one case added: the cell and the total go",
			map[string]string{"declined": "abcd", "accepted": "abc"}, published("c", map[string]int{"declined": 3, "accepted": 3}, 6),
			map[string]string{"c/declined": "x:difference", "c/accepted": "3", "c": "x:difference"}},
		{"one case added, total moved by k: the line's other cell goes too, then the total",
			map[string]string{"declined": "abcd", "accepted": "abcdef"}, published("c", map[string]int{"declined": 3, "accepted": 3}, 6),
			map[string]string{"c/declined": "x:difference", "c/accepted": "x:secondary", "c": "x:difference"}},
		{"k cases added: published", map[string]string{"declined": "abcdef", "accepted": "abc"}, published("c", map[string]int{"declined": 3, "accepted": 3}, 6),
			map[string]string{"c/declined": "6", "c/accepted": "3", "c": "9"}},
		{"one case retracted", map[string]string{"declined": "abcd", "accepted": "abc"}, published("c", map[string]int{"declined": 5, "accepted": 3}, 8),
			map[string]string{"c/declined": "x:difference", "c/accepted": "3", "c": "x:difference"}},
		{"a 1-D report's cell is this report's total", map[string]string{"declined": "abcdef", "accepted": "abc", "pending": "abc"},
			[]Earlier{{Dims: map[string]string{DimCategory: "c"}, Records: 10}},
			map[string]string{"c/declined": "6", "c/accepted": "3", "c/pending": "3", "c": "x:difference"}},
		{"cells the earlier report did not publish keep the total",
			map[string]string{"declined": "abcd", "accepted": "abc", "pending": "ab"}, published("c", map[string]int{"declined": 3, "accepted": 3}, 0),
			map[string]string{"c/declined": "x:difference", "c/accepted": "x:secondary", "c/pending": "x:k", "c": "9"}},
		{"another category's report is not this one", map[string]string{"declined": "abcd", "accepted": "abc"}, published("d", map[string]int{"declined": 3, "accepted": 3}, 6),
			map[string]string{"c/declined": "4", "c/accepted": "3", "c": "7"}},
	} {
		p, err := Protect(th, cellsOf("c", tc.now))
		if err != nil {
			t.Fatal(err)
		}
		before := decisions(p)
		got := decisions(th.Republish(by, p, tc.earlier))
		for k, w := range tc.want {
			if got[k] != w {
				t.Errorf("%s: %s = %s, want %s (all: %v)", tc.name, k, got[k], w, got)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if after := decisions(p); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("%s: Republish modified its input", tc.name)
		}
		// The property: nothing published differs from an earlier count of
		// the same cell by 1 to k-1.
		for _, c := range append(th.Republish(by, p, tc.earlier).Cells, th.Republish(by, p, tc.earlier).Totals...) {
			if !c.Published() {
				continue
			}
			for _, e := range tc.earlier {
				if d := c.Records - e.Records; earlierHas(by, c.Key, []Earlier{e}) && d != 0 && d > -th.K && d < th.K {
					t.Errorf("%s: %v published %d beside an earlier %d", tc.name, c.Key, c.Records, e.Records)
				}
			}
		}
	}
}

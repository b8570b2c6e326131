package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		th   Thresholds
		rule string // "" if valid
	}{
		{DefaultThresholds, ""},
		{Thresholds{K: 5, M: 4, P: 50}, ""},
		{Thresholds{K: 2, M: 3, P: 70}, "weak-k"},
		{Thresholds{K: 3, M: 2, P: 70}, "weak-m"},
		{Thresholds{K: 3, M: 3, P: 71}, "weak-p"},
		{Thresholds{K: 3, M: 3, P: 100}, "weak-p"},
		{Thresholds{K: 3, M: 3, P: 0}, "bad-p"},
	}
	for _, tt := range tests {
		err := tt.th.Validate()
		var re *RuleError
		switch {
		case tt.rule == "" && err != nil:
			t.Errorf("%+v: %v", tt.th, err)
		case tt.rule != "" && (!errors.As(err, &re) || re.Rule != tt.rule || !errors.Is(err, ErrWeakDisclosure)):
			t.Errorf("%+v: got %v, want rule %s", tt.th, err, tt.rule)
		}
	}
}

func TestPrimary(t *testing.T) {
	tests := []struct {
		name     string
		byMember map[string]int
		want     Reason
	}{
		{"publishable", map[string]int{"a": 1, "b": 1, "c": 1}, ""},
		{"two records", map[string]int{"a": 1, "b": 1}, ReasonK},
		{"empty", map[string]int{}, ReasonK},
		{"two members", map[string]int{"a": 2, "b": 2}, ReasonM},
		{"zero counts are no member", map[string]int{"a": 2, "b": 2, "c": 0}, ReasonM},
		{"dominant", map[string]int{"a": 8, "b": 1, "c": 1}, ReasonDominance},
		{"exactly 70%", map[string]int{"a": 7, "b": 2, "c": 1}, ""},
		{"just over 70%", map[string]int{"a": 71, "b": 20, "c": 9}, ReasonDominance},
	}
	for _, tt := range tests {
		if got := DefaultThresholds.Primary(tt.byMember); got != tt.want {
			t.Errorf("%s: Primary = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := (Thresholds{K: 3, M: 3, P: 60}).Primary(map[string]int{"a": 7, "b": 2, "c": 1}); got != ReasonDominance {
		t.Errorf("p = 60: 70%% share not dominant")
	}
}

func cell(key string, byMember ...int) Cell {
	c := Cell{Key: strings.Split(key, "/"), ByMember: map[string]int{}}
	for i, v := range byMember {
		c.ByMember[fmt.Sprintf("m%d", i)] = v
	}
	return c
}

func TestProtect(t *testing.T) {
	cells := []Cell{
		cell("talent/declined", 2, 2, 1),      // 5 records, 3 members: published
		cell("talent/accepted", 1, 1),         // k
		cell("talent/pending", 1, 1, 1, 1),    // published, fewest: secondary
		cell("talent/accepted-with", 3, 3, 1), // published
		cell("funding/declined", 5, 5),        // m
		cell("funding/accepted", 8, 1, 1),     // dominance
		cell("funding/pending", 1, 1, 1),      // published; line has two suppressed already
		cell("venue/declined", 1, 1, 1),       // published
		cell("venue/accepted", 0, 0),          // empty: dropped
		cell("lonely/declined", 2),            // k; total suppressed too
	}
	got, err := Protect(DefaultThresholds, cells)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Reason{
		"talent/declined": "", "talent/accepted": ReasonK, "talent/pending": ReasonSecondary, "talent/accepted-with": "",
		"funding/declined": ReasonM, "funding/accepted": ReasonDominance, "funding/pending": "",
		"venue/declined": "", "lonely/declined": ReasonK,
	}
	if len(got.Cells) != len(want) {
		t.Errorf("%d cells, want %d (the empty cell dropped)", len(got.Cells), len(want))
	}
	for _, d := range got.Cells {
		k := strings.Join(d.Key, "/")
		if w, ok := want[k]; !ok || d.Reason != w {
			t.Errorf("cell %s: reason %q, want %q", k, d.Reason, w)
		}
	}
	wantTotals := map[string]struct {
		records, members int
		reason           Reason
	}{
		"talent": {18, 4, ""}, "funding": {23, 3, ""}, "venue": {3, 3, ""}, "lonely": {2, 1, ReasonK},
	}
	for _, d := range got.Totals {
		k := strings.Join(d.Key, "/")
		w := wantTotals[k]
		if d.Records != w.records || d.Members != w.members || d.Reason != w.reason {
			t.Errorf("total %s = %d records, %d members, %q; want %+v", k, d.Records, d.Members, d.Reason, w)
		}
	}
	if _, err := Protect(Thresholds{K: 2, M: 3, P: 70}, cells); !errors.Is(err, ErrWeakDisclosure) {
		t.Errorf("weak k: %v", err)
	}
	if _, err := Protect(DefaultThresholds, []Cell{cell("a/b", 1), cell("a", 1)}); err == nil {
		t.Errorf("cells of different lengths accepted")
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in       string
		from, to string // "" if invalid
	}{
		{"2026-11", "2026-11", "2026-11"},
		{"2026-Q4", "2026-10", "2026-12"},
		{"2026-Q1", "2026-01", "2026-03"},
		{"2026-Q5", "", ""},
		{"2026-Q0", "", ""},
		{"2026-13", "", ""},
		{"2026-11-15", "", ""},
		{"2026-1", "", ""},
		{"2026", "", ""},
		{"2026-W47", "", ""},
		{"0000-01", "", ""},
		{"0000-Q1", "", ""},
		{"+026-Q1", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		if tt.from == "" {
			if !errors.Is(err, ErrBadPeriod) {
				t.Errorf("ParsePeriod(%q) = %v, %v; want ErrBadPeriod", tt.in, p, err)
			}
			continue
		}
		if err != nil || p.From.String() != tt.from || p.To.String() != tt.to {
			t.Errorf("ParsePeriod(%q) = %v..%v, %v; want %s..%s", tt.in, p.From, p.To, err, tt.from, tt.to)
		}
		if p.String() != tt.in {
			t.Errorf("Period(%q).String() = %q", tt.in, p.String())
		}
	}
	if _, err := ParseRange("2026-12", "2026-01"); !errors.Is(err, ErrBadPeriod) {
		t.Errorf("from after to: %v", err)
	}
	if p, err := ParseRange("2026-Q3", "2026-Q4"); err != nil || p.From.String() != "2026-07" || p.To.String() != "2026-12" {
		t.Errorf("ParseRange quarters = %v, %v", p, err)
	}
}

func TestParseDimensions(t *testing.T) {
	for _, ok := range [][]string{{"category"}, {"category", "tech_area", "period", "outcome"}} {
		if _, err := ParseDimensions(ok); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, bad := range [][]string{nil, {"nationality"}, {"category", "category"}, {"Category"}} {
		if _, err := ParseDimensions(bad); !errors.Is(err, ErrUnknownDimension) {
			t.Errorf("%v: %v, want ErrUnknownDimension", bad, err)
		}
	}
}

func TestMitigationClasses(t *testing.T) {
	got := MitigationClasses([]string{"Read every annex", "Screen beneficiaries, not only signatories", "輸出管理の該非判定", "Something unusual", "Read every annex again"})
	want := []string{"contract", "export-control", "other", "screening"}
	if !slices.Equal(got, want) {
		t.Errorf("MitigationClasses = %v, want %v", got, want)
	}
	for _, c := range got {
		if !slices.Contains(MitigationClassList(), c) {
			t.Errorf("class %q not listed", c)
		}
	}
}

// genTable draws a small table: 1–3 dimensions of 1–3 values each, every
// cell with 0–4 records from each of up to four members.
func genTable(t *rapid.T) []Cell {
	dims := rapid.IntRange(1, 3).Draw(t, "dims")
	sizes := make([]int, dims)
	for i := range sizes {
		sizes[i] = rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("size%d", i))
	}
	// Keep the brute force small: at most 9 cells.
	for total := 1; ; {
		total = 1
		for _, s := range sizes {
			total *= s
		}
		if total <= 9 {
			break
		}
		sizes[0]--
	}
	var cells []Cell
	var walk func(key []string)
	walk = func(key []string) {
		if len(key) == dims {
			c := Cell{Key: slices.Clone(key), ByMember: map[string]int{}}
			for m := range 4 {
				c.ByMember[fmt.Sprintf("m%d", m)] = rapid.IntRange(0, 3).Draw(t, "count")
			}
			cells = append(cells, c)
			return
		}
		for v := range sizes[len(key)] {
			walk(append(key, fmt.Sprintf("v%d", v)))
		}
	}
	walk(nil)
	return cells
}

// TestProtectProperties: on random small tables, every published cell and
// total passes the primary rules; every cell and total is decided once; and
// no suppressed cell is derivable — its feasible interval, computed by brute
// force over every assignment of non-negative integers to the unpublished
// cells that matches every published total, has a smallest and a largest
// value that differ.
func TestProtectProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		th := Thresholds{
			K: rapid.IntRange(3, 4).Draw(t, "k"),
			M: 3,
			P: rapid.SampledFrom([]int{50, 70}).Draw(t, "p"),
		}
		cells := genTable(t)
		got, err := Protect(th, cells)
		if err != nil {
			t.Fatal(err)
		}
		nonEmpty := 0
		for _, c := range cells {
			if c.Records() > 0 {
				nonEmpty++
			}
		}
		if len(got.Cells) != nonEmpty {
			t.Fatalf("%d decisions for %d non-empty cells", len(got.Cells), nonEmpty)
		}
		byKey := map[string]Cell{}
		for _, c := range cells {
			byKey[joinKey(c.Key)] = c
		}
		for _, d := range got.Cells {
			c := byKey[joinKey(d.Key)]
			if d.Published() && th.Primary(c.ByMember) != "" {
				t.Fatalf("cell %v published but fails %s", d.Key, th.Primary(c.ByMember))
			}
			if !d.Published() && d.Reason != ReasonSecondary && d.Reason != th.Primary(c.ByMember) {
				t.Fatalf("cell %v: reason %s, primary says %q", d.Key, d.Reason, th.Primary(c.ByMember))
			}
			if d.Records != c.Records() || d.Members != c.Members() {
				t.Fatalf("cell %v: counts %d/%d, want %d/%d", d.Key, d.Records, d.Members, c.Records(), c.Members())
			}
		}
		for _, tot := range got.Totals {
			if tot.Published() && (tot.Records < th.K || tot.Members < th.M) {
				t.Fatalf("total %v published with %d records from %d members", tot.Key, tot.Records, tot.Members)
			}
		}
		if err := feasibleIntervalLeak(got); err != nil {
			t.Fatal(err)
		}
	})
}

// checkFeasibleIntervals brute-forces, for every suppressed cell, the
// smallest and largest value consistent with the published cells and
// totals. A reader of the report knows only that an unpublished cell is a
// non-negative integer; the brute force is told more (the cells that are
// empty are 0), which can only narrow the intervals. Every cell lies in
// exactly one total (its key without the last dimension), so the totals
// constrain disjoint sets of cells and each line is searched on its own; a
// suppressed cell in a line whose total is not published is unbounded.
func feasibleIntervalLeak(p Protected) error {
	for _, tot := range p.Totals {
		if !tot.Published() {
			continue
		}
		rest := tot.Records
		var vars []Decision
		for _, c := range p.Cells {
			if !slices.Equal(c.Key[:len(c.Key)-1], tot.Key) {
				continue
			}
			if c.Published() {
				rest -= c.Records
			} else {
				vars = append(vars, c)
			}
		}
		if rest < 0 {
			return fmt.Errorf("total %v is smaller than its published cells", tot.Key)
		}
		if len(vars) == 0 {
			continue
		}
		lo := make([]int, len(vars))
		hi := make([]int, len(vars))
		for i := range lo {
			lo[i], hi[i] = rest+1, -1
		}
		x := make([]int, len(vars))
		var search func(i, left int)
		search = func(i, left int) {
			if i == len(vars) {
				if left != 0 {
					return
				}
				for j, v := range x {
					lo[j], hi[j] = min(lo[j], v), max(hi[j], v)
				}
				return
			}
			for v := 0; v <= left; v++ {
				x[i] = v
				search(i+1, left-v)
			}
		}
		search(0, rest)
		for i, v := range vars {
			if lo[i] > hi[i] {
				return fmt.Errorf("no feasible assignment for %v: the published total contradicts the cells", v.Key)
			}
			if lo[i] == hi[i] {
				return fmt.Errorf("suppressed cell %v (%s, %d records) is derivable: every assignment consistent with the report gives %d", v.Key, v.Reason, v.Records, lo[i])
			}
		}
	}
	return nil
}

// TestFeasibleIntervalCheckerCatchesLeak: the brute force is not vacuous —
// it flags a table that publishes a total beside a single suppressed cell.
func TestFeasibleIntervalCheckerCatchesLeak(t *testing.T) {
	leaky := Protected{
		Cells: []Decision{
			{Key: []string{"a", "x"}, Records: 5, Members: 3},
			{Key: []string{"a", "y"}, Records: 1, Members: 1, Reason: ReasonK},
		},
		Totals: []Decision{{Key: []string{"a"}, Records: 6, Members: 3}},
	}
	if err := feasibleIntervalLeak(leaky); err == nil {
		t.Fatal("a single suppressed cell beside its published total was not flagged")
	}
}

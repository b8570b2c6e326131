package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func row(cid, kind, author, tlp string, created time.Time, title string) Row {
	body, _ := json.Marshal(map[string]any{"kind": kind, "title": title})
	return Row{CID: cid, Kind: kind, Author: author, AuthorName: author + " university", Log: "l",
		TLP: tlp, Created: created, Title: title, Text: SearchText(body)}
}

func newIndex(t testing.TB, rows ...Row) *Index {
	t.Helper()
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Insert(rows); err != nil {
		t.Fatal(err)
	}
	return x
}

func cids(rows []Row) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.CID)
	}
	return out
}

func TestList(t *testing.T) {
	expired := row("c-expired", "indicator", "kyoto", "green", t0.Add(5*time.Hour), "Expired front organisation")
	expired.ValidUntil = t0.Add(-time.Hour)
	future := row("c-future", "indicator", "osaka", "amber", t0.Add(6*time.Hour), "Valid talent programme")
	future.ValidUntil = t0.Add(24 * time.Hour)
	rows := []Row{
		row("c-1", "indicator", "kyoto", "green", t0.Add(1*time.Hour), "Shell company in procurement"),
		row("c-2", "method", "tohoku", "amber", t0.Add(2*time.Hour), "Visiting researcher approach via conference"),
		row("c-3", "indicator", "tohoku", "AMBER", t0.Add(3*time.Hour), "Funding source with undisclosed ties"),
		row("c-4b", "sighting", "kyoto", "green", t0.Add(4*time.Hour), "Sighting of c-1"),
		row("c-4a", "sighting", "osaka", "green", t0.Add(4*time.Hour), "Sighting of c-3"),
		expired, future,
	}
	x := newIndex(t, rows...)
	now := t0.Add(12 * time.Hour)

	tests := []struct {
		name  string
		q     Query
		want  []string
		total int
	}{
		{"all newest first, ties by cid", Query{Now: now}, []string{"c-future", "c-4a", "c-4b", "c-3", "c-2", "c-1"}, 6},
		{"include expired", Query{Now: now, IncludeExpired: true}, []string{"c-future", "c-expired", "c-4a", "c-4b", "c-3", "c-2", "c-1"}, 7},
		{"expired once past valid_until", Query{Now: t0.Add(48 * time.Hour)}, []string{"c-4a", "c-4b", "c-3", "c-2", "c-1"}, 5},
		{"kind", Query{Now: now, Kind: "indicator"}, []string{"c-future", "c-3", "c-1"}, 3},
		{"tlp case-insensitive", Query{Now: now, TLP: "Amber"}, []string{"c-future", "c-3", "c-2"}, 3},
		{"author", Query{Now: now, Author: "kyoto"}, []string{"c-4b", "c-1"}, 2},
		{"author and kind", Query{Now: now, Author: "tohoku", Kind: "method"}, []string{"c-2"}, 1},
		{"kind and tlp", Query{Now: now, Kind: "sighting", TLP: "green"}, []string{"c-4a", "c-4b"}, 2},
		{"text one word", Query{Now: now, Text: "SHELL"}, []string{"c-1"}, 1},
		{"text all words", Query{Now: now, Text: "sighting c-3"}, []string{"c-4a"}, 1},
		{"text matches author name", Query{Now: now, Text: "tohoku university"}, []string{"c-3", "c-2"}, 2},
		{"text no match", Query{Now: now, Text: "shell conference"}, []string{}, 0},
		{"limit", Query{Now: now, Limit: 2}, []string{"c-future", "c-4a"}, 6},
		{"offset", Query{Now: now, Limit: 2, Offset: 2}, []string{"c-4b", "c-3"}, 6},
		{"offset past end", Query{Now: now, Offset: 10}, []string{}, 6},
		{"since", Query{Now: now, Since: t0.Add(3 * time.Hour)}, []string{"c-future", "c-4a", "c-4b", "c-3"}, 4},
		{"unknown kind", Query{Now: now, Kind: "trend"}, []string{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := x.List(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cids(got), tt.want) || total != tt.total {
				t.Errorf("List = %v (total %d), want %v (total %d)", cids(got), total, tt.want, tt.total)
			}
		})
	}
}

func TestInsertReplacesAndCounts(t *testing.T) {
	x := newIndex(t, row("c-1", "indicator", "kyoto", "green", t0, "first title"))
	updated := row("c-1", "method", "kyoto", "amber", t0.Add(time.Hour), "second title")
	if err := x.Insert([]Row{updated}); err != nil {
		t.Fatal(err)
	}
	if x.Len() != 1 {
		t.Errorf("Len = %d, want 1", x.Len())
	}
	// The old index entries must be gone, not just shadowed.
	if rows, _, _ := x.List(Query{Kind: "indicator"}); len(rows) != 0 {
		t.Errorf("kind index still lists the replaced row: %v", cids(rows))
	}
	got, ok := x.Get("c-1")
	if !ok || got.Kind != "method" || got.Title != "second title" {
		t.Errorf("Get = %+v, %v", got, ok)
	}
	if _, ok := x.Get("c-absent"); ok {
		t.Error("Get(absent) found a row")
	}
	if err := x.Insert([]Row{{Kind: "indicator"}}); !errors.Is(err, ErrInvalidRow) {
		t.Errorf("Insert without cid error = %v, want ErrInvalidRow", err)
	}
}

func TestRetract(t *testing.T) {
	x := newIndex(t,
		row("c-1", "method", "kyoto", "amber", t0, "Case write-up about a shell company"),
		row("c-2", "indicator", "kyoto", "green", t0.Add(time.Hour), "Other"),
	)
	if err := x.Retract("c-1", "c-r", "wrong audience"); err != nil {
		t.Fatal(err)
	}
	got, ok := x.Get("c-1")
	if !ok {
		t.Fatal("retracted row is gone; want a stub")
	}
	want := Row{CID: "c-1", Kind: "method", Author: "kyoto", AuthorName: "kyoto university", Log: "l",
		TLP: "amber", Created: t0, Retracted: true, RetractedBy: "c-r", RetractReason: "wrong audience"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stub = %+v\nwant   %+v", got, want)
	}
	if rows, _, _ := x.List(Query{Text: "shell"}); len(rows) != 0 {
		t.Errorf("retracted text still searchable: %v", cids(rows))
	}
	if rows, _, _ := x.List(Query{Kind: "method"}); len(rows) != 1 || !rows[0].Retracted {
		t.Errorf("List(kind method) = %+v, want the stub", rows)
	}

	// The record arrives again (re-sync, rebuild order): it stays retracted.
	if err := x.Insert([]Row{row("c-1", "method", "kyoto", "amber", t0, "Case write-up about a shell company")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := x.Get("c-1"); !got.Retracted || got.Title != "" {
		t.Errorf("re-inserted retracted row = %+v", got)
	}

	// Retracting an unknown CID leaves a stub that wins over a later insert, and is not listed.
	if err := x.Retract("c-later", "c-r2", "withdrawn"); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := x.List(Query{}); total != 2 {
		t.Errorf("List total = %d, want 2 (the unknown stub is not listed)", total)
	}
	if err := x.Insert([]Row{row("c-later", "indicator", "osaka", "green", t0, "late")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := x.Get("c-later"); !got.Retracted || got.Title != "" || got.Kind != "indicator" || got.RetractedBy != "c-r2" {
		t.Errorf("row inserted after its retraction = %+v", got)
	}
	if x.Len() != 3 {
		t.Errorf("Len = %d, want 3", x.Len())
	}
}

func TestInsertOverTxnLimit(t *testing.T) {
	const n = 12_000 // three transactions
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = row(fmt.Sprintf("c-%05d", i), []string{"indicator", "method"}[i%2], "kyoto", "green",
			t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("record %d", i))
	}
	x := newIndex(t, rows...)
	if x.Len() != n {
		t.Fatalf("Len = %d, want %d", x.Len(), n)
	}
	got, total, err := x.List(Query{Kind: "method", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if total != n/2 || !reflect.DeepEqual(cids(got), []string{"c-11999", "c-11997", "c-11995"}) {
		t.Errorf("List = %v (total %d)", cids(got), total)
	}
	if _, ok := x.Get("c-05000"); !ok {
		t.Error("row at a transaction boundary missing")
	}
}

func TestWatchFires(t *testing.T) {
	x := newIndex(t)
	for _, change := range []struct {
		name string
		do   func() error
	}{
		{"insert", func() error { return x.Insert([]Row{row("c-1", "indicator", "a", "green", t0, "t")}) }},
		{"update", func() error { return x.Insert([]Row{row("c-1", "indicator", "a", "amber", t0, "t")}) }},
		{"retract", func() error { return x.Retract("c-1", "c-r", "") }},
	} {
		ch := x.Watch()
		select {
		case <-ch:
			t.Fatalf("%s: watch channel closed before any change", change.name)
		default:
		}
		if err := change.do(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: watch channel not closed after the change", change.name)
		}
	}
}

func TestSearchText(t *testing.T) {
	tests := []struct {
		body, want string
	}{
		{`{"title":"Shell Co","summary":"Routes FUNDS","severity":3,"subject":{"names":[{"value":"Acme Ltd","lang":"en"}]}}`,
			"shell co\nroutes funds\nacme ltd\nen"},
		{`not json`, ""},
		{`{"a":"unterminated`, ""},
		{`}]"x"`, "x"},
		{``, ""},
		{`["A", true, null, "b"]`, "a\nb"},
		{`{"k":"line\nbreak \u00C9t\u00e9 \"q\"","e":"","n":{"x":{"y":["Z"]}}}`, "line\nbreak été \"q\"\nz"},
	}
	for _, tt := range tests {
		if got := SearchText(json.RawMessage(tt.body)); got != tt.want {
			t.Errorf("SearchText(%s) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestDescendingOrder(t *testing.T) {
	times := []time.Time{
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
		t0.Add(time.Millisecond), t0, time.Unix(0, 0), time.Unix(-1, 0),
		time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), {},
	}
	for i := 1; i < len(times); i++ {
		if descending(millis(times[i-1])) >= descending(millis(times[i])) {
			t.Errorf("descending(%v) >= descending(%v)", times[i-1], times[i])
		}
	}
}

// TestConcurrentReadersAndWriter is for the race detector: List, Get and Watch run while rows
// are inserted and retracted.
func TestConcurrentReadersAndWriter(t *testing.T) {
	x := newIndex(t)
	done := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			r := row(fmt.Sprintf("c-%03d", i), "indicator", "kyoto", "green", t0.Add(time.Duration(i)*time.Minute), "word")
			if err := x.Insert([]Row{r}); err != nil {
				errc <- err
				return
			}
			if i%10 == 0 {
				if err := x.Retract(r.CID, "c-r", ""); err != nil {
					errc <- err
					return
				}
			}
		}
	}()
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		rows, total, err := x.List(Query{Text: "word", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) > total {
			t.Fatalf("List returned %d rows for a total of %d", len(rows), total)
		}
		x.Get("c-001")
		x.Watch()
	}
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	if _, total, _ := x.List(Query{Text: "word"}); total != 180 {
		t.Errorf("List(text) total = %d, want 180 (20 rows retracted)", total)
	}
}

func TestWords(t *testing.T) {
	rows := []Row{
		{CID: "c-ja", Kind: "indicator", Created: t0, Title: "研究不正の手口", Text: "大学の共同研究"},
		{CID: "c-punct", Kind: "indicator", Created: t0.Add(time.Second), Title: "Dual-use export (METI list)", Text: "org: northbridge-trading"},
	}
	// Enough rows holding "common" to turn its list into a bitmap, and a few more after it did.
	for i := range 200 {
		rows = append(rows, Row{CID: fmt.Sprintf("c-%03d", i), Kind: "method", Created: t0.Add(time.Duration(i+2) * time.Second),
			Title: fmt.Sprintf("common word %d", i), Text: map[bool]string{true: "rare"}[i == 150]})
	}
	x := newIndex(t, rows...)
	for _, tt := range []struct {
		query string
		total int
	}{
		{"手口", 1}, {"共同", 1}, {"研究", 1},
		{"dual-use", 1}, {"use dual", 1}, {"meti", 1}, {"northbridge trading", 1}, {"(meti)", 1},
		{"common", 200}, {"common rare", 1}, {"word 150", 1}, {"comm", 200},
		{"---", 0}, {"  ", 202}, {"absent", 0},
	} {
		if _, total, _ := x.List(Query{Text: tt.query, Now: t0}); total != tt.total {
			t.Errorf("List(Text %q) total = %d, want %d", tt.query, total, tt.total)
		}
	}
	if _, ok := x.view.words.dense[x.view.words.ids["common"]]; !ok {
		t.Error(`"common" is in every row but its list did not become a bitmap`)
	}
	// A retracted row's words stay posted but no longer match.
	if err := x.Retract("c-150", "c-r", ""); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := x.List(Query{Text: "common", Now: t0}); total != 199 {
		t.Errorf("after retraction, List(common) total = %d, want 199", total)
	}
}

func TestRowRoundTrip(t *testing.T) {
	in := Row{CID: "c-1", Kind: "indicator", Author: "a", AuthorName: "A University", Log: "l", Seq: 7,
		TLP: "AMBER+STRICT", Audience: []string{"members", "partners"}, Caveats: []string{"no-facet"},
		Created: t0, RosterVersion: 3, Title: "t",
		ValidUntil: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), ReviewDue: t0.Add(90 * 24 * time.Hour)}
	x := newIndex(t, in)
	got, ok := x.Get("c-1")
	in.TLP = "amber+strict"
	if !ok || !reflect.DeepEqual(got, in) {
		t.Errorf("Get = %+v\nwant  %+v", got, in)
	}
}

func TestScanBody(t *testing.T) {
	body := `{"kind":"indicator","subject":{"title":"nested, not the title","valid_until":"1999-01-01"},` +
		`"title":"Front \"company\" in \u6771\u4eac","valid_until":"2027-03-31","review_due":"2027-01-31","n":3,"list":["A","b"]}`
	got := ScanBody(json.RawMessage(body))
	want := BodyText{
		Text:       "indicator\nnested, not the title\n1999-01-01\nfront \"company\" in 東京\n2027-03-31\n2027-01-31\na\nb",
		Title:      `Front "company" in 東京`,
		ValidUntil: "2027-03-31",
		ReviewDue:  "2027-01-31",
	}
	if got != want {
		t.Errorf("ScanBody =\n%+v\nwant\n%+v", got, want)
	}
	if got := ScanBody(json.RawMessage(`{"title":"unterminated`)); got.Title != "" {
		t.Errorf("unterminated body gave title %q", got.Title)
	}
}

func TestCountsByKindAndTLP(t *testing.T) {
	ix, err := New()
	if err != nil {
		t.Fatal(err)
	}
	rows := []Row{
		{CID: "a", Kind: "indicator", TLP: "amber", Title: "x"},
		{CID: "b", Kind: "indicator", TLP: "amber", Title: "y"},
		{CID: "c", Kind: "method", TLP: "green", Title: "z"},
	}
	if err := ix.Insert(rows); err != nil {
		t.Fatal(err)
	}
	if err := ix.Insert(rows[:1]); err != nil { // the same row again changes nothing
		t.Fatal(err)
	}
	if err := ix.Retract("b", "r", "gone"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Retract("unknown", "r", "gone"); err != nil {
		t.Fatal(err)
	}
	got := ix.CountsByKindAndTLP()
	want := map[[2]string]int64{{"indicator", "amber"}: 1, {"method", "green"}: 1}
	if len(got) != len(want) || got[[2]string{"indicator", "amber"}] != 1 || got[[2]string{"method", "green"}] != 1 {
		t.Errorf("counts %v, want %v", got, want)
	}
}

// TestRowsShareSourceByRosterVersion checks that two rows of one author and
// log under different roster versions each keep their own version (the
// version is interned with the source, not held per row).
func TestRowsShareSourceByRosterVersion(t *testing.T) {
	a := Row{CID: "c-a", Kind: "indicator", Author: "a", Log: "l", Seq: 1, TLP: "amber", Created: t0, RosterVersion: 3, Title: "a"}
	b := a
	b.CID, b.Seq, b.RosterVersion = "c-b", 2, 1<<40
	x := newIndex(t, a, b)
	for _, want := range []Row{a, b} {
		if got, ok := x.Get(want.CID); !ok || got.RosterVersion != want.RosterVersion {
			t.Errorf("Get(%s).RosterVersion = %d, want %d", want.CID, got.RosterVersion, want.RosterVersion)
		}
	}
	if n := unsafe.Sizeof(rec{}); n > 96 {
		t.Errorf("rec is %d bytes: over the 96-byte size class, 16 bytes a record more at 1,000,000", n)
	}
}

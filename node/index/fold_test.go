package index

import (
	"encoding/json"
	"testing"
	"time"
)

// TestSearchFoldsWidthAndKana: an officer's search finds a record whatever
// width or kana the query and the record were typed in — full-width and
// half-width letters, half-width katakana, hiragana for katakana,. Without the fold each of these finds nothing.
func TestSearchFoldsWidthAndKana(t *testing.T) {
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	body := `{"title":"財団経由の人材招へい","narrative":"ＡＩ研究者を招へい。相手は ホクキョウフォトニクス と 北橋光学、ﾃﾞｰﾀ の提供を求めた。Optics lab."}`
	r := row("c-ja", "method", "peer-1", "amber", now.Add(-time.Hour), "財団経由の人材招へい")
	r.Text = SearchText(json.RawMessage(body))
	other := row("c-en", "method", "peer-1", "amber", now.Add(-2*time.Hour), "Paid visiting post")
	other.Text = SearchText(json.RawMessage(`{"narrative":"A paid post at an AI lab; データ was not asked for."}`))
	if err := x.Insert([]Row{r, other}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"人材招へい", []string{"c-ja"}},
		{"ai", []string{"c-ja", "c-en"}},   // ＡＩ in the record
		{"ＡＩ", []string{"c-ja", "c-en"}},   // full-width query, half-width record
		{"ＯＰＴＩＣＳ", []string{"c-ja"}},       // full-width capitals
		{"ﾌｫﾄﾆｸｽ", []string{"c-ja"}},       // half-width katakana
		{"ほくきょう", []string{"c-ja"}},        // hiragana for katakana
		{"データ", []string{"c-ja", "c-en"}},  // ﾃﾞｰﾀ with its voiced mark composed
		{"でーた", []string{"c-ja", "c-en"}},  // and in hiragana
		{"ﾎｸｷｮｳ ﾌｫﾄﾆｸｽ", []string{"c-ja"}}, // every word must match
		{"フォトニクス 人材招聘", []string{}},        // a different kanji is a different word
	} {
		rows, _, err := x.List(Query{Now: now, Text: tt.query})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.CID)
		}
		if len(got) != len(tt.want) || (len(got) > 0 && !equalStrings(got, tt.want)) {
			t.Errorf("search %q: got %v, want %v", tt.query, got, tt.want)
		}
	}
}

func equalStrings(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

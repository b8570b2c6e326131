package index

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The word index before 2026-11-30, kept as the reference the faster add must match: every
// token of Row.searchable joined by newlines, split by strings.FieldsFuncSeq, folded, and
// posted one at a time in text order.

func referenceTokens(s string) []string {
	var out []string
	for w := range strings.FieldsFuncSeq(s, notWordRune) {
		out = append(out, fold(w))
	}
	return out
}

func (ws *words) referencePost(w string, ord uint32) {
	ws.postID(ws.id(w), ord) // posting itself is unchanged; what the reference keeps is how words reach it
}

// TestWordsAddMatchesReference builds the word index of the same rows with add and with the
// reference, the rows' ordinals in order and then some posted again out of order (a replaced
// row), and requires the same vocabulary, ids, lists and bitmaps.
func TestWordsAddMatchesReference(t *testing.T) {
	rows := benchRows(3000)
	// Text the benchmark rows lack: upper case, Japanese, digits, invalid UTF-8, separators only.
	extra := []string{"Ｔｏｋｙｏ 東京大学 Université ÉCOLE", "x\xffy\xc3", "  --  ", "", "Ĳssel İstanbul ΣΊΣΥΦΟΣ", "a1 B2 c3_d4", "Tokyo TOKYO tokyo tōkyō TŌKYŌ"}
	for i := range rows {
		if i%7 == 0 {
			rows[i].Title += " " + extra[i%len(extra)]
			rows[i].AuthorName = strings.ToUpper(extra[(i/7)%len(extra)])
		}
	}
	var many []string // more distinct words than the scratch set keeps between rows
	for i := range 5000 {
		many = append(many, fmt.Sprintf("w%d", i))
	}
	rows[5].Text, rows[6].Text = strings.Join(many, " "), strings.Join(many[:1000], " ")
	got, want := newWords(), newWords()
	var seen wordSet
	post := func(ord uint32, r *Row) {
		for _, ws := range []*words{got, want} {
			if ord >= ws.rows {
				ws.rows = ord + 1
			}
		}
		parts := r.searchable()
		got.add(ord, &seen, parts[:]...)
		for _, w := range referenceTokens(strings.Join(parts[:], "\n")) {
			want.referencePost(w, ord)
		}
	}
	for i := range rows {
		post(uint32(i), &rows[i])
	}
	for i := len(rows) - 1; i >= 0; i -= 97 {
		post(uint32(i), &rows[(i*31)%len(rows)]) // another row's words for an existing ordinal
	}
	if !reflect.DeepEqual(got.vocab, want.vocab) || !reflect.DeepEqual(got.ids, want.ids) {
		t.Fatalf("vocabularies differ: %d words, reference %d", len(got.vocab), len(want.vocab))
	}
	if !reflect.DeepEqual(got.lists, want.lists) {
		t.Fatal("posting lists differ")
	}
	if !reflect.DeepEqual(got.dense, want.dense) {
		t.Fatal("bitmaps differ")
	}
	if len(got.dense) == 0 || len(got.vocab) < 1000 {
		t.Fatalf("the test needs common and rare words: %d dense of %d", len(got.dense), len(got.vocab))
	}
}

// FuzzTokens: tokens splits any text exactly where strings.FieldsFunc with notWordRune does.
func FuzzTokens(f *testing.F) {
	for _, seed := range []string{"", "a", "Shell company, Ltd.", "東京大学　工学部", "x\xffy", "ÉCOLE--Polytechnique", "\xc3", "1,000 2nd"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got []string
		for w := range tokens(s) {
			got = append(got, w)
		}
		if want := referenceTokens(s); !slices.Equal(got, want) {
			t.Fatalf("tokens(%q) = %q, want %q", s, got, want)
		}
		ws := newWords()
		ws.rows = 1
		ws.add(0, new(wordSet), s)
		if fmt.Sprint(ws.vocab) != fmt.Sprint(uniqueInOrder(got)) {
			t.Fatalf("vocabulary of %q is %q", s, ws.vocab)
		}
	})
}

func uniqueInOrder(ws []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

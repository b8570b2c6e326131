package index

import (
	"iter"
	"math/bits"
	"slices"
	"strings"
	"unicode"
)

// words is the word index that List's Text filter reads: for every word in the rows' text, the
// ordinals of the rows that hold it.
//
// A word is a run of letters and digits, lower-cased; everything else separates words, in the
// text and in a query alike. A query word matches a row when it occurs inside one of the row's
// words, so "semicond" finds "semiconductors", and a run of Japanese without spaces is one word
// that any part of it finds.
//
// A rare word's rows are a sorted list of ordinals; a word once in 1 row of 32 or more becomes a
// bitmap, which is then smaller (a bit a row instead of 32 bits a hit). At 1,000,000 records
// the common words of the corpus cost a few megabytes together; what grows with the corpus is
// the words each record brings of its own (names, identifiers).
type words struct {
	ids   map[string]uint32 // word → its position in vocab
	vocab []string
	lists [][]uint32        // by word: ascending ordinals, or nil once the word is in dense
	dense map[uint32]bitmap // by word: the common words' rows
	rows  uint32            // ordinals handed out so far
}

// denseRatio is the density at which a word's list becomes a bitmap: a list costs 32 bits a
// row holding the word, a bitmap one bit a row of the index.
const denseRatio = 32

func newWords() *words {
	return &words{ids: map[string]uint32{}, dense: map[uint32]bitmap{}}
}

// tokens yields the words of s, lower-cased.
func tokens(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for w := range strings.FieldsFuncSeq(s, notWordRune) {
			if !yield(lower(w)) {
				return
			}
		}
	}
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// add posts every word of text for the row ord.
func (ws *words) add(text string, ord uint32) {
	for w := range tokens(text) {
		ws.post(w, ord)
	}
}

// post adds ord to w's rows; posting a word twice for a row is a no-op.
func (ws *words) post(w string, ord uint32) {
	id, ok := ws.ids[w]
	if !ok {
		id = uint32(len(ws.vocab))
		w = strings.Clone(w) // do not pin the text it came from
		ws.ids[w] = id
		ws.vocab = append(ws.vocab, w)
		ws.lists = append(ws.lists, nil)
	}
	if b, ok := ws.dense[id]; ok {
		ws.dense[id] = b.set(ord)
		return
	}
	p := ws.lists[id]
	switch n := len(p); {
	case n == 0 || p[n-1] < ord:
		if n == 0 {
			p = make([]uint32, 0, 1)
		}
		p = append(p, ord)
	default:
		i, found := slices.BinarySearch(p, ord)
		if found {
			return
		}
		p = slices.Insert(p, i, ord)
	}
	if len(p) >= 64 && uint32(len(p))*denseRatio >= ws.rows {
		var b bitmap
		for _, o := range p {
			b = b.set(o)
		}
		ws.dense[id], ws.lists[id] = b, nil
		return
	}
	ws.lists[id] = p
}

// matching returns the rows holding every word of query as part of one of their words; nil
// means the query is blank, so every row. A query of punctuation alone matches no row.
func (ws *words) matching(query string) bitmap {
	if strings.TrimSpace(query) == "" {
		return nil
	}
	n := int(ws.rows+63) / 64
	acc := bitmap(nil)
	for q := range tokens(query) {
		b := make(bitmap, n)
		for id, w := range ws.vocab {
			if !strings.Contains(w, q) {
				continue
			}
			if d, ok := ws.dense[uint32(id)]; ok {
				for i, word := range d {
					b[i] |= word
				}
				continue
			}
			for _, ord := range ws.lists[id] {
				b[ord/64] |= 1 << (ord % 64)
			}
		}
		if acc == nil {
			acc = b
			continue
		}
		empty := true
		for i := range acc {
			acc[i] &= b[i]
			empty = empty && acc[i] == 0
		}
		if empty {
			break
		}
	}
	if acc == nil {
		return make(bitmap, n)
	}
	return acc
}

// bitmap is a set of ordinals.
type bitmap []uint64

func (b bitmap) has(ord uint32) bool { return int(ord/64) < len(b) && b[ord/64]&(1<<(ord%64)) != 0 }

// set adds ord, growing b as needed.
func (b bitmap) set(ord uint32) bitmap {
	i := int(ord / 64)
	if i >= len(b) {
		b = append(b, make(bitmap, i+1-len(b))...)
	}
	b[i] |= 1 << (ord % 64)
	return b
}

func (b bitmap) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

package index

import (
	"hash/maphash"
	"iter"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// words is the word index that List's Text filter reads: for every word in the rows' text, the
// ordinals of the rows that hold it.
//
// A word is a run of letters and digits, folded (see fold); everything else separates words, in the
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

// tokens yields the words of s, folded (see fold).
func tokens(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; ; {
			w, next := nextWord(s, i)
			if w == "" || !yield(fold(w)) {
				return
			}
			i = next
		}
	}
}

// fold is the form a word is indexed and searched in: lower-cased, and for text with any
// non-ASCII letter also in Unicode NFKC (full-width Ｔｏｋｙｏ is tokyo, half-width ﾌｫﾄﾆｸｽ is
// フォトニクス, ﾃﾞｰﾀ is データ) with katakana written as hiragana (ホクキョウ and ほくきょう are one
// word). Officers type whichever their input method gives them, and records are pasted from
// documents that use all of these; a search that misses a record for its width or kana fails
// the officer quietly.
func fold(w string) string {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			if !norm.NFKC.IsNormalString(w) { // most text is: no copy
				w = norm.NFKC.String(w)
			}
			return kanaFold(strings.ToLower(w))
		}
	}
	return lower(w)
}

// kanaFold writes katakana (ァ U+30A1 to ヶ U+30F6) as the hiragana sixty code points below;
// ヷ–ヺ, which have no hiragana, and the prolonged sound mark ー stay as they are.
func kanaFold(s string) string {
	if !strings.ContainsFunc(s, isFoldedKatakana) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isFoldedKatakana(r) {
			return r - 0x60
		}
		return r
	}, s)
}

func isFoldedKatakana(r rune) bool { return r >= 0x30A1 && r <= 0x30F6 }

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// asciiWord says which ASCII bytes are part of a word: letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = !notWordRune(rune(c))
	}
	return t
}()

// nextWord returns the first word of s at or after byte i, as it is written (not lower-cased),
// and the byte after it; "" if there is none. It splits exactly where strings.FieldsFunc with
// notWordRune does (an invalid byte is utf8.RuneError, a separator), but reads ASCII a byte at a
// time without a call per rune: tokenising was most of Insert's time (2026-11-30).
func nextWord(s string, i int) (string, int) {
	start := -1
	for i < len(s) {
		c, size := s[i], 1
		var in bool
		if c < utf8.RuneSelf {
			in = asciiWord[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			in = !notWordRune(r)
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			return s[start:i], i
		}
		i += size
	}
	if start < 0 {
		return "", len(s)
	}
	return s[start:], len(s)
}

// add posts every word of texts for the row ord. Each word is looked up and posted once per
// form it is written in: a body repeats its common words many times, and a lookup in the large
// vocabulary map costs more than one in the row's own small set. seen is the caller's scratch
// set, kept between rows.
func (ws *words) add(ord uint32, seen *wordSet, texts ...string) {
	seen.reset()
	for _, text := range texts {
		for i := 0; ; {
			w, next := nextWord(text, i)
			if w == "" {
				break
			}
			if seen.add(w) {
				// "Tokyo" and "tokyo" are both posted; posting twice is a no-op.
				ws.postID(ws.id(fold(w)), ord)
			}
			i = next
		}
	}
}

// wordSet is a set of strings: open addressing in a power-of-two table, at most half full.
type wordSet struct {
	seed  maphash.Seed
	slots []string // "" is empty; a word is never empty
	n     int
}

func (s *wordSet) reset() {
	if len(s.slots) > 1<<12 {
		s.slots = nil // do not keep one huge row's table
	}
	clear(s.slots)
	s.n = 0
}

// add adds w and says whether it was new.
func (s *wordSet) add(w string) bool {
	if 2*(s.n+1) > len(s.slots) {
		if s.slots == nil {
			s.seed = maphash.MakeSeed()
		}
		old := s.slots
		s.slots = make([]string, max(64, 2*len(old)))
		s.n = 0
		for _, v := range old {
			if v != "" {
				s.add(v)
			}
		}
	}
	mask := uint64(len(s.slots) - 1)
	for i := maphash.String(s.seed, w) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case "":
			s.slots[i] = w
			s.n++
			return true
		case w:
			return false
		}
	}
}

// id returns w's position in vocab, adding it if it is new.
func (ws *words) id(w string) uint32 {
	id, ok := ws.ids[w]
	if !ok {
		id = uint32(len(ws.vocab))
		w = strings.Clone(w) // do not pin the text it came from
		ws.ids[w] = id
		ws.vocab = append(ws.vocab, w)
		ws.lists = append(ws.lists, nil)
	}
	return id
}

// postID adds ord to the rows of the word id; posting a word twice for a row is a no-op.
func (ws *words) postID(id, ord uint32) {
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

package screen

import (
	"cmp"
	"encoding/base32"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// How a list entry matched an indicator's subject, strongest first.
const (
	HowROR        = "ror"        // the entry's ROR id is the subject's
	HowExact      = "exact"      // the same name, ignoring case, width and spacing
	HowNormalised = "normalised" // the same name once legal forms, punctuation and word order are set aside
	HowAcronym    = "acronym"    // the entry is the initials of one of the subject's names
	HowFuzzy      = "fuzzy"      // a small misspelling of one of the subject's names
)

var howRank = map[string]int{HowROR: 0, HowExact: 1, HowNormalised: 2, HowAcronym: 3, HowFuzzy: 4}

// Subject is what one indicator names, as the matcher needs it.
type Subject struct {
	CID          string
	Names        []SubjectName
	ROR          string // bare ROR id, "" if none
	Jurisdiction string // ISO 3166-1 alpha-2, "" if none
	Severity     string
	Mitigation   string
}

// SubjectName is one of a subject's names, as the indicator gives it.
type SubjectName struct {
	Value string `json:"value"`
	Lang  string `json:"lang,omitempty"`
	Type  string `json:"type,omitempty"`
}

// Query is one entry of a list to screen.
type Query struct {
	Name    string
	ROR     string // bare id or https://ror.org/…; must be valid (see ParseROR)
	Country string // ISO code or an English or Japanese country name; "" if unknown
}

// Hit is one subject a query matched.
type Hit struct {
	Subject *Subject
	Matched string  // the subject's name that matched (for a ROR match, its first name)
	How     string  // one of the How constants
	Score   float64 // 1 for a ROR or exact match, less for weaker ones; never below MinScore
}

// MinScore is the weakest hit Match reports.
const MinScore = 0.5

// countryMismatch scales a name match whose subject is in another country
// than the one the list gives.
const countryMismatch = 0.85

// Index holds the names of every readable indicator's subject, folded and
// indexed for [Index.Match]. Its methods are safe for concurrent use.
//
// It is built for a million subjects (table.go): a subject is one blob in
// an arena, a name a small record pointing at it, and the postings of
// every field are hashes in one table. What a name folds to is not kept
// but computed again from the name, for the few candidates a query meets.
type Index struct {
	mu       sync.RWMutex
	data     arena
	subjects []uint32          // offset in data of each subject's blob (subjectBlob)
	removed  map[int32]bool    // subjects whose record was retracted
	strs     []string          // interned severities, jurisdictions, mitigations, languages and name types
	strIdx   map[string]uint32 //
	names    []indexedName
	post     table    // hash of a tag and a folded form → names; of a ROR id or CID → subjects
	words    []uint32 // offset in data of each vocabulary word and the token it stands for
	vocab    table    // hash of a word → its index in words
	deletes  table    // hash of a word with one character deleted → words
}

// indexedName is one name of a subject (an alternative it holds counts as
// a name): which subject, which of its names, which alternative.
type indexedName struct {
	subject int32
	name    uint16
	alt     uint8
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{removed: map[int32]bool{}, strs: []string{""}, strIdx: map[string]uint32{"": 0}}
}

// Len is the number of subjects indexed.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.subjects) - len(x.removed)
}

// maxNames bounds the names (with the alternatives they hold) indexed of
// one subject.
const maxNames = 1 << 16

// Add indexes a subject; a CID already indexed is left as it is (a CID
// names its content).
func (x *Index) Add(s Subject) {
	// Every name, and the alternatives it holds ("X (NUDT)").
	type named struct {
		name, alt int
		norm      Name
	}
	var norms []named
	for i, n := range s.Names {
		for a, alt := range Alternatives(n.Value) {
			nn := Normalise(alt)
			if i < maxNames && a < 256 && !slices.ContainsFunc(norms, func(o named) bool { return o.norm.Exact == nn.Exact }) {
				norms = append(norms, named{i, a, nn})
			}
		}
	}
	if r, err := ParseROR(s.ROR); err == nil {
		s.ROR = r
	} else {
		s.ROR = ""
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.subjectOf(s.CID); ok {
		return
	}
	si := int32(len(x.subjects))
	x.subjects = append(x.subjects, x.data.put(x.encodeSubject(&s)))
	x.post.add(hashOf(tagCID, s.CID), uint32(si))
	if s.ROR != "" {
		x.post.add(hashOf(tagROR, s.ROR), uint32(si))
	}
	for _, nd := range norms {
		n := nd.norm
		if n.Exact == "" {
			continue
		}
		id := uint32(len(x.names))
		x.names = append(x.names, indexedName{subject: si, name: uint16(nd.name), alt: uint8(nd.alt)})
		x.post.add(hashOf(tagExact, n.Exact), id)
		if n.Generic() {
			continue // matched only as written
		}
		x.post.add(hashOf(tagKey, n.Key), id)
		x.post.add(hashOf(tagSorted, n.Sorted), id)
		if n.Acronym != "" {
			x.post.add(hashOf(tagAcronym, n.Acronym), id)
		}
		x.post.add(hashOf(tagCore, coreSig(n.Core)), id)
		if b := brandSig(n.Tokens); b != "" {
			x.post.add(hashOf(tagBrand, b), id)
		}
		if mostlyCJK(n.Key) {
			continue // CJK names are not matched fuzzily: no vocabulary needed
		}
		for _, w := range n.words {
			x.addWord(w[0], w[1])
		}
		for _, t := range n.Tokens {
			x.addWord(t, t)
		}
	}
}

// subjectOf finds the live subject with the given CID. Called with x.mu held.
func (x *Index) subjectOf(cid string) (int32, bool) {
	found := int32(-1)
	x.post.each(hashOf(tagCID, cid), func(id uint32) bool {
		si := int32(id)
		if !x.removed[si] && x.cidOf(si) == cid {
			found = si
			return false
		}
		return true
	})
	return found, found >= 0
}

// intern returns the number of s in strs, adding it. Called with x.mu held.
func (x *Index) intern(s string) uint32 {
	if i, ok := x.strIdx[s]; ok {
		return i
	}
	s = strings.Clone(s)
	x.strs = append(x.strs, s)
	x.strIdx[s] = uint32(len(x.strs) - 1)
	return uint32(len(x.strs) - 1)
}

// A subject's blob is its CID (raw bytes, when it is a base32 CID that
// decodes and encodes back to itself), ROR id, the interned numbers of its
// severity, jurisdiction and mitigation, and its names, each with the
// interned numbers of its language and type; strings and counts are
// preceded by their length (uvarint).
func (x *Index) encodeSubject(s *Subject) []byte {
	b := make([]byte, 0, 64)
	if raw, err := cidEncoding.DecodeString(strings.TrimPrefix(s.CID, "b")); err == nil && len(s.CID) > 1 && s.CID[0] == 'b' && "b"+cidEncoding.EncodeToString(raw) == s.CID {
		b = append(b, 1)
		b = appendString(b, string(raw))
	} else {
		b = append(b, 0)
		b = appendString(b, s.CID)
	}
	b = appendString(b, s.ROR)
	b = binary.AppendUvarint(b, uint64(x.intern(s.Severity)))
	b = binary.AppendUvarint(b, uint64(x.intern(s.Jurisdiction)))
	b = binary.AppendUvarint(b, uint64(x.intern(s.Mitigation)))
	b = binary.AppendUvarint(b, uint64(len(s.Names)))
	for _, n := range s.Names {
		b = appendString(b, n.Value)
		b = binary.AppendUvarint(b, uint64(x.intern(n.Lang)))
		b = binary.AppendUvarint(b, uint64(x.intern(n.Type)))
	}
	return b
}

// cidEncoding is the multibase base32 of CIDs ("b…").
var cidEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// blob reads a subject's blob in order.
type blob []byte

func (b *blob) uvarint() uint64 {
	v, n := binary.Uvarint(*b)
	*b = (*b)[n:]
	return v
}

func (b *blob) string() string {
	n := b.uvarint()
	s := string((*b)[:n])
	*b = (*b)[n:]
	return s
}

// cidOf reads the CID of subject si. Called with x.mu held.
func (x *Index) cidOf(si int32) string {
	b := blob(x.data.at(x.subjects[si]))
	raw := b[0] == 1
	b = b[1:]
	c := b.string()
	if raw {
		return "b" + cidEncoding.EncodeToString([]byte(c))
	}
	return c
}

// subject decodes subject si. Called with x.mu held.
func (x *Index) subject(si int32) *Subject {
	s := &Subject{CID: x.cidOf(si)}
	b := blob(x.data.at(x.subjects[si]))
	b = b[1:]
	b.string() // the CID
	s.ROR = b.string()
	s.Severity, s.Jurisdiction, s.Mitigation = x.strs[b.uvarint()], x.strs[b.uvarint()], x.strs[b.uvarint()]
	s.Names = make([]SubjectName, b.uvarint())
	for i := range s.Names {
		s.Names[i].Value = b.string()
		s.Names[i].Lang, s.Names[i].Type = x.strs[b.uvarint()], x.strs[b.uvarint()]
	}
	return s
}

// jurisdiction reads the jurisdiction of subject si. Called with x.mu held.
func (x *Index) jurisdiction(si int32) string {
	b := blob(x.data.at(x.subjects[si]))
	b = b[1:]
	b.string() // the CID
	b.string() // the ROR id
	b.uvarint()
	return x.strs[b.uvarint()]
}

// nameValue is the name (as the indicator gives it) that names[id] is.
// Called with x.mu held.
func (x *Index) nameValue(id uint32) string {
	nm := x.names[id]
	b := blob(x.data.at(x.subjects[nm.subject]))
	b = b[1:]
	b.string() // the CID
	b.string() // the ROR id
	b.uvarint()
	b.uvarint()
	b.uvarint()
	b.uvarint() // the number of names
	for range nm.name {
		b.string()
		b.uvarint()
		b.uvarint()
	}
	return b.string()
}

// norm is what names[id] folds to, computed again. Called with x.mu held.
func (x *Index) norm(id uint32) Name {
	alts := Alternatives(x.nameValue(id))
	return Normalise(alts[x.names[id].alt])
}

// addWord puts a word, the token it stands for, and its one-deletion
// variants in the vocabulary. Called with x.mu held.
func (x *Index) addWord(w, token string) {
	if _, ok := x.wordID(w); ok {
		return
	}
	id := uint32(len(x.words))
	b := appendString(nil, w)
	if token == w {
		b = appendString(b, "")
	} else {
		b = appendString(b, token)
	}
	x.words = append(x.words, x.data.put(b))
	x.vocab.add(hashOf(tagWord, w), id)
	for _, d := range deletions(w) {
		x.deletes.add(hashOf(tagDeletion, d), id)
	}
}

// word reads vocabulary word id and the token it stands for.
func (x *Index) word(id uint32) (w, token string) {
	b := blob(x.data.at(x.words[id]))
	w, token = b.string(), b.string()
	if token == "" {
		token = w
	}
	return w, token
}

// wordID finds w in the vocabulary.
func (x *Index) wordID(w string) (uint32, bool) {
	found, ok := uint32(0), false
	x.vocab.each(hashOf(tagWord, w), func(id uint32) bool {
		if got, _ := x.word(id); got == w {
			found, ok = id, true
			return false
		}
		return true
	})
	return found, ok
}

// Remove drops a subject (its record was retracted). Its names stay in the
// tables but no longer match.
func (x *Index) Remove(cid string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if si, ok := x.subjectOf(cid); ok {
		x.removed[si] = true
	}
}

// Stats is the memory the index holds, in bytes, and what it counts.
type Stats struct {
	Subjects, Names, Words int
	TableBytes, DataBytes  int
}

// Stats reports the index's size.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return Stats{Subjects: len(x.subjects), Names: len(x.names), Words: len(x.words),
		TableBytes: x.post.bytes() + x.vocab.bytes() + x.deletes.bytes(), DataBytes: x.data.bytes()}
}

// Match returns the subjects q matches, best first (score, then how, then
// CID), one hit per subject.
func (x *Index) Match(q Query) []Hit {
	x.mu.RLock()
	defer x.mu.RUnlock()
	best := map[int32]Hit{}
	note := func(si int32, h Hit) {
		if x.removed[si] {
			return
		}
		if old, ok := best[si]; ok && !better(h, old) {
			return
		}
		best[si] = h
	}
	if r, err := ParseROR(q.ROR); err == nil && r != "" {
		x.post.each(hashOf(tagROR, r), func(id uint32) bool {
			if s := x.subject(int32(id)); s.ROR == r && !x.removed[int32(id)] {
				note(int32(id), Hit{Subject: s, Matched: firstName(s), How: HowROR, Score: 1})
			}
			return true
		})
	}
	n := Normalise(q.Name)
	if n.Exact != "" {
		m := &match{x: x, norms: map[uint32]*Name{}}
		m.matchName(n, func(id uint32, how string, score float64) {
			note(x.names[id].subject, Hit{Matched: x.nameValue(id), How: how, Score: score})
		})
	}
	country := CountryCode(q.Country)
	out := make([]Hit, 0, len(best))
	for si, h := range best {
		if h.Subject == nil {
			h.Subject = x.subject(si)
		}
		if h.How != HowROR && country != "" && h.Subject.Jurisdiction != "" && h.Subject.Jurisdiction != country {
			h.Score *= countryMismatch
		}
		h.Score = math.Round(h.Score*100) / 100
		if h.Score >= MinScore {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(howRank[a.How], howRank[b.How]); c != 0 {
			return c
		}
		return strings.Compare(a.Subject.CID, b.Subject.CID)
	})
	return out
}

func better(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return howRank[a.How] < howRank[b.How]
}

func firstName(s *Subject) string {
	if len(s.Names) > 0 {
		return s.Names[0].Value
	}
	return s.ROR
}

// match is one query's matching: what the candidate names it meets fold
// to, computed once each.
type match struct {
	x     *Index
	norms map[uint32]*Name
}

// name is what names[id] folds to.
func (m *match) name(id uint32) *Name {
	if nm, ok := m.norms[id]; ok {
		return nm
	}
	nm := m.x.norm(id)
	m.norms[id] = &nm
	return &nm
}

// get returns the names filed under a tag and key whose folded form is
// the key (the table's hash is only where to look).
func (m *match) get(tag byte, key string) []uint32 {
	var out []uint32
	m.x.post.each(hashOf(tag, key), func(id uint32) bool {
		nm := m.name(id)
		var ok bool
		switch tag {
		case tagExact:
			ok = nm.Exact == key
		case tagKey:
			ok = !nm.Generic() && nm.Key == key
		case tagSorted:
			ok = !nm.Generic() && nm.Sorted == key
		case tagAcronym:
			ok = !nm.Generic() && nm.Acronym == key
		case tagCore:
			ok = !nm.Generic() && coreSig(nm.Core) == key
		case tagBrand:
			ok = !nm.Generic() && brandSig(nm.Tokens) == key
		}
		if ok {
			out = append(out, id)
		}
		return true
	})
	return out
}

// matchName finds the names n matches. Called with x.mu held.
func (m *match) matchName(n Name, hit func(id uint32, how string, score float64)) {
	for _, id := range m.get(tagExact, n.Exact) {
		hit(id, HowExact, 1)
	}
	if n.Generic() {
		return // "University" alone names nobody
	}
	for _, id := range m.get(tagKey, n.Key) {
		hit(id, HowNormalised, 0.95)
	}
	for _, id := range m.get(tagSorted, n.Sorted) {
		hit(id, HowNormalised, 0.9)
	}
	m.matchShort(n, hit)
	// An entry written in capitals as one word may be an acronym
	// ("NUDT" for "National University of Defense Technology").
	if n.Upper && len(n.Tokens) == 1 && utf8.RuneCountInString(n.Tokens[0]) >= 3 {
		for _, id := range m.get(tagAcronym, n.Tokens[0]) {
			hit(id, HowAcronym, 0.75)
		}
	}
	m.matchFuzzy(n, hit)
}

// matchShort matches a name given by its distinctive words alone with one
// that adds only generic words and places to them, either way round:
// "Huawei" and "Huawei Technologies Co., Ltd.", "Hikvision" and "Hangzhou
// Hikvision Digital Technology Co., Ltd.", "China Mobile" and "China Mobile
// Communications Group", "华为" and "华为技术有限公司". All the shorter
// name's words are in the longer one, and at least one of them is neither a
// generic word, a place nor under four letters: "Beijing" does not match
// "Beijing Institute of Technology", nor "Beijing Institute" it.
func (m *match) matchShort(n Name, hit func(id uint32, how string, score float64)) {
	b := brandSig(n.Tokens)
	if b == "" {
		return
	}
	for _, id := range m.get(tagBrand, b) {
		nm := m.name(id)
		if nm.Key == n.Key {
			continue
		}
		if shortOf(n.Tokens, nm.Tokens) || shortOf(nm.Tokens, n.Tokens) {
			hit(id, HowNormalised, 0.8)
		}
	}
}

// brandSig is the sorted distinctive words of a name that are not places,
// or "" if none is long enough to identify an organisation by itself.
func brandSig(toks []string) string {
	var b []string
	long := false
	for _, t := range toks {
		if genericWords[t] || placeWords[t] {
			continue
		}
		b = append(b, t)
		if l := utf8.RuneCountInString(t); l >= 4 || (l >= 2 && mostlyCJK(t)) {
			long = true
		}
	}
	if !long {
		return ""
	}
	return coreSig(b)
}

// shortOf reports whether short names long by a subset of its words: every
// word of short is in long, and long's other words (at least one) are
// generic words or places.
func shortOf(short, long []string) bool {
	if len(short) >= len(long) {
		return false
	}
	rest := slices.Clone(long)
	for _, t := range short {
		i := slices.Index(rest, t)
		if i < 0 {
			return false
		}
		rest = slices.Delete(rest, i, i+1)
	}
	for _, t := range rest {
		if !genericWords[t] && !placeWords[t] {
			return false
		}
	}
	return true
}

// matchFuzzy finds names within a small edit distance of n. Candidates are
// the names whose distinctive (core) words are n's, or n's once one word is
// replaced by a vocabulary word one edit away; each is then checked on the
// whole name and on its core, with bounds that grow with length.
func (m *match) matchFuzzy(n Name, hit func(id uint32, how string, score float64)) {
	cjk := mostlyCJK(n.Key)
	if cjk || utf8.RuneCountInString(strings.Join(n.Core, "")) < 2 {
		// In Chinese and Japanese one character is a word: 贵阳 and 沈阳 are
		// two cities, 青空 and 星空 two firms. A name in those scripts
		// matches only when it is the same once folded.
		return
	}
	type variant struct {
		toks             []string
		edits, coreEdits int
	}
	variants := []variant{{toks: n.Tokens}}
	for i, t := range n.Tokens {
		if l := utf8.RuneCountInString(t); l < 4 && !(cjk && l >= 3) {
			continue // too short to tell a typo from another word
		}
		for _, v := range m.x.neighbours(t) {
			toks := slices.Clone(n.Tokens)
			toks[i] = v
			ce := 0
			if !genericWords[t] && !genericWords[v] {
				ce = 1
			}
			variants = append(variants, variant{toks, 1, ce})
		}
	}
	seen := map[uint32]bool{}
	for _, v := range variants {
		var core []string
		for _, t := range v.toks {
			if !genericWords[t] {
				core = append(core, t)
			}
		}
		if len(core) == 0 {
			continue
		}
		key, qCore := strings.Join(v.toks, ""), strings.Join(core, "")
		cb := coreBound(qCore, cjk)
		if v.coreEdits > cb {
			continue
		}
		for _, id := range m.get(tagCore, coreSig(core)) {
			if seen[id] {
				continue
			}
			nm := m.name(id)
			if nm.Key == n.Key {
				continue // matched as normalised already
			}
			kb := keyBound(n.Key, nm.Key, cjk)
			d := v.edits + osa(key, nm.Key, kb)
			if d > kb || d == 0 {
				continue
			}
			if v.coreEdits+osa(qCore, strings.Join(nm.Core, ""), cb) > cb {
				continue
			}
			seen[id] = true
			longest := max(utf8.RuneCountInString(n.Key), utf8.RuneCountInString(nm.Key))
			hit(id, HowFuzzy, min(0.89, 1-float64(d)/float64(longest)))
		}
	}
}

// neighbours are the tokens of the vocabulary words within one edit of t
// (an insertion, a deletion, a substitution or a swap of neighbours), t
// excluded.
func (x *Index) neighbours(t string) []string {
	var out []string
	add := func(id uint32) {
		w, tok := x.word(id)
		if w == t || tok == t || slices.Contains(out, tok) || osa(t, w, 1) > 1 {
			return
		}
		out = append(out, tok)
	}
	for _, id := range x.deletes.get(hashOf(tagDeletion, t)) { // words with one more character
		add(id)
	}
	for _, d := range deletions(t) {
		if id, ok := x.wordID(d); ok { // words with one less
			add(id)
		}
		for _, id := range x.deletes.get(hashOf(tagDeletion, d)) { // one substituted or swapped
			add(id)
		}
	}
	return out
}

func coreSig(core []string) string {
	c := slices.Clone(core)
	slices.Sort(c)
	return strings.Join(c, " ")
}

// deletions are s with one character removed, each position in turn.
func deletions(s string) []string {
	rs := []rune(s)
	if len(rs) < 2 {
		return nil
	}
	out := make([]string, 0, len(rs))
	for i := range rs {
		out = append(out, string(rs[:i])+string(rs[i+1:]))
	}
	return out
}

// keyBound is the edit distance allowed between two whole keys: none for
// short names, growing with the longer one. A CJK character carries more
// than a Latin letter, so CJK keys allow fewer edits.
func keyBound(a, b string, cjk bool) int {
	n := max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	if cjk {
		switch {
		case n < 4:
			return 0
		case n < 8:
			return 1
		default:
			return 2
		}
	}
	switch {
	case n < 6:
		return 0
	case n < 10:
		return 1
	case n < 18:
		return 2
	default:
		return 3
	}
}

// coreBound is the edit distance allowed within the distinctive words.
func coreBound(core string, cjk bool) int {
	n := utf8.RuneCountInString(core)
	if cjk {
		switch {
		case n < 3:
			return 0
		case n < 7:
			return 1
		default:
			return 2
		}
	}
	switch {
	case n < 5:
		return 0
	case n < 10:
		return 1
	default:
		return 2
	}
}

func mostlyCJK(s string) bool {
	c, all := 0, 0
	for _, r := range s {
		all++
		if isCJK(r) {
			c++
		}
	}
	return all > 0 && 2*c >= all
}

// osa is the optimal string alignment distance between a and b (edits:
// insert, delete, substitute, swap two neighbours), or bound+1 as soon as
// it must exceed bound.
func osa(a, b string, bound int) int {
	if a == b {
		return 0
	}
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > bound || -d > bound {
		return bound + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > bound {
			return bound + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], bound+1)
}

package screen

import (
	"cmp"
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
type Index struct {
	mu       sync.RWMutex
	subjects []*Subject // nil once removed
	byCID    map[string]int32
	names    []indexedName

	ror     map[string][]int32 // bare ROR id → subjects
	exact   postings[string]   // Name.Exact → names
	key     postings[string]   // Name.Key → names
	sorted  postings[string]   // Name.Sorted → names
	acronym postings[string]   // Name.Acronym → names
	core    postings[string]   // sorted core tokens → names
	brand   postings[string]   // sorted tokens that are neither generic nor places → names
	deletes postings[uint64]   // hash of a word with one character deleted → words
	vocab   map[string]uint32  // every word of every name → its index in words
	strs    map[string]string  // interned strings that repeat across subjects
	words   [][2]string        // a word and the token it stands for
}

type indexedName struct {
	subject int32
	value   string
	key     string
	core    string   // core tokens joined without spaces
	tokens  []string // Name.Tokens
	generic int      // how many of its tokens are generic words
	cjk     bool
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{
		byCID: map[string]int32{}, ror: map[string][]int32{}, exact: newPostings[string](),
		key: newPostings[string](), sorted: newPostings[string](), acronym: newPostings[string](),
		core: newPostings[string](), brand: newPostings[string](), deletes: newPostings[uint64](), vocab: map[string]uint32{}, strs: map[string]string{},
	}
}

// Len is the number of subjects indexed.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byCID)
}

// Add indexes a subject; a CID already indexed is left as it is (a CID
// names its content).
func (x *Index) Add(s Subject) {
	// Every name, and the alternatives it holds ("X (NUDT)").
	type named struct {
		value string
		norm  Name
	}
	var norms []named
	for _, n := range s.Names {
		for _, alt := range Alternatives(n.Value) {
			nn := Normalise(alt)
			if !slices.ContainsFunc(norms, func(o named) bool { return o.norm.Exact == nn.Exact }) {
				norms = append(norms, named{n.Value, nn})
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
	if _, ok := x.byCID[s.CID]; ok {
		return
	}
	si := int32(len(x.subjects))
	// Severities, jurisdictions and mitigations repeat from indicator to
	// indicator: keep one copy of each.
	s.Severity, s.Jurisdiction, s.Mitigation = x.intern(s.Severity), x.intern(s.Jurisdiction), x.intern(s.Mitigation)
	x.subjects = append(x.subjects, &s)
	x.byCID[s.CID] = si
	if s.ROR != "" {
		x.ror[s.ROR] = append(x.ror[s.ROR], si)
	}
	for _, nd := range norms {
		n := nd.norm
		if n.Exact == "" {
			continue
		}
		id := uint32(len(x.names))
		x.names = append(x.names, indexedName{subject: si, value: nd.value, key: n.Key, core: strings.Join(n.Core, ""), tokens: n.Tokens, generic: len(n.Tokens) - len(n.Core), cjk: mostlyCJK(n.Key)})
		x.exact.add(n.Exact, id)
		if n.Generic() {
			continue // matched only as written
		}
		x.key.add(n.Key, id)
		x.sorted.add(n.Sorted, id)
		if n.Acronym != "" {
			x.acronym.add(n.Acronym, id)
		}
		x.core.add(coreSig(n.Core), id)
		if b := brandSig(n.Tokens); b != "" {
			x.brand.add(b, id)
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

// intern returns the one copy of s the index keeps. Called with x.mu held.
func (x *Index) intern(s string) string {
	if v, ok := x.strs[s]; ok {
		return v
	}
	x.strs[s] = s
	return s
}

// addWord puts a word, the token it stands for, and its one-deletion
// variants in the vocabulary.
func (x *Index) addWord(w, token string) {
	if _, ok := x.vocab[w]; ok {
		return
	}
	id := uint32(len(x.words))
	x.words = append(x.words, [2]string{w, token})
	x.vocab[w] = id
	for _, d := range deletions(w) {
		x.deletes.add(hashOf(d), id)
	}
}

// Remove drops a subject (its record was retracted). Its names stay in the
// maps but no longer match.
func (x *Index) Remove(cid string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if si, ok := x.byCID[cid]; ok {
		x.subjects[si] = nil
		delete(x.byCID, cid)
	}
}

// Match returns the subjects q matches, best first (score, then how, then
// CID), one hit per subject.
func (x *Index) Match(q Query) []Hit {
	x.mu.RLock()
	defer x.mu.RUnlock()
	best := map[int32]Hit{}
	note := func(si int32, h Hit) {
		s := x.subjects[si]
		if s == nil {
			return
		}
		h.Subject = s
		if old, ok := best[si]; ok && !better(h, old) {
			return
		}
		best[si] = h
	}
	if r, err := ParseROR(q.ROR); err == nil && r != "" {
		for _, si := range x.ror[r] {
			if s := x.subjects[si]; s != nil {
				note(si, Hit{Matched: firstName(s), How: HowROR, Score: 1})
			}
		}
	}
	n := Normalise(q.Name)
	if n.Exact != "" {
		x.matchName(n, func(id uint32, how string, score float64) {
			nm := x.names[id]
			note(nm.subject, Hit{Matched: nm.value, How: how, Score: score})
		})
	}
	country := CountryCode(q.Country)
	out := make([]Hit, 0, len(best))
	for _, h := range best {
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

// matchName finds the names n matches. Called with x.mu held.
func (x *Index) matchName(n Name, hit func(id uint32, how string, score float64)) {
	for _, id := range x.exact.get(n.Exact) {
		hit(id, HowExact, 1)
	}
	if n.Generic() {
		return // "University" alone names nobody
	}
	for _, id := range x.key.get(n.Key) {
		hit(id, HowNormalised, 0.95)
	}
	for _, id := range x.sorted.get(n.Sorted) {
		hit(id, HowNormalised, 0.9)
	}
	x.matchShort(n, hit)
	// An entry written in capitals as one word may be an acronym
	// ("NUDT" for "National University of Defense Technology").
	if n.Upper && len(n.Tokens) == 1 && utf8.RuneCountInString(n.Tokens[0]) >= 3 {
		for _, id := range x.acronym.get(n.Tokens[0]) {
			hit(id, HowAcronym, 0.75)
		}
	}
	x.matchFuzzy(n, hit)
}

// matchShort matches a name given by its distinctive words alone with one
// that adds only generic words and places to them, either way round:
// "Huawei" and "Huawei Technologies Co., Ltd.", "Hikvision" and "Hangzhou
// Hikvision Digital Technology Co., Ltd.", "China Mobile" and "China Mobile
// Communications Group", "华为" and "华为技术有限公司". All the shorter
// name's words are in the longer one, and at least one of them is neither a
// generic word, a place nor under four letters: "Beijing" does not match
// "Beijing Institute of Technology", nor "Beijing Institute" it.
func (x *Index) matchShort(n Name, hit func(id uint32, how string, score float64)) {
	b := brandSig(n.Tokens)
	if b == "" {
		return
	}
	for _, id := range x.brand.get(b) {
		nm := x.names[id]
		if nm.key == n.Key {
			continue
		}
		if shortOf(n.Tokens, nm.tokens) || shortOf(nm.tokens, n.Tokens) {
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
func (x *Index) matchFuzzy(n Name, hit func(id uint32, how string, score float64)) {
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
		for _, v := range x.neighbours(t) {
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
		for _, id := range x.core.get(coreSig(core)) {
			if seen[id] {
				continue
			}
			nm := x.names[id]
			if nm.key == n.Key {
				continue // matched as normalised already
			}
			kb := keyBound(n.Key, nm.key, cjk)
			d := v.edits + osa(key, nm.key, kb)
			if d > kb || d == 0 {
				continue
			}
			if v.coreEdits+osa(qCore, nm.core, cb) > cb {
				continue
			}
			seen[id] = true
			longest := max(utf8.RuneCountInString(n.Key), utf8.RuneCountInString(nm.key))
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
		w, tok := x.words[id][0], x.words[id][1]
		if w == t || tok == t || slices.Contains(out, tok) || osa(t, w, 1) > 1 {
			return
		}
		out = append(out, tok)
	}
	for _, id := range x.deletes.get(hashOf(t)) { // words with one more character
		add(id)
	}
	for _, d := range deletions(t) {
		if id, ok := x.vocab[d]; ok { // words with one less
			add(id)
		}
		for _, id := range x.deletes.get(hashOf(d)) { // one substituted or swapped
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

package node

import (
	"cmp"
	"encoding/json"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// The case table: what the secretariat's tables and the 相場感 view need of
// every readable indicator, method, sighting and facet — coarse fields only,
// no text — so that a query does not open envelopes. Every opened record is
// noted (applyFacts), on publish, on receipt and at start. A node may hold
// a million records, so a summary is kept small: its CID, two times, and
// small numbers that index tables of the categories, authors and sets of
// technology areas met so far. Summaries are values in fixed chunks, found
// by CID through a table of 32-bit positions (caseIndex), not a map of
// pointers: about 60 bytes a record besides the CID, where a map of
// *caseSummary cost about 120 (2026-11-29).

// Case states.
const (
	caseUnknown int32 = iota
	caseLive
	caseRetracted
)

// Record kinds a summary can stand for.
const (
	caseIndicator uint8 = iota + 1
	caseMethod
	caseSighting
)

var caseKinds = []string{"", share.KindIndicator, share.KindMethod, share.KindSighting}

// caseSummary is one record or facet in the case table.
type caseSummary struct {
	cid     string
	created int64 // the header's, Unix ms
	// state is unknown until the index is asked (Node.live), then live; a
	// retraction makes it retracted for good.
	state    atomic.Int32
	month    int32  // a facet's period, a record's month of publishing (policy.Month)
	author   uint32 // index in caseTable.strs
	category uint32 // index in caseTable.strs; 0 is none
	areas    uint32 // index in caseTable.areaSets; 0 is none
	kind     uint8  // caseIndicator, caseMethod, caseSighting (for a facet, the kind it summarises)
	facet    bool
	outcome  uint8 // index+1 in Outcomes; 0 is none
	mitig    uint8 // bit i set: policy.MitigationClassList()[i]
}

// parsedCase is the coarse fields of a record body, as text.
type parsedCase struct {
	facet       bool
	kind        string
	category    string
	techAreas   []string
	outcome     string
	mitigations []string // classes
	ref         string   // a sighting's record
	month       policy.Month
	link        string // a facet's
}

// summarise reads the coarse fields of a record body.
func summarise(kind string, body []byte) parsedCase {
	var b caseMembers
	_ = json.Unmarshal(body, &b) // the body was validated when it was opened or checked
	return caseOf(kind, &b)
}

// caseMembers are the members of a body the case table reads.
type caseMembers struct {
	ReasonCategory string   `json:"reason_category"`
	Tactic         string   `json:"tactic"`
	Category       string   `json:"category"`
	TechAreas      []string `json:"tech_areas"`
	Outcome        string   `json:"outcome"`
	Mitigations    []string `json:"mitigations"`
	Ref            string   `json:"ref"`
	RecordKind     string   `json:"record_kind"`
	Period         string   `json:"period"`
	Link           string   `json:"link"`
}

// caseOf is the summary of a record of kind whose body has the members b.
func caseOf(kind string, b *caseMembers) parsedCase {
	p := parsedCase{kind: kind, techAreas: b.TechAreas, outcome: b.Outcome, ref: b.Ref}
	switch kind {
	case share.KindIndicator:
		p.category = b.ReasonCategory
	case share.KindMethod:
		p.category = b.Tactic
		p.mitigations = policy.MitigationClasses(b.Mitigations)
	case share.KindFacet:
		p.facet, p.kind, p.category, p.mitigations, p.link = true, b.RecordKind, b.Category, b.Mitigations, b.Link
		p.month, _ = policy.ParseMonth(b.Period)
	}
	return p
}

// sighting is a sighting and the record it met: its category is that
// record's, looked up when it is read.
type sighting struct {
	s   *caseSummary
	ref string
}

// caseTable holds the summary of every record and facet this node has
// opened. Entries are only added; whether a record is live is kept in its
// state (Node.live).
type caseTable struct {
	self string // this node: only its own facets' links are kept

	mu       sync.RWMutex
	chunks   [][]caseSummary         // every summary, in the order added; a chunk is never moved
	count    int                     // summaries in chunks
	byCID    caseIndex               // positions in chunks, by CID
	links    map[string]*caseSummary // this node's own facets, by link
	strs     []string                // categories and authors; strs[0] = ""
	strIdx   map[string]uint32
	areaSets [][]string // sets of technology areas; areaSets[0] = none
	areaIdx  map[string]uint32
	facets   []*caseSummary
	byCat    map[uint32][]*caseSummary // indicators and methods, by category
	dirty    map[uint32]bool           // categories not in newest-first order
	sights   []sighting

	queue *backlog[caseNote] // summaries to add (facts.go); readers settle it first
}

// caseNote is a queued summary.
type caseNote struct {
	cid string
	c   *caseFacts
}

func newCaseTable(self string) *caseTable {
	t := &caseTable{self: self, links: map[string]*caseSummary{},
		strs: []string{""}, strIdx: map[string]uint32{"": 0}, areaSets: [][]string{nil}, areaIdx: map[string]uint32{"": 0},
		byCat: map[uint32][]*caseSummary{}, dirty: map[uint32]bool{}}
	t.queue = newBacklog(func(notes []caseNote) {
		t.mu.Lock()
		defer t.mu.Unlock()
		for _, nt := range notes {
			t.add(nt.cid, nt.c)
		}
	})
	return t
}

// str returns the index of s in strs, adding it. The caller holds mu.
func (t *caseTable) str(s string) uint32 {
	if i, ok := t.strIdx[s]; ok {
		return i
	}
	s = strings.Clone(s)
	t.strs = append(t.strs, s)
	t.strIdx[s] = uint32(len(t.strs) - 1)
	return uint32(len(t.strs) - 1)
}

// areaSet returns the index of a set of areas in areaSets, adding it. The
// caller holds mu.
func (t *caseTable) areaSet(areas []string) uint32 {
	k := strings.Join(areas, "\x00")
	if i, ok := t.areaIdx[k]; ok {
		return i
	}
	set := make([]string, len(areas))
	for i, a := range areas {
		set[i] = t.strs[t.str(a)]
	}
	t.areaSets = append(t.areaSets, set)
	t.areaIdx[k] = uint32(len(t.areaSets) - 1)
	return uint32(len(t.areaSets) - 1)
}

// note adds the summary of an opened record.
func (t *caseTable) note(cid string, h *share.Header, rec *share.Record) {
	if c := caseFactsOf(h, rec); c != nil {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.add(strings.Clone(cid), c)
	}
}

// noteAll queues the summaries of a batch of opened records.
func (t *caseTable) noteAll(batch []recordFacts) {
	var notes []caseNote
	for i := range batch {
		if c := batch[i].Case; c != nil {
			notes = append(notes, caseNote{batch[i].Row.CID, c})
		}
	}
	t.queue.push(notes...)
}

// add adds the summary of cid. The caller holds mu.
func (t *caseTable) add(cid string, c *caseFacts) {
	kind := uint8(slices.Index(caseKinds, c.Kind))
	if kind == 0 || kind == 255 {
		return
	}
	if _, ok := t.lookup(cid); ok {
		return
	}
	s := t.alloc()
	s.created, s.kind, s.facet, s.month = c.Created, kind, c.Facet, c.Month
	s.outcome = uint8(slices.Index(Outcomes, c.Outcome) + 1)
	classes := policy.MitigationClassList()
	for _, m := range c.Mitigations {
		if i := slices.Index(classes, m); i >= 0 {
			s.mitig |= 1 << i
		}
	}
	s.cid = cid // the caller's own copy (applyFacts), shared with the own-record map
	s.author, s.category, s.areas = t.str(c.Author), t.str(c.Category), t.areaSet(c.TechAreas)
	t.byCID.add(t, uint32(t.count-1))
	switch {
	case c.Facet:
		if c.Author == t.self {
			t.links[c.Link] = s
		}
		t.facets = append(t.facets, s)
	case kind == caseSighting:
		t.sights = append(t.sights, sighting{s, strings.Clone(c.Ref)})
	default:
		t.byCat[s.category] = append(t.byCat[s.category], s)
		t.dirty[s.category] = true
	}
}

// get returns the summary of cid. Summaries are never changed once added
// (but for their state), so the caller may read one without the lock.
func (t *caseTable) get(cid string) (*caseSummary, bool) {
	t.queue.settle()
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.lookup(cid)
}

// facetByLink returns this node's own facet with the given link.
func (t *caseTable) facetByLink(link string) (*caseSummary, bool) {
	t.queue.settle()
	t.mu.RLock()
	defer t.mu.RUnlock()
	s, ok := t.links[link]
	return s, ok
}

// retract marks the record cid retracted, if it is in the table. Both
// paths that retract a record (Node.retractOne, and applyRetraction for one
// received) call it.
func (t *caseTable) retract(cid string) {
	if s, ok := t.get(cid); ok {
		s.state.Store(caseRetracted)
	}
}

// caseNames reads a summary's numbers back as text. The tables it holds
// are only ever appended to, so a copy taken under the lock stays valid —
// for the summaries added before it: take the names after the summaries
// they are to read (a summary added since may name a newer string).
type caseNames struct {
	strs     []string
	areaSets [][]string
}

func (t *caseTable) names() caseNames {
	t.queue.settle()
	t.mu.RLock()
	defer t.mu.RUnlock()
	return caseNames{t.strs, t.areaSets}
}

func (c caseNames) category(s *caseSummary) string { return c.strs[s.category] }
func (c caseNames) author(s *caseSummary) string   { return c.strs[s.author] }
func (c caseNames) areas(s *caseSummary) []string  { return c.areaSets[s.areas] }

func outcomeOf(s *caseSummary) string {
	if s.outcome == 0 {
		return ""
	}
	return Outcomes[s.outcome-1]
}

func mitigationsOf(s *caseSummary) []string {
	var out []string
	for i, c := range policy.MitigationClassList() {
		if s.mitig&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// snapshot returns the facets held now, and the names that read them:
// taken under one lock, so that every string a facet names is in them.
func (t *caseTable) snapshot() ([]*caseSummary, caseNames) {
	t.queue.settle()
	t.mu.RLock()
	defer t.mu.RUnlock()
	return slices.Clip(t.facets), caseNames{t.strs, t.areaSets}
}

// all returns every summary held now.
func (t *caseTable) all() []*caseSummary {
	t.queue.settle()
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]*caseSummary, 0, t.count)
	for i := range t.count {
		out = append(out, t.at(uint32(i)))
	}
	return out
}

// ofCategory returns the indicators and methods of category, newest first,
// and every sighting. A category that changed is sorted once, into a new
// slice: a query still reading the old one is not disturbed.
func (t *caseTable) ofCategory(category string) (cases []*caseSummary, sightings []sighting) {
	t.queue.settle()
	t.mu.RLock()
	ci, known := t.strIdx[category]
	cases, sightings, dirty := slices.Clip(t.byCat[ci]), slices.Clip(t.sights), t.dirty[ci]
	t.mu.RUnlock()
	if !known {
		return nil, sightings
	}
	if !dirty {
		return cases, sightings
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dirty[ci] {
		sorted := slices.Clone(t.byCat[ci])
		slices.SortFunc(sorted, newestFirst)
		t.byCat[ci], t.dirty[ci] = sorted, false
	}
	return slices.Clip(t.byCat[ci]), slices.Clip(t.sights)
}

// newestFirst orders summaries by created time, newest first, then by CID.
func newestFirst(a, b *caseSummary) int {
	if c := cmp.Compare(b.created, a.created); c != 0 {
		return c
	}
	return strings.Compare(a.cid, b.cid)
}

// live reports whether the record of s is in the index and not retracted.
// A summary is noted when its envelope is opened, which may be before it is
// stored (or when it is never stored: a publish that failed, an envelope a
// pending retraction suppressed), so the index is asked until it lists the
// record; from then on the summary's own state answers.
func (n *Node) live(s *caseSummary) bool {
	switch s.state.Load() {
	case caseLive:
		return true
	case caseRetracted:
		return false
	}
	r, ok := n.index.Get(s.cid)
	if !ok {
		return false
	}
	if r.Retracted {
		s.state.Store(caseRetracted)
		return false
	}
	// A retraction between Get and here has stored caseRetracted, which
	// the swap leaves alone.
	s.state.CompareAndSwap(caseUnknown, caseLive)
	return s.state.Load() == caseLive
}

// caseChunk is the number of summaries in a chunk (192 KiB).
const caseChunk = 1 << 12

// alloc returns a new zero summary at position t.count-1. Chunks are
// allocated whole and never grown, so a *caseSummary handed out stays
// valid (and its state shared) as the table grows. The caller holds mu.
func (t *caseTable) alloc() *caseSummary {
	if t.count%caseChunk == 0 {
		t.chunks = append(t.chunks, make([]caseSummary, caseChunk))
	}
	s := &t.chunks[t.count/caseChunk][t.count%caseChunk]
	t.count++
	return s
}

// at returns the summary at position i. The caller holds mu.
func (t *caseTable) at(i uint32) *caseSummary { return &t.chunks[i/caseChunk][i%caseChunk] }

// lookup returns the summary of cid. The caller holds mu.
func (t *caseTable) lookup(cid string) (*caseSummary, bool) {
	i, ok := t.byCID.find(t, cid)
	if !ok {
		return nil, false
	}
	return t.at(i), true
}

// caseIndex finds a summary by CID: open addressing with linear probing
// over positions+1 (0 is an empty slot), at most 7/8 full. It holds no
// key: a slot's CID is the summary's own, so an entry costs 4 bytes and
// the slack, where a map[string]*caseSummary slot costs 24 and its slack.
type caseIndex struct {
	slots []uint32
	used  int
}

var caseSeed = maphash.MakeSeed()

func (x *caseIndex) find(t *caseTable, cid string) (uint32, bool) {
	if len(x.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(x.slots) - 1)
	for i := maphash.String(caseSeed, cid) & mask; x.slots[i] != 0; i = (i + 1) & mask {
		if p := x.slots[i] - 1; t.at(p).cid == cid {
			return p, true
		}
	}
	return 0, false
}

// add files position p, whose CID is not yet in the index.
func (x *caseIndex) add(t *caseTable, p uint32) {
	if 8*(x.used+1) > 7*len(x.slots) {
		old := x.slots
		x.slots = make([]uint32, max(1024, 2*len(old)))
		for _, q := range old {
			if q != 0 {
				x.put(t, q-1)
			}
		}
	}
	x.put(t, p)
	x.used++
}

func (x *caseIndex) put(t *caseTable, p uint32) {
	mask := uint64(len(x.slots) - 1)
	i := maphash.String(caseSeed, t.at(p).cid) & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = p + 1
}

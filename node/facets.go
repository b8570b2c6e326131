package node

import (
	"cmp"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// Facets: publishing an indicator, method or sighting also writes a facet
// record for the secretariat, in the same transaction (see withFacets). The
// facet carries the record's kind, category, technology areas, month,
// outcome and mitigation classes, and a link only the author can compute
// (crypto.Identity.FacetLink of the record's CID): never its title, text,
// names, identifiers or CID. Its header is coarsened too: TLP:AMBER to the
// group `secretariat` whatever the record's level, no caveats, and a created
// time of the first instant of its month, so that neither the header nor
// the time ties it to a record.

// facetReason is the reason a facet's retraction gives: the record's own
// reason may say more than the secretariat should read.
const facetReason = "the record it summarises was retracted"

// hasFacet reports whether a record of this kind summarises into a facet.
func hasFacet(kind string) bool {
	return kind == share.KindIndicator || kind == share.KindMethod || kind == share.KindSighting
}

// facetPolicy is the policy of every facet envelope.
var facetPolicy = policy.Policy{Level: policy.Amber, Audience: policy.Audience{Group: policy.GroupSecretariat}}

// withFacets extends a sealed batch with the facets of its records that
// policy allows one for (policy.HandlingOf: never TLP:RED, never with the
// no-facet caveat), sealed to the secretariat group's sender key. A roster
// with no secretariat gets no facets: nobody would read them. last[i] is the
// index in out of drafts[i]'s own envelope.
func (n *Node) withFacets(b *batch, drafts []*Draft, out []sealed, last []int) ([]sealed, error) {
	recips, err := policy.Recipients(n.roster(), facetPolicy, n.PeerID())
	if err != nil || len(recips) < 2 {
		return out, nil // no secretariat on the roster
	}
	now := time.Now()
	var plans []*sealPlan
	for i, d := range drafts {
		if !hasFacet(d.Record.Kind) || !policy.HandlingOf(d.Policy).Facet {
			continue
		}
		c, err := share.ParseCID(out[last[i]].entry.CID)
		if err != nil {
			return nil, err
		}
		body, err := n.facetBody(d.Record, now, n.home.Identity.FacetLink(c.Bytes()))
		if err != nil {
			return nil, fmt.Errorf("facet of %s: %w", out[last[i]].entry.CID, err)
		}
		ps, err := b.plan(share.KindFacet, body, nil, facetPolicy, recips)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.kind == share.KindFacet {
				p.created = policy.MonthOf(now).Start().UnixMilli()
			}
		}
		plans = append(plans, ps...)
	}
	if len(plans) == 0 {
		return out, nil
	}
	more, err := b.seal(plans)
	if err != nil {
		return nil, err
	}
	return append(out, more...), nil
}

// facetBody writes the facet of rec, published at t, with the given link.
func (n *Node) facetBody(rec *share.Record, t time.Time, link []byte) ([]byte, error) {
	s := summarise(rec.Kind, rec.Body)
	if rec.Kind == share.KindSighting {
		// A sighting's category and areas are those of the record it met,
		// when this node can read that record and that record's own policy
		// allows a facet: a sighting must not tell the secretariat the
		// category of a TLP:RED or no-facet record.
		if ref, ok := n.cases.get(s.ref); ok && n.refAllowsFacet(s.ref) {
			s.category, s.techAreas = ref.category, ref.techAreas
		}
	}
	f := map[string]any{
		"kind":        share.KindFacet,
		"record_kind": rec.Kind,
		"period":      policy.MonthOf(t).String(),
		"link":        hex.EncodeToString(link),
	}
	if s.category != "" {
		f["category"] = s.category
	}
	if len(s.techAreas) > 0 {
		f["tech_areas"] = s.techAreas
	}
	if s.outcome != "" {
		f["outcome"] = s.outcome
	}
	if len(s.mitigations) > 0 {
		f["mitigations"] = s.mitigations
	}
	body, err := json.Marshal(f) // maps marshal with sorted keys: the compact, sorted form
	if err != nil {
		return nil, err
	}
	if err := (&share.Record{Kind: share.KindFacet, Body: body}).Validate(); err != nil {
		return nil, err
	}
	return body, nil
}

// refAllowsFacet reports whether the record cid, as this node indexed it,
// has a policy that allows a facet.
func (n *Node) refAllowsFacet(cid string) bool {
	r, ok := n.index.Get(cid)
	if !ok || r.Retracted {
		return false
	}
	level, err := policy.ParseLevel(r.TLP)
	if err != nil {
		return false
	}
	return policy.HandlingOf(policy.Policy{Level: level, Caveats: r.Caveats}).Facet
}

// retractFacet retracts this node's facet of the record cid, if it wrote
// one: it finds it by computing the link again.
func (n *Node) retractFacet(cid string) error {
	c, err := share.ParseCID(cid)
	if err != nil {
		return err
	}
	link := hex.EncodeToString(n.home.Identity.FacetLink(c.Bytes()))
	f, ok := n.cases.facetByLink(n.PeerID(), link)
	if !ok {
		return nil
	}
	if !n.live(f) {
		return nil
	}
	_, err = n.retractOne(f.cid, facetReason)
	return err
}

// Retract withdraws one of this node's own records: a signed retraction goes
// into the same log (so it reaches exactly the same readers), the envelope is
// deleted from the store and a stub is kept so it cannot come back. The
// record's secretariat facet, if it has one, is retracted with it.
func (n *Node) Retract(cid, reason string) (string, error) {
	by, err := n.retractOne(cid, reason)
	if err != nil {
		return "", err
	}
	if err := n.retractFacet(cid); err != nil {
		return by, fmt.Errorf("record %s is retracted, but its secretariat facet is not: %w", cid, err)
	}
	return by, nil
}

// caseSummary is what the secretariat's tables and the 相場感 view need of
// one readable record or facet: coarse fields only, no text.
type caseSummary struct {
	cid         string
	kind        string // the record's kind; for a facet, the kind it summarises
	facet       bool
	author      string
	category    string
	techAreas   []string
	outcome     string
	mitigations []string // classes
	ref         string   // a sighting's record
	month       policy.Month
	link        string // a facet's link
	created     int64  // the header's, Unix ms

	// state is unknown until the index is asked (Node.live), then live; a
	// retraction makes it retracted for good.
	state atomic.Int32
}

// Case states.
const (
	caseUnknown int32 = iota
	caseLive
	caseRetracted
)

// summarise reads the coarse fields of a record body.
func summarise(kind string, body []byte) *caseSummary {
	var b struct {
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
	_ = json.Unmarshal(body, &b) // the body was validated when it was opened or checked
	s := &caseSummary{kind: kind, techAreas: b.TechAreas, outcome: b.Outcome, ref: b.Ref}
	switch kind {
	case share.KindIndicator:
		s.category = b.ReasonCategory
	case share.KindMethod:
		s.category = b.Tactic
		s.mitigations = policy.MitigationClasses(b.Mitigations)
	case share.KindFacet:
		s.facet, s.kind, s.category, s.mitigations, s.link = true, b.RecordKind, b.Category, b.Mitigations, b.Link
		s.month, _ = policy.ParseMonth(b.Period)
	}
	return s
}

// caseTable holds the summary of every record and facet this node has
// opened, by CID. Entries are only added: whether a record is still
// readable (not retracted, indeed stored) is asked of the index when the
// table is read (Node.live), so the table needs no hook on the paths that
// retract.
type caseTable struct {
	mu     sync.RWMutex
	byCID  map[string]*caseSummary
	links  map[string]*caseSummary // facets by author and link
	strs   map[string]string       // interned categories, areas, authors
	facets []*caseSummary
	byCat  map[string][]*caseSummary // indicators and methods, by category
	dirty  map[string]bool           // categories not in newest-first order
	sights []*caseSummary            // sightings: their category is their record's
}

func newCaseTable() *caseTable {
	return &caseTable{byCID: map[string]*caseSummary{}, links: map[string]*caseSummary{}, strs: map[string]string{},
		byCat: map[string][]*caseSummary{}, dirty: map[string]bool{}}
}

func (t *caseTable) intern(s string) string {
	if v, ok := t.strs[s]; ok {
		return v
	}
	s = strings.Clone(s)
	t.strs[s] = s
	return s
}

// note adds the summary of an opened record.
func (t *caseTable) note(cid string, h *share.Header, rec *share.Record) {
	if !hasFacet(h.Kind) && h.Kind != share.KindFacet {
		return
	}
	s := summarise(h.Kind, rec.Body)
	s.cid, s.author, s.created = strings.Clone(cid), h.Author, h.Created
	if !s.facet {
		s.month = policy.MonthOf(time.UnixMilli(h.Created))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.byCID[s.cid]; ok {
		return
	}
	s.author, s.category, s.outcome = t.intern(s.author), t.intern(s.category), t.intern(s.outcome)
	for i, a := range s.techAreas {
		s.techAreas[i] = t.intern(a)
	}
	for i, m := range s.mitigations {
		s.mitigations[i] = t.intern(m)
	}
	t.byCID[s.cid] = s
	if s.facet {
		t.links[s.author+"\x00"+s.link] = s
		t.facets = append(t.facets, s)
	} else if s.kind == share.KindSighting {
		t.sights = append(t.sights, s)
	} else {
		t.byCat[s.category] = append(t.byCat[s.category], s)
		t.dirty[s.category] = true
	}
}

// get returns the summary of cid. Summaries are never changed once added
// (but for their live mark), so the caller may read it without the lock.
func (t *caseTable) get(cid string) (*caseSummary, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	s, ok := t.byCID[cid]
	return s, ok
}

func (t *caseTable) facetByLink(author, link string) (*caseSummary, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	s, ok := t.links[author+"\x00"+link]
	return s, ok
}

// snapshot returns the facets held now. Summaries are never changed once
// added (but for their state), so they are safe to read without the lock.
func (t *caseTable) snapshot() []*caseSummary {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return slices.Clip(t.facets)
}

// ofCategory returns the indicators and methods of category, newest first,
// and every sighting. A category that changed is sorted once, into a new
// slice: a query still reading the old one is not disturbed.
func (t *caseTable) ofCategory(category string) (cases, sightings []*caseSummary) {
	t.mu.RLock()
	cases, sightings, dirty := slices.Clip(t.byCat[category]), slices.Clip(t.sights), t.dirty[category]
	t.mu.RUnlock()
	if !dirty {
		return cases, sightings
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dirty[category] {
		sorted := slices.Clone(t.byCat[category])
		slices.SortFunc(sorted, newestFirst)
		t.byCat[category], t.dirty[category] = sorted, false
	}
	return slices.Clip(t.byCat[category]), slices.Clip(t.sights)
}

// newestFirst orders summaries by created time, newest first, then by CID.
func newestFirst(a, b *caseSummary) int {
	if c := cmp.Compare(b.created, a.created); c != 0 {
		return c
	}
	return strings.Compare(a.cid, b.cid)
}

// retract marks the record cid retracted, if it is in the table. Both
// paths that retract a record (Node.retractOne, and applyRetraction for one
// received) call it.
func (t *caseTable) retract(cid string) {
	if s, ok := t.get(cid); ok {
		s.state.Store(caseRetracted)
	}
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

// repairFacets retracts the facets of this node's own retracted records
// that are still live: a record and its facet are retracted in two
// transactions, and a crash between them leaves the facet behind. It runs
// once the index is complete at start.
func (n *Node) repairFacets() error {
	var orphans []string
	err := n.store.Stubs(func(st store.Stub) error {
		if st.Author != n.PeerID() {
			return nil
		}
		env, err := share.Decode(st.Envelope)
		if err != nil || !hasFacet(env.Header.Kind) {
			return nil
		}
		orphans = append(orphans, st.CID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("failed to read retracted records: %w", err)
	}
	for _, cid := range orphans {
		if err := n.retractFacet(cid); err != nil {
			return fmt.Errorf("facet of retracted record %s: %w", cid, err)
		}
	}
	return nil
}

// afterIndexed runs once the index holds every stored record at start: it
// repairs facets left behind by a stop (repairFacets), then asks the index
// once, in the background, whether each summary's record is live, so that
// the first trends or similar query after a start does not.
func (n *Node) afterIndexed() {
	if err := n.repairFacets(); err != nil {
		n.log.Error("facet repair failed", "err", err)
	}
	go func() {
		all := n.cases.snapshot()
		n.cases.mu.RLock()
		for _, cs := range n.cases.byCat {
			all = append(all, cs...)
		}
		all = append(all, n.cases.sights...)
		n.cases.mu.RUnlock()
		for i, s := range all {
			if i%1024 == 0 {
				select {
				case <-n.closing:
					return
				default:
				}
			}
			n.live(s)
		}
	}()
}

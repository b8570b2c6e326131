package node

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	if err != nil {
		return nil, fmt.Errorf("the secretariat's facets: %w", err)
	}
	if len(recips) < 2 {
		return out, nil // no secretariat on the roster: only this node would read them
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
			names := n.cases.names()
			s.category, s.techAreas = names.category(ref), names.areas(ref)
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
	f, ok := n.cases.facetByLink(link)
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
		for i, s := range n.cases.all() {
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

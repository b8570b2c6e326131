package node

import (
	"fmt"
	"slices"
	"time"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// Sealing a batch happens in three steps. plan decides each envelope's key
// (starting a new sender-key epoch when a group's readers changed); the
// bodies are then sealed on all cores (a group record to its sender key's
// ursic-sk stanza, an HKDF and two ChaCha20-Poly1305 seals; a direct record
// and a senderkey record to each reader's X25519 recipient, one X25519 per
// reader); finally the envelopes are chained into their logs and signed, in
// order.

// headerPolicy is the policy part of an envelope header.
type headerPolicy struct {
	tlp      string
	audience []string
	caveats  []string
}

// sealPlan is one envelope to make.
type sealPlan struct {
	kind   string
	plain  []byte
	rec    *share.Record // nil for control records
	hp     headerPolicy
	group  string    // sender-key group for a group record; "" for direct sealing
	epoch  *ownEpoch // the epoch a group record uses, or a senderkey record hands out
	recips []age.Recipient
	body   []byte // sealed
	// created, if not 0, is the header's created time (Unix ms) instead of
	// now: a facet's is coarsened to its month.
	created int64
}

// sealed is an envelope made but not yet stored.
type sealed struct {
	entry store.Entry
	env   *share.Envelope
	facts *recordFacts // nil for control records
}

// batch is one publish or retract in the making.
type batch struct {
	n      *Node
	heads  map[string]logHead   // uncommitted heads of this node's logs
	epochs map[string]*ownEpoch // epochs started in this batch, by group
	prev   map[string]ownEpoch  // what they replaced, restored on abort
}

func (n *Node) newBatch() *batch {
	return &batch{n: n, heads: map[string]logHead{}, epochs: map[string]*ownEpoch{}, prev: map[string]ownEpoch{}}
}

// plan returns the envelopes for one record: for a group audience, sealed to
// this node's sender key for the group, preceded by a senderkey record when
// the group's readers differ from those of the current key (after a roster
// change: a removed member never receives a key made after its removal);
// for an explicit list, sealed to each reader directly.
func (b *batch) plan(kind string, plain []byte, rec *share.Record, p policy.Policy, readers []string) ([]*sealPlan, error) {
	n := b.n
	if err := checkReaders(readers); err != nil {
		return nil, err
	}
	hp := headerPolicy{tlp: p.Level.String(), audience: p.Audience.Strings(), caveats: p.Caveats}
	if p.Audience.Group == "" {
		recips, err := n.ageRecipients(readers)
		if err != nil {
			return nil, err
		}
		return []*sealPlan{{kind: kind, plain: plain, rec: rec, hp: hp, recips: recips}}, nil
	}
	group := p.Audience.Group
	var out []*sealPlan
	n.keys.mu.Lock()
	cur, ok := n.keys.own[group]
	n.keys.mu.Unlock()
	ep := &cur
	if pending := b.epochs[group]; pending != nil {
		ep, cur = pending, *pending // started earlier in this batch; its CID comes when it is signed
	}
	if !ok || !slices.Equal(cur.members, readers) || (b.epochs[group] == nil && n.keysChanged(cur, readers)) {
		k, err := crypto.NewGroupKey()
		if err != nil {
			return nil, err
		}
		ep = &ownEpoch{epoch: cur.epoch + 1, members: slices.Clone(readers), roster: n.rosterVersion(), key: k}
		body, err := share.NewSenderKeyBody(group, ep.epoch, ep.members, k).Marshal()
		if err != nil {
			return nil, err
		}
		recips, err := n.ageRecipients(readers)
		if err != nil {
			return nil, err
		}
		out = append(out, &sealPlan{kind: share.KindSenderKey, plain: body, hp: headerPolicy{tlp: hp.tlp, audience: []string{group}}, epoch: ep, recips: recips})
		n.keys.mu.Lock()
		if _, seen := b.prev[group]; !seen {
			b.prev[group] = cur
		}
		n.keys.own[group] = *ep
		n.keys.keys[senderKeyID{n.PeerID(), group, ep.epoch}] = k
		n.keys.mu.Unlock()
		b.epochs[group] = ep
	}
	// The ursic-sk stanza alone (SPEC.md §2.3): no X25519 stanza alongside,
	// which would cost every reader an X25519 again and which age refuses.
	out = append(out, &sealPlan{kind: kind, plain: plain, rec: rec, hp: hp, group: group, epoch: ep, recips: []age.Recipient{ep.key.Recipient()}})
	return out, nil
}

// checkReaders refuses to seal to more readers than one body can have
// (SPEC.md §2.3): age writes a file with more stanzas than it reads, so
// such a body would open for nobody, the author included. A roster holds
// at most share.MaxReaders members, so only a bug gets here.
func checkReaders(readers []string) error {
	if len(readers) > share.MaxReaders {
		return fmt.Errorf("this record would have %d readers, the author included; a record can be sealed to at most %d (narrow the audience)", len(readers), share.MaxReaders)
	}
	return nil
}

// abort forgets the sender-key epochs this batch started: their senderkey
// records were never stored.
func (b *batch) abort() {
	b.n.keys.mu.Lock()
	defer b.n.keys.mu.Unlock()
	for group, prev := range b.prev {
		if prev.key == nil {
			delete(b.n.keys.own, group)
		} else {
			b.n.keys.own[group] = prev
		}
	}
}

// seal seals every plan's body on all cores, then chains and signs the
// envelopes in order.
func (b *batch) seal(plans []*sealPlan) ([]sealed, error) {
	errs := make([]error, len(plans))
	parallel(len(plans), func(i int) {
		plans[i].body, errs[i] = crypto.Seal(plans[i].plain, plans[i].recips...)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	out := make([]sealed, 0, len(plans))
	for _, pl := range plans {
		key := share.KeyRef{Direct: true}
		if pl.group != "" {
			c, err := share.ParseCID(pl.epoch.cid)
			if err != nil {
				return nil, fmt.Errorf("sender key of %s epoch %d: %w", pl.group, pl.epoch.epoch, err)
			}
			key = share.KeyRef{Group: pl.group, Epoch: pl.epoch.epoch, SenderKey: c.Bytes()}
		}
		s, err := b.envelope(pl, key)
		if err != nil {
			return nil, err
		}
		if pl.kind == share.KindSenderKey {
			pl.epoch.cid = s.entry.CID
			b.n.keys.mu.Lock()
			if own := b.n.keys.own[pl.hp.audience[0]]; own.epoch == pl.epoch.epoch {
				own.cid = s.entry.CID
				b.n.keys.own[pl.hp.audience[0]] = own
			}
			b.n.keys.mu.Unlock()
		}
		out = append(out, s)
	}
	return out, nil
}

// envelope makes the next envelope of the plan's log around its sealed body.
func (b *batch) envelope(pl *sealPlan, key share.KeyRef) (sealed, error) {
	n := b.n
	logID := share.LogID(pl.hp.audience)
	head, ok := b.heads[logID]
	if !ok {
		if head, ok = n.heads[logID]; !ok {
			seq, c, err := n.store.Head(n.PeerID(), logID)
			if err != nil {
				return sealed{}, err
			}
			head = logHead{seq: seq, cid: c}
		}
	}
	h := share.Header{
		Kind:          pl.kind,
		Log:           logID,
		Seq:           head.seq + 1,
		Created:       time.Now().UnixMilli(),
		RosterVersion: n.rosterVersion(),
		TLP:           pl.hp.tlp,
		Audience:      pl.hp.audience,
		Caveats:       pl.hp.caveats,
		Key:           key,
	}
	if pl.created != 0 {
		h.Created = pl.created
	}
	if head.cid != "" {
		prev, err := share.ParseCID(head.cid)
		if err != nil {
			return sealed{}, err
		}
		h.Prev = prev.Bytes()
	}
	env, err := share.SealSigned(n.home.Identity, h, pl.body)
	if err != nil {
		return sealed{}, err
	}
	enc, err := env.Encode()
	if err != nil {
		return sealed{}, err
	}
	c := share.CIDOf(enc).String()
	s := sealed{entry: store.Entry{CID: c, Author: n.PeerID(), Log: logID, Seq: h.Seq, Prev: head.cid, Envelope: enc,
		Control: pl.kind == share.KindSenderKey}, env: env}
	if pl.kind != share.KindSenderKey {
		rec := pl.rec
		if rec == nil {
			if rec, err = share.ParseRecord(pl.plain); err != nil {
				return sealed{}, err
			}
		}
		f := n.factsOf(c, env, rec)
		s.facts = &f
	}
	b.heads[logID] = logHead{seq: h.Seq, cid: c}
	return s, nil
}

package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"filippo.io/age"

	"github.com/ursic/node/node/index"
	"github.com/ursic/node/node/store"
	"github.com/ursic/node/policy"
	"github.com/ursic/node/share"
)

// PublishOptions are the caller's choices for a publish. Flags override the
// policy a record file carries; what neither sets defaults to TLP:AMBER to
// the `members` group (DESIGN §10).
type PublishOptions struct {
	TLP                 string
	Audience            []string
	Caveats             []string
	ConfirmPersonalData bool
}

// Default policy when neither the flags nor the record say otherwise.
const (
	DefaultTLP      = "amber"
	DefaultAudience = "members"
)

// publishBatch is how many records share one durable transaction. One fsync
// per batch is what makes bulk publishing fast; a CID is reported only after
// its batch has committed.
const publishBatch = 256

// RecordError is a record that cannot be published, with where it is in the
// input and the guardrail findings, if any, that stopped it.
type RecordError struct {
	Line     int // 1-based line of the input; 0 for a single record
	Err      error
	Findings []policy.Finding
}

func (e *RecordError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return e.Err.Error()
}

func (e *RecordError) Unwrap() error { return e.Err }

// ErrNodeKind is returned for a record kind that the node writes itself.
var ErrNodeKind = errors.New("this kind is not published from a record file")

// Draft is a record ready to be sealed: parsed, checked against policy and
// the guardrails, and validated.
type Draft struct {
	Record     *share.Record
	Policy     policy.Policy
	Recipients []string
	Findings   []policy.Finding // flags the user confirmed, kept for the audit trail
}

// Check parses and checks one record without storing anything: the JSON, the
// kind, the policy (level and audience), the content guardrails and the
// kind's field rules, in that order. Any failure is a *RecordError.
func (n *Node) Check(data []byte, opt PublishOptions) (*Draft, error) {
	rec, err := share.ParseRecord(data)
	if err != nil {
		return nil, &RecordError{Err: err}
	}
	switch rec.Kind {
	case share.KindRetraction:
		return nil, &RecordError{Err: fmt.Errorf("%w: a retraction is made with `ursic retract CID --reason TEXT`, which also deletes the body", ErrNodeKind)}
	case share.KindFacet:
		return nil, &RecordError{Err: fmt.Errorf("%w: the node writes a record's facet for the secretariat itself", ErrNodeKind)}
	}
	p, err := n.policyFor(rec, opt)
	if err != nil {
		return nil, &RecordError{Err: err}
	}
	roster := n.roster()
	if err := p.Check(roster); err != nil {
		return nil, &RecordError{Err: err}
	}
	findings, err := policy.CheckContent(rec.Kind, rec.Body, opt.ConfirmPersonalData)
	if err != nil {
		return nil, &RecordError{Err: err, Findings: findings}
	}
	if err := rec.Validate(); err != nil {
		return nil, &RecordError{Err: err, Findings: findings}
	}
	recips, err := policy.Recipients(roster, p, n.PeerID())
	if err != nil {
		return nil, &RecordError{Err: err}
	}
	return &Draft{Record: rec, Policy: p, Recipients: recips, Findings: findings}, nil
}

func (n *Node) policyFor(rec *share.Record, opt PublishOptions) (policy.Policy, error) {
	tlp, aud, cav := DefaultTLP, []string{DefaultAudience}, []string(nil)
	if rec.Policy != nil {
		if rec.Policy.TLP != "" {
			tlp = rec.Policy.TLP
		}
		if len(rec.Policy.Audience) > 0 {
			aud = rec.Policy.Audience
		}
		cav = rec.Policy.Caveats
	}
	if opt.TLP != "" {
		tlp = opt.TLP
	}
	if len(opt.Audience) > 0 {
		aud = opt.Audience
	}
	if len(opt.Caveats) > 0 {
		cav = opt.Caveats
	}
	level, err := policy.ParseLevel(tlp)
	if err != nil {
		return policy.Policy{}, err
	}
	a, err := policy.ParseAudience(aud)
	if err != nil {
		return policy.Policy{}, err
	}
	return policy.Policy{Level: level, Audience: a, Caveats: cav}, nil
}

// Published is reported for each record once it is durable.
type Published struct {
	Index    int    // position in the input, from 0
	CID      string // the envelope's CID, base32
	BatchEnd bool   // the last record of a committed batch: a good moment to flush output
}

// Publish checks every record first and stores none unless all pass; then it
// seals, signs and stores them in batches, calling emit for each record only
// after the transaction holding it has committed. If emit fails, publishing
// stops; what was already emitted is durable.
func (n *Node) Publish(ctx context.Context, records [][]byte, opt PublishOptions, emit func(Published) error) error {
	drafts := make([]*Draft, len(records))
	for i, data := range records {
		d, err := n.Check(data, opt)
		if err != nil {
			var re *RecordError
			if errors.As(err, &re) && len(records) > 1 {
				re.Line = i + 1
			}
			return err
		}
		drafts[i] = d
	}
	n.pubMu.Lock()
	defer n.pubMu.Unlock()
	for start := 0; start < len(drafts); start += publishBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+publishBatch, len(drafts))
		cids, err := n.publishLocked(drafts[start:end])
		if err != nil {
			return err
		}
		for i, c := range cids {
			if err := emit(Published{Index: start + i, CID: c, BatchEnd: i == len(cids)-1}); err != nil {
				return err
			}
		}
	}
	return nil
}

// sealed is an envelope made but not yet stored.
type sealed struct {
	entry  store.Entry
	env    *share.Envelope
	plain  []byte
	row    *index.Row // nil for control records
	newKey bool       // a senderkey record precedes this one
	epoch  ownEpoch   // the sender key used, for group records
}

// publishLocked seals one batch, commits it in one transaction and indexes it.
func (n *Node) publishLocked(drafts []*Draft) ([]string, error) {
	heads := map[string]logHead{}
	var out []sealed
	var cids []string
	for _, d := range drafts {
		ss, err := n.seal(d.Record.Kind, d.Record.Body, d.Policy, d.Recipients, heads)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			if s.env.Header.Kind == share.KindSenderKey {
				// A new sender key: the node learns it as any reader would,
				// so its own later opens and restarts work the same way.
				if _, err := n.openEnvelope(s.env, s.entry.CID); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, ss...)
		cids = append(cids, ss[len(ss)-1].entry.CID)
	}
	if err := n.commit(out, heads); err != nil {
		return nil, err
	}
	return cids, nil
}

// commit stores sealed envelopes in one transaction, indexes them and
// pushes them to connected peers entitled to read them.
func (n *Node) commit(out []sealed, heads map[string]logHead) error {
	entries := make([]store.Entry, len(out))
	rows := make([]index.Row, 0, len(out))
	for i, s := range out {
		entries[i] = s.entry
		if s.row != nil {
			rows = append(rows, *s.row)
		}
	}
	if _, err := n.store.Put(entries...); err != nil {
		return fmt.Errorf("failed to store: %w", err)
	}
	for log, h := range heads {
		n.heads[log] = h
	}
	n.audit("publish", auditCIDs(entries))
	if err := n.index.Insert(rows); err != nil {
		return err
	}
	if n.net != nil {
		n.net.push(entries)
	}
	return nil
}

// headerPolicy is the policy part of an envelope header.
type headerPolicy struct {
	tlp      string
	audience []string
	caveats  []string
}

// seal makes the envelopes for one record: for a group audience, sealed to
// this node's sender key for the group (preceded by a new senderkey record
// when the group's readers changed); for an explicit list, sealed to each
// reader directly. heads holds the batch's uncommitted log heads.
func (n *Node) seal(kind string, body []byte, p policy.Policy, readers []string, heads map[string]logHead) ([]sealed, error) {
	hp := headerPolicy{tlp: p.Level.String(), audience: p.Audience.Strings(), caveats: p.Caveats}
	if p.Audience.Group == "" {
		recips, err := n.ageRecipients(readers)
		if err != nil {
			return nil, err
		}
		s, err := n.sealEnvelope(kind, body, share.KeyRef{Direct: true}, recips, hp, heads)
		if err != nil {
			return nil, err
		}
		return []sealed{s}, nil
	}
	var out []sealed
	gk, keyRecord, err := n.groupKeyFor(p.Audience.Group, hp.tlp, readers, heads)
	if err != nil {
		return nil, err
	}
	if keyRecord != nil {
		out = append(out, *keyRecord)
	}
	c, err := share.ParseCID(gk.cid)
	if err != nil {
		return nil, err
	}
	ref := share.KeyRef{Group: p.Audience.Group, Epoch: gk.epoch, SenderKey: c.Bytes()}
	s, err := n.sealEnvelope(kind, body, ref, []age.Recipient{gk.key.Recipient()}, hp, heads)
	if err != nil {
		return nil, err
	}
	s.newKey = keyRecord != nil
	s.epoch = gk
	return append(out, s), nil
}

// sealEnvelope builds the next envelope of the audience's log.
func (n *Node) sealEnvelope(kind string, body []byte, key share.KeyRef, recips []age.Recipient, hp headerPolicy, heads map[string]logHead) (sealed, error) {
	logID := share.LogID(hp.audience)
	head, ok := heads[logID]
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
		Kind:          kind,
		Log:           logID,
		Seq:           head.seq + 1,
		Created:       time.Now().UnixMilli(),
		RosterVersion: n.rosterVersion(),
		TLP:           hp.tlp,
		Audience:      hp.audience,
		Caveats:       hp.caveats,
		Key:           key,
	}
	if head.cid != "" {
		prev, err := share.ParseCID(head.cid)
		if err != nil {
			return sealed{}, err
		}
		h.Prev = prev.Bytes()
	}
	env, err := share.Seal(n.home.Identity, h, body, recips...)
	if err != nil {
		return sealed{}, err
	}
	enc, err := env.Encode()
	if err != nil {
		return sealed{}, err
	}
	c := share.CIDOf(enc).String()
	s := sealed{entry: store.Entry{CID: c, Author: n.PeerID(), Log: logID, Seq: h.Seq, Prev: head.cid, Envelope: enc}, env: env, plain: body}
	if kind != share.KindSenderKey {
		row, err := n.rowOf(c, env, body)
		if err != nil {
			return sealed{}, err
		}
		s.row = &row
	}
	heads[logID] = logHead{seq: h.Seq, cid: c}
	return s, nil
}

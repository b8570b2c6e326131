package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/policy/guard"
	"github.com/ursic/ursic/share"
)

// PublishOptions are the caller's choices for a publish. Flags override the
// policy a record file carries; what neither sets defaults to TLP:AMBER to
// the `members` group (docs/API.md, `ursic help`).
type PublishOptions struct {
	TLP                 string
	Audience            []string
	Caveats             []string
	ConfirmPersonalData bool
	// Again publishes a record even if this node published the same body
	// with the same policy before; by default that record's CID is reported
	// (Published.Existing), so that re-running an interrupted publish
	// publishes only what is missing.
	Again bool
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
	Findings []guard.Finding
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
	Findings   []guard.Finding // flags the user confirmed, kept for the audit trail
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
	findings, err := guard.CheckContent(rec.Kind, rec.Body, opt.ConfirmPersonalData)
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
	if err := checkReaders(recips); err != nil {
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
	Existing bool   // published before (same body and policy): CID is that record's, nothing was written
}

// Publish checks every record first and stores none unless all pass; then it
// seals, signs and stores them in batches, calling emit for each record only
// after the transaction holding it has committed. If emit fails, publishing
// stops; what was already emitted is durable.
func (n *Node) Publish(ctx context.Context, records [][]byte, opt PublishOptions, emit func(Published) error) error {
	drafts := make([]*Draft, len(records))
	errs := make([]error, len(records))
	parallel(len(records), func(i int) { drafts[i], errs[i] = n.Check(records[i], opt) })
	for i, err := range errs {
		if err != nil {
			var re *RecordError
			if errors.As(err, &re) && len(records) > 1 {
				re.Line = i + 1
			}
			return err
		}
	}
	if !opt.Again {
		// This node's own records are known once the index holds them all.
		if err := n.WaitIndexed(ctx); err != nil {
			return err
		}
	}
	digests := make([]recordDigest, len(drafts))
	for i, d := range drafts {
		digests[i] = n.own.digest(d.Record.Kind, d.Record.Body, d.Policy.Level.String(), d.Policy.Audience.Strings(), d.Policy.Caveats)
	}
	for start := 0; start < len(drafts); start += publishBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := n.checkNotRestoring(); err != nil {
			return err
		}
		end := min(start+publishBatch, len(drafts))
		out := make([]Published, end-start)
		var fresh []*Draft
		var freshAt []int
		for i := start; i < end; i++ {
			if c, ok := n.own.lookup(digests[i]); ok && !opt.Again && n.liveRecord(c) {
				out[i-start] = Published{Index: i, CID: c, Existing: true}
				continue
			}
			fresh, freshAt = append(fresh, drafts[i]), append(freshAt, i-start)
		}
		if len(fresh) > 0 {
			// The lock is taken per batch, so that a roster change (which
			// takes it too) waits for one batch at most, and the batches after
			// it are planned under the new roster.
			t0 := time.Now()
			n.pubMu.Lock()
			cids, err := n.publishLocked(fresh)
			n.pubMu.Unlock()
			if err != nil {
				return err
			}
			n.observePublish(t0)
			for j, c := range cids {
				at := freshAt[j]
				out[at] = Published{Index: start + at, CID: c}
				n.own.add(digests[start+at], c)
			}
		}
		out[len(out)-1].BatchEnd = true
		for _, p := range out {
			if err := emit(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// liveRecord reports whether cid is a record this node still holds, not
// retracted: re-publishing a withdrawn record publishes it anew.
func (n *Node) liveRecord(cid string) bool {
	r, ok := n.index.Get(cid)
	return ok && !r.Retracted
}

// publishLocked seals one batch, commits it in one transaction and indexes it.
// Recipients are decided again here, under the lock that roster changes also
// take, so that every envelope of the batch is sealed to the readers of the
// roster version its header names: a roster change during a long publish
// re-plans the batches after it.
func (n *Node) publishLocked(drafts []*Draft) ([]string, error) {
	roster := n.roster()
	for _, d := range drafts {
		recips, err := policy.Recipients(roster, d.Policy, n.PeerID())
		if err != nil {
			return nil, &RecordError{Err: fmt.Errorf("the roster changed while publishing: %w", err)}
		}
		d.Recipients = recips
	}
	var plans []*sealPlan
	last := make([]int, len(drafts)) // index in plans of each draft's own envelope
	b := n.newBatch()
	for i, d := range drafts {
		ps, err := b.plan(d.Record.Kind, d.Record.Body, d.Record, d.Policy, d.Recipients)
		if err != nil {
			b.abort()
			return nil, err
		}
		plans = append(plans, ps...)
		last[i] = len(plans) - 1
	}
	out, err := b.seal(plans)
	if err == nil {
		out, err = n.withFacets(b, drafts, out, last) // in the same transaction
	}
	if err == nil {
		err = n.commit(out, b.heads)
	}
	if err != nil {
		b.abort()
		return nil, err
	}
	cids := make([]string, len(drafts))
	for i, j := range last {
		cids[i] = out[j].entry.CID
	}
	return cids, nil
}

// commit stores sealed envelopes in one transaction, indexes them and
// pushes them to connected peers entitled to read them.
func (n *Node) commit(out []sealed, heads map[string]logHead) error {
	entries := make([]store.Entry, len(out))
	facts := make([]recordFacts, 0, len(out))
	for i, s := range out {
		entries[i] = s.entry
		if s.facts != nil {
			facts = append(facts, *s.facts)
		}
	}
	if _, err := n.store.Put(entries...); err != nil {
		return fmt.Errorf("failed to store: %w", err)
	}
	for log, h := range heads {
		n.heads[log] = h
	}
	n.audit("publish", auditCIDs(entries))
	if err := n.applyFacts(facts); err != nil {
		return err
	}
	envs, raws := make([]*share.Envelope, len(out)), make([][]byte, len(out))
	for i, s := range out {
		n.cat.Note(&s.env.Header)
		envs[i], raws[i] = s.env, s.entry.Envelope
	}
	if n.net != nil {
		n.net.push(envs, raws)
	}
	return nil
}

package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/text/width"
	"slices"
	"strings"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// RecordView is a record as the API and the CLI show it.
type RecordView = apiwire.RecordView

// Handling says what a reader may do with a record, from its TLP.
type Handling = apiwire.Handling

// ErrNotFound is returned for a CID this node does not hold or cannot read.
var ErrNotFound = errors.New("no such record on this node")

// rowOf makes the index row of an opened envelope.
// The plaintext comes from Envelope.Open, which has already checked that it
// is a valid record of the header's kind, so it is not parsed again here.
func (n *Node) rowOf(cid string, env *share.Envelope, plain []byte) (index.Row, error) {
	if env.Header.Kind == share.KindSenderKey || env.Header.Kind == share.KindRoster {
		return index.Row{}, fmt.Errorf("envelope %s: %s records are not listed", cid, env.Header.Kind)
	}
	return n.rowOfRecord(cid, env, &share.Record{Kind: env.Header.Kind, Body: plain}), nil
}

// factsOfPlain reads the facts of an opened envelope (see factsOf).
func (n *Node) factsOfPlain(cid string, env *share.Envelope, plain []byte) (recordFacts, error) {
	if env.Header.Kind == share.KindSenderKey || env.Header.Kind == share.KindRoster {
		return recordFacts{}, fmt.Errorf("envelope %s: %s records are not listed", cid, env.Header.Kind)
	}
	return n.factsOf(cid, env, &share.Record{Kind: env.Header.Kind, Body: plain}), nil
}

// rowOfRecord makes the index row of a record and its envelope. It writes
// no shared state (factsOf).
func (n *Node) rowOfRecord(cid string, env *share.Envelope, rec *share.Record) index.Row {
	b := readBody(cid, env.Header.Kind, rec.Body)
	return n.rowOfBody(cid, env, &b)
}

// rowOfBody makes the index row of a record whose body reads as b.
func (n *Node) rowOfBody(cid string, env *share.Envelope, b *bodyFacts) index.Row {
	h := env.Header
	row := index.Row{
		CID:           cid,
		Kind:          h.Kind,
		Author:        h.Author,
		AuthorName:    n.memberName(h.Author),
		Log:           h.Log,
		Seq:           h.Seq,
		TLP:           h.TLP,
		Audience:      h.Audience,
		Caveats:       h.Caveats,
		Created:       time.UnixMilli(h.Created).UTC(),
		RosterVersion: h.RosterVersion,
		Title:         b.title,
		ValidUntil:    validUntil(b.text.ValidUntil),
		ReviewDue:     parseDate(b.text.ReviewDue),
	}
	// The body itself is not kept in memory: Show opens the envelope again
	// (a fraction of a millisecond), which keeps a large node's index small.
	// The index searches the title and author name besides this text.
	row.Text = b.text.Text
	return row
}

// validUntil is the instant a record stops being valid: a date alone lasts
// to the end of that day (policy.ValidUntil decides how).
func validUntil(s string) time.Time {
	t, err := policy.ValidUntil(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseDate(s string) time.Time {
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func (n *Node) view(r index.Row, withBody bool) RecordView {
	now := time.Now()
	v := RecordView{
		CID: r.CID, Kind: r.Kind, Author: r.Author, AuthorName: r.AuthorName,
		TLP: r.TLP, Audience: r.Audience, Caveats: r.Caveats, Created: r.Created,
		Title: r.Title, Retracted: r.Retracted, RetractedBy: r.RetractedBy, RetractReason: r.RetractReason,
		Log: r.Log, Seq: r.Seq, RosterVersion: r.RosterVersion,
	}
	if v.Audience == nil {
		v.Audience = []string{}
	}
	if !r.ValidUntil.IsZero() {
		v.ValidUntil = r.ValidUntil.Format(time.RFC3339)
		v.Expired = r.ValidUntil.Before(now)
	}
	if !r.ReviewDue.IsZero() {
		v.ReviewDue = r.ReviewDue.Format(time.RFC3339)
		v.ReviewOverdue = r.ReviewDue.Before(now)
	}
	if withBody {
		level, err := policy.ParseLevel(r.TLP)
		if err == nil {
			var a policy.Audience
			a, err = policy.ParseAudience(r.Audience)
			if err == nil {
				h := policy.HandlingOf(policy.Policy{Level: level, Audience: a, Caveats: r.Caveats})
				v.Handling = &Handling{Reshare: h.Reshare, Exportable: h.Exportable, Facet: h.Facet}
			}
		}
		if err != nil {
			// Indexed rows passed these checks when they were stored.
			n.log.Error("an indexed record has no valid policy: shown without handling rules", "cid", r.CID, "err", err)
		}
		if !r.Retracted {
			body, err := n.bodyOf(r.CID)
			if err != nil {
				n.log.Error("cannot open a record listed in the index", "cid", r.CID, "err", err)
			}
			v.Body = body
		}
	}
	return v
}

// ListOptions filter [Node.List].
type ListOptions struct {
	Kind, TLP, Author, Text string
	All                     bool // include expired indicators
	Limit, Offset           int
}

// List returns the records this node can read, newest first, and how many
// match in all.
func (n *Node) List(opt ListOptions) ([]RecordView, int, error) {
	if opt.TLP != "" {
		level, err := policy.ParseLevel(opt.TLP)
		if err != nil {
			return nil, 0, err
		}
		opt.TLP = level.String()
	}
	if opt.Kind != "" && !slices.Contains(share.UserKinds(), opt.Kind) {
		return nil, 0, fmt.Errorf("%w %q (valid kinds: %s)", share.ErrUnknownKind, opt.Kind, strings.Join(share.UserKinds(), ", "))
	}
	if opt.Limit < 0 || opt.Offset < 0 {
		return nil, 0, errors.New("limit and offset must not be negative")
	}
	if opt.Author != "" {
		a, err := n.authorOf(opt.Author)
		if err != nil {
			return nil, 0, err
		}
		opt.Author = a
	}
	rows, total, err := n.index.List(index.Query{
		Kind: opt.Kind, TLP: opt.TLP, Author: opt.Author, Text: opt.Text,
		IncludeExpired: opt.All, Now: time.Now(), Limit: opt.Limit, Offset: opt.Offset,
	})
	if err != nil {
		return nil, 0, err
	}
	out := make([]RecordView, len(rows))
	for i, r := range rows {
		out[i] = n.view(r, false)
	}
	return out, total, nil
}

// ErrUnknownAuthor is returned for an author filter that names no member.
var ErrUnknownAuthor = errors.New("no member by that name or peer ID")

// authorOf turns an author filter — a peer ID, or a member's name (case and
// width insensitive, or a unique part of it) — into a peer ID.
func (n *Node) authorOf(s string) (string, error) {
	if policy.IsPeerID(s) {
		return s, nil
	}
	r := n.Roster()
	cands := map[string]string{n.PeerID(): n.home.Config.Name}
	if r != nil {
		for _, m := range r.Members {
			cands[m.PeerID] = m.Name
		}
	}
	want := foldName(s)
	var exact, partial []string
	for id, name := range cands {
		switch f := foldName(name); {
		case f == want:
			exact = append(exact, id)
		case strings.Contains(f, want):
			partial = append(partial, id)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], nil
	case len(exact) == 0 && len(partial) == 1:
		return partial[0], nil
	case len(exact)+len(partial) == 0:
		return "", fmt.Errorf("%w: %q (see `ursic roster show`)", ErrUnknownAuthor, s)
	}
	return "", fmt.Errorf("%w: %q names more than one member; give more of the name or the peer ID", ErrUnknownAuthor, s)
}

// foldName folds case and full-width forms, and spaces, so that 「京都大学」,
// "Kyoto University" and "ＫＹＯＴＯ University" compare as a person means.
func foldName(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(width.Fold.String(s))), " ")
}

// Show returns one record with its policy and body (no body if retracted).
func (n *Node) Show(cid string) (RecordView, error) {
	full, err := n.ResolveCID(cid)
	if err != nil {
		return RecordView{}, err
	}
	r, ok, err := n.lookupErr(full)
	if err != nil {
		return RecordView{}, err
	}
	if !ok {
		return RecordView{}, fmt.Errorf("%w: %s: it may not be addressed to this node, or not synced yet", ErrNotFound, cid)
	}
	v := n.view(r, true)
	if v.Body != nil {
		n.audit("open", r.CID) // every open by a user is audited (SECURITY.md)
	}
	return v, nil
}

// retractOne withdraws one of this node's own records (see [Node.Retract]).
func (n *Node) retractOne(cid, reason string) (string, error) {
	if strings.TrimSpace(reason) == "" {
		return "", errors.New("a retraction needs a reason (--reason TEXT)")
	}
	c, err := share.ParseCID(cid)
	if err != nil {
		return "", err
	}
	target, ok, err := n.lookupErr(c.String())
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("%w: %s", ErrNotFound, cid)
	}
	if target.Author != n.PeerID() {
		return "", fmt.Errorf("%w (author %s)", errNotAuthor, target.Author)
	}
	if target.Retracted {
		return "", fmt.Errorf("record %s is already retracted", cid)
	}
	body, err := json.Marshal(map[string]string{"kind": share.KindRetraction, "target": target.CID, "reason": reason})
	if err != nil {
		return "", err
	}
	rec, err := share.ParseRecord(body)
	if err != nil {
		return "", err
	}
	if err := rec.Validate(); err != nil {
		return "", err
	}
	level, err := policy.ParseLevel(target.TLP)
	if err != nil {
		return "", err
	}
	aud, err := policy.ParseAudience(target.Audience)
	if err != nil {
		return "", err
	}
	p := policy.Policy{Level: level, Audience: aud, Caveats: target.Caveats}

	n.pubMu.Lock() // the roster stays as it is until the retraction is stored
	defer n.pubMu.Unlock()
	if err := n.checkNotRestoring(); err != nil {
		return "", err
	}
	recips, err := policy.Recipients(n.roster(), p, n.PeerID())
	if err != nil {
		return "", err
	}
	b := n.newBatch()
	plans, err := b.plan(share.KindRetraction, rec.Body, rec, p, recips)
	if err != nil {
		b.abort()
		return "", err
	}
	ss, err := b.seal(plans)
	if err == nil && len(ss) > 1 {
		// The group's readers changed since the record: hand out the new
		// sender key first, in its own transaction.
		err = n.commit(ss[:1], map[string]logHead{})
	}
	if err != nil {
		b.abort()
		return "", err
	}
	heads := b.heads
	s := ss[len(ss)-1]
	stubEnv, err := n.stubOf(target.CID)
	if err != nil {
		return "", err
	}
	stub := store.Stub{CID: target.CID, RetractedBy: s.entry.CID, Reason: reason, At: time.Now().UTC(), Author: target.Author, Log: target.Log, Seq: target.Seq, Envelope: stubEnv}
	if err := n.store.Retract(s.entry, stub); err != nil {
		return "", fmt.Errorf("failed to store the retraction: %w", err)
	}
	for log, h := range heads {
		n.heads[log] = h
	}
	n.audit("retract", target.CID+" by "+s.entry.CID)
	if err := n.applyFacts([]recordFacts{*s.facts}); err != nil {
		return "", err
	}
	n.cases.retract(target.CID)
	if err := n.index.Retract(target.CID, s.entry.CID, reason); err != nil {
		return "", err
	}
	n.log.Info("record retracted", "cid", target.CID, "by", s.entry.CID)
	n.cat.Note(&s.env.Header)
	if n.net != nil {
		n.net.push([]*share.Envelope{s.env}, [][]byte{s.entry.Envelope})
	}
	return s.entry.CID, nil
}

// MinCIDPrefix is the shortest abbreviation of a CID that ResolveCID accepts.
const MinCIDPrefix = 12

// ErrAmbiguousCID is returned for an abbreviated CID that names more than one record.
var ErrAmbiguousCID = errors.New("the abbreviated CID names more than one record")

// ResolveCID turns what a person typed into a full CID: a CID in any case,
// or a unique prefix of at least MinCIDPrefix characters of one this node
// lists.
func (n *Node) ResolveCID(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if c, err := share.ParseCID(s); err == nil {
		return c.String(), nil
	} else if len(s) < MinCIDPrefix || len(s) >= 59 {
		return "", err
	}
	switch m := n.index.WithPrefix(s, 2); len(m) {
	case 0:
		return "", fmt.Errorf("%w: no record this node lists begins with %s: it may not be addressed to this node, or not synced yet", ErrNotFound, s)
	case 1:
		return m[0], nil
	default:
		return "", fmt.Errorf("%w: %s matches %s, %s and perhaps more; give more characters", ErrAmbiguousCID, s, m[0], m[1])
	}
}

// Envelope returns the stored bytes of the envelope cid (ciphertext, as it
// travels): the record's own, a retracted record's stub, or an equivocating
// copy kept as evidence.
func (n *Node) Envelope(cid string) ([]byte, error) {
	raw, err := n.store.Get(cid)
	var re *store.RetractedError
	if errors.As(err, &re) && len(re.Stub.Envelope) > 0 {
		return re.Stub.Envelope, nil
	}
	return raw, err
}

// Status is a summary of the node for `ursic status`.
type Status = apiwire.Status

// Status reports counts from the store and the index.
func (n *Node) Status() (Status, error) {
	st, err := n.store.Stats()
	if err != nil {
		return Status{}, err
	}
	s := Status{
		PeerID: n.PeerID(), Name: n.home.Config.Name, Role: n.home.Config.Role,
		Records: n.index.Live(), Envelopes: st.Records, Retracted: st.Stubs, Logs: st.Logs,
		RosterVersion: n.rosterVersion(), Equivocations: st.Equivocations,
		Started: n.started.UTC(), API: n.home.Config.API, Unreadable: n.unreadable.Load(),
		IndexReady: n.IndexReady(), RosterFork: n.RosterForks(), AuditTampered: n.AuditTampered(), Restoring: n.restoring.Load(),
	}
	if n.net != nil {
		s.PeersConnected = len(n.Peers())
		s.Rejected = n.net.stats.rejectedEnvelopes.Load() + n.net.stats.rejectedMessages.Load()
		s.RefusedPeers = n.net.stats.refusedAtHandshake.Load()
		s.Addrs = n.Addrs()
	}
	return s, nil
}

// errNotAuthor is returned when retracting someone else's record.
var errNotAuthor = errors.New("only the author of a record can retract it")

// stored reads and decodes a stored envelope.
func (n *Node) stored(cid string) (*share.Envelope, error) {
	raw, err := n.store.Get(cid)
	if err != nil {
		return nil, err
	}
	return share.Decode(raw)
}

// bodyOf opens a stored envelope and returns its plaintext body.
func (n *Node) bodyOf(cid string) (json.RawMessage, error) {
	env, err := n.stored(cid)
	if err != nil {
		return nil, err
	}
	plain, err := n.openEnvelope(env, cid)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(plain), nil
}

// lookup finds a record's index row; while the index is still being built
// at start, it opens the record straight from the store instead. A store
// that cannot be read is logged, never taken for "no such record"; callers
// that can report it use lookupErr.
func (n *Node) lookup(cid string) (index.Row, bool) {
	r, ok, err := n.lookupErr(cid)
	if err != nil {
		n.log.Error("cannot read a record from the store", "cid", cid, "err", err)
	}
	return r, ok
}

// lookupErr is lookup with the store's errors: ok is false with a nil error
// only when the node holds no record under cid that it may read.
func (n *Node) lookupErr(cid string) (index.Row, bool, error) {
	if r, ok := n.index.Get(cid); ok || n.IndexReady() {
		return r, ok, nil
	}
	st, err := n.store.Stub(cid)
	if err != nil {
		return index.Row{}, false, fmt.Errorf("failed to read the stub of %s: %w", cid, err)
	}
	if st != nil {
		r, ok := n.stubRow(*st)
		return r, ok, nil
	}
	env, err := n.stored(cid)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrRetracted) {
		return index.Row{}, false, nil
	}
	if err != nil {
		return index.Row{}, false, fmt.Errorf("failed to read %s from the store: %w", cid, err)
	}
	plain, err := n.openEnvelope(env, cid)
	if errors.Is(err, crypto.ErrNotRecipient) || errors.Is(err, ErrNoSenderKey) {
		return index.Row{}, false, nil // held for relaying, not ours to read
	}
	if err != nil {
		return index.Row{}, false, fmt.Errorf("failed to open %s: %w", cid, err)
	}
	r, err := n.rowOf(cid, env, plain)
	if err != nil {
		return index.Row{}, false, err
	}
	return r, true, nil
}

package receive

import (
	"strconv"
	"strings"
	"sync"

	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// Rosters gives the policy view of the roster at version v, or nil when v is
// 0 (written before any roster) or a version this node does not hold.
type Rosters interface {
	View(v uint64) *policy.Roster
}

// Entitlement answers "may peer P hold envelope E?" for every envelope, from
// E's header and the roster at E's roster version. Headers with the same
// author, policy and roster version form a class and share one decision per
// peer, so a log of a million entries costs a map lookup each.
type Entitlement struct {
	rosters Rosters

	mu      sync.Mutex
	classes map[string]*class
}

// NewEntitlement decides over the roster versions rosters gives.
func NewEntitlement(rosters Rosters) *Entitlement {
	return &Entitlement{rosters: rosters, classes: map[string]*class{}}
}

// maxClasses bounds the classes kept: honest logs have a handful each.
const maxClasses = 1 << 16

// class is every header with one author, policy and roster version.
type class struct {
	author  string
	version uint64
	pol     policy.Policy
	valid   bool // the header's policy parsed

	mu    sync.Mutex
	peers map[string]bool
}

// classOf interns h's class.
func (e *Entitlement) classOf(h *share.Header) *class {
	var b strings.Builder
	b.WriteString(h.Author)
	b.WriteByte(0)
	b.WriteString(h.TLP)
	b.WriteByte(0)
	b.WriteString(strings.Join(h.Audience, ","))
	b.WriteByte(0)
	b.WriteString(strings.Join(h.Caveats, ","))
	b.WriteByte(0)
	b.WriteString(strconv.FormatUint(h.RosterVersion, 10))
	key := b.String()
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.classes[key]; ok {
		return c
	}
	c := &class{author: h.Author, version: h.RosterVersion, peers: map[string]bool{}}
	if p, err := PolicyOf(h); err == nil {
		c.pol, c.valid = p, true
	}
	if len(e.classes) < maxClasses {
		// Past the cap (only a peer making up audiences gets there) a class is
		// decided afresh each time rather than kept.
		e.classes[key] = c
	}
	return c
}

// MayHold reports whether peer may hold (receive, store, serve) the envelope
// with header h: [policy.MayHold] over the roster at h's version.
func (e *Entitlement) MayHold(h *share.Header, peer string) bool {
	return e.mayHold(e.classOf(h), peer)
}

// MayRelay reports whether relayer may pass the envelope with header h to
// peer to ([policy.MayRelay]).
func (e *Entitlement) MayRelay(h *share.Header, relayer, to string) bool {
	c := e.classOf(h)
	return e.mayHold(c, relayer) && e.mayHold(c, to)
}

func (e *Entitlement) mayHold(c *class, peer string) bool {
	c.mu.Lock()
	ok, seen := c.peers[peer]
	c.mu.Unlock()
	if seen {
		return ok
	}
	ok = c.valid && policy.MayHold(e.view(c.version), c.pol, c.author, peer)
	if c.version != 0 && e.view(c.version) == nil {
		// A roster version not held yet: deny now, decide again once it is.
		return ok
	}
	c.mu.Lock()
	c.peers[peer] = ok
	c.mu.Unlock()
	return ok
}

func (e *Entitlement) view(v uint64) *policy.Roster {
	if v == 0 {
		return nil
	}
	return e.rosters.View(v)
}

// PolicyOf is the policy a header carries in the clear.
func PolicyOf(h *share.Header) (policy.Policy, error) {
	level, err := policy.ParseLevel(h.TLP)
	if err != nil {
		return policy.Policy{}, err
	}
	a, err := policy.ParseAudience(h.Audience)
	if err != nil {
		return policy.Policy{}, err
	}
	return policy.Policy{Level: level, Audience: a, Caveats: h.Caveats}, nil
}

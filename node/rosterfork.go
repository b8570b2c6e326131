package node

// Roster fork detection (share/SPEC.md §7.3). With a threshold of at most
// half the executives, two groups of executives can each sign a valid
// version v+1 of the same version v: two branches. Nodes that took
// different branches must not go on syncing as if they agreed on who is a
// member, so every Hello's roster hash is compared with this node's hash
// of that version; a disagreement is a fork with that peer. While it lasts
// the node keeps its own chain, takes no roster, pulls nothing and accepts
// no envelope from the peer, and sends it nothing. It ends when a later
// Hello of the peer names this node's hash again (its operator re-set it
// onto this branch, or this node was re-set onto the peer's).
//
// The decision is forkState, a pure function; the rest of this file keeps
// one record per peer and is called from the sync protocol at a few points:
// noteHello where a Hello arrives, noteOfferedRoster where a roster offered
// by a peer is refused, refuseForked before a request is served, and
// rosterForked where a pull starts, where a Hello's heads are chosen and
// where a push picks its peers.

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/share"
)

// RosterFork is a peer on another branch of the roster chain: for roster
// Version it holds the roster with hash Theirs, where this node holds Ours.
// `ursic status` lists them under roster_fork.
type RosterFork = apiwire.RosterFork

// rosterClaim is what a peer said about its chain: its roster version
// Version has hash Hash. A Hello claims (r, rh); a roster document offered
// by the peer claims (version − 1, prev).
type rosterClaim struct {
	Version uint64
	Hash    string
}

// forkState decides whether a peer is on another branch, from its latest
// claim and ours, this node's hash of claim.Version ("" if this node does
// not hold that version). was is the peer's fork before the claim, or nil.
//
//   - A claim of no roster (version 0 or no hash) says nothing: was stands.
//   - A claim about a version this node does not hold (the peer is ahead)
//     cannot be judged here: was stands. A peer on this branch is then
//     asked for the versions between, and the first one whose prev differs
//     from ours is judged as a claim of its own; a peer already on another
//     branch is not asked, so its fork stands until it claims a version this
//     node holds with this node's hash.
//   - The same hash: the peer is on this node's branch; no fork.
//   - Another hash: a fork at claim.Version, dated from when it was first
//     seen with this peer.
func forkState(ours string, claim rosterClaim, was *RosterFork, now time.Time) *RosterFork {
	switch {
	case claim.Version == 0 || claim.Hash == "" || ours == "":
		return was
	case claim.Hash == ours:
		return nil
	case was != nil && was.Version == claim.Version && was.Ours == ours && was.Theirs == claim.Hash:
		return was
	}
	f := &RosterFork{Version: claim.Version, Ours: ours, Theirs: claim.Hash, Since: now.UTC()}
	if was != nil {
		f.Peer, f.Name, f.Since = was.Peer, was.Name, was.Since
	}
	return f
}

// errRosterFork stops a pull from a peer on another roster branch.
var errRosterFork = errors.New("the peer is on another branch of the roster chain: not syncing with it")

// rosterForks is the node's fork record per peer, with the last claim each
// peer made, so that a newly installed roster can be judged against it.
type rosterForks struct {
	mu    sync.Mutex
	peers map[string]*peerChain
}

type peerChain struct {
	claim rosterClaim
	fork  *RosterFork
}

// noteHello judges the roster a peer's Hello names.
func (n *Node) noteHello(p peer.ID, h *share.Hello) {
	if h == nil {
		return
	}
	n.judgeClaim(p.String(), rosterClaim{Version: h.RosterVersion, Hash: h.RosterHash}, true)
}

// noteOfferedRoster judges a roster that p offered and this node refused:
// if its prev is not this node's hash of the version before, p's chain has
// diverged from ours.
func (n *Node) noteOfferedRoster(p peer.ID, r *share.Roster) {
	if r == nil || r.Version < 2 {
		return
	}
	n.judgeClaim(p.String(), rosterClaim{Version: r.Version - 1, Hash: r.Prev}, false)
}

// judgeClaim records a peer's claim (a Hello's, when hello is set), decides
// with forkState and reports a change to the operator.
func (n *Node) judgeClaim(p string, claim rosterClaim, hello bool) {
	n.rmu.RLock()
	ours := n.chain.hashAt(claim.Version)
	n.rmu.RUnlock()
	n.forks.mu.Lock()
	if n.forks.peers == nil {
		n.forks.peers = map[string]*peerChain{}
	}
	pc := n.forks.peers[p]
	if pc == nil {
		pc = &peerChain{}
		n.forks.peers[p] = pc
	}
	if hello {
		pc.claim = claim
	}
	was := pc.fork
	pc.fork = forkState(ours, claim, was, time.Now())
	if pc.fork != nil {
		pc.fork.Peer = p
	}
	now := pc.fork
	n.forks.mu.Unlock()
	n.reportFork(p, was, now)
}

// reportFork logs and audits a change of a peer's fork state.
func (n *Node) reportFork(p string, was, now *RosterFork) {
	switch {
	case now == was:
	case now != nil:
		n.log.Error("ROSTER FORK: a peer holds another valid roster of the same version; "+
			"not syncing with it until a later roster version resolves the fork (docs/ROSTER-FORKS.md)",
			"peer", p, "name", n.memberName(p), "version", now.Version, "ours", now.Ours, "theirs", now.Theirs)
		n.audit("roster-fork", fmt.Sprintf("peer %s holds roster version %d hash %s; this node holds hash %s", p, now.Version, now.Theirs, now.Ours))
	default:
		n.log.Warn("roster fork resolved: the peer is on this node's roster branch again", "peer", p, "name", n.memberName(p), "version", was.Version)
		n.audit("roster-fork-resolved", fmt.Sprintf("peer %s holds this node's roster again (fork at version %d)", p, was.Version))
	}
}

// recheckRosterForks judges every peer's last Hello again after this node
// installed roster r, and forgets peers that are no longer members.
func (n *Node) recheckRosterForks(r *share.Roster) {
	type change struct {
		p        string
		was, now *RosterFork
	}
	var changes []change
	n.rmu.RLock()
	n.forks.mu.Lock()
	for p, pc := range n.forks.peers {
		if _, ok := r.Member(p); !ok {
			delete(n.forks.peers, p)
			continue
		}
		was := pc.fork
		pc.fork = forkState(n.chain.hashAt(pc.claim.Version), pc.claim, was, time.Now())
		if pc.fork != nil {
			pc.fork.Peer = p
		}
		changes = append(changes, change{p, was, pc.fork})
	}
	n.forks.mu.Unlock()
	n.rmu.RUnlock()
	for _, c := range changes {
		n.reportFork(c.p, c.was, c.now)
	}
}

// rosterForked reports whether peerID is on another roster branch.
func (n *Node) rosterForked(peerID string) bool {
	n.forks.mu.Lock()
	defer n.forks.mu.Unlock()
	pc := n.forks.peers[peerID]
	return pc != nil && pc.fork != nil
}

// RosterForks lists the peers on another roster branch, by peer ID.
func (n *Node) RosterForks() []RosterFork {
	n.forks.mu.Lock()
	var out []RosterFork
	for _, pc := range n.forks.peers {
		if pc.fork != nil {
			out = append(out, *pc.fork)
		}
	}
	n.forks.mu.Unlock()
	for i := range out {
		out[i].Name = n.memberName(out[i].Peer)
	}
	slices.SortFunc(out, func(a, b RosterFork) int { return cmpString(a.Peer, b.Peer) })
	return out
}

// refuseForked answers a request from a peer on another roster branch as
// if the peer were entitled to nothing, and reports whether it did: a
// range is answered empty, like a log the peer may not read; a roster
// request with no rosters; a push is dropped unread. A Hello is always
// answered (with no heads), since the next Hello is how a fork ends.
func (nw *federation) refuseForked(s network.Stream, p peer.ID, m *share.Message) bool {
	if m.Hello != nil || !nw.n.rosterForked(p.String()) {
		return false
	}
	switch {
	case m.GetRange != nil:
		share.WriteMessage(s, &share.Message{Envelopes: &share.Envelopes{}})
	case m.GetRosters != nil:
		share.WriteMessage(s, &share.Message{Rosters: &share.Rosters{}})
	case m.Envelopes != nil:
		nw.n.log.Debug("dropped a push from a peer on another roster branch", "peer", p.String(), "envelopes", len(m.Envelopes.Envs))
	default:
		return false
	}
	return true
}

package node

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"golang.org/x/time/rate"

	"github.com/ursic/ursic/node/p2p"
	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/share"
)

// SyncProtocol is the libp2p protocol ID of record sync (share/SPEC.md).
const SyncProtocol = protocol.ID("/ursic/sync/1.0.0")

// Timing of the network's background work. Anti-entropy catches anything a
// push missed; redial brings back peers that were away.
const (
	redialEvery      = 2 * time.Second
	antiEntropyEvery = 10 * time.Second
	dialTimeout      = 5 * time.Second
	streamTimeout    = 2 * time.Minute
)

// PeerInfo is a connected peer, for `ursic peers`.
type PeerInfo struct {
	PeerID string    `json:"peer_id"`
	Name   string    `json:"name"`
	Role   string    `json:"role"`
	Addrs  []string  `json:"addrs"`
	Since  time.Time `json:"since"`
}

// federation is the node's libp2p side: the host, the gate, connected peers and
// the sync sessions with them.
type federation struct {
	n      *Node
	host   host.Host
	gate   *p2p.Gate
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	closed   bool // set by close; spawn starts nothing after it
	since    map[peer.ID]time.Time
	sessions map[peer.ID]bool // a pull session is running
	kick     map[peer.ID]chan struct{}
	limits   map[peer.ID]*rate.Limiter // stream rate per peer
	pushes   map[peer.ID]*rate.Limiter // pushed envelopes per peer
	pulls    map[peer.ID]*sync.Mutex   // one pull per peer at a time
	// The latest Hello of each peer whose pull after a Hello is running
	// (afterHello), and which peers have one running.
	hellos     map[peer.ID]*share.Hello
	helloPulls map[peer.ID]bool
	forged     map[peer.ID]*rate.Limiter // budget of forged envelopes per peer
	benches    map[peer.ID]time.Time     // peers whose streams are refused until then

	checker *receive.Checker

	stats netStats
}

// netStats counts what peers did wrong, per kind; reported by status and /metrics.
type netStats struct {
	refusedAtHandshake atomic.Int64
	rejectedEnvelopes  atomic.Int64
	rejectedMessages   atomic.Int64
	equivocations      atomic.Int64
	received           atomic.Int64
	pushed             atomic.Int64

	mu      sync.Mutex
	reasons map[string]int64  // rejections by reason, for /metrics
	lag     map[string]uint64 // entries each peer's last Hello offered beyond what this node held after the pull
}

// rejection counts one rejection for reason.
func (s *netStats) rejection(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reasons == nil {
		s.reasons = map[string]int64{}
	}
	s.reasons[reason]++
}

// Start brings the node onto the network: a libp2p host on the configured
// addresses, the roster gate, the sync protocol, and dialling of every other
// member. Without a roster the node listens but admits nobody.
func (n *Node) Start(ctx context.Context) error {
	if n.net != nil {
		return fmt.Errorf("node already started")
	}
	nw := &federation{n: n, since: map[peer.ID]time.Time{}, sessions: map[peer.ID]bool{}, kick: map[peer.ID]chan struct{}{},
		checker: receive.NewChecker(n.PeerID(), n.ent, n.store)}
	nw.gate = p2p.NewGate(func(p peer.ID, dir network.Direction) {
		nw.stats.refusedAtHandshake.Add(1)
		n.log.Warn("refused a peer that is not on the roster", "peer", p.String(), "direction", dir.String())
	})
	h, err := p2p.NewHost(p2p.Config{Key: n.home.Identity.PrivateKey(), Listen: n.home.Config.Listen, Gate: nw.gate, Protocols: []protocol.ID{SyncProtocol}})
	if err != nil {
		return err
	}
	nw.host = h
	nw.ctx, nw.cancel = context.WithCancel(ctx)
	nw.updateGate()
	h.SetStreamHandler(SyncProtocol, nw.handleStream)
	h.Network().Notify(&network.NotifyBundle{
		ConnectedF:    func(_ network.Network, c network.Conn) { nw.connected(c.RemotePeer()) },
		DisconnectedF: func(nt network.Network, c network.Conn) { nw.disconnected(nt, c.RemotePeer()) },
	})
	n.net = nw
	nw.wg.Add(1)
	go nw.maintain()
	n.log.Info("libp2p host listening", "addrs", fmt.Sprint(h.Addrs()), "peer_id", h.ID().String())
	return nil
}

// Addrs are the host's listen addresses (after any port 0 was resolved).
func (n *Node) Addrs() []string {
	if n.net == nil {
		return nil
	}
	var out []string
	for _, a := range n.net.host.Addrs() {
		out = append(out, a.String())
	}
	return out
}

func (nw *federation) close() {
	nw.mu.Lock()
	nw.closed = true // no goroutine starts after this: wg.Add never races wg.Wait
	nw.mu.Unlock()
	nw.cancel()
	nw.host.Close()
	nw.wg.Wait()
}

// spawn runs fn in a goroutine that close waits for, unless the federation
// is closing, in which case fn does not run.
func (nw *federation) spawn(fn func()) {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	if nw.closed {
		return
	}
	nw.wg.Add(1)
	go func() {
		defer nw.wg.Done()
		fn()
	}()
}

// updateGate admits exactly the current roster's members.
func (nw *federation) updateGate() {
	var ids []peer.ID
	for _, m := range nw.n.rosterPeers() {
		if id, err := peer.Decode(m.PeerID); err == nil {
			ids = append(ids, id)
		}
	}
	nw.gate.Set(ids)
}

// rosterChanged applies a new roster: the gate first, then removed members
// are disconnected at once, then every peer gets a fresh sync (the set of
// logs each may read may have changed).
func (nw *federation) rosterChanged(removed []string) {
	nw.updateGate()
	for _, r := range removed {
		if id, err := peer.Decode(r); err == nil {
			nw.host.Network().ClosePeer(id)
			nw.n.log.Info("disconnected a member removed from the roster", "peer", r)
		}
	}
	for _, p := range nw.host.Network().Peers() {
		nw.startSession(p)
	}
}

func (nw *federation) connected(p peer.ID) {
	if !nw.gate.Allowed(p) {
		nw.host.Network().ClosePeer(p)
		return
	}
	nw.mu.Lock()
	_, known := nw.since[p]
	if !known {
		nw.since[p] = time.Now().UTC()
	}
	nw.mu.Unlock()
	if !known { // a second connection (TCP and QUIC, or both sides dialling) is not news
		nw.n.log.Info("peer connected", "peer", p.String(), "name", nw.n.memberName(p.String()))
	}
	nw.startSession(p)
}

func (nw *federation) disconnected(nt network.Network, p peer.ID) {
	if nt.Connectedness(p) == network.Connected {
		return // another connection to the same peer remains
	}
	nw.mu.Lock()
	delete(nw.since, p)
	nw.mu.Unlock()
	nw.n.log.Info("peer disconnected", "peer", p.String())
}

// maintain dials roster members that are not connected and runs anti-entropy.
func (nw *federation) maintain() {
	defer nw.wg.Done()
	redial := time.NewTicker(redialEvery)
	defer redial.Stop()
	anti := time.NewTicker(antiEntropyEvery)
	defer anti.Stop()
	nw.dialAll()
	for {
		select {
		case <-nw.ctx.Done():
			return
		case <-redial.C:
			nw.dialAll()
		case <-anti.C:
			for _, p := range nw.host.Network().Peers() {
				nw.startSession(p)
			}
		}
	}
}

func (nw *federation) dialAll() {
	for _, m := range nw.n.rosterPeers() {
		ai, err := p2p.AddrInfo(m.PeerID, m.Addrs)
		if err != nil {
			continue
		}
		if nw.host.Network().Connectedness(ai.ID) == network.Connected || len(ai.Addrs) == 0 {
			continue
		}
		nw.spawn(func() {
			ctx, cancel := context.WithTimeout(nw.ctx, dialTimeout)
			defer cancel()
			if err := nw.host.Connect(ctx, ai); err != nil {
				nw.n.log.Debug("dial failed", "peer", ai.ID.String(), "err", err)
			}
		})
	}
}

// Peers lists the peers connected now.
func (n *Node) Peers() []PeerInfo {
	if n.net == nil {
		return []PeerInfo{}
	}
	nw := n.net
	nw.mu.Lock()
	defer nw.mu.Unlock()
	out := []PeerInfo{}
	r := n.Roster()
	for p, since := range nw.since {
		info := PeerInfo{PeerID: p.String(), Since: since, Addrs: []string{}}
		if r != nil {
			if m, ok := r.Member(p.String()); ok {
				info.Name, info.Role = m.Name, m.Role
			}
		}
		for _, c := range nw.host.Network().ConnsToPeer(p) {
			if a := c.RemoteMultiaddr().String(); !slices.Contains(info.Addrs, a) {
				info.Addrs = append(info.Addrs, a)
			}
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b PeerInfo) int { return cmpString(a.Name+a.PeerID, b.Name+b.PeerID) })
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// push sends newly stored envelopes to every connected peer that may hold
// each of them (receive.Entitlement, per envelope). Nobody else is sent
// anything, not even ciphertext.
func (nw *federation) push(envs []*share.Envelope, raws [][]byte) {
	self := nw.n.PeerID()
	for _, p := range nw.host.Network().Peers() {
		if nw.n.rosterForked(p.String()) {
			continue
		}
		var out [][]byte
		for i, env := range envs {
			if nw.n.ent.MayRelay(&env.Header, self, p.String()) {
				out = append(out, raws[i])
			}
		}
		if len(out) == 0 {
			continue
		}
		nw.spawn(func() {
			if err := nw.sendPush(p, out); err != nil {
				nw.n.log.Debug("push failed; anti-entropy will catch up", "peer", p.String(), "err", err)
			}
		})
	}
}

// SyncNow runs one sync session with every connected peer and returns when
// all have finished: used by tests and the demo to reach a known state.
func (n *Node) SyncNow() {
	if n.net == nil {
		return
	}
	var wg sync.WaitGroup
	for _, p := range n.net.host.Network().Peers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.net.session(p)
		}()
	}
	wg.Wait()
}

// SetBlocked isolates members without a roster change: the gate refuses the
// given peers in both directions, even while they are on the roster, and
// open connections to them are closed. It replaces any earlier list; an
// empty list lifts every block, and the redial loop then brings them back.
// An operations hook (cut off a misbehaving member for a while) that
// partition tests use.
func (n *Node) SetBlocked(peers []string) error {
	if n.net == nil {
		return fmt.Errorf("node not started")
	}
	ids := make([]peer.ID, 0, len(peers))
	for _, s := range peers {
		id, err := peer.Decode(s)
		if err != nil {
			return fmt.Errorf("bad peer ID %q: %w", s, err)
		}
		ids = append(ids, id)
	}
	n.net.gate.Block(ids)
	for _, id := range ids {
		n.net.host.Network().ClosePeer(id)
	}
	return nil
}

// Holds reports whether this node's store holds anything of cid: the
// envelope, a stub or an equivocating copy.
func (n *Node) Holds(cid string) (bool, error) {
	if ok, err := n.store.Has(cid); ok || err != nil {
		return ok, err
	}
	_, err := n.store.Get(cid)
	return err == nil, nil
}

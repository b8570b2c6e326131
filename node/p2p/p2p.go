// Package p2p makes the node's libp2p host: TCP (Noise) and QUIC transports,
// a connection gater that admits only peers on the current roster, and
// resource-manager limits. It knows nothing of records; node/sync.go speaks
// the sync protocol over the host it returns.
//
// Start with [NewHost] and [Gate].
package p2p

import (
	"crypto/ed25519"
	"fmt"
	"sync"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2pquic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
)

// Gate is the connection gater: it admits a peer only while the peer is on
// the node's current roster, for inbound and outbound connections alike. A
// node with no roster admits nobody.
type Gate struct {
	mu      sync.RWMutex
	allowed map[peer.ID]bool
	blocked map[peer.ID]bool // refused although on the roster; see [Gate.Block]
	refused func(peer.ID, network.Direction)
}

// NewGate returns a gate that admits nobody until [Gate.Set] is called.
// refused, if not nil, is told of each refused peer (for logs and counters).
func NewGate(refused func(peer.ID, network.Direction)) *Gate {
	return &Gate{allowed: map[peer.ID]bool{}, refused: refused}
}

// Set replaces the admitted peers.
func (g *Gate) Set(ids []peer.ID) {
	m := make(map[peer.ID]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	g.mu.Lock()
	g.allowed = m
	g.mu.Unlock()
}

// Block replaces the set of peers refused even while on the roster: a way
// to isolate a peer without a roster change (an operator cutting off a
// misbehaving member for a while, or a test partitioning the network).
// Blocked peers are refused silently: refused is only told of non-members.
func (g *Gate) Block(ids []peer.ID) {
	m := make(map[peer.ID]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	g.mu.Lock()
	g.blocked = m
	g.mu.Unlock()
}

// Allowed reports whether p is admitted now.
func (g *Gate) Allowed(p peer.ID) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.allowed[p] && !g.blocked[p]
}

// InterceptPeerDial refuses to dial a peer that is not on the roster.
func (g *Gate) InterceptPeerDial(p peer.ID) bool { return g.check(p, network.DirOutbound) }

// InterceptAddrDial allows any address of an admitted peer.
func (g *Gate) InterceptAddrDial(peer.ID, ma.Multiaddr) bool { return true }

// InterceptAccept allows the handshake: the peer is not known before it.
func (g *Gate) InterceptAccept(network.ConnMultiaddrs) bool { return true }

// InterceptSecured admits an authenticated peer only if it is on the roster.
// This is where an outsider is refused: right after the Noise handshake
// proves who it is, before any protocol runs.
func (g *Gate) InterceptSecured(dir network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	return g.check(p, dir)
}

// InterceptUpgraded re-checks, in case the roster changed during the upgrade.
func (g *Gate) InterceptUpgraded(c network.Conn) (bool, control.DisconnectReason) {
	return g.Allowed(c.RemotePeer()), 0
}

func (g *Gate) check(p peer.ID, dir network.Direction) bool {
	g.mu.RLock()
	member, blocked := g.allowed[p], g.blocked[p]
	g.mu.RUnlock()
	if !member && g.refused != nil {
		g.refused(p, dir)
	}
	return member && !blocked
}

// Config is what [NewHost] needs.
type Config struct {
	Key       ed25519.PrivateKey // the node's identity key (its peer ID)
	Listen    []string           // multiaddrs
	Gate      *Gate
	Protocols []protocol.ID // protocols to give resource limits
}

// NewHost starts a libp2p host listening on cfg.Listen with only TCP+Noise
// and QUIC (which has TLS 1.3 built in): no relays, no hole punching, no
// WebRTC or WebSocket — university nodes have public, stable addresses, and
// fewer transports mean less attack surface.
func NewHost(cfg Config) (host.Host, error) {
	priv, err := crypto.UnmarshalEd25519PrivateKey(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("failed to load the node key for libp2p: %w", err)
	}
	limits := rcmgr.DefaultLimits
	for _, p := range cfg.Protocols {
		// One sync session with each peer at a time, a few spare; pushes are
		// short streams. Memory per protocol bounds what a flood can take.
		limits.AddProtocolLimit(p, rcmgr.BaseLimit{StreamsInbound: 256, StreamsOutbound: 256, Streams: 512, Memory: 128 << 20}, rcmgr.BaseLimitIncrease{})
		limits.AddProtocolPeerLimit(p, rcmgr.BaseLimit{StreamsInbound: 16, StreamsOutbound: 16, Streams: 32, Memory: 32 << 20}, rcmgr.BaseLimitIncrease{})
	}
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(limits.AutoScale()))
	if err != nil {
		return nil, fmt.Errorf("failed to make the resource manager: %w", err)
	}
	h, err := libp2p.New(
		libp2p.Identity(priv),
		libp2p.ListenAddrStrings(cfg.Listen...),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(libp2pquic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.ConnectionGater(cfg.Gate),
		libp2p.ResourceManager(rm),
		libp2p.DisableRelay(),
		libp2p.Ping(false),
	)
	if err != nil {
		rm.Close()
		return nil, fmt.Errorf("failed to start libp2p on %v: %w", cfg.Listen, err)
	}
	return h, nil
}

// AddrInfo parses a member card's peer ID and addresses.
func AddrInfo(peerID string, addrs []string) (peer.AddrInfo, error) {
	id, err := peer.Decode(peerID)
	if err != nil {
		return peer.AddrInfo{}, fmt.Errorf("bad peer ID %q: %w", peerID, err)
	}
	ai := peer.AddrInfo{ID: id}
	for _, a := range addrs {
		m, err := ma.NewMultiaddr(a)
		if err != nil {
			return peer.AddrInfo{}, fmt.Errorf("bad address %q of %s: %w", a, peerID, err)
		}
		ai.Addrs = append(ai.Addrs, m)
	}
	return ai, nil
}

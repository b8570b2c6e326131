package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// peer is one node of a scenario: a home in the run's temporary directory
// and, between open and close, the running node.
type peer struct {
	name   string
	dir    string
	card   *node.Card
	id     *crypto.Identity
	n      *node.Node
	cancel context.CancelFunc
	proxy  *countingProxy // non-nil when the roster sends peers through it
}

// newPeer initialises a home. With tcpOnly the node listens on one loopback
// TCP port (so a counting proxy can stand in front of it); otherwise it gets
// the default loopback TCP and QUIC addresses.
func newPeer(root, name string, tcpOnly bool) (*peer, error) {
	dir := filepath.Join(root, name)
	opt := node.InitOptions{Name: name}
	if tcpOnly {
		port, err := freeTCPPort()
		if err != nil {
			return nil, err
		}
		opt.Listen = []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", port)}
	}
	card, err := node.Init(dir, opt)
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", name, err)
	}
	h, err := node.LoadHome(dir, "")
	if err != nil {
		return nil, err
	}
	return &peer{name: name, dir: dir, card: card, id: h.Identity}, nil
}

func freeTCPPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// member is the peer's roster card; with a proxy, the card lists the
// proxy's address instead of the node's own.
func (p *peer) member() share.RosterMember {
	m := share.RosterMember(*p.card)
	if p.proxy != nil {
		m.Addrs = []string{p.proxy.multiaddr()}
	}
	return m
}

// open opens the node from its home (logging only warnings, to stderr).
func (p *peer) open() (time.Duration, error) {
	h, err := node.LoadHome(p.dir, "")
	if err != nil {
		return 0, err
	}
	lg := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})).With("node", p.name)
	t0 := time.Now()
	n, err := node.Open(h, node.Options{Logger: lg})
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", p.name, err)
	}
	p.n = n
	return time.Since(t0), nil
}

// start brings the open node onto the network.
func (p *peer) start() error {
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.n.Start(ctx); err != nil {
		cancel()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.cancel = cancel
	return nil
}

func (p *peer) close() {
	if p.n != nil {
		p.n.Close()
		p.n = nil
	}
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

func (p *peer) records() int {
	st, err := p.n.Status()
	if err != nil {
		return -1
	}
	return st.Records
}

// installGenesis writes a genesis roster of the given members (all
// executives, threshold 2, signed by the first two signers) into each home.
func installGenesis(members []share.RosterMember, signers []*crypto.Identity, homes ...string) (*share.Roster, error) {
	g := &share.Roster{Version: 1, Threshold: min(2, len(signers), len(members)), Created: time.Now().UTC().Truncate(time.Second)}
	g.Members = members
	for _, m := range members {
		g.Executive = append(g.Executive, m.PeerID)
	}
	g.Normalize()
	for _, id := range signers[:min(2, len(signers))] {
		if err := g.Sign(id); err != nil {
			return nil, fmt.Errorf("sign genesis: %w", err)
		}
	}
	if err := g.VerifyGenesis(); err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	for _, dir := range homes {
		if err := node.ApplyRosterOffline(dir, g); err != nil {
			return nil, fmt.Errorf("install roster in %s: %w", dir, err)
		}
	}
	return g, nil
}

// fakeMember is a roster member that never runs: enough to widen a group.
func fakeMember(i int) (share.RosterMember, error) {
	id, err := crypto.GenerateIdentity()
	if err != nil {
		return share.RosterMember{}, err
	}
	return share.RosterMember{Name: fmt.Sprintf("absent-%03d", i), Role: "member", PeerID: id.PeerID(), Recipient: id.Recipient(), Addrs: []string{}}, nil
}

// publish publishes records in one Publish call and returns their CIDs.
func (p *peer) publish(recs [][]byte) ([]string, error) {
	cids := make([]string, len(recs))
	err := p.n.Publish(context.Background(), recs, node.PublishOptions{}, func(pub node.Published) error {
		cids[pub.Index] = pub.CID
		return nil
	})
	return cids, err
}

// waitUntil polls cond every tick until it holds or d passes.
func waitUntil(d, tick time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(tick)
	}
	return nil
}

// countingProxy forwards TCP connections to a node's listen address and
// counts the bytes in each direction: the real bytes on the wire (Noise,
// yamux, multistream and the sync protocol), with no hook in the node.
type countingProxy struct {
	l        net.Listener
	target   string
	in, out  atomic.Int64 // bytes towards the node, bytes from the node
	mu       sync.Mutex
	conns    []net.Conn
	accepted atomic.Int64
}

func newCountingProxy(target string) (*countingProxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &countingProxy{l: l, target: target}
	go p.serve()
	return p, nil
}

func (p *countingProxy) multiaddr() string {
	return fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", p.l.Addr().(*net.TCPAddr).Port)
}

func (p *countingProxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		go p.relay(c)
	}
}

func (p *countingProxy) relay(c net.Conn) {
	t, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, c, t)
	p.mu.Unlock()
	go func() {
		n, _ := io.Copy(counter{t, &p.in}, c)
		_ = n
		t.Close()
	}()
	io.Copy(counter{c, &p.out}, t)
	c.Close()
}

func (p *countingProxy) bytes() int64 { return p.in.Load() + p.out.Load() }

func (p *countingProxy) close() {
	p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

type counter struct {
	w io.Writer
	n *atomic.Int64
}

func (c counter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// tcpTarget is host:port of a node's first TCP listen address.
func tcpTarget(card *node.Card) (string, error) {
	for _, a := range card.Addrs {
		var port int
		if _, err := fmt.Sscanf(a, "/ip4/127.0.0.1/tcp/%d", &port); err == nil {
			return fmt.Sprintf("127.0.0.1:%d", port), nil
		}
	}
	return "", fmt.Errorf("no loopback TCP address in %v", card.Addrs)
}

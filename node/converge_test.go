package node_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// convergeSeed fixes what TestConvergenceUnderConcurrency publishes and
// retracts, and in which policies; URSIC_CONVERGE_SEED overrides it. The
// interleaving of the nodes' goroutines is the scheduler's, which is the
// point: the test must pass under any of them.
const convergeSeed = 20261130

// TestConvergenceUnderConcurrency: four members publish and retract at once
// in every kind of log (AMBER, GREEN and AMBER+STRICT to the members, a
// smaller group, explicit peers), while sync sessions are forced beside the
// pushes, so that a push and a pull of one log are stored side by side. A
// member is stopped and started in the middle; then the author of one set of
// logs stops and a member that never ran joins, learning those logs only
// from relays (retracted records included, as stubs vouched for by their
// retractions); then everyone runs and publishes again. At the end, within a
// bounded wait, every node:
//
//   - lists exactly the records policy (policy.MayReceive) lets it read, and
//     holds nothing it may not;
//   - lists every retracted record it may read as retracted;
//   - names in its Hello, for each log and each peer, the last entry the
//     peer may hold of those the node holds without a hole (no node is
//     frozen on a log), and its catalogue agrees with one read afresh from
//     its store (node.SyncFaults).
func TestConvergenceUnderConcurrency(t *testing.T) {
	seed := uint64(convergeSeed)
	if v := os.Getenv("URSIC_CONVERGE_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("URSIC_CONVERGE_SEED=%q: %v", v, err)
		}
		seed = s
	}
	t.Logf("seed %d", seed)
	nodes, roster := groupConsortium(t, []string{"alpha", "bravo", "charlie", "delta"}, map[string][]int{"pair": {0, 2}})
	alpha, bravo, charlie, delta := nodes[0], nodes[1], nodes[2], nodes[3]
	l := &ledger{recs: map[string]*published{}, view: roster.View()}
	scripts := make([]*script, len(nodes))
	for i, p := range nodes {
		scripts[i] = &script{p: p, nodes: nodes, rng: rand.New(rand.NewPCG(seed, uint64(i))), pair: slices.Contains([]int{0, 2}, i)}
	}

	// 1. Three members publish at once while sessions run beside the pushes.
	startMesh(t, alpha, bravo, charlie)
	l.run(t, 16, []*node.Node{alpha.n, bravo.n, charlie.n}, scripts[0], scripts[1], scripts[2])

	// 2. bravo stops; alpha and charlie publish; bravo starts again while
	// they still do.
	bravo.stop()
	l.run(t, 4, []*node.Node{alpha.n, charlie.n}, scripts[0], scripts[2])
	done := l.start(4, []*node.Node{alpha.n, charlie.n}, scripts[0], scripts[2])
	bravo.startNode()
	l.wait(t, done)
	up := []*peerNode{alpha, bravo, charlie}
	waitConverged(t, "alpha, bravo and charlie converge", up, func() []string { return l.faults(t, up, nil) })

	// 3. alpha, the author of some logs, stops; delta joins for the first
	// time and learns alpha's logs only from bravo and charlie, while they
	// publish.
	alpha.stop()
	joined := make(chan struct{})
	done = l.startUntil(4, joined, []*node.Node{bravo.n, charlie.n}, scripts[1], scripts[2])
	delta.startNode()
	waitFor(t, fedWait, "delta connected to bravo and charlie", func() bool { return delta.connectedTo(bravo) && delta.connectedTo(charlie) })
	close(joined)
	l.wait(t, done)
	relayed := func(r *published) bool {
		return r.author == alpha && (l.mayRead(r, bravo) || l.mayRead(r, charlie))
	}
	waitConverged(t, "delta learns alpha's logs from relays", []*peerNode{bravo, charlie, delta}, func() []string {
		return l.faults(t, []*peerNode{delta}, relayed)
	})

	// 4. Everyone runs and publishes.
	joined = make(chan struct{})
	done = l.startUntil(2, joined, []*node.Node{bravo.n, charlie.n, delta.n}, scripts[1:]...)
	alpha.startNode()
	for _, p := range nodes {
		waitFor(t, fedWait, p.name+" connected to every other member", func() bool { return len(p.n.Peers()) == len(nodes)-1 })
	}
	close(joined)
	l.wait(t, done)
	l.run(t, 16, []*node.Node{alpha.n, bravo.n, charlie.n, delta.n}, scripts...)
	waitConverged(t, "all four converge", nodes, func() []string { return l.faults(t, nodes, nil) })
	t.Logf("%d records published, %d of them retracted", len(l.recs), l.retracted())
}

// groupConsortium makes a consortium of names, every one an executive,
// the genesis signed by the first two (threshold 2), with the custom groups
// given (name → indexes of names; nil: none), applied offline to every home.
func groupConsortium(tb testing.TB, names []string, groups map[string][]int) ([]*peerNode, *share.Roster) {
	tb.Helper()
	nodes := make([]*peerNode, len(names))
	g := &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second)}
	for i, name := range names {
		nodes[i] = newPeerHome(tb, name)
		g.Members = append(g.Members, share.RosterMember(*nodes[i].card))
		g.Executive = append(g.Executive, nodes[i].peerID())
	}
	for name, idx := range groups {
		var ids []string
		for _, i := range idx {
			ids = append(ids, nodes[i].peerID())
		}
		slices.Sort(ids)
		if g.Groups == nil {
			g.Groups = map[string][]string{}
		}
		g.Groups[name] = ids
	}
	for _, p := range nodes[:2] {
		if err := g.Sign(p.id); err != nil {
			tb.Fatalf("sign genesis: %v", err)
		}
	}
	if err := g.VerifyGenesis(); err != nil {
		tb.Fatalf("genesis: %v", err)
	}
	for _, p := range nodes {
		if err := node.ApplyRosterOffline(p.dir, g); err != nil {
			tb.Fatalf("ApplyRosterOffline %s: %v", p.name, err)
		}
	}
	return nodes, g
}

// published is a record of the test's, with its policy as published.
type published struct {
	author    *peerNode
	pol       policy.Policy
	retracted bool
}

// ledger is everything the nodes published, by CID.
type ledger struct {
	mu   sync.Mutex
	recs map[string]*published
	view *policy.Roster
}

// script is one member's deterministic sequence of actions.
type script struct {
	p     *peerNode
	nodes []*peerNode
	rng   *rand.Rand
	pair  bool     // p is in the group "pair"
	live  []string // p's records, not retracted
	n     int
}

// step publishes a record in a policy drawn from the script's generator, or
// retracts one of the member's own records.
func (s *script) step(n *node.Node, l *ledger) error {
	s.n++
	if len(s.live) > 0 && s.rng.IntN(4) == 0 {
		i := s.rng.IntN(len(s.live))
		c := s.live[i]
		s.live = slices.Delete(s.live, i, i+1)
		by, err := n.Retract(c, "withdrawn by the convergence test")
		if err != nil {
			return fmt.Errorf("%s: retract %s: %w", s.p.name, c, err)
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		target := l.recs[c]
		target.retracted = true
		l.recs[by] = &published{author: s.p, pol: target.pol}
		return nil
	}
	var opt node.PublishOptions
	switch k := s.rng.IntN(6); {
	case k == 0:
		opt.TLP = "green"
	case k == 1:
		opt.TLP = "amber+strict"
	case k == 2 && s.pair:
		opt.TLP, opt.Audience = "amber+strict", []string{"pair"}
	case k == 3:
		other := s.nodes[s.rng.IntN(len(s.nodes))]
		for other == s.p {
			other = s.nodes[s.rng.IntN(len(s.nodes))]
		}
		opt.TLP, opt.Audience = "amber", []string{other.peerID()}
	default:
		opt.TLP = "amber"
	}
	// A burst of records in one publish: one commit, pushed as one frame,
	// whose store overlaps longer with the pulls.
	recs := make([][]byte, 1+s.rng.IntN(maxBurst))
	for i := range recs {
		recs[i] = []byte(strings.Replace(string(convergeRecord), `"title": "`, fmt.Sprintf(`"title": "%s %d.%d: `, s.p.name, s.n, i), 1))
	}
	opt.Again = true
	var cids []string
	err := n.Publish(context.Background(), recs, opt, func(pub node.Published) error {
		cids = append(cids, pub.CID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: publish: %w", s.p.name, err)
	}
	aud := opt.Audience
	if len(aud) == 0 {
		aud = []string{node.DefaultAudience}
	}
	level, err := policy.ParseLevel(opt.TLP)
	if err != nil {
		return err
	}
	a, err := policy.ParseAudience(aud)
	if err != nil {
		return err
	}
	s.live = append(s.live, cids...)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range cids {
		l.recs[c] = &published{author: s.p, pol: policy.Policy{Level: level, Audience: a}}
	}
	return nil
}

// maxBurst is the most records one step publishes at once.
const maxBurst = 6

var convergeRecord = func() []byte {
	b, err := os.ReadFile("../examples/records/indicator-amber.json")
	if err != nil {
		panic(err)
	}
	return b
}()

// start runs steps actions of each script, each script in its own
// goroutine, while another forces sync sessions on running (nodes, which do
// not stop meanwhile), so that pulls run beside the pushes. The channel
// yields the scripts' errors once they have all ended.
func (l *ledger) start(steps int, running []*node.Node, ss ...*script) <-chan error {
	return l.startUntil(steps, nil, running, ss...)
}

// maxSteps bounds the actions of a script that runs until a member joins.
const maxSteps = 60

// startUntil is start, but each script goes on past steps until until is
// closed (nil: it is not waited for), maxSteps at most: a member joining
// then pulls the logs whose new entries are being pushed to it.
func (l *ledger) startUntil(steps int, until <-chan struct{}, running []*node.Node, ss ...*script) <-chan error {
	out := make(chan error, 1)
	var wg sync.WaitGroup
	errs := make([]error, len(ss))
	stop := make(chan struct{})
	for i, s := range ss {
		n := s.p.n
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < maxSteps; k++ {
				if k >= steps {
					if until == nil {
						return
					}
					select {
					case <-until:
						return
					default:
					}
				}
				if err := s.step(n, l); err != nil {
					errs[i] = err
					return
				}
			}
		}()
	}
	syncer := make(chan struct{})
	go func() {
		defer close(syncer)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			for _, n := range running {
				n.SyncNow()
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	go func() {
		wg.Wait()
		close(stop)
		<-syncer
		out <- errors.Join(errs...)
	}()
	return out
}

// wait waits for the scripts started by start, within fedWait.
func (l *ledger) wait(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(fedWait):
		t.Fatalf("the members' publishing did not end within %v", fedWait)
	}
}

// run is start, then wait.
func (l *ledger) run(t *testing.T, steps int, running []*node.Node, ss ...*script) {
	t.Helper()
	l.wait(t, l.start(steps, running, ss...))
}

func (l *ledger) mayRead(r *published, p *peerNode) bool {
	return policy.MayReceive(l.view, r.pol, r.author.peerID(), p.peerID())
}

func (l *ledger) retracted() int {
	n := 0
	for _, r := range l.recs {
		if r.retracted {
			n++
		}
	}
	return n
}

// faults is how the nodes differ from what the ledger and policy say they
// should list (only the records of which says so, if which is not nil; then
// records listed beyond them are not faults), and every disagreement of
// their sync structures with their stores (node.SyncFaults).
func (l *ledger) faults(t *testing.T, nodes []*peerNode, which func(*published) bool) []string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, p := range nodes {
		recs, total, err := p.n.List(node.ListOptions{All: true, Limit: 10_000})
		if err != nil || total != len(recs) {
			t.Fatalf("%s: List: %d of %d, %v", p.name, len(recs), total, err)
		}
		listed := map[string]bool{} // CID → retracted
		for _, r := range recs {
			listed[r.CID] = r.Retracted
			if l.recs[r.CID] == nil {
				out = append(out, fmt.Sprintf("%s lists %s, which nobody published", p.name, r.CID))
			}
		}
		for c, r := range l.recs {
			if which != nil && !which(r) {
				continue
			}
			if !l.mayRead(r, p) {
				if _, ok := listed[c]; ok || p.holds(c) {
					out = append(out, fmt.Sprintf("%s lists or holds %s of %s (%v), which it may not read", p.name, c, r.author.name, r.pol))
				}
				continue
			}
			v, err := p.n.Show(c)
			switch {
			case err != nil:
				out = append(out, fmt.Sprintf("%s does not list %s of %s (%v): %v", p.name, c, r.author.name, r.pol, err))
			case v.Retracted != r.retracted:
				out = append(out, fmt.Sprintf("%s lists %s of %s (%v) retracted %v, want %v", p.name, c, r.author.name, r.pol, v.Retracted, r.retracted))
			}
		}
		var peers []string
		for _, q := range nodes {
			if q != p {
				peers = append(peers, q.peerID())
			}
		}
		for _, f := range p.n.SyncFaults(peers) {
			out = append(out, p.name+": "+f)
		}
	}
	return out
}

// waitConverged polls check until it finds no fault, forcing a sync round
// on the running nodes now and then (as anti-entropy would, less often), and
// fails with the faults it still finds after fedWait.
func waitConverged(t *testing.T, what string, nodes []*peerNode, check func() []string) {
	t.Helper()
	deadline := time.Now().Add(fedWait)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for i := 1; ; i++ {
		faults := check()
		if len(faults) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for: %s; %d faults:\n%s", fedWait, what, len(faults), strings.Join(faults[:min(len(faults), 30)], "\n"))
		}
		if i%20 == 0 {
			syncAll(nodes...)
		}
		<-tick.C
	}
}

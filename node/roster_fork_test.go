package node_test

// Multi-node tests of the roster chain between nodes: extra signatures a
// relay adds are ignored (finding 12 of the adversary review), and a roster
// fork is detected, alarmed and kept from syncing until it is resolved
// (finding 7).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/share"
)

// serveSync makes the adversary's host answer every sync request with
// answer(request); a nil answer closes the stream.
func serveSync(h host.Host, answer func(*share.Message) *share.Message) {
	h.SetStreamHandler(node.SyncProtocol, func(s network.Stream) {
		defer s.Close()
		s.SetDeadline(time.Now().Add(fedWait))
		m, err := share.ReadMessage(bufio.NewReader(s), share.MaxFrameSize)
		if err != nil {
			s.Reset()
			return
		}
		if out := answer(m); out != nil {
			share.WriteMessage(s, out)
		}
	})
}

// stream opens a sync stream to the target, with the test's deadline.
func (a *adversary) stream(tb testing.TB) network.Stream {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fedWait)
	defer cancel()
	s, err := a.h.NewStream(ctx, a.target, node.SyncProtocol)
	if err != nil {
		tb.Fatalf("open a sync stream: %v", err)
	}
	s.SetDeadline(time.Now().Add(fedWait))
	return s
}

// ask sends one request to the target and returns its answer.
func (a *adversary) ask(tb testing.TB, m *share.Message) *share.Message {
	tb.Helper()
	s := a.stream(tb)
	defer s.Close()
	if err := share.WriteMessage(s, m); err != nil {
		tb.Fatalf("write: %v", err)
	}
	out, err := share.ReadMessage(bufio.NewReader(s), share.MaxFrameSize)
	if err != nil {
		tb.Fatalf("read the answer: %v", err)
	}
	return out
}

func signersOf(r *share.Roster) []string {
	var out []string
	for _, s := range r.Signatures {
		out = append(out, s.PeerID)
	}
	return out
}

// TestRosterJunkSignaturesRelayed: mallory relays a valid version 2 to
// bravo with junk added (a second, bad signature by an executive who
// signed, a bad one by an executive who did not, a stranger's, one of the
// wrong length). Bravo adopts version 2, stores it with only the two
// signatures that count, and relays it that way.
func TestRosterJunkSignaturesRelayed(t *testing.T) {
	nodes, genesis := newConsortium(t, "alpha", "bravo", "mallory")
	alpha, bravo, mallory := nodes[0], nodes[1], nodes[2]
	bravo.startNode()

	v2 := genesis.Next()
	if err := v2.SetGroup("photonics", []string{alpha.peerID(), bravo.peerID()}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*peerNode{alpha, bravo} {
		if err := v2.Sign(p.id); err != nil {
			t.Fatal(err)
		}
	}
	relayed := v2.Clone()
	relayed.Signatures = append(relayed.Signatures,
		share.RosterSignature{PeerID: alpha.peerID(), Sig: bytes.Repeat([]byte{0}, 64)},
		share.RosterSignature{PeerID: mallory.peerID(), Sig: bytes.Repeat([]byte{1}, 64)},
		share.RosterSignature{PeerID: newPeerHome(t, "stranger").peerID(), Sig: bytes.Repeat([]byte{2}, 64)},
		share.RosterSignature{PeerID: mallory.peerID(), Sig: []byte{3, 3, 3}},
	)
	doc, err := relayed.Marshal()
	if err != nil {
		t.Fatal(err)
	}

	adv := newAdversary(t, mallory, bravo)
	hello := &share.Hello{RosterVersion: 2, RosterHash: v2.Hash(), Heads: []share.LogHead{}}
	serveSync(adv.h, func(m *share.Message) *share.Message {
		switch {
		case m.Hello != nil:
			return &share.Message{Hello: hello}
		case m.GetRosters != nil:
			return &share.Message{Rosters: &share.Rosters{Docs: [][]byte{doc}}}
		}
		return nil
	})
	// Mallory opens a session; bravo, behind, asks it for the rosters (or
	// already did, in the session it started when mallory connected).
	if got := adv.ask(t, &share.Message{Hello: hello}); got.Hello == nil {
		t.Fatalf("bravo answered Hello with %+v", got)
	}
	waitFor(t, fedWait, "bravo adopts the relayed version 2", func() bool { return bravo.n.Roster().Version == 2 })

	if got := bravo.n.Roster(); got.Hash() != v2.Hash() {
		t.Fatalf("bravo holds version 2 with hash %s, want %s", got.Hash(), v2.Hash())
	}
	want := []string{alpha.peerID(), bravo.peerID()}
	slices.Sort(want)
	if got := signersOf(bravo.n.Roster()); !slices.Equal(got, want) {
		t.Errorf("bravo's installed roster keeps signatures by %v, want only %v", got, want)
	}
	stored, err := os.ReadFile(filepath.Join(bravo.dir, node.RosterDir, "v000002.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := share.ParseRoster(stored)
	if err != nil {
		t.Fatal(err)
	}
	if got := signersOf(r); !slices.Equal(got, want) {
		t.Errorf("bravo stored version 2 with signatures by %v, want only %v", got, want)
	}
	// And bravo relays it without the junk.
	ans := adv.ask(t, &share.Message{GetRosters: &share.GetRosters{From: 2}})
	if ans.Rosters == nil || len(ans.Rosters.Docs) != 1 {
		t.Fatalf("bravo answered GetRosters with %+v", ans)
	}
	if !bytes.Equal(ans.Rosters.Docs[0], stored) {
		t.Errorf("bravo relays version 2 as\n%s\nwant what it stored:\n%s", ans.Rosters.Docs[0], stored)
	}
}

// forkStatus is what a node reports about a roster fork: the peers on the
// other branch, by name.
func forkPeers(p *peerNode) []string {
	var out []string
	for _, f := range p.status().RosterFork {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

func names(nodes ...*peerNode) []string {
	var out []string
	for _, p := range nodes {
		out = append(out, p.name)
	}
	slices.Sort(out)
	return out
}

// metric returns the /metrics line of name, through the node's local API.
func metric(t *testing.T, p *peerNode, name string) string {
	t.Helper()
	srv := api.NewServer(p.n, "token", nil)
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Host = "127.0.0.1" // the API answers only allowlisted Host names
	req.Header.Set("Authorization", "Bearer token")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	t.Fatalf("%s: no %s in /metrics:\n%s", p.name, name, rec.Body.String())
	return ""
}

// TestRosterFork: four executives with threshold 2 sign two valid
// versions 2 of one genesis, kyoto and osaka one (branch A), tohoku and
// nagoya the other (branch B). Each node raises the alarm (status, log,
// metrics) about the two peers on the other branch, keeps its own version
// 2, and records do not cross the fork, while they still flow within each
// branch. The executives of branch A then sign version 3; branch B's nodes
// do not take it on their own. Their operators re-set them onto branch A
// (rewind to version 1, apply 2A and 3), and every node clears the alarm
// and syncs again, records of both branches included.
func TestRosterFork(t *testing.T) {
	nodes, genesis := newConsortium(t, "kyoto", "osaka", "tohoku", "nagoya")
	kyoto, osaka, tohoku, nagoya := nodes[0], nodes[1], nodes[2], nodes[3]
	branchA, branchB := []*peerNode{kyoto, osaka}, []*peerNode{tohoku, nagoya}

	version2 := func(group string, signers []*peerNode) *share.Roster {
		t.Helper()
		r := genesis.Next()
		if err := r.SetGroup(group, []string{signers[0].peerID(), signers[1].peerID()}); err != nil {
			t.Fatal(err)
		}
		for _, p := range signers {
			if err := r.Sign(p.id); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.VerifyNext(genesis); err != nil {
			t.Fatalf("version 2 of group %s: %v", group, err)
		}
		return r
	}
	v2a, v2b := version2("photonics", branchA), version2("quantum", branchB)
	if v2a.Hash() == v2b.Hash() {
		t.Fatal("the two versions 2 have one hash")
	}
	for _, p := range branchA {
		if err := node.ApplyRosterOffline(p.dir, v2a); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range branchB {
		if err := node.ApplyRosterOffline(p.dir, v2b); err != nil {
			t.Fatal(err)
		}
	}
	startMesh(t, nodes...)

	// Each side raises the alarm about the other side.
	for _, side := range []struct {
		nodes, others []*peerNode
		ours, theirs  string
	}{{branchA, branchB, v2a.Hash(), v2b.Hash()}, {branchB, branchA, v2b.Hash(), v2a.Hash()}} {
		for _, p := range side.nodes {
			waitFor(t, fedWait, p.name+" raises the fork alarm about "+strings.Join(names(side.others...), " and "), func() bool {
				return slices.Equal(forkPeers(p), names(side.others...))
			})
			for _, f := range p.status().RosterFork {
				if f.Version != 2 || f.Ours != side.ours || f.Theirs != side.theirs || f.Since.IsZero() {
					t.Errorf("%s reports fork %+v; want version 2, ours %s, theirs %s", p.name, f, side.ours, side.theirs)
				}
			}
			if d, err := p.n.Digest(time.Now().Add(-time.Hour), time.Now()); err != nil || !slices.ContainsFunc(d.Alarms, func(a apiwire.DigestAlarm) bool { return a.Kind == "fork" }) {
				t.Errorf("%s: the digest lists no fork alarm during the fork (%v)", p.name, err)
			}
			if line := metric(t, p, "ursic_roster_fork"); line != "ursic_roster_fork 1" {
				t.Errorf("%s: /metrics says %q during the fork", p.name, line)
			}
			if line := metric(t, p, "ursic_roster_fork_peers"); line != "ursic_roster_fork_peers 2" {
				t.Errorf("%s: /metrics says %q during the fork", p.name, line)
			}
			js, err := json.Marshal(p.status())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(js, []byte(`"roster_fork":[{"peer":"`)) {
				t.Errorf("%s: status JSON has no roster_fork: %s", p.name, js)
			}
			if !strings.Contains(p.log.String(), "ROSTER FORK") {
				t.Errorf("%s logged no ROSTER FORK", p.name)
			}
		}
	}

	// Records flow within a branch and never across the fork.
	fromA := kyoto.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	fromB := tohoku.publish(sampleRecord(t, "method-amber-strict.json"), node.PublishOptions{})
	waitFor(t, fedWait, "osaka reads kyoto's record", func() bool { return osaka.canRead(fromA) })
	waitFor(t, fedWait, "nagoya reads tohoku's record", func() bool { return nagoya.canRead(fromB) })
	syncAll(nodes...)
	for _, p := range branchB {
		if p.holds(fromA) {
			t.Errorf("%s, on branch B, holds branch A's record %s", p.name, fromA)
		}
	}
	for _, p := range branchA {
		if p.holds(fromB) {
			t.Errorf("%s, on branch A, holds branch B's record %s", p.name, fromB)
		}
	}
	for _, p := range nodes {
		want := v2a.Hash()
		if slices.Contains(branchB, p) {
			want = v2b.Hash()
		}
		if got := p.n.Roster(); got.Version != 2 || got.Hash() != want {
			t.Errorf("%s switched rosters: version %d hash %s, want 2 %s", p.name, got.Version, got.Hash(), want)
		}
	}

	// The executives choose branch A: version 3 follows 2A.
	v3 := v2a.Next()
	if err := v3.SetGroup("photonics", []string{kyoto.peerID(), osaka.peerID(), tohoku.peerID()}); err != nil {
		t.Fatal(err)
	}
	for _, p := range branchA {
		if err := v3.Sign(p.id); err != nil {
			t.Fatal(err)
		}
	}
	if err := kyoto.n.ApplyRoster(v3); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "osaka takes version 3 from kyoto", func() bool { return osaka.n.Roster().Version == 3 })
	syncAll(nodes...)
	for _, p := range branchB {
		if got := p.n.Roster(); got.Hash() != v2b.Hash() {
			t.Errorf("%s left its branch on its own: now version %d", p.name, got.Version)
		}
		if !slices.Equal(forkPeers(p), names(branchA...)) {
			t.Errorf("%s's alarm after version 3: %v, want %v", p.name, forkPeers(p), names(branchA...))
		}
	}
	for _, p := range branchA {
		if !slices.Equal(forkPeers(p), names(branchB...)) {
			t.Errorf("%s's alarm after version 3: %v; branch B's nodes are still on 2B", p.name, forkPeers(p))
		}
		if p.holds(fromB) {
			t.Errorf("%s holds branch B's record after version 3", p.name)
		}
	}

	// Branch B's operators re-set their nodes onto branch A.
	for _, p := range branchB {
		p.stop()
		if err := node.RewindRosterOffline(p.dir, 1); err != nil {
			t.Fatalf("rewind %s: %v", p.name, err)
		}
		for _, r := range []*share.Roster{v2a, v3} {
			if err := node.ApplyRosterOffline(p.dir, r); err != nil {
				t.Fatalf("%s: apply version %d: %v", p.name, r.Version, err)
			}
		}
		p.startNode()
	}
	for _, p := range nodes {
		waitFor(t, fedWait, p.name+" connected to every other member again", func() bool { return len(p.n.Peers()) == len(nodes)-1 })
	}
	for _, p := range nodes {
		waitFor(t, fedWait, p.name+" clears the fork alarm", func() bool { return len(p.status().RosterFork) == 0 })
		if line := metric(t, p, "ursic_roster_fork"); line != "ursic_roster_fork 0" {
			t.Errorf("%s: /metrics says %q after the fork was resolved", p.name, line)
		}
	}
	for _, p := range nodes {
		if strings.Contains(p.log.String(), "ROSTER FORK") && !strings.Contains(p.log.String(), "roster fork resolved") && slices.Contains(branchA, p) {
			t.Errorf("%s did not log the resolution", p.name)
		}
	}
	// Sync resumes across the former fork, both ways.
	for _, p := range branchB {
		waitFor(t, fedWait, p.name+" reads branch A's record", func() bool { return p.canRead(fromA) })
	}
	for _, p := range branchA {
		waitFor(t, fedWait, p.name+" reads branch B's record", func() bool { return p.canRead(fromB) })
	}
}

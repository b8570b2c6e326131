package node

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// testConsortium initialises a home for each name, writes a roster of them
// signed by the first (the executive; threshold 1) in which the names in
// liaisons have the liaison role and groups (name → member names) exist,
// and opens the nodes named in open (not started: tests drive prepare and
// store by hand). It returns every card and the open nodes, by name.
func testConsortium(t *testing.T, names, liaisons []string, groups map[string][]string, open ...string) (map[string]*Card, map[string]*Node) {
	t.Helper()
	root := t.TempDir()
	cards := map[string]*Card{}
	g := &share.Roster{Version: 1, Threshold: 1, Created: time.Now().UTC().Truncate(time.Second)}
	for _, name := range names {
		card, err := Init(filepath.Join(root, name), InitOptions{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		cards[name] = card
		m := share.RosterMember(*card)
		if slices.Contains(liaisons, name) {
			m.Role = "liaison"
		}
		g.Members = append(g.Members, m)
	}
	g.Executive = []string{cards[names[0]].PeerID}
	for group, members := range groups {
		var ids []string
		for _, name := range members {
			ids = append(ids, cards[name].PeerID)
		}
		slices.Sort(ids)
		if g.Groups == nil {
			g.Groups = map[string][]string{}
		}
		g.Groups[group] = ids
	}
	exec, err := LoadHome(filepath.Join(root, names[0]), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Sign(exec.Identity); err != nil {
		t.Fatal(err)
	}
	nodes := map[string]*Node{}
	for _, name := range open {
		dir := filepath.Join(root, name)
		if err := ApplyRosterOffline(dir, g); err != nil {
			t.Fatal(err)
		}
		h, err := LoadHome(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		n, err := Open(h, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		nodes[name] = n
	}
	return cards, nodes
}

// TestEquivocatingCopyNotCatalogued: a push and a pull of one log run side
// by side at bravo. The pull stores alpha's AMBER record to the group
// "mixed" (which holds charlie, a liaison: AMBER never goes to a liaison,
// GREEN does); before the pull notes it in the catalogue, the push stores a
// copy alpha signed of the same position at GREEN, kept as evidence of the
// equivocation. The catalogue must keep the class of the entry the log
// holds: the copy's note once came first, the held entry's was then ignored
// as late, and bravo served alpha's AMBER envelope to charlie, which no
// policy lets it hold, for as long as it ran.
func TestEquivocatingCopyNotCatalogued(t *testing.T) {
	cards, nodes := testConsortium(t, []string{"alpha", "bravo", "charlie"}, []string{"charlie"},
		map[string][]string{"mixed": {"alpha", "bravo", "charlie"}}, "alpha", "bravo")
	alpha, bravo, charlie := nodes["alpha"], nodes["bravo"], cards["charlie"].PeerID
	rec, err := examples.Records.ReadFile("records/indicator-amber.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tlp := range []string{"green", "amber"} {
		err := alpha.Publish(context.Background(), [][]byte{rec}, PublishOptions{TLP: tlp, Audience: []string{"mixed"}, Again: true}, func(Published) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	log := share.LogID([]string{"mixed"})
	var entries []store.Entry
	err = alpha.store.Range(alpha.PeerID(), log, 1, 100, func(e store.Entry) error {
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	held, err := share.Decode(last.Envelope)
	if err != nil || held.Header.TLP != "amber" {
		t.Fatalf("the last entry of alpha's log: %v, %v", held, err)
	}
	// alpha's equivocating copy of the position, at GREEN.
	h := held.Header
	h.TLP = "green"
	copyEnv, err := share.SealSigned(alpha.home.Identity, h, held.Body)
	if err != nil {
		t.Fatal(err)
	}
	copyRaw, err := copyEnv.Encode()
	if err != nil {
		t.Fatal(err)
	}

	from, err := peer.Decode(alpha.PeerID())
	if err != nil {
		t.Fatal(err)
	}
	nw := &federation{n: bravo, checker: receive.NewChecker(bravo.PeerID(), bravo.ent, bravo.store)}
	var before [][]byte
	for _, e := range entries[:len(entries)-1] {
		before = append(before, e.Envelope)
	}
	ok, _, bad := nw.prepare(from, &share.Envelopes{Envs: before}, nil)
	if bad != nil {
		t.Fatal(bad)
	}
	if gap, err := nw.store(from, ok, false); gap || err != nil {
		t.Fatalf("storing the entries before the last: gap %v, %v", gap, err)
	}
	if _, err := bravo.cat.HeadFor(alpha.PeerID(), log, charlie); err != nil {
		t.Fatalf("the GREEN record is for charlie: %v", err)
	}
	// The pull commits the AMBER record (storeLog's transaction) ...
	if _, err := bravo.store.Put(store.Entry{CID: last.CID, Author: last.Author, Log: last.Log, Seq: last.Seq, Prev: last.Prev, Envelope: last.Envelope}); err != nil {
		t.Fatal(err)
	}
	// ... the push stores the copy, an equivocation ...
	push, _, bad := nw.prepare(from, &share.Envelopes{Envs: [][]byte{copyRaw}}, nil)
	if bad != nil || len(push) != 1 {
		t.Fatalf("the copy: %d, %v", len(push), bad)
	}
	if _, err := nw.store(from, push, false); err != nil {
		t.Fatal(err)
	}
	if st, err := bravo.Status(); err != nil || st.Equivocations != 1 {
		t.Fatalf("bravo counts %d equivocations (%v), want 1", st.Equivocations, err)
	}
	// ... and the pull notes what it stored.
	bravo.cat.Note(&held.Header)

	if bravo.ent.MayHold(&held.Header, charlie) {
		t.Fatal("charlie, a liaison, may hold an AMBER record: the test proves nothing")
	}
	allowed, contig, err := bravo.cat.Filter(alpha.PeerID(), log, charlie)
	if err != nil {
		t.Fatal(err)
	}
	if contig != last.Seq {
		t.Fatalf("bravo serves alpha's log up to %d, holds %d", contig, last.Seq)
	}
	if allowed(last.Seq) {
		t.Errorf("bravo serves alpha's AMBER record to charlie, a liaison: its catalogue took the class of the GREEN copy")
	}
	if head, err := bravo.cat.HeadFor(alpha.PeerID(), log, charlie); err != nil || head == last.Seq {
		t.Errorf("bravo's Hello to charlie names %d (%v), the AMBER record's position", head, err)
	}
	if faults := bravo.SyncFaults([]string{alpha.PeerID(), charlie}); len(faults) > 0 {
		t.Errorf("bravo's catalogue disagrees with its store: %v", faults)
	}
}

package node

import (
	"context"
	"testing"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/share"
)

// publishOne publishes rec on n and returns its CID.
func publishOne(t *testing.T, n *Node, rec []byte) string {
	t.Helper()
	var cid string
	err := n.Publish(context.Background(), [][]byte{rec}, PublishOptions{}, func(p Published) error {
		if cid == "" {
			cid = p.CID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cid
}

// openStored opens a stored record of n's into its envelope and record.
func openStored(t *testing.T, n *Node, cid string) (*share.Envelope, *share.Record) {
	t.Helper()
	env, err := n.stored(cid)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := n.openEnvelope(env, cid)
	if err != nil {
		t.Fatal(err)
	}
	return env, &share.Record{Kind: env.Header.Kind, Body: plain}
}

// withOneIndicator opens a node, publishes one indicator on it, and then
// gives the node fresh, empty memory (index, case table, screening index,
// own-record map), as at a start before anything was opened. It returns the
// node, the indicator's CID, and its envelope and record opened from the
// store. The node's background worker drains only the structures it
// replaced, so what the test applies stays queued until a reader settles it.
func withOneIndicator(t *testing.T) (*Node, string, *share.Envelope, *share.Record) {
	t.Helper()
	_, h := homeWithSecretariat(t)
	n, err := Open(h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	rec, err := examples.Records.ReadFile("records/indicator-amber.json")
	if err != nil {
		t.Fatal(err)
	}
	cid := publishOne(t, n, rec)
	env, r := openStored(t, n, cid)
	ix, err := index.New()
	if err != nil {
		t.Fatal(err)
	}
	n.index, n.cases, n.screening = ix, newCaseTable(n.PeerID()), newScreening()
	n.own = newOwnRecords(h.Identity.DeriveKey(digestKeyLabel))
	return n, cid, env, r
}

// TestFactsOfWritesNothing: reading a record's facts leaves the index, the
// case table, the screening index and the own-record map as they were;
// applying them makes the record listed, counted, screenable and known as
// this node's own. Were factsOf to write shared state, sync's parallel
// prepare stage would race, and a snapshot could not replay it.
func TestFactsOfWritesNothing(t *testing.T) {
	n, cid, env, r := withOneIndicator(t)
	f := n.factsOf(cid, env, r)
	if f.Row.CID != cid || f.Case == nil || f.Subject == nil || len(f.Own) != len(recordDigest{}) {
		t.Fatalf("facts %+v: want a row, a case, a subject and an own digest", f)
	}
	if _, ok := n.index.Get(cid); ok {
		t.Error("factsOf indexed the record")
	}
	if _, ok := n.cases.get(cid); ok {
		t.Error("factsOf noted the record in the case table")
	}
	if n.screening.index().Len() != 0 {
		t.Error("factsOf added the subject to the screening index")
	}
	if _, ok := n.own.lookup(recordDigest(f.Own)); ok {
		t.Error("factsOf noted the record as this node's own")
	}

	if err := n.applyFacts([]recordFacts{f}); err != nil {
		t.Fatal(err)
	}
	if _, ok := n.index.Get(cid); !ok {
		t.Error("applyFacts did not index the record")
	}
	if s, ok := n.cases.get(cid); !ok || !n.live(s) {
		t.Error("applyFacts did not note a live record in the case table")
	}
	if c, ok := n.own.lookup(recordDigest(f.Own)); !ok || c != cid {
		t.Errorf("own record: %q, %v; want %s", c, ok, cid)
	}
	res, err := n.Screen(context.Background(), "list.csv", []byte("name\nNorthbridge Photonics Trading Co., Ltd.\n"), ScreenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0].Hits) != 1 || res.Rows[0].Hits[0].CID != cid {
		t.Errorf("screening after applyFacts: %+v; want one hit on %s", res.Rows, cid)
	}
}

// TestQueuedFactsAreSeen: applied facts wait in a queue for the case table
// and the screening index (no worker drains these fresh ones), yet Similar
// and Screen, asked at once, count and match the record: readers apply the
// queue first. Were they to read without settling, both would miss it.
func TestQueuedFactsAreSeen(t *testing.T) {
	n, cid, env, r := withOneIndicator(t)
	if err := n.applyFacts([]recordFacts{n.factsOf(cid, env, r)}); err != nil {
		t.Fatal(err)
	}
	if n.cases.queue.pending() != 1 || n.screening.queue.pending() != 1 {
		t.Fatalf("queued: %d cases, %d subjects; want 1 and 1", n.cases.queue.pending(), n.screening.queue.pending())
	}
	sim, err := n.Similar(SimilarOptions{Category: "export_control"})
	if err != nil {
		t.Fatal(err)
	}
	if sim.Readable.Records != 1 || len(sim.Readable.CIDs) != 1 || sim.Readable.CIDs[0] != cid {
		t.Errorf("similar: %+v; want the one record %s", sim.Readable, cid)
	}
	res, err := n.Screen(context.Background(), "list.csv", []byte("name\nNorthbridge Photonics Trading Co., Ltd.\n"), ScreenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0].Hits) != 1 || res.Rows[0].Hits[0].CID != cid {
		t.Errorf("screening: %+v; want one hit on %s", res.Rows, cid)
	}
	if n.cases.queue.pending() != 0 || n.screening.queue.pending() != 0 {
		t.Errorf("still queued after reading: %d cases, %d subjects", n.cases.queue.pending(), n.screening.queue.pending())
	}
}

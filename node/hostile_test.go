package node_test

// Hostile-member tests (2026-11-30): mallory, a roster member speaking the
// wire protocol by hand (see adversary_test.go), against real nodes on
// loopback. Each test names the attack it makes impossible.

import (
	"testing"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// Finding: a member that held another member's record stripped its body and
// relayed the stub, its CID confirmed by the author's own next entry, to a
// node that had not received the record yet. The node stored the stub as if
// the author had retracted the record: the record never arrived there (the
// author's later push was taken for a copy of the stub), and the node served
// the stub onward. A relay can now pass a stub only where the record's own
// author retracted it (its retraction held, pending or in the same answer).
func TestInsiderRelayedStubDeletesNothing(t *testing.T) {
	b := newAttackBed(t)
	alpha, bravo, adv := b.alpha, b.bravo, b.adv
	if err := bravo.n.SetBlocked([]string{alpha.peerID()}); err != nil {
		t.Fatal(err)
	}
	missed := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	later := alpha.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{TLP: "amber"})
	rawMissed, _ := envelopeAt(t, alpha, missed)
	rawLater, _ := envelopeAt(t, alpha, later)
	// Mallory may hold both (AMBER to the consortium), so it may relay them
	// to bravo; what it relays of the first is the stub, with the true CID.
	adv.send(t, frame(t, &share.Message{Envelopes: &share.Envelopes{
		Envs: [][]byte{stubOf(t, rawMissed), rawLater}, Stubs: []share.StubCID{{Index: 0, CID: cidBytes(t, missed)}},
	}}))
	if err := bravo.n.SetBlocked(nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "bravo reads both of alpha's records", func() bool {
		return bravo.canRead(missed) && bravo.canRead(later)
	})
	readsIntact(t, bravo, missed)
	b.alphaReachesBravo(t, "after the attack")
}

// Honest relays still pass the stubs of retracted records: charlie, cut off
// from alpha, learns from bravo that alpha retracted a record, with the
// retraction that vouches for the stub in the same range answer.
func TestRelayedStubOfRetractedRecord(t *testing.T) {
	nodes, _ := newConsortium(t, "alpha", "bravo", "charlie")
	alpha, bravo, charlie := nodes[0], nodes[1], nodes[2]
	startMesh(t, alpha, bravo)
	target := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	kept := alpha.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{TLP: "amber"})
	by, err := alpha.n.Retract(target, "superseded")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "bravo applies alpha's retraction", func() bool {
		v, err := bravo.n.Show(target)
		return err == nil && v.Retracted && bravo.canRead(kept)
	})
	alpha.stop() // charlie can learn of alpha's records only through bravo
	charlie.startNode()
	waitFor(t, fedWait, "charlie reads alpha's records through bravo", func() bool {
		return charlie.canRead(kept) && charlie.canRead(by)
	})
	// The position is held as the stub: the log went on past it, and the
	// body is not there.
	if !charlie.holds(target) || charlie.canRead(target) {
		t.Fatalf("charlie holds the retracted record's stub: %v; reads its body: %v", charlie.holds(target), charlie.canRead(target))
	}
}

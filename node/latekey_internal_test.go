package node

import (
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// TestRecordPreparedBeforeItsSenderKey: a push and a pull of one log run side
// by side. The push's frame (a group record) is prepared before the pull's
// (the sender key and the record before it) has taught the node the key, and
// stored after the pull stored the key. The record is then held and must
// still be read and listed: it once stayed unread until a restart, because
// only prepare opened records.
func TestRecordPreparedBeforeItsSenderKey(t *testing.T) {
	_, nodes := testConsortium(t, []string{"alpha", "bravo"}, nil, nil, "alpha", "bravo")
	alpha, bravo := nodes["alpha"], nodes["bravo"]
	for _, f := range []string{"indicator-amber.json", "indicator-clear.json"} {
		rec, err := examples.Records.ReadFile("records/" + f)
		if err != nil {
			t.Fatal(err)
		}
		publishOne(t, alpha, rec)
	}
	log := share.LogID([]string{"members"})
	var raws [][]byte
	var cids []string
	err := alpha.store.Range(alpha.PeerID(), log, 1, 10, func(e store.Entry) error {
		raws, cids = append(raws, e.Envelope), append(cids, e.CID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 3 {
		t.Fatalf("alpha's log holds %d entries; want its sender key and two records", len(raws))
	}
	if env, _ := share.Decode(raws[0]); env == nil || env.Header.Kind != share.KindSenderKey {
		t.Fatalf("entry 1 of alpha's log is not a sender key")
	}
	from, err := peer.Decode(alpha.PeerID())
	if err != nil {
		t.Fatal(err)
	}
	nw := &federation{n: bravo, checker: receive.NewChecker(bravo.PeerID(), bravo.ent, bravo.store)}
	// A push past the node's head is no longer prepared at all (it is
	// sieved out, receive.ErrPastGap, and the log pulled); the record is
	// prepared here as the answer to a range that starts at it, which is
	// checked in full.
	push, _, bad := nw.prepare(from, &share.Envelopes{Envs: raws[2:]}, &receive.Asked{Author: alpha.PeerID(), Log: log, From: 3, To: 3})
	if bad != nil || len(push) != 1 || push[0].plain != nil {
		t.Fatalf("the pushed record prepared before its key: %d, opened %v, %v", len(push), len(push) == 1 && push[0].plain != nil, bad)
	}
	pull, _, bad := nw.prepare(from, &share.Envelopes{Envs: raws[:2]}, nil)
	if bad != nil || len(pull) != 2 {
		t.Fatalf("the pulled entries: %d, %v", len(pull), bad)
	}
	if gap, err := nw.store(from, pull, false); gap || err != nil {
		t.Fatalf("storing the pulled entries: gap %v, %v", gap, err)
	}
	if gap, err := nw.store(from, push, false); gap || err != nil {
		t.Fatalf("storing the pushed record: gap %v, %v", gap, err)
	}
	if ok, _ := bravo.store.Has(cids[2]); !ok {
		t.Fatal("bravo does not hold the pushed record")
	}
	if _, ok := bravo.index.Get(cids[2]); !ok {
		t.Fatal("bravo holds the pushed record but does not list it: it was sealed to a sender key bravo learnt after preparing it")
	}
	if _, ok := bravo.index.Get(cids[1]); !ok {
		t.Fatal("bravo does not list the pulled record")
	}
}

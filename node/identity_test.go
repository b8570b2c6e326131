package node_test

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	p2pcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// TestPeerIDMatchesLibp2p checks that the peer ID the node derives without
// libp2p is the one libp2p derives from the same key: the roster, envelopes
// and the libp2p host must all name a node the same way.
func TestPeerIDMatchesLibp2p(t *testing.T) {
	for i := range 5 {
		dir := filepath.Join(t.TempDir(), "home")
		card, err := node.Init(dir, node.InitOptions{Name: "Test University"})
		if err != nil {
			t.Fatal(err)
		}
		h, err := node.LoadHome(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		priv, err := p2pcrypto.UnmarshalEd25519PrivateKey(h.Identity.PrivateKey())
		if err != nil {
			t.Fatal(err)
		}
		want, err := peer.IDFromPublicKey(priv.GetPublic())
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Identity.PeerID(); got != want.String() {
			t.Fatalf("key %d: node peer ID %s, libp2p %s", i, got, want)
		}
		if card.PeerID != want.String() {
			t.Fatalf("key %d: card peer ID %s, libp2p %s", i, card.PeerID, want)
		}
		decoded, err := peer.Decode(card.PeerID)
		if err != nil || decoded != want {
			t.Fatalf("key %d: libp2p decodes %s as %s (%v)", i, card.PeerID, decoded, err)
		}
		if !strings.HasPrefix(card.PeerID, "12D3KooW") {
			t.Errorf("peer ID %s does not have the Ed25519 prefix 12D3KooW", card.PeerID)
		}
	}
}

// TestRetractOthersRecordRefused gives node B a record written by node A (a
// two-member roster; A's envelopes copied into B's store, as sync would) and
// checks that B can read it but not retract it.
func TestRetractOthersRecordRefused(t *testing.T) {
	a := startNode(t, "Author University")
	b := startNode(t, "Reader University")
	a.close()
	b.close()

	ha, err := node.LoadHome(a.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	hb, err := node.LoadHome(b.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	r := &share.Roster{
		Version:   1,
		Threshold: 1,
		Executive: []string{ha.Identity.PeerID()},
		Members:   []share.RosterMember{share.RosterMember(*ha.Card()), share.RosterMember(*hb.Card())},
		Created:   time.Now().UTC().Truncate(time.Second),
	}
	if err := r.Sign(ha.Identity); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{a.dir, b.dir} {
		if err := node.ApplyRosterOffline(dir, r); err != nil {
			t.Fatalf("ApplyRosterOffline(%s): %v", dir, err)
		}
	}

	a.open()
	cids := a.mustPublish(node.PublishOptions{}, example(t, "indicator-green.json"))
	a.close()

	// Copy A's envelopes, log by log in order, into B's store.
	var entries []store.Entry
	sa, err := store.Open(filepath.Join(a.dir, node.StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	err = sa.ForEach(func(e store.Entry) error {
		e.Envelope = slices.Clone(e.Envelope)
		entries = append(entries, e)
		return nil
	})
	sa.Close()
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(entries, func(x, y store.Entry) int {
		return cmp.Or(cmp.Compare(x.Log, y.Log), cmp.Compare(x.Seq, y.Seq))
	})
	sb, err := store.Open(filepath.Join(b.dir, node.StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Put(entries...); err != nil {
		sb.Close()
		t.Fatalf("copying A's envelopes into B: %v", err)
	}
	sb.Close()

	b.open()
	v, err := b.n.Show(cids[0])
	if err != nil {
		t.Fatalf("B cannot read A's record (the test cannot go on): %v", err)
	}
	if v.Author != ha.Identity.PeerID() {
		t.Fatalf("author = %s, want A %s", v.Author, ha.Identity.PeerID())
	}
	_, err = b.n.Retract(cids[0], "not mine to retract")
	if err == nil || !strings.Contains(err.Error(), "author") {
		t.Fatalf("B retracting A's record: err = %v, want a refusal naming the author", err)
	}
	if v := b.show(cids[0]); v.Retracted || len(v.Body) == 0 {
		t.Errorf("the refused retraction changed the record: %+v", v)
	}
	if s := b.status(); s.Retracted != 0 {
		t.Errorf("status retracted = %d after a refused retraction", s.Retracted)
	}
}

package node_test

import (
	"slices"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/internal/agecraft"
	"github.com/ursic/ursic/share"
)

// sealRaw makes an envelope by the adversary with header h over plain
// sealed to rs as given, however many: correctly signed, so only the
// body's stanzas are wrong.
func (a *adversary) sealRaw(tb testing.TB, h share.Header, plain []byte, rs ...age.Recipient) (raw []byte, cid string) {
	tb.Helper()
	h.Created, h.RosterVersion = time.Now().UnixMilli(), 1
	body, err := crypto.Seal(plain, rs...)
	if err != nil {
		tb.Fatal(err)
	}
	env, err := share.SealSigned(a.id, h, body)
	if err == nil {
		raw, err = env.Encode()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return raw, share.CIDOf(raw).String()
}

func recipientOfPeer(tb testing.TB, p *peerNode) age.Recipient {
	tb.Helper()
	r, err := crypto.ParseRecipient(p.card.Recipient)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// Finding: a member could send bodies with more stanzas than readers (each
// an X25519 for every receiver) and direct bodies with an ursic-sk stanza
// beside the reader's X25519 stanza, which this node opened and a node
// following SPEC.md §2.3.1 refuses. A receiver now holds such an envelope
// (it is authentic and entitled) but never opens it: not a direct body with
// a stanza more than its readers, not one with an ursic-sk stanza among
// others, and not a senderkey record with a stanza more than the group's
// recipients under its roster, which the header alone does not bound.
func TestInsiderStanzaRules(t *testing.T) {
	b := newAttackBed(t)
	alpha, bravo, mallory, adv := b.alpha, b.bravo, b.mallory, b.adv
	rec, err := share.ParseRecord(sampleRecord(t, "indicator-amber.json"))
	if err != nil {
		t.Fatal(err)
	}
	extra, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	k, err := crypto.NewGroupKey()
	if err != nil {
		t.Fatal(err)
	}
	peers := func(ps ...*peerNode) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.peerID())
		}
		slices.Sort(out)
		return out
	}
	direct := func(aud []string) share.Header {
		return share.Header{Kind: rec.Kind, Seq: 1, TLP: "red", Audience: aud, Key: share.KeyRef{Direct: true}}
	}

	// Two readers (mallory and bravo), three X25519 stanzas.
	tooMany, tooManyCID := adv.sealRaw(t, direct(peers(bravo)), rec.Body,
		recipientOfPeer(t, mallory), recipientOfPeer(t, bravo), extra.Recipient())
	// Three readers, two stanzas: bravo's X25519 and an ursic-sk stanza.
	notAlone, notAloneCID := adv.sealRaw(t, direct(peers(alpha, bravo)), rec.Body,
		agecraft.Unlabelled{recipientOfPeer(t, bravo), k.Recipient()})
	// The members group's recipients at AMBER under roster 1 are the three
	// members; the senderkey record carries a fourth stanza, and the group
	// record sealed to its key follows it.
	members := peers(alpha, bravo, mallory)
	skBody, err := share.NewSenderKeyBody("members", 1, members, k).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	sk, skCID := adv.sealRaw(t, share.Header{Kind: share.KindSenderKey, Seq: 1, TLP: "amber", Audience: []string{"members"}, Key: share.KeyRef{Direct: true}},
		skBody, recipientOfPeer(t, alpha), recipientOfPeer(t, bravo), recipientOfPeer(t, mallory), extra.Recipient())
	prev := cidBytes(t, skCID)
	group, groupCID := adv.sealRaw(t, share.Header{Kind: rec.Kind, Seq: 2, Prev: prev, TLP: "amber", Audience: []string{"members"},
		Key: share.KeyRef{Group: "members", Epoch: 1, SenderKey: prev}}, rec.Body, k.Recipient())

	adv.push(t, tooMany, notAlone, sk, group)
	waitFor(t, liveWait, "bravo holds the envelopes", func() bool {
		return bravo.holds(tooManyCID) && bravo.holds(notAloneCID) && bravo.holds(skCID) && bravo.holds(groupCID)
	})
	for _, c := range []string{tooManyCID, notAloneCID, groupCID} {
		if bravo.canRead(c) {
			t.Errorf("bravo opened %s", c)
		}
	}
	b.alphaReachesBravo(t, "after the bodies")
}

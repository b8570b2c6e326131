package share

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/internal/agecraft"
)

// reencoded is e encoded and decoded again, as a receiver reads it.
func reencoded(t *testing.T, e *Envelope) *Envelope {
	t.Helper()
	enc, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// signedOver signs h over a body sealed to rs without the checks of Seal:
// an authentic envelope whose body only the stanza rules refuse.
func signedOver(t *testing.T, author *crypto.Identity, h Header, plain []byte, rs ...age.Recipient) *Envelope {
	t.Helper()
	b, err := crypto.Seal(plain, rs...)
	if err != nil {
		t.Fatal(err)
	}
	e, err := SealSigned(author, h, b)
	if err != nil {
		t.Fatal(err)
	}
	return reencoded(t, e)
}

// TestEnvelopeStanzaRules: Open applies the stanza rules of SPEC.md §2.3 to
// every body from its header alone: one stanza under a sender-key
// reference, at most the named readers under a direct one, and an ursic-sk
// stanza only alone.
func TestEnvelopeStanzaRules(t *testing.T) {
	author, reader, outsider := newIdentity(t), newIdentity(t), newIdentity(t)
	aud := []string{author.PeerID(), reader.PeerID()}
	slices.Sort(aud)
	plain := body(t, minimal[KindSighting])
	direct := Header{Kind: KindSighting, Seq: 1, Created: 1, TLP: "red", Audience: aud, Key: KeyRef{Direct: true}}
	k := newGroupKey(t)
	group := Header{Kind: KindSighting, Seq: 2, Prev: prevFor(2), Created: 1, TLP: "amber", Audience: []string{"members"}, Key: KeyRef{Group: "members", Epoch: 1}}
	ra, rr, ro := recipientOf(t, author), recipientOf(t, reader), recipientOf(t, outsider)

	for _, c := range []struct {
		name string
		e    *Envelope
		id   age.Identity
		ok   bool
	}{
		{"direct, one stanza per reader", signedOver(t, author, direct, plain, ra, rr), reader.AgeIdentity(), true},
		{"direct, a stanza more than readers", signedOver(t, author, direct, plain, ra, rr, ro), reader.AgeIdentity(), false},
		{"direct, reader's X25519 and ursic-sk", signedOver(t, author, direct, plain, agecraft.Unlabelled{rr, k.Recipient()}), reader.AgeIdentity(), false},
		{"group, ursic-sk", signedOver(t, author, group, plain, k.Recipient()), k.Identity(), true},
		{"group, old form", signedOver(t, author, group, plain, k.X25519Recipient()), k.Identity(), true},
		{"group, old form and another X25519", signedOver(t, author, group, plain, k.X25519Recipient(), rr), k.Identity(), false},
		{"group, reader's own X25519 stanza and the sender key's", signedOver(t, author, group, plain, rr, k.X25519Recipient()), reader.AgeIdentity(), false},
	} {
		got, err := c.e.Open(c.id)
		switch {
		case c.ok && (err != nil || !bytes.Equal(got, plain)):
			t.Errorf("%s: %v", c.name, err)
		case !c.ok && !errors.Is(err, ErrBadStanza):
			t.Errorf("%s: %q, %v; want ErrBadStanza", c.name, got, err)
		}
	}

	// A senderkey record: a direct body to a group, whose readers only the
	// roster knows; OpenBounded takes them from the caller.
	skb, err := NewSenderKeyBody("members", 1, aud, k).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	sk := signedOver(t, author, Header{Kind: KindSenderKey, Seq: 1, Created: 1, TLP: "amber", Audience: []string{"members"}, Key: KeyRef{Direct: true}}, skb, ra, rr, ro)
	if sk.Header.MaxStanzas() != MaxReaders {
		t.Fatalf("a direct group header bounds its body to %d stanzas, want %d", sk.Header.MaxStanzas(), MaxReaders)
	}
	if _, err := sk.OpenBounded(2, reader.AgeIdentity()); !errors.Is(err, ErrBadStanza) {
		t.Fatalf("senderkey body of 3 stanzas for 2 readers: %v", err)
	}
	if _, err := sk.OpenBounded(3, reader.AgeIdentity()); err != nil {
		t.Fatalf("senderkey body of 3 stanzas for 3 readers: %v", err)
	}
}

// TestReadersAtCap: at the cap of SPEC.md §2.3, 1,024 readers, a senderkey
// record sealed to every member opens for the member whose stanza is last,
// and the group record sealed to its key opens with the key; one reader
// more is refused where it is written.
func TestReadersAtCap(t *testing.T) {
	ids := make([]*crypto.Identity, MaxReaders+1)
	rs := make([]age.Recipient, len(ids))
	peers := make([]string, len(ids))
	for i := range ids {
		ids[i] = newIdentity(t)
		rs[i], peers[i] = recipientOf(t, ids[i]), ids[i].PeerID()
	}
	author, last := ids[0], ids[MaxReaders-1]
	members := slices.Sorted(slices.Values(peers[:MaxReaders]))
	k := newGroupKey(t)
	skb, err := NewSenderKeyBody("members", 1, members, k).Marshal()
	if err != nil {
		t.Fatalf("a senderkey body of %d members: %v", len(members), err)
	}
	skEnv, err := Seal(author, Header{Kind: KindSenderKey, Seq: 1, Created: 1, RosterVersion: 1, TLP: "amber", Audience: []string{"members"}, Key: KeyRef{Direct: true}}, skb, rs[:MaxReaders]...)
	if err != nil {
		t.Fatal(err)
	}
	dec := reencoded(t, skEnv)
	got, err := dec.OpenBounded(len(members), last.AgeIdentity())
	if err != nil {
		t.Fatalf("the last of %d members: %v", MaxReaders, err)
	}
	opened, err := ParseSenderKeyBody(got)
	if err != nil {
		t.Fatal(err)
	}
	skCID, _ := skEnv.CID()
	rec, err := Seal(author, Header{Kind: KindSighting, Seq: 2, Prev: skCID.Bytes(), Created: 2, RosterVersion: 1, TLP: "amber", Audience: []string{"members"},
		Key: KeyRef{Group: "members", Epoch: 1, SenderKey: skCID.Bytes()}}, body(t, minimal[KindSighting]), k.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	id, err := opened.Identity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Open(id); err != nil {
		t.Fatalf("the group record, with the key of a %d-member senderkey record: %v", MaxReaders, err)
	}

	// One more: a senderkey body, a peer-list header.
	over := slices.Sorted(slices.Values(peers))
	if _, err := NewSenderKeyBody("members", 1, over, k).Marshal(); !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("a senderkey body of %d members: %v", len(over), err)
	}
	small, err := crypto.Seal([]byte("x"), rs[0])
	if err != nil {
		t.Fatal(err)
	}
	peerHeader := func(aud []string) Header {
		return Header{Kind: KindSighting, Seq: 1, Created: 1, TLP: "red", Audience: aud, Key: KeyRef{Direct: true}}
	}
	withAuthor := members // 1,024 peers, the author among them
	if _, err := SealSigned(author, peerHeader(withAuthor), small); err != nil {
		t.Fatalf("1,024 peers with the author: %v", err)
	}
	withoutAuthor := slices.DeleteFunc(slices.Clone(over), func(p string) bool { return p == author.PeerID() })
	if len(withoutAuthor) != MaxReaders {
		t.Fatal("test setup")
	}
	if _, err := SealSigned(author, peerHeader(withoutAuthor), small); !errors.Is(err, ErrInvalidHeader) {
		t.Fatalf("1,024 peers without the author (1,025 readers): %v, want ErrInvalidHeader", err)
	}
	if _, err := SealSigned(author, peerHeader(withoutAuthor[1:]), small); err != nil {
		t.Fatalf("1,023 peers without the author: %v", err)
	}
}

package share

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"crypto/sha256"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
)

func newIdentity(t *testing.T) *crypto.Identity {
	t.Helper()
	id, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func recipientOf(t *testing.T, id *crypto.Identity) age.Recipient {
	t.Helper()
	r, err := crypto.ParseRecipient(id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func body(t *testing.T, rec string) []byte {
	t.Helper()
	r, err := ParseRecord([]byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	return r.Body
}

func TestSealOpenDirect(t *testing.T) {
	author, reader, outsider := newIdentity(t), newIdentity(t), newIdentity(t)
	aud := []string{author.PeerID(), reader.PeerID()}
	slices.Sort(aud)
	plain := body(t, minimal[KindSighting])
	e, err := Seal(author, Header{Kind: KindSighting, Seq: 1, Created: 1, TLP: "red", Audience: aud, Key: KeyRef{Direct: true}},
		plain, recipientOf(t, author), recipientOf(t, reader))
	if err != nil {
		t.Fatal(err)
	}
	if e.Header.Author != author.PeerID() || e.Header.Log != LogID(aud) || e.Header.Version != FormatVersion {
		t.Fatalf("Seal did not fill the header: %+v", e.Header)
	}
	enc, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d := reencoded(t, e)
	got, err := d.Open(reader.AgeIdentity())
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %v, %s", err, got)
	}
	if _, err := d.Open(outsider.AgeIdentity()); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("outsider: %v", err)
	}
	r, err := d.OpenRecord(author.AgeIdentity())
	if err != nil || r.Policy.TLP != "red" || r.Kind != KindSighting {
		t.Fatalf("OpenRecord: %v %+v", err, r)
	}
	c1, _ := e.CID()
	if c1 != CIDOf(enc) || !strings.HasPrefix(c1.String(), "bafyrei") {
		t.Fatalf("CID %s", c1)
	}
	// The successor names it.
	next, err := Seal(author, Header{Kind: KindSighting, Seq: 2, Prev: c1.Bytes(), Created: 2, TLP: "red", Audience: aud, Key: KeyRef{Direct: true}},
		plain, recipientOf(t, author))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := next.Header.PrevCID(); !ok || p != c1 {
		t.Fatalf("PrevCID = %v, %v", p, ok)
	}
}

// TestSenderKeyEpochs seals group records to a sender key per epoch: a member
// removed before epoch 2 holds only the epoch-1 key and cannot read epoch 2.
func TestSenderKeyEpochs(t *testing.T) {
	author, stays, removed := newIdentity(t), newIdentity(t), newIdentity(t)
	epoch := func(n uint64, members ...*crypto.Identity) (*crypto.GroupKey, *Envelope) {
		k, err := crypto.NewGroupKey()
		if err != nil {
			t.Fatal(err)
		}
		var rs []age.Recipient
		for _, m := range members {
			rs = append(rs, recipientOf(t, m))
		}
		wrapped, err := crypto.WrapGroupKey(k, rs...)
		if err != nil {
			t.Fatal(err)
		}
		_ = wrapped // travels in a senderkey record
		e, err := Seal(author, Header{Kind: KindMethod, Seq: n, Prev: prevFor(n), Created: 1, TLP: "amber", Audience: []string{"members"},
			Key: KeyRef{Group: "members", Epoch: n}}, body(t, minimal[KindMethod]), k.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		return k, e
	}
	k1, e1 := epoch(1, author, stays, removed)
	k2, e2 := epoch(2, author, stays)
	if _, err := e1.Open(k1.Identity()); err != nil {
		t.Fatal(err)
	}
	if _, err := e2.Open(k2.Identity()); err != nil {
		t.Fatal(err)
	}
	if _, err := e2.Open(k1.Identity()); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("a removed member's old key opened epoch 2: %v", err)
	}
}

func prevFor(n uint64) []byte {
	if n == 1 {
		return nil
	}
	return CIDOf([]byte{byte(n)}).Bytes()
}

func TestSealRefuses(t *testing.T) {
	author := newIdentity(t)
	r := recipientOf(t, author)
	good := Header{Kind: KindSighting, Seq: 1, TLP: "green", Audience: []string{"members"}, Key: KeyRef{Direct: true}}
	plain := body(t, minimal[KindSighting])
	tests := []struct {
		name  string
		h     func(h *Header)
		plain []byte
		want  error
	}{
		{"seq 0", func(h *Header) { h.Seq = 0 }, plain, ErrInvalidHeader},
		{"prev on first", func(h *Header) { h.Prev = prevFor(2) }, plain, ErrInvalidHeader},
		{"no prev on second", func(h *Header) { h.Seq = 2 }, plain, ErrInvalidHeader},
		{"bad prev", func(h *Header) { h.Seq, h.Prev = 2, []byte{1, 2, 3} }, plain, ErrInvalidHeader},
		{"tlp", func(h *Header) { h.TLP = "AMBER" }, plain, ErrInvalidHeader},
		{"unknown kind", func(h *Header) { h.Kind = "note" }, plain, ErrInvalidHeader},
		{"empty audience", func(h *Header) { h.Audience = nil }, plain, ErrInvalidHeader},
		{"unsorted peers", func(h *Header) {
			h.Audience = []string{testPeer, author.PeerID()}
			slices.Sort(h.Audience)
			slices.Reverse(h.Audience)
		}, plain, ErrInvalidHeader},
		{"wrong log", func(h *Header) { h.Log = "g/partners" }, plain, ErrInvalidHeader},
		{"caveats unsorted", func(h *Header) { h.Caveats = []string{"b", "a"} }, plain, ErrInvalidHeader},
		{"caveats empty", func(h *Header) { h.Caveats = []string{} }, plain, ErrInvalidHeader},
		{"no key ref", func(h *Header) { h.Key = KeyRef{} }, plain, ErrInvalidHeader},
		{"epoch 0", func(h *Header) { h.Key = KeyRef{Group: "members"} }, plain, ErrInvalidHeader},
		{"direct and group", func(h *Header) { h.Key = KeyRef{Direct: true, Group: "members", Epoch: 1} }, plain, ErrInvalidHeader},
		{"group mismatch", func(h *Header) { h.Key = KeyRef{Group: "executive", Epoch: 1} }, plain, ErrInvalidHeader},
		{"invalid record", func(h *Header) {}, []byte(`{"kind":"sighting"}`), ErrInvalidRecord},
		{"kind mismatch", func(h *Header) { h.Kind = KindMethod }, plain, ErrInvalidRecord},
		{"too large", func(h *Header) {}, make([]byte, MaxPlaintextSize+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good
			tt.h(&h)
			if _, err := Seal(author, h, tt.plain, r); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Seal(author, good, plain); err == nil {
		t.Fatal("sealed to no recipients")
	}
	// A roster body is not a record, and is not checked here.
	if _, err := Seal(author, Header{Kind: KindRoster, Seq: 1, TLP: "amber", Audience: []string{"members"}, Key: KeyRef{Direct: true}}, []byte("roster"), r); err != nil {
		t.Fatal(err)
	}
	// A senderkey body is checked (SPEC.md §6.4).
	if _, err := Seal(author, Header{Kind: KindSenderKey, Seq: 1, TLP: "amber", Audience: []string{"members"}, Key: KeyRef{Direct: true}}, []byte("key"), r); !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("senderkey with a bad body: got %v, want ErrInvalidRecord", err)
	}
}

func TestDecodeLimits(t *testing.T) {
	if _, err := Decode(make([]byte, MaxEnvelopeSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversize: %v", err)
	}
	for _, in := range [][]byte{{0xa0}, {0x01}, {0xbf, 0xff}, {0xa1, 0x61, 0x68, 0xa0}, {0xd8, 0x2a, 0xa0}, {0xa0, 0x00}} {
		if _, err := Decode(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: got %v, want ErrMalformed", in, err)
		}
	}
}

func TestStub(t *testing.T) {
	author := newIdentity(t)
	e, err := Seal(author, Header{Kind: KindRetraction, Seq: 1, TLP: "green", Audience: []string{"members"}, Key: KeyRef{Direct: true}},
		body(t, minimal[KindRetraction]), recipientOf(t, author))
	if err != nil {
		t.Fatal(err)
	}
	s := e.Stub()
	d := reencoded(t, s)
	if !d.IsStub() || d.VerifyHeader() != nil || !errors.Is(d.Verify(), ErrStub) {
		t.Fatalf("stub: %v %v", d.VerifyHeader(), d.Verify())
	}
}

func TestLogID(t *testing.T) {
	a, b := "12D3KooWQ6SC8QeL55fdVUnxYYHNba2J2GoLNPDPq3ey3WrPVtsC", "12D3KooWG9o9Gg28LMmKEZu8M6Fda8jpHxE4t9ibfrw3g2hVwG4j"
	if got := LogID([]string{"members"}); got != "g/members" {
		t.Errorf("group: %q", got)
	}
	ab, ba := LogID([]string{a, b}), LogID([]string{b, a, b})
	if ab != ba || len(ab) != 28 || !strings.HasPrefix(ab, "p/") || strings.ToLower(ab) != ab {
		t.Errorf("peers: %q %q", ab, ba)
	}
	if LogID([]string{a}) == LogID([]string{b}) || LogID(nil) != "" {
		t.Error("distinct audiences share a log")
	}
	// The SPEC.md §4 rule, by hand: sha-256 over "b\na" sorted, 16 bytes, base32.
	if got := LogID([]string{a, b}); got != "p/"+strings.ToLower(logIDEncoding.EncodeToString(sha256Prefix(b+"\n"+a))) {
		t.Errorf("LogID = %s", got)
	}
}

func sha256Prefix(s string) []byte {
	sum := sha256Sum([]byte(s))
	return sum[:16]
}

var sha256Sum = sha256.Sum256

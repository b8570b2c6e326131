package crypto

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
)

func mustIdentity(t testing.TB) *Identity {
	t.Helper()
	id, err := GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestIdentityRoundTrip(t *testing.T) {
	id := mustIdentity(t)
	text := id.Marshal()
	got, err := ParseIdentity(text)
	if err != nil {
		t.Fatalf("ParseIdentity: %v", err)
	}
	if got.PeerID() != id.PeerID() || got.Recipient() != id.Recipient() {
		t.Fatalf("round trip changed the identity")
	}
	if !strings.HasPrefix(id.PeerID(), "12D3KooW") {
		t.Errorf("peer ID %q is not an Ed25519 libp2p peer ID", id.PeerID())
	}
	if !strings.HasPrefix(id.Recipient(), "age1") {
		t.Errorf("recipient %q is not an age X25519 recipient", id.Recipient())
	}
}

func TestParseIdentityErrors(t *testing.T) {
	id := mustIdentity(t)
	good := string(id.Marshal())
	lines := strings.Split(strings.TrimSpace(good), "\n")
	tests := []struct {
		name, text string
	}{
		{"empty", ""},
		{"garbage line", good + "hello\n"},
		{"missing age", strings.Join(lines[:len(lines)-1], "\n")},
		{"missing signing key", strings.Join(append(lines[:len(lines)-2], lines[len(lines)-1]), "\n")},
		{"two signing keys", good + lines[len(lines)-2] + "\n"},
		{"short seed", ed25519Prefix + "AAAA\n" + lines[len(lines)-1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseIdentity([]byte(tt.text)); !errors.Is(err, ErrBadKeyFile) {
				t.Fatalf("got %v, want ErrBadKeyFile", err)
			}
		})
	}
}

func TestPeerIDRoundTrip(t *testing.T) {
	id := mustIdentity(t)
	pub, err := PublicKeyFromPeerID(id.PeerID())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pub, id.PrivateKey().Public().(ed25519.PublicKey)) || PeerIDFromPublicKey(pub) != id.PeerID() {
		t.Fatal("public key from peer ID differs")
	}
	for _, bad := range []string{"", "not-base58-0OIl", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "12D3KooW"} {
		if _, err := PublicKeyFromPeerID(bad); !errors.Is(err, ErrBadPeerID) {
			t.Errorf("PublicKeyFromPeerID(%q) = %v, want ErrBadPeerID", bad, err)
		}
	}
}

func TestSignVerify(t *testing.T) {
	id, other := mustIdentity(t), mustIdentity(t)
	msg := []byte("ursic-test/v1\nhello")
	sig := id.Sign(msg)
	if err := Verify(id.PeerID(), msg, sig); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if err := Verify(other.PeerID(), msg, sig); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other key: got %v, want ErrBadSignature", err)
	}
	tampered := append([]byte{}, msg...)
	tampered[0] ^= 1
	if err := Verify(id.PeerID(), tampered, sig); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered message: got %v, want ErrBadSignature", err)
	}
	if err := Verify(id.PeerID(), msg, sig[:10]); !errors.Is(err, ErrBadSignature) {
		t.Errorf("short signature: got %v, want ErrBadSignature", err)
	}
}

func TestSealOpen(t *testing.T) {
	a, b, c := mustIdentity(t), mustIdentity(t), mustIdentity(t)
	var rs []age.Recipient
	for _, id := range []*Identity{a, b} {
		r, err := ParseRecipient(id.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	plain := []byte(`{"kind":"indicator","title":"unique-9f3c"}`)
	sealed, err := Seal(plain, rs...)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("unique-9f3c")) {
		t.Fatal("plaintext visible in sealed body")
	}
	for _, id := range []*Identity{a, b} {
		got, err := Open(sealed, id.AgeIdentity())
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Open by recipient: %q, %v", got, err)
		}
	}
	if _, err := Open(sealed, c.AgeIdentity()); !errors.Is(err, ErrNotRecipient) {
		t.Errorf("non-recipient: got %v, want ErrNotRecipient", err)
	}
	tampered := append([]byte{}, sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := Open(tampered, a.AgeIdentity()); err == nil {
		t.Error("tampered body opened without error")
	}
	if _, err := Seal(plain); err == nil {
		t.Error("Seal to nobody succeeded")
	}
	if _, err := ParseRecipient("age1nonsense"); err == nil {
		t.Error("bad recipient parsed")
	}
}

func TestPassphrase(t *testing.T) {
	id := mustIdentity(t)
	enc, err := EncryptWithPassphrase(id.Marshal(), "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !IsPassphraseProtected(enc) || IsPassphraseProtected(id.Marshal()) {
		t.Fatal("IsPassphraseProtected is wrong")
	}
	if _, err := ParseIdentity(enc); !errors.Is(err, ErrBadKeyFile) {
		t.Errorf("parsing protected file: got %v", err)
	}
	if _, err := DecryptWithPassphrase(enc, "wrong"); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: got %v, want ErrWrongPassphrase", err)
	}
	plain, err := DecryptWithPassphrase(enc, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseIdentity(plain)
	if err != nil || got.PeerID() != id.PeerID() {
		t.Fatalf("decrypted identity differs: %v", err)
	}
}

func TestGroupKey(t *testing.T) {
	members := []*Identity{mustIdentity(t), mustIdentity(t), mustIdentity(t)}
	outsider := mustIdentity(t)
	var rs []age.Recipient
	for _, m := range members {
		r, _ := ParseRecipient(m.Recipient())
		rs = append(rs, r)
	}
	k, err := NewGroupKey()
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := WrapGroupKey(k, rs...)
	if err != nil {
		t.Fatal(err)
	}
	body, err := Seal([]byte("group secret"), k.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range members {
		gk, err := UnwrapGroupKey(wrapped, m.AgeIdentity())
		if err != nil {
			t.Fatalf("member %d: %v", i, err)
		}
		if got, err := Open(body, gk.Identity()); err != nil || string(got) != "group secret" {
			t.Fatalf("member %d cannot open: %v", i, err)
		}
	}
	if _, err := UnwrapGroupKey(wrapped, outsider.AgeIdentity()); !errors.Is(err, ErrNotRecipient) {
		t.Errorf("outsider unwrapped the group key: %v", err)
	}
	// A new epoch's key does not open with the old one.
	k2, _ := NewGroupKey()
	body2, _ := Seal([]byte("new epoch"), k2.Recipient())
	if _, err := Open(body2, k.Identity()); !errors.Is(err, ErrNotRecipient) {
		t.Errorf("old epoch key opened a new record: %v", err)
	}
}

// BenchmarkOpenGroupRecord opens a 1 KiB body sealed to a sender key's
// ursic-sk stanza, as group records are written now; ...X25519 opens the
// same size sealed to the key's X25519 recipient, as they were written
// before, with the same identity.
func BenchmarkOpenGroupRecord(b *testing.B) {
	k, _ := NewGroupKey()
	benchOpenGroup(b, k, k.Recipient())
}

func BenchmarkOpenGroupRecordX25519(b *testing.B) {
	k, _ := NewGroupKey()
	benchOpenGroup(b, k, k.X25519Recipient())
}

func benchOpenGroup(b *testing.B, k *GroupKey, r age.Recipient) {
	body, _ := Seal(bytes.Repeat([]byte("x"), 1024), r)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(body, k.Identity()); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSealOpenSizes(t *testing.T) {
	k, _ := NewGroupKey()
	for _, n := range []int{0, 1, 64 << 10, 64<<10 + 1, 200 << 10} {
		plain := bytes.Repeat([]byte{'a'}, n)
		sealed, err := Seal(plain, k.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		got, err := Open(sealed, k.Identity())
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: got %d bytes, %v", n, len(got), err)
		}
		if n > 0 {
			if _, err := Open(sealed[:len(sealed)-1], k.Identity()); err == nil {
				t.Fatalf("%d bytes: a truncated body opened", n)
			}
		}
	}
}

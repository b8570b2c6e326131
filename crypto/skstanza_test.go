package crypto

import (
	"bytes"
	"crypto/ecdh"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto/internal/bech32"
)

// The ursic-sk test vector of SPEC.md §2.3.1. The values were computed by
// this package and checked with an independent implementation (Python's
// hmac and the cryptography package's ChaCha20Poly1305).
const (
	vecSenderKey = "AGE-SECRET-KEY-1QYPQXPQ9QCRSSZG2PVXQ6RS0ZQG3YYC5Z5TPWXQERGD3C8G7RUSQGPQYEE" // scalar 01 02 … 20
	vecStanzaKey = "3dda94ded4008380e5d8c05a8fb5acfdbe79ff33dd35b1fd5bf194b9b4f64664"
	vecKeyID     = "mvdq2YuxRhVnJWWIRmdKaw"
	vecFileKey   = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
	vecSalt      = "505152535455565758595a5b5c5d5e5f"
	vecWrapKey   = "8d878393d86680b115ffe3bdf6d16e472b80e9919ec1390555827961baa29ff7"
	vecStanza    = "-> ursic-sk mvdq2YuxRhVnJWWIRmdKaw UFFSU1RVVldYWVpbXF1eXw\n84tg+JgdLhCdpUuheWqkCqEYR2aioI7l7dn5w6jlHZg\n"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSenderKeyStanzaVector(t *testing.T) {
	k, err := ParseGroupKey(vecSenderKey)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(k.sk.key[:]); got != vecStanzaKey {
		t.Errorf("stanza key = %s, want %s", got, vecStanzaKey)
	}
	if k.KeyID() != vecKeyID {
		t.Errorf("key ID = %s, want %s", k.KeyID(), vecKeyID)
	}
	salt := unhex(t, vecSalt)
	if got := hex.EncodeToString(k.sk.wrapKey(salt)); got != vecWrapKey {
		t.Errorf("wrap key = %s, want %s", got, vecWrapKey)
	}
	s, err := k.sk.wrap(unhex(t, vecFileKey), salt)
	if err != nil {
		t.Fatal(err)
	}
	if got := stanzaText(s); got != vecStanza {
		t.Errorf("stanza =\n%s\nwant\n%s", got, vecStanza)
	}
	fk, err := k.Identity().Unwrap([]*age.Stanza{s})
	if err != nil || !bytes.Equal(fk, unhex(t, vecFileKey)) {
		t.Errorf("Unwrap = %x, %v; want the file key", fk, err)
	}
}

// stanzaText is a stanza as it appears in an age header (bodies here are
// shorter than one 64-column line).
func stanzaText(s *age.Stanza) string {
	return "-> " + s.Type + " " + strings.Join(s.Args, " ") + "\n" + b64.EncodeToString(s.Body) + "\n"
}

// TestGroupKeyScalar checks that the scalar the stanza key is derived from
// is the X25519 secret itself: its public key is the key's age recipient.
func TestGroupKeyScalar(t *testing.T) {
	k, err := NewGroupKey()
	if err != nil {
		t.Fatal(err)
	}
	_, scalar, err := bech32.Decode(k.String())
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ecdh.X25519().NewPrivateKey(scalar)
	if err != nil {
		t.Fatal(err)
	}
	_, pub, err := bech32.Decode(k.X25519Recipient().(*age.X25519Recipient).String())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(priv.PublicKey().Bytes(), pub) {
		t.Fatal("the decoded scalar is not the secret of the key's recipient")
	}
	if k.KeyID() == b64.EncodeToString(k.sk.key[:skIDSize]) {
		t.Fatal("the key ID is a prefix of the stanza key")
	}
}

// header returns the stanzas of a binary age file, parsed by age itself.
func header(t *testing.T, sealed []byte) []*age.Stanza {
	t.Helper()
	text, _, ok := bytes.Cut(sealed, []byte("\n--- "))
	if !ok {
		t.Fatal("no header end")
	}
	var out []*age.Stanza
	for _, block := range strings.Split(string(text), "\n-> ")[1:] {
		lines := strings.Split(block, "\n")
		f := strings.Fields(lines[0])
		body, err := b64.DecodeString(strings.Join(lines[1:], ""))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &age.Stanza{Type: f[0], Args: f[1:], Body: body})
	}
	return out
}

func TestSenderKeyStanzaSeal(t *testing.T) {
	k, _ := NewGroupKey()
	plain := []byte(`{"kind":"sighting"}`)
	sealed, err := Seal(plain, k.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	st := header(t, sealed)
	if len(st) != 1 || st[0].Type != SenderKeyStanzaType || st[0].Args[0] != k.KeyID() || len(st[0].Body) != 32 {
		t.Fatalf("header stanzas = %+v, want one ursic-sk stanza with the key ID", st)
	}
	got, err := Open(sealed, k.Identity())
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := Seal(plain, k.Recipient())
	if header(t, again)[0].Args[1] == st[0].Args[1] {
		t.Fatal("two stanzas share a salt")
	}
	other, _ := NewGroupKey()
	if _, err := Open(sealed, other.Identity()); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("another sender key: %v, want ErrNotRecipient", err)
	}
	// A node's own X25519 identity skips the stanza: not a recipient.
	id, _ := GenerateIdentity()
	if _, err := Open(sealed, id.AgeIdentity()); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("an X25519 identity: %v, want ErrNotRecipient", err)
	}
}

// TestSenderKeyStanzaOldForm: bodies sealed to the key's X25519 recipient,
// as writers did before the ursic-sk stanza, still open with its identity.
func TestSenderKeyStanzaOldForm(t *testing.T) {
	k, _ := NewGroupKey()
	sealed, err := Seal([]byte("old"), k.X25519Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Open(sealed, k.Identity()); err != nil || string(got) != "old" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := NewGroupKey()
	if got, err := Open(sealed, NewGroupKeyring(other, k)); err != nil || string(got) != "old" {
		t.Fatalf("keyring Open = %q, %v", got, err)
	}
}

func TestSenderKeyStanzaAlone(t *testing.T) {
	k, _ := NewGroupKey()
	x, _ := age.GenerateX25519Identity()
	if _, err := Seal([]byte("x"), k.Recipient(), x.Recipient()); err == nil {
		t.Fatal("age sealed an ursic-sk stanza alongside an X25519 stanza")
	}
	k2, _ := NewGroupKey()
	if _, err := Seal([]byte("x"), k.Recipient(), k2.Recipient()); err == nil {
		t.Fatal("age sealed two ursic-sk stanzas in one file")
	}
	// A file made by hand with both: every reader fails closed, even the
	// one whose X25519 stanza it is.
	fk := make([]byte, fileKeySize)
	sk, _ := k.sk.wrap(fk, make([]byte, skSaltSize))
	xs, err := k.X25519Recipient().Wrap(fk)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []age.Identity{k.Identity(), NewGroupKeyring(k)} {
		for _, st := range [][]*age.Stanza{{sk, xs[0]}, {xs[0], sk}, {sk, sk}} {
			if _, err := id.Unwrap(st); !errors.Is(err, ErrBadStanza) {
				t.Errorf("%T with %d stanzas: %v, want ErrBadStanza", id, len(st), err)
			}
		}
	}
}

func TestSenderKeyStanzaReject(t *testing.T) {
	k, _ := NewGroupKey()
	good, err := k.sk.wrap(make([]byte, fileKeySize), bytes.Repeat([]byte{7}, skSaltSize))
	if err != nil {
		t.Fatal(err)
	}
	other, third := func() (*GroupKey, *GroupKey) { a, _ := NewGroupKey(); b, _ := NewGroupKey(); return a, b }()
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 1; return b }
	for _, c := range []struct {
		name string
		s    age.Stanza
		want error
	}{
		{"another key ID", age.Stanza{Type: good.Type, Args: []string{other.KeyID(), good.Args[1]}, Body: good.Body}, age.ErrIncorrectIdentity},
		{"tampered body", age.Stanza{Type: good.Type, Args: good.Args, Body: flip(good.Body, 3)}, ErrBadStanza},
		{"tampered tag", age.Stanza{Type: good.Type, Args: good.Args, Body: flip(good.Body, 31)}, ErrBadStanza},
		{"tampered salt", age.Stanza{Type: good.Type, Args: []string{good.Args[0], "BwcHBwcHBwcHBwcHBwcHBA"}, Body: good.Body}, ErrBadStanza},
		{"no arguments", age.Stanza{Type: good.Type, Body: good.Body}, ErrBadStanza},
		{"one argument", age.Stanza{Type: good.Type, Args: good.Args[:1], Body: good.Body}, ErrBadStanza},
		{"three arguments", age.Stanza{Type: good.Type, Args: append(good.Args[:2:2], "x"), Body: good.Body}, ErrBadStanza},
		{"padded key ID", age.Stanza{Type: good.Type, Args: []string{good.Args[0] + "==", good.Args[1]}, Body: good.Body}, ErrBadStanza},
		{"non-canonical key ID", age.Stanza{Type: good.Type, Args: []string{good.Args[0][:21] + "b", good.Args[1]}, Body: good.Body}, ErrBadStanza},
		{"short key ID", age.Stanza{Type: good.Type, Args: []string{good.Args[0][:20], good.Args[1]}, Body: good.Body}, ErrBadStanza},
		{"short salt", age.Stanza{Type: good.Type, Args: []string{good.Args[0], good.Args[1][:20]}, Body: good.Body}, ErrBadStanza},
		{"short body", age.Stanza{Type: good.Type, Args: good.Args, Body: good.Body[:31]}, ErrBadStanza},
		{"long body", age.Stanza{Type: good.Type, Args: good.Args, Body: append(bytes.Clone(good.Body), 0)}, ErrBadStanza},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, id := range []age.Identity{k.Identity(), NewGroupKeyring(third, k)} {
				s := c.s
				fk, err := id.Unwrap([]*age.Stanza{&s})
				if !errors.Is(err, c.want) || fk != nil {
					t.Errorf("%T: Unwrap = %x, %v; want %v", id, fk, err, c.want)
				}
				if c.want == ErrBadStanza && errors.Is(err, age.ErrIncorrectIdentity) {
					t.Errorf("%T: a bad stanza must fail closed, not pass as another reader's: %v", id, err)
				}
			}
		})
	}
	if fk, err := k.Identity().Unwrap([]*age.Stanza{good}); err != nil || len(fk) != fileKeySize {
		t.Fatalf("the untampered stanza: %x, %v", fk, err)
	}
}

func TestGroupKeyring(t *testing.T) {
	var keys []*GroupKey
	for range 3 {
		k, _ := NewGroupKey()
		keys = append(keys, k)
	}
	ring := NewGroupKeyring(append(keys, keys[1])...)
	if ring.Len() != 3 {
		t.Fatalf("Len = %d, want 3", ring.Len())
	}
	for i, k := range keys {
		sealed, _ := Seal([]byte{byte(i)}, k.Recipient())
		if got, err := Open(sealed, ring); err != nil || !bytes.Equal(got, []byte{byte(i)}) {
			t.Fatalf("key %d: %x, %v", i, got, err)
		}
	}
	outside, _ := NewGroupKey()
	sealed, _ := Seal([]byte("x"), outside.Recipient())
	if _, err := Open(sealed, ring); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("a key not in the ring: %v, want ErrNotRecipient", err)
	}
	sealed, _ = Seal([]byte("x"), outside.X25519Recipient())
	if _, err := Open(sealed, ring); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("an old-form body of a key not in the ring: %v, want ErrNotRecipient", err)
	}
}

// FuzzSenderKeyStanza feeds arbitrary ursic-sk stanzas to a sender key's
// identity and its keyring: they never panic, never return a file key for
// a stanza the key did not make, and fail either as another key's stanza or
// closed.
func FuzzSenderKeyStanza(f *testing.F) {
	k, err := ParseGroupKey(vecSenderKey)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := k.sk.wrap(unhex(f, vecFileKey), unhex(f, vecSalt))
	f.Add(good.Args[0], good.Args[1], "", good.Body)
	f.Add(good.Args[0], good.Args[1], "x", good.Body)
	f.Add("AAAAAAAAAAAAAAAAAAAAAA", good.Args[1], "", good.Body)
	f.Add(good.Args[0]+"=", "", "", []byte{})
	f.Fuzz(func(t *testing.T, id, salt, extra string, body []byte) {
		args := []string{id, salt}
		if extra != "" {
			args = append(args, extra)
		}
		s := &age.Stanza{Type: SenderKeyStanzaType, Args: args, Body: body}
		for _, ident := range []age.Identity{k.Identity(), NewGroupKeyring(k)} {
			fk, err := ident.Unwrap([]*age.Stanza{s})
			if err == nil {
				if extra != "" || id != good.Args[0] || len(fk) != fileKeySize {
					t.Fatalf("accepted a stanza with args %q and a %d-byte body", args, len(body))
				}
				continue
			}
			if fk != nil || !(errors.Is(err, ErrBadStanza) || errors.Is(err, age.ErrIncorrectIdentity)) {
				t.Fatalf("Unwrap(%q, %x) = %x, %v", args, body, fk, err)
			}
		}
	})
}

func TestAgeScalarRoundTrip(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	s, err := AgeSecretScalar(id)
	if err != nil {
		t.Fatal(err)
	}
	back, err := AgeIdentityFromScalar(s)
	if err != nil || back.String() != id.String() {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := AgeIdentityFromScalar(s[:31]); err == nil {
		t.Fatal("a 31-byte scalar was accepted")
	}
}

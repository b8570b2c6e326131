package crypto

import (
	"bytes"
	"errors"
	"testing"

	"filippo.io/age"
)

// TestLocalKeyOpensOnlyItsOwn: a file sealed to a local key opens with it,
// and with nothing else; the node's own X25519 identity does not open it,
// and the local identity does not open a file sealed to the node's public
// recipient, nor one sealed with another label's or another node's key.
func TestLocalKeyOpensOnlyItsOwn(t *testing.T) {
	id, err := GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	other, err := GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	k := id.LocalKey("index-snapshot")
	plain := []byte("only this node wrote this")
	sealed, err := Seal(plain, k.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(sealed, id.LocalKey("index-snapshot").Identity())
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open with the same key: %q, %v", got, err)
	}
	for name, ident := range map[string]age.Identity{
		"the node's X25519 identity": id.AgeIdentity(),
		"another label's key":        id.LocalKey("something-else").Identity(),
		"another node's key":         other.LocalKey("index-snapshot").Identity(),
	} {
		if _, err := Open(sealed, ident); !errors.Is(err, ErrNotRecipient) {
			t.Errorf("%s opened a file sealed to the local key: %v", name, err)
		}
	}

	// Sealed to the node's public recipient (what anyone can do): refused.
	r, err := ParseRecipient(id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	public, err := Seal(plain, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(public, k.Identity()); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("the local identity opened a file sealed to the public recipient: %v", err)
	}

	// A local stanza beside another is refused by age at sealing (labels),
	// and by the identity at opening.
	if _, err := Seal(plain, k.Recipient(), r); err == nil {
		t.Fatal("sealed to the local key and an X25519 recipient at once")
	}
	stanzas, err := k.Recipient().Wrap(make([]byte, fileKeySize))
	if err != nil {
		t.Fatal(err)
	}
	if fk, err := k.Identity().Unwrap(stanzas); err != nil || len(fk) != fileKeySize {
		t.Fatalf("its own stanza: %x, %v", fk, err)
	}
	extra := &age.Stanza{Type: "X25519", Args: []string{"x"}, Body: make([]byte, 32)}
	if _, err := k.Identity().Unwrap(append(stanzas, extra)); !errors.Is(err, ErrNotLocal) {
		t.Fatalf("a local stanza beside another: %v, want ErrNotLocal", err)
	}
	tampered := *stanzas[0]
	tampered.Body = bytes.Clone(tampered.Body)
	tampered.Body[3] ^= 1
	if _, err := k.Identity().Unwrap([]*age.Stanza{&tampered}); !errors.Is(err, ErrNotLocal) || !errors.Is(err, age.ErrIncorrectIdentity) {
		t.Fatalf("a tampered stanza: %v", err)
	}
}

// FuzzLocalKeyStanza feeds arbitrary ursic-local stanzas to a local key's
// identity: it never panics, never returns a file key for a stanza the key
// did not make, and every refusal says "not this identity".
func FuzzLocalKeyStanza(f *testing.F) {
	id, err := GenerateIdentity()
	if err != nil {
		f.Fatal(err)
	}
	k := id.LocalKey("fuzz")
	good, err := k.Recipient().Wrap(make([]byte, fileKeySize))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(LocalStanzaType, good[0].Args[0], "", good[0].Body)
	f.Add(LocalStanzaType, good[0].Args[0], "x", good[0].Body)
	f.Add("X25519", good[0].Args[0], "", good[0].Body)
	f.Add(LocalStanzaType, good[0].Args[0]+"=", "", []byte{})
	f.Fuzz(func(t *testing.T, typ, salt, extra string, body []byte) {
		args := []string{salt}
		if extra != "" {
			args = append(args, extra)
		}
		s := &age.Stanza{Type: typ, Args: args, Body: body}
		fk, err := k.Identity().Unwrap([]*age.Stanza{s})
		if err == nil {
			if typ != LocalStanzaType || extra != "" || salt != good[0].Args[0] || !bytes.Equal(body, good[0].Body) || len(fk) != fileKeySize {
				t.Fatalf("accepted a stanza %q %q with a %d-byte body", typ, args, len(body))
			}
			return
		}
		if fk != nil || !errors.Is(err, age.ErrIncorrectIdentity) || !errors.Is(err, ErrNotLocal) {
			t.Fatalf("Unwrap(%q %q, %x) = %x, %v", typ, args, body, fk, err)
		}
	})
}

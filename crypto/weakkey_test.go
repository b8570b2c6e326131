package crypto_test

import (
	"crypto/ed25519"
	"testing"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/internal/sigcraft"
)

func TestWeakKey(t *testing.T) {
	id, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	notAPoint := make([]byte, 32)
	notAPoint[0] = 2 // y = 2 is not the y of any point on the curve
	pub, err := crypto.PublicKeyFromPeerID(id.PeerID())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		key  []byte
		weak bool
	}{
		{"a generated key", pub, false},
		{"RFC 8032 test 1 key", ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey), false},
		{"the identity point", sigcraft.SmallOrderKey(), true},
		{"the identity, non-canonical", sigcraft.NonCanonicalIdentity[:], true},
		{"order 2: (0, -1)", append([]byte{0xec}, append(bytesOf(0xff, 30), 0x7f)...), true},
		{"not a point", notAPoint, true},
		{"too short", make([]byte, 31), true},
	} {
		if got := crypto.WeakKey(tc.key); got != tc.weak {
			t.Errorf("%s: WeakKey = %v, want %v", tc.name, got, tc.weak)
		}
	}
	if crypto.WeakPeerID(id.PeerID()) {
		t.Error("a generated identity's peer ID is weak")
	}
	if !crypto.WeakPeerID(crypto.PeerIDFromPublicKey(sigcraft.SmallOrderKey())) {
		t.Error("the peer ID of a small-order key is not weak")
	}
}

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

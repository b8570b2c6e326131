package crypto

import (
	"crypto/ed25519"

	"github.com/oasisprotocol/curve25519-voi/curve"
)

// WeakKey reports whether pub is an Ed25519 public key that no honest key
// generation makes and that nobody should be admitted with: one that does not
// decode to a curve point, or a point of small order (the identity among
// them). Under the verification rule (SPEC.md §2.4) anyone can make a valid
// signature for a small-order key, so a roster refuses such a member
// (SPEC.md §7.1): the format accepts the signature, the roster never admits
// the key.
func WeakKey(pub ed25519.PublicKey) bool {
	if len(pub) != ed25519.PublicKeySize {
		return true
	}
	var c curve.CompressedEdwardsY
	if _, err := c.SetBytes(pub); err != nil {
		return true
	}
	var p curve.EdwardsPoint
	if _, err := p.SetCompressedY(&c); err != nil {
		return true
	}
	return p.IsSmallOrder()
}

// WeakPeerID is [WeakKey] for the key a peer ID embeds; a peer ID that does
// not embed an Ed25519 key is weak too.
func WeakPeerID(peerID string) bool {
	pub, err := PublicKeyFromPeerID(peerID)
	return err != nil || WeakKey(pub)
}

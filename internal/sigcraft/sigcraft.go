// Package sigcraft makes the Ed25519 signatures that honest signers never
// make but an attacker can: the edge cases on which Ed25519 verifiers
// disagree (Chalkias, Garillot and Nikolaenko, "Taming the many EdDSAs",
// SSR 2020, and its "ed25519-speccheck" cases; ZIP-215). The tests of the
// verification rule (SPEC.md §2.4) and the vector generator use it; no node
// code does.
package sigcraft

import (
	"crypto/ed25519"
	"crypto/sha512"

	"github.com/oasisprotocol/curve25519-voi/curve"
	"github.com/oasisprotocol/curve25519-voi/curve/scalar"
)

// L is the order of the prime-order subgroup, little-endian.
var L = [32]byte{
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
}

// NonCanonicalIdentity encodes the identity point (x = 0, y = 1) with
// y = p + 1: a valid encoding of a point, but not the canonical one.
var NonCanonicalIdentity = [32]byte{
	0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
}

// identity is the canonical encoding of the identity point.
var identity = [32]byte{1}

// secret is the signing scalar a and public key of seed (RFC 8032 §5.1.5).
func secret(seed []byte) (*scalar.Scalar, []byte) {
	h := sha512.Sum512(seed)
	h[0] &= 248
	h[31] &= 127
	h[31] |= 64
	a, err := scalar.NewFromBits(h[:32])
	if err != nil {
		panic(err)
	}
	return a, ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}

// challenge is k = SHA-512(R ‖ A ‖ M) mod L.
func challenge(r, pub, msg []byte) *scalar.Scalar {
	h := sha512.New()
	h.Write(r)
	h.Write(pub)
	h.Write(msg)
	k, err := scalar.NewFromBytesModOrderWide(h.Sum(nil))
	if err != nil {
		panic(err)
	}
	return k
}

// nonce is a deterministic r for seed and msg, as RFC 8032 does it, so a
// crafted signature is reproducible.
func nonce(seed, msg []byte) *scalar.Scalar {
	h := sha512.New()
	h.Write([]byte("sigcraft nonce"))
	h.Write(seed)
	h.Write(msg)
	r, err := scalar.NewFromBytesModOrderWide(h.Sum(nil))
	if err != nil {
		panic(err)
	}
	return r
}

func sign(r []byte, s *scalar.Scalar) []byte {
	sig := make([]byte, 64)
	copy(sig, r)
	if err := s.ToBytes(sig[32:]); err != nil {
		panic(err)
	}
	return sig
}

// MixedR signs msg with seed's key but adds a point of order 8 to R. The
// cofactored equation holds ([8] removes the torsion); the cofactorless
// one does not. Only the key's holder can make it.
func MixedR(seed, msg []byte) []byte {
	a, pub := secret(seed)
	r := nonce(seed, msg)
	var R curve.EdwardsPoint
	R.MulBasepoint(curve.ED25519_BASEPOINT_TABLE, r)
	R.Add(&R, curve.EIGHT_TORSION[1])
	var rc curve.CompressedEdwardsY
	rc.SetEdwardsPoint(&R)
	k := challenge(rc[:], pub, msg)
	var s scalar.Scalar
	s.Mul(k, a)
	s.Add(&s, r)
	return sign(rc[:], &s)
}

// NonCanonicalR signs msg with seed's key with R the identity point written
// non-canonically ([NonCanonicalIdentity]) and S = k·a. The equation holds
// for the point R decodes to; a verifier that compares R's bytes with a
// canonical encoding (RFC 8032 §5.1.7 as written, crypto/ed25519) rejects.
func NonCanonicalR(seed, msg []byte) []byte {
	a, pub := secret(seed)
	k := challenge(NonCanonicalIdentity[:], pub, msg)
	var s scalar.Scalar
	s.Mul(k, a)
	return sign(NonCanonicalIdentity[:], &s)
}

// SmallOrderKey is a public key of order 8: anyone can sign for it.
func SmallOrderKey() []byte {
	var c curve.CompressedEdwardsY
	c.SetEdwardsPoint(curve.EIGHT_TORSION[1])
	return c[:]
}

// AnyMessage is a signature (R = identity, S = 0) that the cofactored
// equation accepts for every message under a small-order key
// ([SmallOrderKey], [NonCanonicalIdentity]): [8](0·B − R − k·A) = 0.
func AnyMessage() []byte {
	return sign(identity[:], scalar.New())
}

// UnreducedS returns sig with S replaced by S + L: the same value modulo L,
// which every RFC 8032 verifier must reject (S must be below L) so that a
// signature cannot be altered into a second valid one.
func UnreducedS(sig []byte) []byte {
	out := append([]byte(nil), sig...)
	var carry uint16
	for i := range 32 {
		v := uint16(out[32+i]) + uint16(L[i]) + carry
		out[32+i] = byte(v)
		carry = v >> 8
	}
	return out
}

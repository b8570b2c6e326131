package main

import (
	"filippo.io/age"

	"slices"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/internal/sigcraft"
	"github.com/ursic/ursic/share"
)

// sigRuleVectors writes the vectors of the verification rule (SPEC.md §2.4):
// signatures an honest signer never makes, on which Ed25519 verifiers
// disagree ("Taming the many EdDSAs", the ed25519-speccheck cases; ZIP-215),
// each with the verdict of the rule. Each is the envelope direct with only
// its signature (and, for the small-order key, its author) changed.
func sigRuleVectors(author, reader *crypto.Identity, direct *share.Envelope,
	write func(name, desc, expect string, env []byte, claimed, identity, plain string)) {
	readerKey := reader.AgeIdentity().(*age.X25519Identity).String()
	sighting := string(must(crypto.Open(direct.Body, author.AgeIdentity())))
	seed := author.PrivateKey().Seed()
	msg := signedMessageOf(&direct.Header)
	withSig := func(e *share.Envelope, sig []byte) []byte {
		return mustEncode(&share.Envelope{Header: e.Header, Body: e.Body, Sig: sig})
	}

	write("sig-mixed-order-r", "the author's signature with a point of order 8 added to R: the cofactored equation holds, the cofactorless one does not; accepted (§2.4, Verification rule)", "success",
		withSig(direct, sigcraft.MixedR(seed, msg)), "", readerKey, sighting)
	write("sig-non-canonical-r", "the author's signature with R the identity point written non-canonically (y = p + 1) and S = k·a: accepted, as ZIP-215 allows any encoding of R", "success",
		withSig(direct, sigcraft.NonCanonicalR(seed, msg)), "", readerKey, sighting)
	write("sig-s-unreduced", "the valid signature of success-direct's header with S replaced by S + L: S must be below L", "bad signature",
		withSig(direct, sigcraft.UnreducedS(direct.Sig)), "", readerKey, "")
	write("sig-mixed-order-r-s-unreduced", "sig-mixed-order-r with S replaced by S + L: S must be below L whatever the equation says", "bad signature",
		withSig(direct, sigcraft.UnreducedS(sigcraft.MixedR(seed, msg))), "", readerKey, "")

	// A key of order 8 signs every message with R = identity, S = 0 under
	// the cofactored equation. The format accepts it (a roster decides who
	// may author; §10); crypto/ed25519 accepts it only when 8 divides k.
	small := *direct
	small.Header.Author = crypto.PeerIDFromPublicKey(sigcraft.SmallOrderKey())
	aud := []string{small.Header.Author, reader.PeerID()}
	slices.Sort(aud)
	small.Header.Audience = aud
	small.Header.Log = share.LogID(aud)
	write("sig-small-order-author", "an author whose key has order 8, signing with R = identity and S = 0 (valid for any message under the cofactored equation); accepted by the format: §10 decides who may author", "success",
		withSig(&small, sigcraft.AnyMessage()), "", readerKey, sighting)
}

// signedMessageOf is SPEC.md §2.4's signed-message for h.
func signedMessageOf(h *share.Header) []byte {
	return append([]byte("ursic-envelope/v1\n"), must(encMode.Marshal(h))...)
}

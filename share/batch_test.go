package share

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/ursic/ursic/crypto"
)

// verdict names the result of a verification for comparison.
func verdict(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrBadSignature):
		return "bad signature"
	case errors.Is(err, ErrBodyMismatch):
		return "body mismatch"
	case errors.Is(err, ErrStub):
		return "stub"
	}
	return err.Error()
}

// TestVectorsBatch: every vector that decodes gets from VerifyBatch the
// verdict Verify gives it alone (a stub: VerifyHeader's), whether checked in
// one batch with all the others or in a batch of one, in shuffled orders.
// With TestVectors (the single path against the expected results) this
// checks the batch path against the vectors, the sig-* ones included.
func TestVectorsBatch(t *testing.T) {
	var envs []*Envelope
	var names []string
	for name, v := range loadVectors(t) {
		raw, err := base64.StdEncoding.DecodeString(v.Envelope)
		if err != nil {
			t.Fatal(err)
		}
		if e, err := Decode(raw); err == nil {
			envs = append(envs, e)
			names = append(names, name)
		}
	}
	single := func(e *Envelope) string {
		if e.IsStub() {
			return verdict(e.VerifyHeader())
		}
		c := *e
		return verdict(c.Verify())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 4 {
		if round > 0 {
			rng.Shuffle(len(envs), func(i, j int) {
				envs[i], envs[j] = envs[j], envs[i]
				names[i], names[j] = names[j], names[i]
			})
		}
		for i, err := range VerifyBatch(envs) {
			if got, want := verdict(err), single(envs[i]); got != want {
				t.Errorf("%s in a batch of %d: %s, alone %s", names[i], len(envs), got, want)
			}
		}
	}
	for i, e := range envs {
		if got, want := verdict(VerifyBatch([]*Envelope{e})[0]), single(e); got != want {
			t.Errorf("%s in a batch of one: %s, alone %s", names[i], got, want)
		}
	}
}

// TestSignatureRuleVectorsStdlib checks what SPEC.md §2.4 says a
// cofactorless RFC 8032 verifier (crypto/ed25519) makes of the sig-*
// vectors: it rejects the mixed-order R and the non-canonical R that the
// rule accepts, rejects what the rule rejects, and decides the small-order
// author by chance (accepted only when 8 divides k), here rejected.
func TestSignatureRuleVectorsStdlib(t *testing.T) {
	stdlib := map[string]bool{
		"success-direct":                true,
		"sig-mixed-order-r":             false,
		"sig-non-canonical-r":           false,
		"sig-s-unreduced":               false,
		"sig-mixed-order-r-s-unreduced": false,
		"sig-small-order-author":        false,
	}
	vs := loadVectors(t)
	for name, want := range stdlib {
		raw, _ := base64.StdEncoding.DecodeString(vs[name].Envelope)
		e, err := Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pub, err := crypto.PublicKeyFromPeerID(e.Header.Author)
		if err != nil {
			t.Fatal(err)
		}
		hb, err := encMode.Marshal(&e.Header)
		if err != nil {
			t.Fatal(err)
		}
		if got := ed25519.Verify(pub, signedMessage(hb), e.Sig); got != want {
			t.Errorf("%s: crypto/ed25519 says %v, SPEC.md §2.4 says %v", name, got, want)
		}
	}
}

package crypto

import (
	"crypto/ed25519"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// The one rule every Ed25519 signature is checked by, alone or in a batch
// (SPEC.md §2.4, "Verification rule"): ZIP-215. S must be below the group
// order L; A and R may be any encoding that decodes to a curve point, canonical
// or not, of any order; and the check is the cofactored equation
// [8][S]B = [8]R + [8][k]A.
//
// Why this rule and not crypto/ed25519's: batch verification can only check
// the cofactored equation, and a node must never accept in a batch what it
// rejects alone (or the reverse), or two nodes, or one node on two days, would
// disagree about what a log holds. ZIP-215 is the written rule that makes
// single and batch checks agree on every input, and it accepts everything
// crypto/ed25519 (cofactorless, RFC 8032 §5.1.7 without the factor 8) accepts,
// so the two differ only on signatures a key's holder crafted on purpose.
var verifyOptions = &voi.Options{Verify: voi.VerifyOptionsZIP_215}

// Verify checks that sig is peerID's Ed25519 signature of msg, by the rule
// above. It agrees with [Batch] on every input.
func Verify(peerID string, msg, sig []byte) error {
	pub, err := PublicKeyFromPeerID(peerID)
	if err != nil {
		return err
	}
	if len(sig) != ed25519.SignatureSize || !voi.VerifyWithOptions(voi.PublicKey(pub), msg, sig, verifyOptions) {
		return ErrBadSignature
	}
	return nil
}

// Batch checks many signatures at once: one multi-scalar multiplication with
// random 128-bit weights (from crypto/rand) over all of them, about half the
// cost of checking each alone once a batch has a few dozen. If the batch
// equation fails, each signature is checked alone so that good ones still
// pass and only the bad ones are named; a batch with a bad signature so costs
// a little more than checking one by one, never less safe.
//
// An entry that cannot be valid (a peer ID with no key, a signature not 64
// bytes) is decided when added and kept out of the batch; one the library
// finds undecodable (S ≥ L, bytes that are no point) sends its batch
// straight to the one-by-one checks.
//
// The zero Batch is not usable; call [NewBatch]. A Batch is verified once,
// and is not safe for concurrent use.
type Batch struct {
	v     *voi.BatchVerifier
	errs  []error // per entry; nil until Verify, or the reason it cannot verify
	index []int   // entry number of each signature added to v
	// one is the first signature, added to v only when a second comes: a
	// batch of one is checked alone, which costs less than the batch
	// equation for one.
	one struct{ pub, msg, sig []byte }
}

// NewBatch returns an empty batch sized for n signatures.
func NewBatch(n int) *Batch {
	return &Batch{v: voi.NewBatchVerifierWithCapacity(n), errs: make([]error, 0, n), index: make([]int, 0, n)}
}

// Add queues a check that sig is peerID's signature of msg. msg and sig are
// kept, not copied, until [Batch.Verify].
func (b *Batch) Add(peerID string, msg, sig []byte) {
	i := len(b.errs)
	pub, err := PublicKeyFromPeerID(peerID)
	if err == nil && len(sig) != ed25519.SignatureSize {
		err = ErrBadSignature
	}
	b.errs = append(b.errs, err)
	if err != nil {
		// Decided already: kept out of the batch, so that a malformed entry
		// does not push every other one onto the slow path.
		return
	}
	switch len(b.index) {
	case 0: // kept aside until a second one comes
		b.one.pub, b.one.msg, b.one.sig = pub, msg, sig
	case 1:
		b.v.AddWithOptions(voi.PublicKey(b.one.pub), b.one.msg, b.one.sig, verifyOptions)
		fallthrough
	default:
		b.v.AddWithOptions(voi.PublicKey(pub), msg, sig, verifyOptions)
	}
	b.index = append(b.index, i)
}

// Len is the number of checks queued.
func (b *Batch) Len() int { return len(b.errs) }

// Verify checks every queued signature and returns one error per [Batch.Add],
// in order: nil for a good signature, [ErrBadSignature] or [ErrBadPeerID]
// otherwise. Each verdict is the one [Verify] reaches for the same input.
func (b *Batch) Verify() []error {
	switch len(b.index) {
	case 0:
	case 1:
		if !voi.VerifyWithOptions(voi.PublicKey(b.one.pub), b.one.msg, b.one.sig, verifyOptions) {
			b.errs[b.index[0]] = ErrBadSignature
		}
	default:
		_, valid := b.v.Verify(nil) // nil: weights from crypto/rand
		for j, ok := range valid {
			if !ok {
				b.errs[b.index[j]] = ErrBadSignature
			}
		}
	}
	return b.errs
}

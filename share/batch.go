package share

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"github.com/ursic/ursic/crypto"
)

// VerifyBatch checks envs as [Envelope.Verify] checks each one, with their
// signatures checked together in one batch ([crypto.Batch]), and returns one
// error per envelope, nil for one that passes. A stub is checked as
// [Envelope.VerifyHeader] checks it (it has no body to check), so a stub
// that passes gets nil, not [ErrStub].
//
// Every verdict is the one the single check reaches (SPEC.md §2.4,
// "Verification rule"): a bad signature in the batch fails only its own
// envelope. The errors wrap the same sentinels ([ErrBadSignature],
// [ErrBodyMismatch], [ErrInvalidHeader]).
func VerifyBatch(envs []*Envelope) []error {
	errs := make([]error, len(envs))
	b := crypto.NewBatch(len(envs))
	signed := make([]int, 0, len(envs)) // envelope number of each batch entry
	for i, e := range envs {
		if err := e.Header.check(); err != nil {
			errs[i] = err
			continue
		}
		hb, err := encMode.Marshal(&e.Header)
		if err != nil {
			errs[i] = fmt.Errorf("share: failed to encode header: %w", err)
			continue
		}
		b.Add(e.Header.Author, signedMessage(hb), e.Sig)
		signed = append(signed, i)
	}
	for j, err := range b.Verify() {
		i := signed[j]
		e := envs[i]
		switch {
		case err != nil:
			errs[i] = fmt.Errorf("%w: by %s: %w", ErrBadSignature, e.Header.Author, err)
		case e.Body == nil:
			// A stub: the header is all there is.
		default:
			// After the signature, as in Verify: a forged envelope that
			// also has a wrong digest is a bad signature.
			sum := sha256.Sum256(e.Body)
			if !bytes.Equal(sum[:], e.Header.BodyDigest) {
				errs[i] = ErrBodyMismatch
				continue
			}
			e.verified = true
		}
	}
	return errs
}

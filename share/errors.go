package share

import (
	"errors"
	"fmt"

	"github.com/ursic/ursic/crypto"
)

// Sentinel errors, for callers that branch with [errors.Is]. Each error
// returned by this package wraps at most one of the envelope sentinels, and
// adds the detail after a colon.
var (
	// ErrTooLarge: an envelope over [MaxEnvelopeSize] or a plaintext over
	// [MaxPlaintextSize].
	ErrTooLarge = errors.New("share: too large")
	// ErrTruncated: the envelope is empty or ends inside a CBOR data item.
	ErrTruncated = errors.New("share: truncated envelope")
	// ErrMalformed: the envelope is not a well-formed CBOR map of the right
	// shape (wrong types, missing keys, trailing bytes).
	ErrMalformed = errors.New("share: malformed envelope")
	// ErrUnknownVersion: the header's format version is not one this package
	// reads. The error names the version.
	ErrUnknownVersion = errors.New("share: unknown format version")
	// ErrUnknownField: a key the format version does not define.
	ErrUnknownField = errors.New("share: unknown field")
	// ErrInvalidHeader: the header is well-formed but breaks a rule of SPEC.md
	// §2–§4 (log ID, sequence, audience, key reference, …).
	ErrInvalidHeader = errors.New("share: invalid header")
	// ErrNonCanonical: the envelope does not re-encode to the same bytes.
	ErrNonCanonical = errors.New("share: non-canonical encoding")
	// ErrBadSignature: the signature is not the author's over the header.
	ErrBadSignature = errors.New("share: bad signature")
	// ErrBodyMismatch: the body's SHA-256 is not the header's "bd".
	ErrBodyMismatch = errors.New("share: body does not match header digest")
	// ErrStub: the envelope has no body (a retraction stub, SPEC.md §2.5).
	ErrStub = errors.New("share: envelope has no body (retraction stub)")
	// ErrNotRecipient: none of the identities can open the body.
	ErrNotRecipient = crypto.ErrNotRecipient
	// ErrBadStanza: the body's ursic-sk stanza is malformed, does not
	// authenticate under the key its key ID names, or is not the body's only
	// stanza (SPEC.md §2.3.1). The reader fails closed.
	ErrBadStanza = crypto.ErrBadStanza

	// ErrUnknownKind: a record kind this version does not define.
	ErrUnknownKind = errors.New("share: unknown record kind")
	// ErrControlKind: a user record of a kind only nodes write (roster, senderkey).
	ErrControlKind = errors.New("share: control kind")
	// ErrInvalidRecord is wrapped by every [FieldError] and [SyntaxError].
	ErrInvalidRecord = errors.New("share: invalid record")
)

// FieldError is one problem with one field of a record.
type FieldError struct {
	Path    string // e.g. "subject.names[0].value"; "" for the record itself
	Problem string // what is wrong and, where useful, what is allowed
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return "share: " + e.Problem
	}
	return fmt.Sprintf("share: %s: %s", e.Path, e.Problem)
}

// Unwrap makes every FieldError match [ErrInvalidRecord].
func (e *FieldError) Unwrap() error { return ErrInvalidRecord }

// SyntaxError is a record that is not valid JSON.
type SyntaxError struct {
	Line, Column int   // 1-based position of the problem
	Offset       int64 // byte offset into the input
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("share: invalid JSON at line %d, column %d (byte %d): %s", e.Line, e.Column, e.Offset, e.Msg)
}

// Unwrap makes every SyntaxError match [ErrInvalidRecord].
func (e *SyntaxError) Unwrap() error { return ErrInvalidRecord }

package share

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"

	"filippo.io/age"
	"github.com/ipfs/go-cid"

	"github.com/ursic/ursic/crypto"
)

// FormatVersion is the version of the share format this package writes and
// the highest it reads (SPEC.md, "URSIC share format, version 1").
const FormatVersion = 1

// Size limits (SPEC.md §2.6).
const (
	MaxEnvelopeSize  = 1 << 20   // an encoded envelope
	MaxPlaintextSize = 256 << 10 // a record body before sealing
)

// signaturePrefix separates envelope signatures from any other use of a
// node's Ed25519 key (SPEC.md §2.4).
const signaturePrefix = "ursic-envelope/v1\n"

// ageIntro starts every binary age v1 file.
const ageIntro = "age-encryption.org/v1\n"

// Header is the signed, clear part of an envelope (SPEC.md §2).
//
// Rules for changing this type, which is on the wire and in every stored
// envelope: CBOR keys must never be changed, removed or given a new meaning;
// new fields must be optional (omitempty) and come with a new FormatVersion,
// because version 1 decoders reject keys they do not know. Golden bytes in
// testdata/golden catch an accidental change.
type Header struct {
	Version       uint64   `cbor:"v"`             // FormatVersion
	Kind          string   `cbor:"k"`             // record kind
	Author        string   `cbor:"a"`             // author's peer ID, "12D3KooW…"
	Log           string   `cbor:"l"`             // LogID(Audience)
	Seq           uint64   `cbor:"n"`             // ≥ 1, gap-free in the log
	Prev          []byte   `cbor:"p,omitempty"`   // binary CID of entry Seq-1; absent iff Seq == 1
	Created       int64    `cbor:"t"`             // Unix milliseconds
	RosterVersion uint64   `cbor:"r"`             // 0: no roster, a consortium of one
	TLP           string   `cbor:"tlp"`           // clear|green|amber|amber+strict|red
	Audience      []string `cbor:"aud"`           // one group name, or sorted peer IDs
	Caveats       []string `cbor:"cav,omitempty"` // sorted tokens; absent when empty
	Key           KeyRef   `cbor:"key"`           // how the body is sealed
	BodyDigest    []byte   `cbor:"bd"`            // SHA-256 of Envelope.Body
}

// KeyRef says how a body is sealed: to the author's sender key for (Group,
// Epoch), or, with Direct, to each reader's age recipient. Same rules as
// [Header]: keys never change, new fields are optional.
type KeyRef struct {
	SenderKey []byte `cbor:"c,omitempty"` // binary CID of the senderkey record, if known
	Direct    bool   `cbor:"d,omitempty"` // sealed to the readers directly
	Epoch     uint64 `cbor:"e,omitempty"` // ≥ 1 with Group
	Group     string `cbor:"g,omitempty"` // the audience's group
}

// Envelope is what travels between nodes and is stored: a signed header, the
// sealed body (an age file) and the author's signature. A nil Body makes a
// retraction stub (SPEC.md §2.5).
type Envelope struct {
	Header Header `cbor:"h"`
	Body   []byte `cbor:"b,omitempty"`
	Sig    []byte `cbor:"s"`

	// verified is set by a successful Verify, so that Open after Verify
	// does not check the signature twice (it is a fifth of an open's cost).
	// Not encoded; an envelope changed after Verify is the caller's bug.
	verified bool
}

// MaxStanzas is the most stanzas the header lets its body carry (SPEC.md
// §2.3): one for a sender-key reference (the ursic-sk stanza, or in the old
// form one X25519 stanza to the sender key); for a direct reference one per
// reader, which a peer-list audience names with its author, and a group
// audience bounds only by [MaxReaders] without the roster.
func (h *Header) MaxStanzas() int {
	switch {
	case !h.Key.Direct:
		return 1
	case len(h.Audience) == 1 && isGroupName(h.Audience[0]):
		return MaxReaders
	}
	return PeerReaders(h.Audience, h.Author)
}

// PrevCID returns the predecessor's CID, or false for the first entry of a log.
func (h *Header) PrevCID() (cid.Cid, bool) {
	if h.Prev == nil {
		return cid.Undef, false
	}
	c, err := cidFromBytes(h.Prev)
	return c, err == nil
}

// Seal makes a signed envelope for plaintext, the record's compact JSON
// (see [Record.Body]). It sets h's Version, Author (id's peer ID),
// BodyDigest and, if empty, Log; the caller sets the rest. The body is
// sealed with age to recipients: the sender key's recipient, or every
// reader's for a direct key reference.
func Seal(id *crypto.Identity, h Header, plaintext []byte, recipients ...age.Recipient) (*Envelope, error) {
	if len(plaintext) > MaxPlaintextSize {
		return nil, fmt.Errorf("%w: plaintext is %d bytes, the limit is %d", ErrTooLarge, len(plaintext), MaxPlaintextSize)
	}
	h, err := completeHeader(id, h)
	if err != nil {
		return nil, err
	}
	if err := checkPlaintext(&h, plaintext); err != nil {
		return nil, err
	}
	body, err := crypto.Seal(plaintext, recipients...)
	if err != nil {
		return nil, fmt.Errorf("share: %w", err)
	}
	return sign(id, h, body)
}

// completeHeader fills what the sealer decides (version, author, log) and
// checks the header before any body is sealed for it.
func completeHeader(id *crypto.Identity, h Header) (Header, error) {
	h.Version = FormatVersion
	h.Author = id.PeerID()
	if h.Log == "" {
		h.Log = LogID(h.Audience)
	}
	h.Audience = slices.Clone(h.Audience)
	h.BodyDigest = make([]byte, sha256.Size) // placeholder so the header checks
	return h, h.check()
}

// SealSigned is [Seal] for a body that the caller already sealed with
// crypto.Seal, from a plaintext it already checked (for example, many
// bodies sealed on all cores before they are chained and signed one by one).
// It checks the header but cannot check the plaintext.
func SealSigned(id *crypto.Identity, h Header, sealedBody []byte) (*Envelope, error) {
	h, err := completeHeader(id, h)
	if err != nil {
		return nil, err
	}
	return sign(id, h, sealedBody)
}

// sign completes h for body, signs it and checks the envelope's size.
func sign(id *crypto.Identity, h Header, body []byte) (*Envelope, error) {
	sum := sha256.Sum256(body)
	h.BodyDigest = sum[:]
	hb, err := encMode.Marshal(&h)
	if err != nil {
		return nil, fmt.Errorf("share: failed to encode header: %w", err)
	}
	e := &Envelope{Header: h, Body: body, Sig: id.Sign(signedMessage(hb))}
	enc, err := e.Encode()
	if err != nil {
		return nil, err
	}
	if len(enc) > MaxEnvelopeSize {
		return nil, fmt.Errorf("%w: envelope is %d bytes, the limit is %d", ErrTooLarge, len(enc), MaxEnvelopeSize)
	}
	return e, nil
}

func signedMessage(headerBytes []byte) []byte {
	return append([]byte(signaturePrefix), headerBytes...)
}

// Encode returns the envelope's deterministic CBOR encoding (SPEC.md §2.1).
// It refuses an envelope whose header breaks the rules of SPEC.md §2–§4, so
// that nothing this package encodes is rejected by [Decode].
func (e *Envelope) Encode() ([]byte, error) {
	if err := e.Header.check(); err != nil {
		return nil, err
	}
	if len(e.Sig) != 64 {
		return nil, fmt.Errorf("%w: signature is %d bytes, want 64", ErrMalformed, len(e.Sig))
	}
	if e.Body != nil && !bytes.HasPrefix(e.Body, []byte(ageIntro)) {
		return nil, fmt.Errorf("%w: body is not a binary age v1 file", ErrMalformed)
	}
	b, err := encMode.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("share: failed to encode envelope: %w", err)
	}
	return b, nil
}

// CID returns the CID of the envelope's encoding (SPEC.md §3).
func (e *Envelope) CID() (cid.Cid, error) {
	b, err := e.Encode()
	if err != nil {
		return cid.Undef, err
	}
	return CIDOf(b), nil
}

// IsStub reports whether the envelope has no body.
func (e *Envelope) IsStub() bool { return e.Body == nil }

// Stub returns a copy of the envelope without its body: what a holder keeps
// of a retracted record. It still passes [Envelope.VerifyHeader].
func (e *Envelope) Stub() *Envelope {
	return &Envelope{Header: e.Header, Sig: slices.Clone(e.Sig)}
}

// VerifyHeader checks the header and the author's signature over it, but
// not the body. It is what a stub can be checked with.
func (e *Envelope) VerifyHeader() error {
	if err := e.Header.check(); err != nil {
		return err
	}
	hb, err := encMode.Marshal(&e.Header)
	if err != nil {
		return fmt.Errorf("share: failed to encode header: %w", err)
	}
	if err := crypto.Verify(e.Header.Author, signedMessage(hb), e.Sig); err != nil {
		return fmt.Errorf("%w: by %s: %w", ErrBadSignature, e.Header.Author, err)
	}
	return nil
}

// Verify checks that the envelope is whole and authentic: its header is
// valid, the signature is the author's, and the body matches the header's
// digest. A stub fails with [ErrStub].
func (e *Envelope) Verify() error {
	if err := e.VerifyHeader(); err != nil {
		return err
	}
	if e.Body == nil {
		return ErrStub
	}
	sum := sha256.Sum256(e.Body)
	if !bytes.Equal(sum[:], e.Header.BodyDigest) {
		return ErrBodyMismatch
	}
	e.verified = true
	return nil
}

// Open verifies the envelope, opens its body with the first identity that
// can, and returns the plaintext: the record's compact JSON. For user kinds
// the plaintext must be a valid record of the header's kind (SPEC.md §5);
// a senderkey body must be valid for the header's group (SPEC.md §6.4);
// a roster body is returned unchecked. A body with more stanzas than
// [Header.MaxStanzas], or an ursic-sk stanza among others, is
// [ErrBadStanza] before any identity is tried (SPEC.md §2.3).
func (e *Envelope) Open(ids ...age.Identity) ([]byte, error) {
	return e.OpenBounded(e.Header.MaxStanzas(), ids...)
}

// OpenBounded is [Envelope.Open] for a caller that knows the header's readers
// better than the header alone says: a node holding roster r knows how many
// readers a group audience has, so a senderkey record's body may carry no
// more stanzas than that. The bound is never above [Header.MaxStanzas].
func (e *Envelope) OpenBounded(maxStanzas int, ids ...age.Identity) ([]byte, error) {
	if !e.verified {
		if err := e.Verify(); err != nil {
			return nil, err
		}
	}
	plain, err := crypto.OpenBounded(e.Body, min(maxStanzas, e.Header.MaxStanzas()), ids...)
	if err != nil {
		return nil, fmt.Errorf("share: failed to open %s record: %w", e.Header.Kind, err)
	}
	if len(plain) > MaxPlaintextSize {
		return nil, fmt.Errorf("%w: plaintext is %d bytes, the limit is %d", ErrTooLarge, len(plain), MaxPlaintextSize)
	}
	if err := checkPlaintext(&e.Header, plain); err != nil {
		return nil, err
	}
	return plain, nil
}

// checkPlaintext is what a body must be for its header (SPEC.md §5, §6):
// a valid record of a user kind, or a valid senderkey body for the
// header's group. Roster bodies are not checked here: rosters travel in
// the wire protocol's Rosters message and are checked by [ParseRoster].
func checkPlaintext(h *Header, plain []byte) error {
	switch {
	case h.Kind == KindSenderKey:
		return checkSenderKeyBody(h, plain)
	case isControlKind(h.Kind):
		return nil
	}
	return checkBody(h.Kind, plain)
}

// OpenRecord is [Envelope.Open] returning the record, with its policy taken
// from the header. It refuses control kinds, whose bodies are not records.
func (e *Envelope) OpenRecord(ids ...age.Identity) (*Record, error) {
	if isControlKind(e.Header.Kind) {
		return nil, fmt.Errorf("%w: %q bodies are not records", ErrControlKind, e.Header.Kind)
	}
	plain, err := e.Open(ids...)
	if err != nil {
		return nil, err
	}
	return &Record{
		Kind: e.Header.Kind,
		Body: plain,
		Policy: &RecordPolicy{
			TLP:      e.Header.TLP,
			Audience: slices.Clone(e.Header.Audience),
			Caveats:  slices.Clone(e.Header.Caveats),
		},
	}, nil
}

package crypto

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"filippo.io/age"
)

// The ursic-sk stanza (SPEC.md §2.3.1) wraps a group record's file key with
// a symmetric key derived from the author's sender key, so that a reader
// pays one HKDF and one ChaCha20-Poly1305 per record instead of an X25519.
// Every member of the epoch already holds the sender key's secret, so a
// symmetric key derived from it gives nobody anything they did not have.
//
//	-> ursic-sk <key-id> <salt>
//	base64(ChaCha20-Poly1305(wrap key, nonce 0, file key))
//
//	stanza key K = HKDF-SHA-256(ikm = scalar, salt = "", info = "ursic/sender-key-stanza/v1", 32)
//	key-id       = HKDF-SHA-256(ikm = scalar, salt = "", info = "ursic/sender-key-id/v1", 16)
//	wrap key     = HKDF-SHA-256(ikm = K, salt = salt, info = "ursic/sender-key-stanza/v1/wrap", 32)
//
// where scalar is the sender key's 32-byte X25519 secret and salt 16 random
// bytes per stanza, so no wrap key is ever used twice and the zero nonce is
// safe (age's X25519 stanza makes the same choice). key-id and salt are
// unpadded standard base64 (22 characters each).
const (
	// SenderKeyStanzaType is the stanza type of [GroupKey.Recipient].
	SenderKeyStanzaType = "ursic-sk"

	skKeyInfo   = "ursic/sender-key-stanza/v1"
	skIDInfo    = "ursic/sender-key-id/v1"
	skWrapInfo  = "ursic/sender-key-stanza/v1/wrap"
	skIDSize    = 16
	skSaltSize  = 16
	fileKeySize = 16 // age v1's file key
	skBodySize  = fileKeySize + chacha20poly1305.Overhead
)

// ErrBadStanza is returned when a body's stanzas break a rule a reader must
// enforce: an ursic-sk stanza with malformed arguments or body, one that
// does not authenticate under the key its key ID names, or one that is not
// alone in its file; or more stanzas than the body's header has readers
// ([OpenBounded]). Such a body was not made by an honest writer, so the
// reader fails closed instead of trying another identity.
var ErrBadStanza = errors.New("bad stanza")

var b64 = base64.RawStdEncoding.Strict()

// stanzaKey is the symmetric half of a sender key: K and its key ID.
type stanzaKey struct {
	key [32]byte
	id  string // base64 of the 16-byte key ID, as it appears in stanzas
}

func newStanzaKey(scalar []byte) stanzaKey {
	var k stanzaKey
	copy(k.key[:], hkdfKey(scalar, nil, skKeyInfo, 32))
	k.id = b64.EncodeToString(hkdfKey(scalar, nil, skIDInfo, skIDSize))
	return k
}

func hkdfKey(secret, salt []byte, info string, n int) []byte {
	k, err := hkdf.Key(sha256.New, secret, salt, info, n)
	if err != nil {
		panic(err) // only for a length HKDF cannot produce
	}
	return k
}

// wrapAEAD is the cipher that wraps a file key in a symmetric stanza (ursic-sk,
// ursic-local): ChaCha20-Poly1305 under HKDF-SHA-256(key, salt, info), used
// with the zero nonce, which is safe because the salt is fresh per stanza.
func wrapAEAD(key, salt []byte, info string) (cipher.AEAD, error) {
	return chacha20poly1305.New(hkdfKey(key, salt, info, chacha20poly1305.KeySize))
}

// zeroNonce is the wrap nonce of every symmetric stanza (wrapAEAD).
var zeroNonce = make([]byte, chacha20poly1305.NonceSize)

// wrapKey is the ursic-sk wrap key for salt (SPEC.md §2.3.1).
func (k *stanzaKey) wrapKey(salt []byte) []byte {
	return hkdfKey(k.key[:], salt, skWrapInfo, chacha20poly1305.KeySize)
}

func (k *stanzaKey) aead(salt []byte) (cipher.AEAD, error) {
	return wrapAEAD(k.key[:], salt, skWrapInfo)
}

// wrap makes the stanza for fileKey with the given salt. Only tests choose
// the salt; [senderKeyRecipient] draws a fresh one per stanza.
func (k *stanzaKey) wrap(fileKey, salt []byte) (*age.Stanza, error) {
	if len(fileKey) != fileKeySize || len(salt) != skSaltSize {
		return nil, fmt.Errorf("ursic-sk: file key of %d bytes, salt of %d", len(fileKey), len(salt))
	}
	aead, err := k.aead(salt)
	if err != nil {
		return nil, err
	}
	body := aead.Seal(nil, zeroNonce, fileKey, nil)
	return &age.Stanza{Type: SenderKeyStanzaType, Args: []string{k.id, b64.EncodeToString(salt)}, Body: body}, nil
}

// parseSKStanza checks an ursic-sk stanza's shape and returns its key ID
// (as text) and salt. Anything but exactly two canonical 22-character
// arguments and a 32-byte body is ErrBadStanza.
func parseSKStanza(s *age.Stanza) (id string, salt []byte, err error) {
	if len(s.Args) != 2 {
		return "", nil, fmt.Errorf("%w: %d arguments, want 2", ErrBadStanza, len(s.Args))
	}
	if kid, err := b64.DecodeString(s.Args[0]); err != nil || len(kid) != skIDSize {
		return "", nil, fmt.Errorf("%w: key ID is not %d bytes of unpadded base64", ErrBadStanza, skIDSize)
	}
	salt, err = b64.DecodeString(s.Args[1])
	if err != nil || len(salt) != skSaltSize {
		return "", nil, fmt.Errorf("%w: salt is not %d bytes of unpadded base64", ErrBadStanza, skSaltSize)
	}
	if len(s.Body) != skBodySize {
		return "", nil, fmt.Errorf("%w: body is %d bytes, want %d", ErrBadStanza, len(s.Body), skBodySize)
	}
	return s.Args[0], salt, nil
}

// skStanza returns the file's ursic-sk stanza, or nil if it has none. An
// ursic-sk stanza must be the file's only stanza, like age's scrypt: a
// reader must not find that one file opens to different people through
// different keys, and a group body has exactly one reader key.
func skStanza(stanzas []*age.Stanza) (*age.Stanza, error) {
	var found *age.Stanza
	for _, s := range stanzas {
		if s.Type == SenderKeyStanzaType {
			found = s
		}
	}
	if found != nil && len(stanzas) != 1 {
		return nil, fmt.Errorf("%w: an ursic-sk stanza must be the only stanza, found %d stanzas", ErrBadStanza, len(stanzas))
	}
	return found, nil
}

// unwrap opens a well-formed stanza whose key ID is k's.
func (k *stanzaKey) unwrap(s *age.Stanza, salt []byte) ([]byte, error) {
	aead, err := k.aead(salt)
	if err != nil {
		return nil, err
	}
	fileKey, err := aead.Open(nil, zeroNonce, s.Body, nil)
	if err != nil {
		// The key ID was ours, so this is tampering, not another reader's stanza.
		return nil, fmt.Errorf("%w: it does not authenticate under the key its key ID names", ErrBadStanza)
	}
	return fileKey, nil
}

// senderKeyRecipient seals to a sender key's ursic-sk stanza.
type senderKeyRecipient struct{ k *stanzaKey }

func (r senderKeyRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	s, _, err := r.WrapWithLabels(fileKey)
	return s, err
}

// WrapWithLabels returns a label no other recipient returns, so that age
// refuses to mix this stanza with any other (the way age's scrypt recipient
// keeps itself alone).
func (r senderKeyRecipient) WrapWithLabels(fileKey []byte) ([]*age.Stanza, []string, error) {
	salt := make([]byte, skSaltSize)
	rand.Read(salt)
	s, err := r.k.wrap(fileKey, salt)
	if err != nil {
		return nil, nil, err
	}
	return []*age.Stanza{s}, []string{"ursic-sk/" + b64.EncodeToString(salt)}, nil
}

// groupIdentity opens what is sealed to one sender key: an ursic-sk stanza
// with its key ID, or (records written before the stanza existed) an X25519
// stanza to the key's recipient.
type groupIdentity struct{ k *GroupKey }

func (i groupIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	s, err := skStanza(stanzas)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return i.k.id.Unwrap(stanzas)
	}
	id, salt, err := parseSKStanza(s)
	if err != nil {
		return nil, err
	}
	if id != i.k.sk.id { // key IDs are public: no need to compare in constant time
		return nil, fmt.Errorf("%w: ursic-sk stanza for another sender key", age.ErrIncorrectIdentity)
	}
	return i.k.sk.unwrap(s, salt)
}

// GroupKeyring opens group records sealed to any of several sender keys,
// picking the key by the stanza's key ID instead of trying each: what a
// reader that does not know which epoch a body belongs to (the age plugin)
// uses. Bodies with X25519 stanzas (written before the ursic-sk stanza) are
// tried against every key's X25519 identity.
type GroupKeyring struct {
	byID map[string]*GroupKey
	all  []*GroupKey
}

// NewGroupKeyring returns a keyring of keys (duplicates are harmless).
func NewGroupKeyring(keys ...*GroupKey) *GroupKeyring {
	r := &GroupKeyring{byID: map[string]*GroupKey{}}
	for _, k := range keys {
		if _, dup := r.byID[k.sk.id]; !dup {
			r.byID[k.sk.id] = k
			r.all = append(r.all, k)
		}
	}
	return r
}

// Len is the number of distinct keys.
func (r *GroupKeyring) Len() int { return len(r.all) }

// Unwrap implements [age.Identity].
func (r *GroupKeyring) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	s, err := skStanza(stanzas)
	if err != nil {
		return nil, err
	}
	if s == nil {
		for _, k := range r.all {
			fk, err := k.id.Unwrap(stanzas)
			if !errors.Is(err, age.ErrIncorrectIdentity) {
				return fk, err
			}
		}
		return nil, fmt.Errorf("%w: none of %d sender keys", age.ErrIncorrectIdentity, len(r.all))
	}
	id, salt, err := parseSKStanza(s)
	if err != nil {
		return nil, err
	}
	k, ok := r.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: no sender key with the stanza's key ID", age.ErrIncorrectIdentity)
	}
	return k.sk.unwrap(s, salt)
}

package crypto

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"filippo.io/age"
)

// A LocalKey seals files that a node writes for itself alone (its index
// snapshot): a symmetric key derived from the node's secret signing seed,
// used as an age stanza.
//
// Sealing such a file to the node's X25519 recipient would keep it secret
// but not authentic: the recipient is public (every roster lists it), and
// age encryption does not say who encrypted, so anyone could write a file
// the node opens. With a symmetric stanza the file key is wrapped under a
// key only the node can compute, age's header MAC and payload chunks are
// keyed by that file key, and so opening the file proves that this node
// wrote it.
//
//	-> ursic-local <salt>
//	base64(ChaCha20-Poly1305(wrap key, nonce 0, file key))
//
//	K        = Identity.DeriveKey(label)   (HKDF-SHA-256 of the Ed25519 seed)
//	wrap key = HKDF-SHA-256(ikm = K, salt = salt, info = "ursic/local-stanza/v1/wrap", 32)
//
// salt is 16 random bytes per file, unpadded standard base64, so no wrap
// key is used twice and the zero nonce is safe (as in age's X25519 stanza).
// The stanza must be the file's only one, and its identity opens nothing
// else: a file with any other stanza does not open.
type LocalKey struct{ key [32]byte }

// LocalStanzaType is the stanza type of [LocalKey.Recipient].
const LocalStanzaType = "ursic-local"

const localWrapInfo = "ursic/local-stanza/v1/wrap"

// LocalKey returns the node's local key for one purpose, named by label:
// different labels give unrelated keys, so a file sealed for one purpose
// never opens as another's.
func (id *Identity) LocalKey(label string) *LocalKey {
	k := new(LocalKey)
	copy(k.key[:], id.DeriveKey("local-key/"+label))
	return k
}

// aead is the wrap cipher for one salt.
func (k *LocalKey) aead(salt []byte) (cipher.AEAD, error) {
	return wrapAEAD(k.key[:], salt, localWrapInfo)
}

// Recipient seals a file that only [LocalKey.Identity] opens.
func (k *LocalKey) Recipient() age.Recipient { return localRecipient{k} }

// Identity opens files sealed to [LocalKey.Recipient], and nothing else.
func (k *LocalKey) Identity() age.Identity { return localIdentity{k} }

type localRecipient struct{ k *LocalKey }

func (r localRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	s, _, err := r.WrapWithLabels(fileKey)
	return s, err
}

// WrapWithLabels returns a label no other recipient returns, so that age
// refuses to seal a file to this recipient and any other.
func (r localRecipient) WrapWithLabels(fileKey []byte) ([]*age.Stanza, []string, error) {
	if len(fileKey) != fileKeySize {
		return nil, nil, fmt.Errorf("ursic-local: file key of %d bytes", len(fileKey))
	}
	salt := make([]byte, localSaltSize)
	rand.Read(salt)
	a, err := r.k.aead(salt)
	if err != nil {
		return nil, nil, err
	}
	arg := localB64.EncodeToString(salt)
	s := &age.Stanza{Type: LocalStanzaType, Args: []string{arg}, Body: a.Seal(nil, zeroNonce, fileKey, nil)}
	return []*age.Stanza{s}, []string{"ursic-local/" + arg}, nil
}

const (
	localSaltSize = 16
	localBodySize = fileKeySize + chacha20poly1305.Overhead
)

var localB64 = base64.RawStdEncoding.Strict()

// ErrNotLocal is returned (wrapped in age's errors) for a file that was not
// sealed with this local key: another key's, another stanza type, or one
// whose stanza does not authenticate.
var ErrNotLocal = errors.New("not sealed with this node's local key")

type localIdentity struct{ k *LocalKey }

// Unwrap accepts exactly one well-formed ursic-local stanza that
// authenticates under the key. Every failure wraps age.ErrIncorrectIdentity
// too, so that age reports "no identity matched" rather than a parse error:
// for this identity, the two are the same answer.
func (i localIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	fail := func(format string, a ...any) ([]byte, error) {
		return nil, fmt.Errorf("%w: %w: %s", age.ErrIncorrectIdentity, ErrNotLocal, fmt.Sprintf(format, a...))
	}
	if len(stanzas) != 1 {
		return fail("%d stanzas, want one", len(stanzas))
	}
	s := stanzas[0]
	if s.Type != LocalStanzaType {
		return fail("a %q stanza", s.Type)
	}
	if len(s.Args) != 1 {
		return fail("%d arguments, want 1", len(s.Args))
	}
	salt, err := localB64.DecodeString(s.Args[0])
	if err != nil || len(salt) != localSaltSize {
		return fail("salt is not %d bytes of unpadded base64", localSaltSize)
	}
	if len(s.Body) != localBodySize {
		return fail("body is %d bytes, want %d", len(s.Body), localBodySize)
	}
	a, err := i.k.aead(salt)
	if err != nil {
		return nil, err
	}
	fileKey, err := a.Open(nil, zeroNonce, s.Body, nil)
	if err != nil {
		return fail("the stanza does not authenticate")
	}
	return fileKey, nil
}

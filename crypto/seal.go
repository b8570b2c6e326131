package crypto

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// ErrNotRecipient is returned by [Open] when none of the identities can open
// the sealed body: the caller is not one of its readers.
var ErrNotRecipient = errors.New("not a recipient of this sealed body")

// ParseRecipient parses an age X25519 recipient ("age1…").
//
// Only X25519 is accepted: it is age's standard recipient, so a record can be
// opened with the stock age CLI, and a single recipient type keeps the
// envelope's stanza count, and so its opening cost, predictable.
func ParseRecipient(s string) (age.Recipient, error) {
	r, err := age.ParseX25519Recipient(s)
	if err != nil {
		return nil, fmt.Errorf("invalid age recipient %q: %w", s, err)
	}
	return r, nil
}

// Seal encrypts plaintext to every recipient as one binary age file.
//
// age gives us authenticated encryption with a fresh file key per body and
// one wrapped copy of that key per recipient; nothing here is hand-rolled.
// An empty recipient list is an error: a body nobody can open is a bug.
func Seal(plaintext []byte, recipients ...age.Recipient) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, errors.New("cannot seal to no recipients")
	}
	var buf bytes.Buffer
	buf.Grow(len(plaintext) + 200*len(recipients) + 64)
	w, err := age.Encrypt(&buf, recipients...)
	if err != nil {
		return nil, fmt.Errorf("failed to seal: %w", err)
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, fmt.Errorf("failed to seal: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("failed to seal: %w", err)
	}
	return buf.Bytes(), nil
}

// Open decrypts a body sealed by [Seal] with the first identity that matches.
// Any authentication failure is an error; no partial plaintext is returned.
// A body with an ursic-sk stanza among other stanzas is [ErrBadStanza]
// whatever the identities (see [CheckStanzas]).
//
// It uses age's ReaderAt form, which authenticates the final chunk before
// returning and reads into one buffer of the plaintext's size: the streaming
// reader's two 64 KiB buffers per call would be most of the garbage a node
// makes when it opens 100,000 records of 1 KiB.
func Open(sealed []byte, ids ...age.Identity) ([]byte, error) {
	return OpenBounded(sealed, MaxStanzas, ids...)
}

// OpenBounded is [Open] for a body whose readers the caller knows: a body
// with more than maxStanzas stanzas is [ErrBadStanza], refused before any
// identity sees it. A header that names n readers bounds its body to n
// stanzas; without the bound, one envelope with a thousand X25519 stanzas
// would cost its receiver a thousand X25519 operations.
func OpenBounded(sealed []byte, maxStanzas int, ids ...age.Identity) ([]byte, error) {
	if len(ids) == 0 {
		return nil, errors.New("failed to open sealed body: no identities")
	}
	r, size, err := age.DecryptReaderAt(bytes.NewReader(sealed), int64(len(sealed)), boundedIdentity{ids, maxStanzas})
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, ErrNotRecipient
		}
		if errors.Is(err, ErrBadStanza) {
			return nil, err
		}
		return nil, fmt.Errorf("failed to open sealed body: %w", err)
	}
	if size < 0 || size > int64(len(sealed)) {
		return nil, fmt.Errorf("failed to open sealed body: plaintext size %d", size)
	}
	out := make([]byte, size)
	if n, err := r.ReadAt(out, 0); err != nil && !(errors.Is(err, io.EOF) && int64(n) == size) {
		return nil, fmt.Errorf("failed to open sealed body: %w", err)
	}
	return out, nil
}

// MaxStanzas is the most stanzas age v1.3 reads in one file (its header
// parser refuses more, while its writer does not): the most readers one
// body can have.
const MaxStanzas = 1024

// CheckStanzas applies the rules every body follows, whatever its reader
// (SPEC.md §2.3): at most maxStanzas stanzas, and an ursic-sk stanza only
// alone. Anything else is [ErrBadStanza]: no honest writer makes it, and
// readers that checked only some of them would open different things.
func CheckStanzas(stanzas []*age.Stanza, maxStanzas int) error {
	if len(stanzas) > maxStanzas {
		return fmt.Errorf("%w: the body has %d stanzas, its header allows at most %d", ErrBadStanza, len(stanzas), maxStanzas)
	}
	_, err := skStanza(stanzas)
	return err
}

// boundedIdentity checks a file's stanzas once with [CheckStanzas], then
// tries each identity in turn as age would. It is the only identity age
// sees, so the check comes before any identity's work (an X25519 per
// stanza for age's own).
type boundedIdentity struct {
	ids []age.Identity
	max int
}

func (b boundedIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	if err := CheckStanzas(stanzas, b.max); err != nil {
		return nil, err
	}
	for _, id := range b.ids {
		fk, err := id.Unwrap(stanzas)
		if errors.Is(err, age.ErrIncorrectIdentity) {
			continue
		}
		return fk, err
	}
	return nil, age.ErrIncorrectIdentity
}

// scryptWorkFactor is age's default (2^18). Unlocking a home happens once per
// start, so a second of work is an acceptable price against offline guessing.
const scryptWorkFactor = 18

// EncryptWithPassphrase protects a key file with a passphrase, using age's
// scrypt recipient, ASCII-armored so the file stays text.
func EncryptWithPassphrase(plain []byte, passphrase string) ([]byte, error) {
	if passphrase == "" {
		return nil, errors.New("empty passphrase")
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, fmt.Errorf("failed to use passphrase: %w", err)
	}
	r.SetWorkFactor(scryptWorkFactor)
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		return nil, fmt.Errorf("failed to encrypt with passphrase: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return nil, fmt.Errorf("failed to encrypt with passphrase: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("failed to encrypt with passphrase: %w", err)
	}
	if err := aw.Close(); err != nil {
		return nil, fmt.Errorf("failed to encrypt with passphrase: %w", err)
	}
	return buf.Bytes(), nil
}

// ErrWrongPassphrase is returned by [DecryptWithPassphrase] for a wrong passphrase.
var ErrWrongPassphrase = errors.New("wrong passphrase")

// DecryptWithPassphrase reverses [EncryptWithPassphrase].
func DecryptWithPassphrase(data []byte, passphrase string) ([]byte, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, fmt.Errorf("failed to use passphrase: %w", err)
	}
	r, err := age.Decrypt(armor.NewReader(bytes.NewReader(data)), id)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, ErrWrongPassphrase
		}
		return nil, fmt.Errorf("failed to decrypt with passphrase: %w", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("failed to decrypt with passphrase: %w", err)
	}
	return out, nil
}

// IsPassphraseProtected reports whether data was written by [EncryptWithPassphrase].
func IsPassphraseProtected(data []byte) bool {
	return strings.HasPrefix(strings.TrimSpace(string(data)), armor.Header)
}

package crypto

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"golang.org/x/crypto/chacha20poly1305"
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
//
// age unwraps the file key (age.DecryptHeader: the stanzas and the header's
// MAC); the payload, already in memory, is then opened chunk by chunk into
// one buffer of the plaintext's size, by age's STREAM rules ([openPayload]).
// age's own readers cannot be used here without a 64 KiB buffer per call
// (age v1.3's ReaderAt allocates a chunk buffer on every read, the
// streaming reader holds one in its struct): for a node opening 100,000
// records of 1 KiB that was 6 GB of garbage and most of the GC work of a bulk
// sync. FuzzOpenMatchesAge checks this against age.Decrypt on any input.
func Open(sealed []byte, ids ...age.Identity) ([]byte, error) {
	end := headerEnd(sealed)
	if end < 0 {
		return nil, errors.New("failed to open sealed body: failed to read header: no MAC line")
	}
	fileKey, err := age.DecryptHeader(sealed[:end], ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, ErrNotRecipient
		}
		return nil, fmt.Errorf("failed to open sealed body: %w", err)
	}
	plain, err := openPayload(fileKey, sealed[end:])
	if err != nil {
		return nil, fmt.Errorf("failed to open sealed body: %w", err)
	}
	return plain, nil
}

// headerEnd is the length of the age header at the start of sealed: up to and
// including its MAC line ("--- " and the MAC, ending in a newline), or -1.
// Stanza lines start with "-> " and stanza bodies are base64, so the first
// line that starts with "--- " is the MAC line. age.DecryptHeader then parses
// exactly those bytes and checks the MAC over them; a wrong cut fails there
// or in the payload's authentication, never silently.
func headerEnd(sealed []byte) int {
	i := bytes.Index(sealed, []byte("\n--- "))
	if i < 0 {
		return -1
	}
	j := bytes.IndexByte(sealed[i+1:], '\n')
	if j < 0 {
		return -1
	}
	return i + 1 + j + 1
}

// age's payload format (age-encryption.org/v1): a 16-byte nonce, then the
// plaintext in 64 KiB chunks, each sealed with ChaCha20-Poly1305 under a key
// derived from the file key and the nonce; a chunk's nonce is its 88-bit
// big-endian index and a final byte that is 1 for the last chunk only.
const (
	payloadNonceSize = 16
	payloadChunkSize = 64 << 10
)

// openPayload opens an age payload by the same rules as age's
// stream.DecryptReaderAt: every chunk but the last is full, the last is not
// empty unless it is the only one, and each chunk is authenticated with its
// position and whether it is the last (so a payload cut at a chunk boundary,
// or reordered, fails).
func openPayload(fileKey, payload []byte) ([]byte, error) {
	if len(payload) < payloadNonceSize {
		return nil, errors.New("failed to read nonce")
	}
	key, err := hkdf.Key(sha256.New, fileKey, payload[:payloadNonceSize], "payload", chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		return nil, err
	}
	enc := payload[payloadNonceSize:]
	const encChunk = payloadChunkSize + chacha20poly1305.Overhead
	chunks := (len(enc) + encChunk - 1) / encChunk
	size := len(enc) - chunks*chacha20poly1305.Overhead
	want := (size + payloadChunkSize - 1) / payloadChunkSize
	if size == 0 {
		want = 1 // an empty plaintext is one empty chunk, and only then is a chunk empty
	}
	if size < 0 || chunks != want {
		return nil, fmt.Errorf("invalid encrypted payload size: %d", len(enc))
	}
	out := make([]byte, 0, size)
	var nonce [chacha20poly1305.NonceSize]byte
	for i := range chunks {
		c := enc[i*encChunk : min(len(enc), (i+1)*encChunk)]
		binary.BigEndian.PutUint64(nonce[3:11], uint64(i))
		if i == chunks-1 {
			nonce[11] = 1
		}
		if out, err = aead.Open(out, nonce[:], c, nil); err != nil {
			return nil, fmt.Errorf("failed to decrypt and authenticate payload chunk %d: %w", i, err)
		}
	}
	return out, nil
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

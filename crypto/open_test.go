package crypto

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"io"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// ageOpen is the reference Open: age's own ReaderAt, as Open was before it
// opened the payload itself.
func ageOpen(sealed []byte, ids ...age.Identity) ([]byte, error) {
	r, size, err := age.DecryptReaderAt(bytes.NewReader(sealed), int64(len(sealed)), ids...)
	if err != nil {
		return nil, err
	}
	out := make([]byte, size)
	if n, err := r.ReadAt(out, 0); err != nil && !(errors.Is(err, io.EOF) && int64(n) == size) {
		return nil, err
	}
	return out, nil
}

func rcpt(t testing.TB, id *Identity) age.Recipient {
	t.Helper()
	r, err := ParseRecipient(id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sizedPlaintext(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + i>>16)
	}
	return p
}

// TestOpenMatchesAge opens bodies of one, two and three chunks and at every
// chunk boundary, and checks the plaintext against age's own reader.
func TestOpenMatchesAge(t *testing.T) {
	id := mustIdentity(t)
	for _, n := range []int{0, 1, 1024, payloadChunkSize - 1, payloadChunkSize, payloadChunkSize + 1, 2 * payloadChunkSize, 200 << 10} {
		plain := sizedPlaintext(n)
		sealed, err := Seal(plain, rcpt(t, id))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Open(sealed, id.AgeIdentity())
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: Open = %d bytes, %v", n, len(got), err)
		}
		ref, err := ageOpen(sealed, id.AgeIdentity())
		if err != nil || !bytes.Equal(ref, got) {
			t.Fatalf("%d bytes: age opens %d bytes, %v", n, len(ref), err)
		}
	}
}

// TestOpenRejectsAlteredPayloads: a body cut short (also at a chunk
// boundary, where every remaining chunk is intact), extended, with a byte
// changed anywhere, or re-chunked with an empty last chunk never opens, and
// age agrees.
func TestOpenRejectsAlteredPayloads(t *testing.T) {
	id := mustIdentity(t)
	plain := sizedPlaintext(2*payloadChunkSize + 100)
	sealed, err := Seal(plain, rcpt(t, id))
	if err != nil {
		t.Fatal(err)
	}
	end := headerEnd(sealed)
	encChunk := payloadChunkSize + chacha20poly1305.Overhead
	firstChunk := end + payloadNonceSize
	var bad [][]byte
	for _, cut := range []int{1, 16, 17, 100, len(sealed) - firstChunk - encChunk, len(sealed) - firstChunk - 2*encChunk, len(sealed) - end} {
		bad = append(bad, sealed[:len(sealed)-cut])
	}
	bad = append(bad, append(bytes.Clone(sealed), 0))
	for _, at := range []int{0, end - 2, end, end + payloadNonceSize, firstChunk + encChunk - 1, firstChunk + encChunk, len(sealed) - 1} {
		b := bytes.Clone(sealed)
		b[at] ^= 1
		bad = append(bad, b)
	}
	// One full chunk that is not the last, then an empty last chunk: valid
	// AEAD under the right key, but not a form age writes or accepts.
	fileKey, err := age.DecryptHeader(sealed[:end], id.AgeIdentity())
	if err != nil {
		t.Fatal(err)
	}
	nonce := sealed[end : end+payloadNonceSize]
	key, _ := hkdf.Key(sha256.New, fileKey, nonce, "payload", chacha20poly1305.KeySize)
	aead, _ := chacha20poly1305.New(key)
	var cn [chacha20poly1305.NonceSize]byte
	b := append(bytes.Clone(sealed[:end+payloadNonceSize]), aead.Seal(nil, cn[:], plain[:payloadChunkSize], nil)...)
	cn[10], cn[11] = 1, 1
	bad = append(bad, aead.Seal(b, cn[:], nil, nil))
	for i, b := range bad {
		if got, err := Open(b, id.AgeIdentity()); err == nil {
			t.Errorf("altered body %d opened (%d bytes)", i, len(got))
		}
		if _, err := ageOpen(b, id.AgeIdentity()); err == nil {
			t.Errorf("altered body %d: age opens it", i)
		}
	}
}

// FuzzOpenMatchesAge: on any input, Open and age's own reader agree: both
// fail, or both return the same plaintext.
func FuzzOpenMatchesAge(f *testing.F) {
	id := mustIdentity(f)
	for _, n := range []int{0, 5, 1024, payloadChunkSize + 3} {
		sealed, err := Seal(sizedPlaintext(n), rcpt(f, id))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sealed)
	}
	f.Fuzz(func(t *testing.T, sealed []byte) {
		got, err := Open(sealed, id.AgeIdentity())
		ref, refErr := ageOpen(sealed, id.AgeIdentity())
		if (err == nil) != (refErr == nil) || !bytes.Equal(got, ref) {
			t.Fatalf("Open = %d bytes, %v; age = %d bytes, %v", len(got), err, len(ref), refErr)
		}
	})
}

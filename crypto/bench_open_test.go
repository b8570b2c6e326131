package crypto_test

// Benchmarks of opening one sealed 1 KiB body (run only with -bench):
//
//	go test ./crypto -run '^$' -bench Open -benchmem
//
// BenchmarkOpen1KiB is crypto.Open as the node calls it for every record
// (one X25519 stanza: a group record). BenchmarkOpen1KiBReaderAt opens the
// same body with age.DecryptReaderAt, which authenticates the single
// chunk in place instead of through age's streaming reader; the difference
// in B/op is the garbage crypto.Open makes per record.

import (
	"bytes"
	"io"
	"testing"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
)

func benchSealed(b *testing.B) ([]byte, *age.X25519Identity) {
	b.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		b.Fatal(err)
	}
	sealed, err := crypto.Seal(bytes.Repeat([]byte("x"), 1024), id.Recipient())
	if err != nil {
		b.Fatal(err)
	}
	return sealed, id
}

func BenchmarkOpen1KiB(b *testing.B) {
	sealed, id := benchSealed(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := crypto.Open(sealed, id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen1KiBReaderAt(b *testing.B) {
	sealed, id := benchSealed(b)
	b.ReportAllocs()
	for b.Loop() {
		r, size, err := age.DecryptReaderAt(bytes.NewReader(sealed), int64(len(sealed)), id)
		if err != nil {
			b.Fatal(err)
		}
		out := make([]byte, size)
		if _, err := r.ReadAt(out, 0); err != nil && err != io.EOF {
			b.Fatal(err)
		}
	}
}

package share

import (
	"encoding/base64"
	"testing"
)

func vectorEnvelope(tb testing.TB, name string) []byte {
	tb.Helper()
	v, ok := loadVectors(tb)[name]
	if !ok {
		tb.Fatalf("no vector %s", name)
	}
	b, err := base64.StdEncoding.DecodeString(v.Envelope)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// PeekHeader reads a stored envelope's entitlement fields several times
// faster than Decode, which checks and re-encodes everything:
//
//	go test ./share -run '^$' -bench 'PeekHeader|DecodeEnvelope' -benchmem
func BenchmarkPeekHeader(b *testing.B) {
	raw := vectorEnvelope(b, "success-group")
	for range b.N {
		if _, err := PeekHeader(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeEnvelope(b *testing.B) {
	raw := vectorEnvelope(b, "success-group")
	for range b.N {
		if _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPeekHeaderRefusesWhatIsNoEnvelope(t *testing.T) {
	for _, b := range [][]byte{nil, {0xa0}, []byte("not cbor"), make([]byte, MaxEnvelopeSize+1)} {
		if _, err := PeekHeader(b); err == nil {
			t.Errorf("PeekHeader(%x…) accepted", b[:min(len(b), 8)])
		}
	}
}

package share

import (
	"bytes"
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/ursic/ursic/share/sharetest"
)

func FuzzDecodeEnvelope(f *testing.F) {
	seeds := 0
	for _, v := range loadVectors(f) {
		b, err := base64.StdEncoding.DecodeString(v.Envelope)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 64<<10 {
			continue // the 1 MiB boundary vectors would slow every mutation; the size check is one comparison
		}
		f.Add(b)
		seeds++
	}
	if b, err := os.ReadFile("testdata/golden/envelope-v1.cbor"); err == nil {
		f.Add(b)
		seeds++
	}
	if seeds == 0 {
		f.Fatal("no seeds in testdata")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(b)
		if err != nil {
			return
		}
		again, err := e.Encode()
		if err != nil {
			t.Fatalf("decoded but does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("decoded but re-encodes differently:\n in %x\nout %x", b, again)
		}
		_ = e.Verify()
		if _, err := e.CID(); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzParseRecord(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/records/*")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRecord(b)
		if err != nil {
			return
		}
		_ = r.Title()
		if err := r.Validate(); err != nil {
			return
		}
		// A valid record's body is itself a valid body, stable under parsing.
		r2, err := ParseRecord(r.Body)
		if err != nil {
			t.Fatalf("body of a valid record does not parse: %v", err)
		}
		if !bytes.Equal(r2.Body, r.Body) {
			t.Fatalf("body not stable:\n%s\n%s", r.Body, r2.Body)
		}
		if err := checkBody(r.Kind, r.Body); err != nil {
			t.Fatalf("body of a valid record is not a valid body: %v", err)
		}
	})
}

// FuzzPeekHeader: PeekHeader never panics, and on every envelope Decode
// accepts it reads the same entitlement fields.
func FuzzPeekHeader(f *testing.F) {
	seeds := 0
	for _, v := range loadVectors(f) {
		b, err := base64.StdEncoding.DecodeString(v.Envelope)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 64<<10 {
			continue
		}
		f.Add(b)
		seeds++
	}
	if seeds == 0 {
		f.Fatal("no seeds in testdata")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, perr := PeekHeader(b)
		e, err := Decode(b)
		if err != nil {
			return
		}
		if perr != nil {
			t.Fatalf("Decode accepts what PeekHeader refuses: %v", perr)
		}
		h := e.Header
		if p.Kind != h.Kind || p.Author != h.Author || p.Log != h.Log || p.Seq != h.Seq || p.RosterVersion != h.RosterVersion ||
			p.TLP != h.TLP || strings.Join(p.Audience, ",") != strings.Join(h.Audience, ",") || strings.Join(p.Caveats, ",") != strings.Join(h.Caveats, ",") {
			t.Fatalf("PeekHeader read %+v, Decode %+v", p, h)
		}
	})
}

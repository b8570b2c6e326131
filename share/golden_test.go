package share

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// goldenHeader is the header of testdata/golden/header-v1.cbor (the same
// literal as in internal/vectorgen). If its encoding changes, the wire
// format changed: that must never happen to version 1.
func goldenHeader(t *testing.T) *Header {
	prev, err := ParseCID("bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm")
	if err != nil {
		t.Fatal(err)
	}
	return &Header{
		Version: 1, Kind: "method", Author: "12D3KooWQ6SC8QeL55fdVUnxYYHNba2J2GoLNPDPq3ey3WrPVtsC",
		Log: "g/members", Seq: 42, Prev: prev.Bytes(), Created: 1795000000000, RosterVersion: 7,
		TLP: "amber", Audience: []string{"members"}, Caveats: []string{"no-export"},
		Key:        KeyRef{Group: "members", Epoch: 2},
		BodyDigest: bytes.Repeat([]byte{0xab}, 32),
	}
}

func TestGoldenHeader(t *testing.T) {
	want, err := os.ReadFile("testdata/golden/header-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	h := goldenHeader(t)
	if err := h.check(); err != nil {
		t.Fatal(err)
	}
	got, err := encMode.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("header encoding changed:\n got %x\nwant %x", got, want)
	}
	// Keys in Core Deterministic order: shorter first, then bytewise.
	var keys []string
	for _, k := range []string{"a", "k", "l", "n", "p", "r", "t", "v", "bd", "aud", "cav", "key", "tlp"} {
		keys = append(keys, k)
		if !bytes.Contains(got, append([]byte{0x60 + byte(len(k))}, k...)) {
			t.Errorf("key %q missing", k)
		}
	}
	last := -1
	for _, k := range keys {
		i := bytes.Index(got, append([]byte{0x60 + byte(len(k))}, k...))
		if i < last {
			t.Errorf("key %q out of order", k)
		}
		last = i
	}
}

func TestGoldenEnvelope(t *testing.T) {
	b, err := os.ReadFile("testdata/golden/envelope-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	wantCID, err := os.ReadFile("testdata/golden/envelope-v1.cid")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Verify(); err != nil {
		t.Fatal(err)
	}
	again, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Fatal("golden envelope does not re-encode byte for byte")
	}
	c, err := e.CID()
	if err != nil {
		t.Fatal(err)
	}
	if c.String() != strings.TrimSpace(string(wantCID)) {
		t.Fatalf("CID = %s, want %s", c, wantCID)
	}
	if CIDOf(b) != c {
		t.Fatal("CIDOf disagrees with Envelope.CID")
	}
}

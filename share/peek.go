package share

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// peekMode decodes only what PeekHeader asks for and skips the rest (the
// body's bytes above all) without copying it.
var peekMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		IndefLength:      cbor.IndefLengthForbidden,
		TagsMd:           cbor.TagsForbidden,
		MaxNestedLevels:  8,
		MaxArrayElements: maxArrayElements,
		MaxMapPairs:      16,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("share: cbor peek options: %v", err))
	}
	return dm
}()

type peekEnvelope struct {
	H struct {
		Kind          string   `cbor:"k"`
		Author        string   `cbor:"a"`
		Log           string   `cbor:"l"`
		Seq           uint64   `cbor:"n"`
		RosterVersion uint64   `cbor:"r"`
		TLP           string   `cbor:"tlp"`
		Audience      []string `cbor:"aud"`
		Caveats       []string `cbor:"cav"`
	} `cbor:"h"`
}

// PeekHeader reads the header fields that decide who may hold an envelope
// (kind, author, log, seq, roster version, TLP, audience, caveats) from an
// encoded envelope or stub, without the checks of [Decode]: it verifies
// nothing and does not re-encode. It is for envelopes this node checked with
// Decode and Verify before it stored them, where a full decode of each of a
// million would be wasted work. The other header fields are left zero.
func PeekHeader(b []byte) (*Header, error) {
	if len(b) > MaxEnvelopeSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(b))
	}
	var e peekEnvelope
	if err := peekMode.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	h := e.H
	if h.Author == "" || h.Log == "" || h.Seq == 0 {
		return nil, fmt.Errorf("%w: the header lacks its author, log or sequence number", ErrMalformed)
	}
	return &Header{Kind: h.Kind, Author: h.Author, Log: h.Log, Seq: h.Seq, RosterVersion: h.RosterVersion,
		TLP: h.TLP, Audience: h.Audience, Caveats: h.Caveats}, nil
}

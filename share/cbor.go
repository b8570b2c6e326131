package share

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// encMode is Core Deterministic Encoding (SPEC.md §2.1): shortest integers
// and lengths, definite lengths, map keys sorted by their encoded bytes
// (for text keys: shorter first, then bytewise), no tags.
var encMode = mustEncMode()

// decMode refuses what the format never contains: duplicate keys,
// indefinite lengths, tags, invalid UTF-8 and keys the Go type lacks. Limits
// are small because an envelope is shallow: the deepest item is the header's
// audience array inside the header inside the envelope.
var decMode = mustDecMode()

func mustEncMode() cbor.EncMode {
	opts := cbor.CoreDetEncOptions()
	opts.IndefLength = cbor.IndefLengthForbidden
	opts.TagsMd = cbor.TagsForbidden
	em, err := opts.EncMode()
	if err != nil {
		panic(fmt.Sprintf("share: cbor encoding options: %v", err))
	}
	return em
}

func mustDecMode() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		MaxNestedLevels:   8,
		MaxArrayElements:  maxArrayElements,
		MaxMapPairs:       16,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		UTF8:              cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("share: cbor decoding options: %v", err))
	}
	return dm
}

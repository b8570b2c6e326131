package share

import (
	"crypto/sha256"
	"fmt"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
)

// cidSize is the length of a binary envelope CID: version 1, dag-cbor,
// sha2-256 with a 32-byte digest (SPEC.md §3).
const cidSize = 36

// CIDOf returns the CID of an encoded envelope: CIDv1, dag-cbor, sha2-256 of
// exactly these bytes (SPEC.md §3). Its String form is base32 lower ("b…").
func CIDOf(encoded []byte) cid.Cid {
	sum := sha256.Sum256(encoded)
	mh, err := multihash.Encode(sum[:], multihash.SHA2_256)
	if err != nil {
		panic("share: multihash of a sha2-256 digest: " + err.Error()) // cannot happen
	}
	return cid.NewCidV1(cid.DagCBOR, mh)
}

// ParseCID parses the text form of an envelope CID and refuses any CID
// that is not CIDv1, dag-cbor, sha2-256 in base32 lower case.
func ParseCID(s string) (cid.Cid, error) {
	if len(s) == 0 || s[0] != 'b' {
		return cid.Undef, fmt.Errorf("share: CID %q is not base32 lower case (it must start with \"b\")", s)
	}
	c, err := cid.Decode(s)
	if err != nil {
		return cid.Undef, fmt.Errorf("share: invalid CID %q: %w", s, err)
	}
	if err := checkEnvelopeCID(c); err != nil {
		return cid.Undef, err
	}
	if c.String() != s {
		return cid.Undef, fmt.Errorf("share: CID %q is not in canonical base32 form", s)
	}
	return c, nil
}

// cidFromBytes parses the binary form used in headers ("p", "c").
func cidFromBytes(b []byte) (cid.Cid, error) {
	if len(b) != cidSize {
		return cid.Undef, fmt.Errorf("binary CID has %d bytes, want %d", len(b), cidSize)
	}
	n, c, err := cid.CidFromBytes(b)
	if err != nil {
		return cid.Undef, fmt.Errorf("invalid binary CID: %w", err)
	}
	if n != len(b) {
		return cid.Undef, fmt.Errorf("binary CID has %d trailing bytes", len(b)-n)
	}
	return c, checkEnvelopeCID(c)
}

func checkEnvelopeCID(c cid.Cid) error {
	p := c.Prefix()
	if p.Version != 1 || p.Codec != cid.DagCBOR || p.MhType != multihash.SHA2_256 || p.MhLength != sha256.Size {
		return fmt.Errorf("share: CID %s is not CIDv1 dag-cbor sha2-256", c)
	}
	return nil
}

package crypto

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/mr-tron/base58"
	"github.com/multiformats/go-multihash"
)

// ErrBadSignature is returned by [Verify] when a signature does not verify.
var ErrBadSignature = errors.New("signature does not verify")

// ErrBadPeerID is returned for a peer ID that is not an Ed25519 libp2p peer ID.
var ErrBadPeerID = errors.New("not an Ed25519 peer ID")

// libp2p encodes a public key as the protobuf message
// PublicKey{Type: Ed25519 (1), Data: 32 bytes}, which is always these four
// bytes followed by the key. Because the encoding (36 bytes) is shorter than
// 42 bytes, libp2p puts it in the peer ID verbatim with the identity
// multihash; so the peer ID *is* the public key and an envelope's author
// field is enough to verify its signature. Computing it here keeps libp2p out
// of this package; node tests check equality with libp2p's own derivation.
var ed25519ProtoPrefix = []byte{0x08, 0x01, 0x12, 0x20}

// PeerIDFromPublicKey returns the libp2p peer ID ("12D3KooW…") of pub.
func PeerIDFromPublicKey(pub ed25519.PublicKey) string {
	mh, _ := multihash.Encode(append(append([]byte{}, ed25519ProtoPrefix...), pub...), multihash.IDENTITY)
	return base58.Encode(mh)
}

// PublicKeyFromPeerID extracts the Ed25519 public key embedded in peerID.
func PublicKeyFromPeerID(peerID string) (ed25519.PublicKey, error) {
	raw, err := base58.Decode(peerID)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not base58", ErrBadPeerID, peerID)
	}
	dm, err := multihash.Decode(raw)
	if err != nil || dm.Code != multihash.IDENTITY {
		return nil, fmt.Errorf("%w: %q does not embed its key", ErrBadPeerID, peerID)
	}
	if len(dm.Digest) != len(ed25519ProtoPrefix)+ed25519.PublicKeySize || !bytes.HasPrefix(dm.Digest, ed25519ProtoPrefix) {
		return nil, fmt.Errorf("%w: %q", ErrBadPeerID, peerID)
	}
	return ed25519.PublicKey(dm.Digest[len(ed25519ProtoPrefix):]), nil
}

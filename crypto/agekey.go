package crypto

import (
	"fmt"
	"strings"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto/internal/bech32"
)

// AgeSecretScalar returns the 32-byte X25519 secret of an age identity: the
// data of its AGE-SECRET-KEY-1… string. The age plugin identity of a member
// (age-plugin-ursic) carries these bytes under another name.
func AgeSecretScalar(id *age.X25519Identity) ([]byte, error) {
	hrp, scalar, err := bech32.Decode(id.String())
	if err != nil || hrp != "AGE-SECRET-KEY-" || len(scalar) != 32 {
		return nil, fmt.Errorf("not an age X25519 identity")
	}
	return scalar, nil
}

// AgeIdentityFromScalar is the inverse of [AgeSecretScalar].
func AgeIdentityFromScalar(scalar []byte) (*age.X25519Identity, error) {
	if len(scalar) != 32 {
		return nil, fmt.Errorf("an X25519 secret is 32 bytes, not %d", len(scalar))
	}
	s, err := bech32.Encode("AGE-SECRET-KEY-", scalar)
	if err != nil {
		return nil, err
	}
	return age.ParseX25519Identity(strings.ToUpper(s))
}

package crypto

import (
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"
)

// GroupKey is a sender key: an X25519 key that one author makes per
// (group, epoch) and hands to the group's members, wrapped to each of them.
// The author seals the group's records to this one key, so a record carries
// a single age stanza and opening it costs the same however many members
// the group has. Naive multi-recipient age would make each reader try every
// stanza (cost grows with the consortium); a sender key does not.
//
// Records are sealed to the key's ursic-sk stanza ([GroupKey.Recipient]), a
// symmetric stanza derived from the secret, which opens without an X25519
// operation. The key stays an ordinary age X25519 identity on the wire (the
// senderkey record carries "AGE-SECRET-KEY-1…"), so records of epochs sealed
// to its X25519 recipient before the stanza existed still open.
type GroupKey struct {
	id *age.X25519Identity
	sk stanzaKey
}

// NewGroupKey makes a fresh sender key. A new one is made at every epoch, so
// a removed member, who holds only old keys, cannot open anything new.
func NewGroupKey() (*GroupKey, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("failed to generate group key: %w", err)
	}
	return groupKeyOf(id)
}

// groupKeyOf derives the ursic-sk key from id's secret scalar, which age
// only exposes as its Bech32 string.
func groupKeyOf(id *age.X25519Identity) (*GroupKey, error) {
	scalar, err := AgeSecretScalar(id)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadGroupKey, err)
	}
	return &GroupKey{id: id, sk: newStanzaKey(scalar)}, nil
}

// Recipient is what the author seals group records to: the key's ursic-sk
// stanza. age refuses to mix it with any other recipient in one file.
func (k *GroupKey) Recipient() age.Recipient { return senderKeyRecipient{&k.sk} }

// X25519Recipient is the key's X25519 recipient, which group records were
// sealed to before the ursic-sk stanza. Writers no longer use it; it stays
// for tests and tools that make bodies in the old form.
func (k *GroupKey) X25519Recipient() age.Recipient { return k.id.Recipient() }

// Identity opens group records sealed to this key, in either form: an
// ursic-sk stanza with this key's ID, or an X25519 stanza to its recipient.
func (k *GroupKey) Identity() age.Identity { return groupIdentity{k} }

// KeyID is the key ID that the key's ursic-sk stanzas carry (22 characters
// of base64). It identifies the key without revealing anything about it.
func (k *GroupKey) KeyID() string { return k.sk.id }

// String is the secret key in age's format. Handle it like a key file.
func (k *GroupKey) String() string { return k.id.String() }

// WrapGroupKey seals the key to each member's recipient, so only members can
// learn it. It fails rather than skip a recipient (unlike Upspin's Share).
func WrapGroupKey(k *GroupKey, recipients ...age.Recipient) ([]byte, error) {
	return Seal([]byte(k.id.String()), recipients...)
}

// ErrBadGroupKey is returned by [UnwrapGroupKey] when the plaintext is not a key.
var ErrBadGroupKey = errors.New("wrapped group key is malformed")

// UnwrapGroupKey opens a wrapped key with this node's identity.
func UnwrapGroupKey(wrapped []byte, ids ...age.Identity) (*GroupKey, error) {
	plain, err := Open(wrapped, ids...)
	if err != nil {
		return nil, err
	}
	return ParseGroupKey(string(plain))
}

// ParseGroupKey reads a group key from its secret text ([GroupKey.String]),
// as carried inside a senderkey record's sealed body.
func ParseGroupKey(s string) (*GroupKey, error) {
	id, err := age.ParseX25519Identity(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadGroupKey, err)
	}
	return groupKeyOf(id)
}

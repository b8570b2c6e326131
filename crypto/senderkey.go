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
// a single age stanza and opening it costs one X25519 unwrap however many
// members the group has. Naive multi-recipient age would make each reader
// try every stanza (cost grows with the consortium); a sender key does not.
//
// A group key is an ordinary age X25519 identity, so an emergency opening with
// the age CLI still works once the key has been unwrapped.
type GroupKey struct {
	id *age.X25519Identity
}

// NewGroupKey makes a fresh sender key. A new one is made at every epoch, so
// a removed member, who holds only old keys, cannot open anything new.
func NewGroupKey() (*GroupKey, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("failed to generate group key: %w", err)
	}
	return &GroupKey{id: id}, nil
}

// Recipient is what the author seals group records to.
func (k *GroupKey) Recipient() age.Recipient { return k.id.Recipient() }

// Identity opens group records sealed to [GroupKey.Recipient].
func (k *GroupKey) Identity() age.Identity { return k.id }

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
	id, err := age.ParseX25519Identity(strings.TrimSpace(string(plain)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadGroupKey, err)
	}
	return &GroupKey{id: id}, nil
}

// ParseGroupKey reads a group key from its secret text ([GroupKey.String]),
// as carried inside a senderkey record's sealed body.
func ParseGroupKey(s string) (*GroupKey, error) {
	id, err := age.ParseX25519Identity(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadGroupKey, err)
	}
	return &GroupKey{id: id}, nil
}

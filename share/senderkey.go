package share

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
)

// SenderKeyBody is the body of a senderkey record (SPEC.md §6.4): the
// secret of the author's sender key for (Group, Epoch), sealed directly to
// each of Members and to the author. Its envelope is the first entry of the
// epoch in the author's log g/<Group>, with a direct key reference.
type SenderKeyBody struct {
	Kind    string   `json:"kind"`    // always "senderkey"
	Group   string   `json:"group"`   // the group, as in the envelope's audience
	Epoch   uint64   `json:"epoch"`   // ≥ 1
	Members []string `json:"members"` // the group's peer IDs at this epoch, sorted
	Key     string   `json:"key"`     // the sender key, "AGE-SECRET-KEY-1…"
}

var senderKeyFields = []string{"epoch", "group", "key", "kind", "members"}

// NewSenderKeyBody returns the body that hands out key for (group, epoch)
// to members (in any order; duplicates removed).
func NewSenderKeyBody(group string, epoch uint64, members []string, key *crypto.GroupKey) *SenderKeyBody {
	m := slices.Clone(members)
	slices.Sort(m)
	return &SenderKeyBody{Kind: KindSenderKey, Group: group, Epoch: epoch, Members: slices.Compact(m), Key: key.String()}
}

// ParseSenderKeyBody parses a senderkey body strictly: one JSON object with
// exactly the five fields, no duplicates, kind "senderkey", a group name,
// an epoch ≥ 1, 1–1024 sorted, unique Ed25519 peer IDs, and an age X25519
// identity. Errors are [*FieldError]s (so they match [ErrInvalidRecord]).
func ParseSenderKeyBody(data []byte) (*SenderKeyBody, error) {
	if len(data) > MaxPlaintextSize {
		return nil, fmt.Errorf("%w: senderkey body is %d bytes, the limit is %d", ErrTooLarge, len(data), MaxPlaintextSize)
	}
	p, err := newJSONParser(data)
	if err != nil {
		return nil, err
	}
	v, err := p.value("", 0)
	if errors.Is(err, io.EOF) {
		return nil, &SyntaxError{Line: 1, Column: 1, Msg: "empty senderkey body"}
	}
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &FieldError{Problem: "a senderkey body must be a JSON object, not " + jsonType(v)}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(senderKeyFields, k) {
			return nil, &FieldError{Path: k, Problem: "unknown field (valid: " + strings.Join(senderKeyFields, ", ") + ")"}
		}
	}
	for _, k := range senderKeyFields {
		if _, ok := m[k]; !ok {
			return nil, &FieldError{Path: k, Problem: "required"}
		}
	}
	var b SenderKeyBody
	str := func(k string) (string, error) {
		s, ok := m[k].(string)
		if !ok {
			return "", &FieldError{Path: k, Problem: "must be a string, not " + jsonType(m[k])}
		}
		return s, nil
	}
	if b.Kind, err = str("kind"); err != nil {
		return nil, err
	}
	if b.Group, err = str("group"); err != nil {
		return nil, err
	}
	if b.Key, err = str("key"); err != nil {
		return nil, err
	}
	n, ok := m["epoch"].(json.Number)
	if !ok {
		return nil, &FieldError{Path: "epoch", Problem: "must be a number, not " + jsonType(m["epoch"])}
	}
	if b.Epoch, err = strconv.ParseUint(string(n), 10, 64); err != nil {
		return nil, &FieldError{Path: "epoch", Problem: fmt.Sprintf("%s is not a whole number ≥ 1", n)}
	}
	list, ok := m["members"].([]any)
	if !ok {
		return nil, &FieldError{Path: "members", Problem: "must be an array, not " + jsonType(m["members"])}
	}
	b.Members = make([]string, len(list))
	for i, e := range list {
		if b.Members[i], ok = e.(string); !ok {
			return nil, &FieldError{Path: fmt.Sprintf("members[%d]", i), Problem: "must be a string, not " + jsonType(e)}
		}
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return &b, nil
}

// Validate checks the body's fields (SPEC.md §6.4).
func (b *SenderKeyBody) Validate() error {
	if b.Kind != KindSenderKey {
		return &FieldError{Path: "kind", Problem: fmt.Sprintf("must be %q", KindSenderKey)}
	}
	if !isGroupName(b.Group) {
		return &FieldError{Path: "group", Problem: fmt.Sprintf("%s is not a group name", quote(b.Group))}
	}
	if b.Epoch == 0 {
		return &FieldError{Path: "epoch", Problem: "sender key epochs count from 1"}
	}
	if len(b.Members) == 0 || len(b.Members) > MaxReaders {
		return &FieldError{Path: "members", Problem: fmt.Sprintf("must list 1 to %d peer IDs (one age stanza each)", MaxReaders)}
	}
	for i, p := range b.Members {
		path := fmt.Sprintf("members[%d]", i)
		if !isPeerID(p) {
			return &FieldError{Path: path, Problem: fmt.Sprintf("%s is not an Ed25519 peer ID", quote(p))}
		}
		if i > 0 && b.Members[i-1] >= p {
			return &FieldError{Path: path, Problem: "members must be sorted and unique"}
		}
	}
	if _, err := b.GroupKey(); err != nil {
		return &FieldError{Path: "key", Problem: "not an age X25519 identity (AGE-SECRET-KEY-1…)"}
	}
	return nil
}

// GroupKey returns the sender key the body hands out.
func (b *SenderKeyBody) GroupKey() (*crypto.GroupKey, error) {
	if !strings.HasPrefix(b.Key, "AGE-SECRET-KEY-1") {
		return nil, fmt.Errorf("share: senderkey %q is not an age X25519 identity", "key")
	}
	k, err := crypto.ParseGroupKey(b.Key)
	if err != nil {
		return nil, fmt.Errorf("share: senderkey key: %w", err)
	}
	return k, nil
}

// Identity returns what opens the group's records of this epoch: bodies
// sealed to the key's ursic-sk stanza (SPEC.md §2.3.1) and, for records
// written before that stanza existed, to its X25519 recipient.
func (b *SenderKeyBody) Identity() (age.Identity, error) {
	k, err := b.GroupKey()
	if err != nil {
		return nil, err
	}
	return k.Identity(), nil
}

// Marshal returns the body's compact JSON with keys sorted: the plaintext
// to [Seal] in the senderkey envelope. It refuses an invalid body.
func (b *SenderKeyBody) Marshal() ([]byte, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return compactJSON(map[string]any{
		"kind": b.Kind, "group": b.Group, "epoch": b.Epoch, "members": b.Members, "key": b.Key,
	})
}

// checkSenderKeyBody is what [Seal] and [Envelope.Open] require of a
// senderkey envelope's plaintext: a valid body for the header's group.
func checkSenderKeyBody(h *Header, plain []byte) error {
	b, err := ParseSenderKeyBody(plain)
	if err != nil {
		return err
	}
	if len(h.Audience) != 1 || b.Group != h.Audience[0] {
		return &FieldError{Path: "group", Problem: fmt.Sprintf("%q is not the envelope's audience %v", b.Group, h.Audience)}
	}
	return nil
}

package share

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ursic/ursic/crypto"
)

func newGroupKey(t *testing.T) *crypto.GroupKey {
	t.Helper()
	k, err := crypto.NewGroupKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSenderKeyBodyRoundTrip(t *testing.T) {
	a, b := newIdentity(t), newIdentity(t)
	key := newGroupKey(t)
	b0 := NewSenderKeyBody("members", 2, []string{b.PeerID(), a.PeerID(), b.PeerID()}, key)
	out, err := b0.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	members := []string{a.PeerID(), b.PeerID()}
	slices.Sort(members)
	want := `{"epoch":2,"group":"members","key":"` + key.String() + `","kind":"senderkey","members":["` + strings.Join(members, `","`) + `"]}`
	if string(out) != want {
		t.Fatalf("Marshal:\n got %s\nwant %s", out, want)
	}
	back, err := ParseSenderKeyBody(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Members, members) || back.Epoch != 2 || back.Group != "members" || back.Key != key.String() {
		t.Fatalf("parsed %+v", back)
	}
	k, err := back.GroupKey()
	if err != nil || k.String() != key.String() || k.KeyID() != key.KeyID() {
		t.Fatalf("GroupKey: %v", err)
	}
}

func TestParseSenderKeyBodyRefuses(t *testing.T) {
	a, b := newIdentity(t), newIdentity(t)
	m := []string{a.PeerID(), b.PeerID()}
	slices.Sort(m)
	key := newGroupKey(t).String()
	ok := `{"epoch":1,"group":"members","key":"` + key + `","kind":"senderkey","members":["` + m[0] + `","` + m[1] + `"]}`
	if _, err := ParseSenderKeyBody([]byte(ok)); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, in, path string }{
		{"unknown field", strings.Replace(ok, `"epoch":1`, `"epoch":1,"extra":true`, 1), "extra"},
		{"missing field", strings.Replace(ok, `"epoch":1,`, ``, 1), "epoch"},
		{"duplicate field", strings.Replace(ok, `"epoch":1`, `"epoch":1,"epoch":2`, 1), "epoch"},
		{"epoch 0", strings.Replace(ok, `"epoch":1`, `"epoch":0`, 1), "epoch"},
		{"epoch negative", strings.Replace(ok, `"epoch":1`, `"epoch":-1`, 1), "epoch"},
		{"wrong kind", strings.Replace(ok, `"kind":"senderkey"`, `"kind":"roster"`, 1), "kind"},
		{"bad group", strings.Replace(ok, `"group":"members"`, `"group":"Members"`, 1), "group"},
		{"unsorted members", strings.Replace(ok, m[0]+`","`+m[1], m[1]+`","`+m[0], 1), "members[1]"},
		{"duplicate member", strings.Replace(ok, m[0]+`","`+m[1], m[0]+`","`+m[0], 1), "members[1]"},
		{"no members", strings.Replace(ok, `"`+m[0]+`","`+m[1]+`"`, ``, 1), "members"},
		{"bad member", strings.Replace(ok, m[0], "12D3KooWnope", 1), "members[0]"},
		{"bad key", strings.Replace(ok, key, "AGE-SECRET-KEY-1XYZ", 1), "key"},
		{"lower-case key", strings.Replace(ok, key, strings.ToLower(key), 1), "key"},
		{"key not a string", strings.Replace(ok, `"`+key+`"`, `1`, 1), "key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSenderKeyBody([]byte(tt.in))
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Path != tt.path || !errors.Is(err, ErrInvalidRecord) {
				t.Fatalf("got %v, want a FieldError at %q", err, tt.path)
			}
		})
	}
	for _, in := range []string{"", "[]", ok + "{}", `{"kind":"senderkey"`} {
		if _, err := ParseSenderKeyBody([]byte(in)); !errors.Is(err, ErrInvalidRecord) {
			t.Errorf("%q: got %v", in, err)
		}
	}
}

// A sender key travels Direct-sealed in the group's log; members open it
// and then the group's records sealed to it; an outsider opens neither.
func TestSenderKeyEnvelope(t *testing.T) {
	author, reader, outsider := newIdentity(t), newIdentity(t), newIdentity(t)
	members := []string{author.PeerID(), reader.PeerID()}
	key := newGroupKey(t)
	plain, err := NewSenderKeyBody("members", 1, members, key).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	h := Header{Kind: KindSenderKey, Seq: 1, Created: 1, TLP: "amber", Audience: []string{"members"}, Key: KeyRef{Direct: true}}
	skEnv, err := Seal(author, h, plain, recipientOf(t, author), recipientOf(t, reader))
	if err != nil {
		t.Fatal(err)
	}
	dec := reencoded(t, skEnv)
	got, err := dec.Open(reader.AgeIdentity())
	if err != nil {
		t.Fatal(err)
	}
	skBody, err := ParseSenderKeyBody(got)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dec.Open(outsider.AgeIdentity()); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("outsider opened the sender key: %v", err)
	}
	if _, err := dec.OpenRecord(reader.AgeIdentity()); !errors.Is(err, ErrControlKind) {
		t.Fatalf("OpenRecord of a senderkey: %v", err)
	}

	skCID, _ := skEnv.CID()
	rec := Header{Kind: KindSighting, Seq: 2, Prev: skCID.Bytes(), Created: 2, TLP: "amber", Audience: []string{"members"},
		Key: KeyRef{Group: "members", Epoch: skBody.Epoch, SenderKey: skCID.Bytes()}}
	e, err := Seal(author, rec, body(t, minimal[KindSighting]), key.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	id, err := skBody.Identity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(id); err != nil {
		t.Fatalf("member cannot open with the distributed key: %v", err)
	}
	if _, err := e.Open(outsider.AgeIdentity()); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("outsider opened a group record: %v", err)
	}

	// The rules of SPEC.md §6.4 on the header and the body.
	bad := h
	bad.Key = KeyRef{Group: "members", Epoch: 1}
	if _, err := Seal(author, bad, plain, key.Recipient()); !errors.Is(err, ErrInvalidHeader) {
		t.Fatalf("senderkey sealed to a sender key: %v", err)
	}
	bad = h
	bad.Audience = []string{author.PeerID()}
	if _, err := Seal(author, bad, plain, recipientOf(t, author)); !errors.Is(err, ErrInvalidHeader) {
		t.Fatalf("senderkey to a peer list: %v", err)
	}
	bad = h
	bad.Audience = []string{"executive"}
	if _, err := Seal(author, bad, plain, recipientOf(t, author)); !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("senderkey for another group: %v", err)
	}
}

package emergency

import (
	"errors"
	"testing"

	"filippo.io/age"
	"filippo.io/age/plugin"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
)

func TestStoreFileIsTheNodes(t *testing.T) {
	if storeFile != node.StoreFile {
		t.Fatalf("storeFile = %q, node.StoreFile = %q", storeFile, node.StoreFile)
	}
}

// TestPluginIdentity: the plugin identity carries the member's X25519
// secret and nothing else, under the plugin's name.
func TestPluginIdentity(t *testing.T) {
	id, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	s, err := PluginIdentity(id)
	if err != nil {
		t.Fatal(err)
	}
	name, data, err := plugin.ParseIdentity(s)
	if err != nil || name != PluginName {
		t.Fatalf("ParseIdentity(%s) = %q, %v", s, name, err)
	}
	member, err := ParsePluginData(data)
	if err != nil {
		t.Fatal(err)
	}
	if member.Recipient().String() != id.Recipient() {
		t.Fatal("the plugin identity is not the member's age identity")
	}
	if _, err := ParsePluginData(data[:31]); err == nil {
		t.Fatal("a short identity was accepted")
	}
}

// TestMemberIdentity: bodies sealed to the member directly, to a sender key
// it holds (either form) open; to a key it does not hold, not.
func TestMemberIdentity(t *testing.T) {
	member, _ := age.GenerateX25519Identity()
	held, _ := crypto.NewGroupKey()
	other, _ := crypto.NewGroupKey()
	id := MemberIdentity(member, crypto.NewGroupKeyring(held))
	for _, r := range []age.Recipient{member.Recipient(), held.Recipient(), held.X25519Recipient()} {
		body, err := crypto.Seal([]byte("x"), r)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := crypto.Open(body, id); err != nil || string(got) != "x" {
			t.Errorf("%T: %q, %v", r, got, err)
		}
	}
	body, _ := crypto.Seal([]byte("x"), other.Recipient())
	if _, err := crypto.Open(body, id); !errors.Is(err, crypto.ErrNotRecipient) {
		t.Fatalf("a key the member does not hold: %v", err)
	}
}

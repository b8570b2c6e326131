package crypto

import (
	"bytes"
	"testing"
)

// TestFacetLink: the link is a function of the identity and the CID alone,
// and another identity, or another CID, gives another link.
func TestFacetLink(t *testing.T) {
	a, err := GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	c1, c2 := bytes.Repeat([]byte{1}, 36), bytes.Repeat([]byte{2}, 36)
	l := a.FacetLink(c1)
	if len(l) != 32 {
		t.Fatalf("link is %d bytes, want 32", len(l))
	}
	again, err := ParseIdentity(a.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.FacetLink(c1), l) {
		t.Error("the same identity, read back from its key file, gives another link")
	}
	if bytes.Equal(b.FacetLink(c1), l) {
		t.Error("two identities give the same link")
	}
	if bytes.Equal(a.FacetLink(c2), l) {
		t.Error("two CIDs give the same link")
	}
}

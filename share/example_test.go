package share_test

import (
	"fmt"
	"log"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/share"
)

// A member publishes a sighting to one other member and that member opens it.
func Example() {
	author, _ := crypto.GenerateIdentity()
	reader, _ := crypto.GenerateIdentity()

	rec, err := share.ParseRecord([]byte(`{
		"kind": "sighting",
		"ref": "bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm",
		"when": "2026-10-02",
		"outcome": "declined"
	}`))
	if err != nil {
		log.Fatal(err)
	}
	if err := rec.Validate(); err != nil {
		log.Fatal(err)
	}

	audience := []string{reader.PeerID()}
	r1, _ := crypto.ParseRecipient(author.Recipient())
	r2, _ := crypto.ParseRecipient(reader.Recipient())
	env, err := share.Seal(author, share.Header{
		Kind: rec.Kind, Seq: 1, Created: 1795000000000,
		TLP: "red", Audience: audience, Key: share.KeyRef{Direct: true},
	}, rec.Body, r1, r2)
	if err != nil {
		log.Fatal(err)
	}
	wire, _ := env.Encode()

	// The reader's side.
	got, err := share.Decode(wire)
	if err != nil {
		log.Fatal(err)
	}
	plain, err := got.Open(reader.AgeIdentity())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Header.Kind, got.Header.Seq, got.Header.Log == share.LogID(audience))
	fmt.Println(string(plain))
	// Output:
	// sighting 1 true
	// {"kind":"sighting","outcome":"declined","ref":"bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm","when":"2026-10-02"}
}

func ExampleParseRecord_error() {
	_, err := share.ParseRecord([]byte(`{"kind": "person", "name": "someone"}`))
	fmt.Println(err)
	// Output:
	// share: unknown record kind "person" (valid kinds: indicator, method, sighting, trend, retraction, facet)
}

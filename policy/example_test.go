package policy_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/ursic/ursic/policy"
)

const (
	kyoto  = "12D3KooWKyotoKyotoKyotoKyotoKyotoKyotoKyotoKyotoKy"
	osaka  = "12D3KooWosakaosakaosakaosakaosakaosakaosakaosakaos"
	canada = "12D3KooWCanadaCanadaCanadaCanadaCanadaCanadaCanada"
)

func Example() {
	roster := &policy.Roster{Members: []policy.Member{
		{PeerID: kyoto, Name: "Kyoto", Role: policy.RoleMember},
		{PeerID: osaka, Name: "Osaka", Role: policy.RoleMember},
		{PeerID: canada, Name: "Canadian partner network", Role: policy.RoleLiaison},
	}}

	// Who may read a TLP:GREEN record for partners, and a TLP:AMBER one for members?
	green := policy.Policy{Level: policy.Green, Audience: policy.Audience{Group: "partners"}}
	ids, _ := policy.Recipients(roster, green, kyoto)
	fmt.Println("green to partners:", len(ids), "readers, Canada included:", policy.MayReceive(roster, green, kyoto, canada))

	level, _ := policy.ParseLevel("TLP:AMBER")
	audience, _ := policy.ParseAudience([]string{"members"})
	amber := policy.Policy{Level: level, Audience: audience}
	ids, _ = policy.Recipients(roster, amber, kyoto)
	fmt.Println("amber to members:", len(ids), "readers, Canada included:", policy.MayReceive(roster, amber, kyoto, canada))
	fmt.Println(policy.HandlingOf(amber).Reshare)

	// Some audiences the level forbids.
	red := policy.Policy{Level: policy.Red, Audience: policy.Audience{Group: "members"}}
	err := red.Check(roster)
	fmt.Println(err)
	fmt.Println(errors.Is(err, policy.ErrForbiddenAudience))

	// Output:
	// green to partners: 2 readers, Canada included: true
	// amber to members: 2 readers, Canada included: false
	// Recipients may share it only on a need-to-know basis inside their own institution and its clients (affiliated hospitals, incubators).
	// policy: TLP:RED needs an explicit list of nodes, not the group "members" (allowed: --audience PEERID ...)
	// true
}

func ExampleExpired() {
	fmt.Println(policy.Expired("2025-03-31", mustParse("2025-04-01T00:00:00+09:00")))
	fmt.Println(policy.Expired("", mustParse("2099-01-01T00:00:00Z")))
	// Output:
	// true
	// false
}

func mustParse(s string) (t time.Time) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

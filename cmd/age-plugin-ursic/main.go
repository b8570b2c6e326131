// Command age-plugin-ursic lets the stock age CLI open URSIC group records
// with a member's identity, when the node cannot (SPEC.md §2.3.2,
// docs/OPERATIONS.md "Emergency opening"):
//
//	ursic emergency identity > member.txt          # AGE-PLUGIN-URSIC-1…
//	ursic emergency body CID --out body.age
//	age -d -i member.txt body.age
//
// age runs this plugin for AGE-PLUGIN-URSIC-1… identities; it speaks age's
// plugin protocol through filippo.io/age/plugin. For each identity it reads
// the senderkey records the member can open, from the node home's store
// ($URSIC_HOME, default ~/.ursic; opened read-only, so the node must be
// stopped) and from the *.senderkey files in $URSIC_SENDER_KEYS, and
// unwraps a body's ursic-sk stanza with the sender key it names. A body
// sealed directly to the member opens too.
package main

import (
	"fmt"
	"os"

	"filippo.io/age"
	"filippo.io/age/plugin"

	"github.com/ursic/ursic/node/emergency"
)

func main() {
	p, err := plugin.New(emergency.PluginName)
	if err != nil {
		fmt.Fprintln(os.Stderr, "age-plugin-ursic:", err)
		os.Exit(1)
	}
	p.HandleIdentity(func(data []byte) (age.Identity, error) {
		member, err := emergency.ParsePluginData(data)
		if err != nil {
			return nil, err
		}
		keys, err := emergency.SenderKeys(member, emergency.SourcesFromEnv())
		if err != nil {
			return nil, fmt.Errorf("reading sender keys: %w", err)
		}
		return emergency.MemberIdentity(member, keys), nil
	})
	os.Exit(p.Main())
}

package main

import (
	"slices"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/internal/agecraft"
	"github.com/ursic/ursic/share"
)

// stanzaRuleVectors writes the vectors of the rules every body follows
// (SPEC.md §2.3, added 2026-11-30): an ursic-sk stanza is alone in a direct
// body too; a direct body has at most one stanza per reader its header
// names; a group body has exactly one stanza; and a peer-list audience
// names at most 1,024 readers, its author included. Each body is one that
// age itself opens with the vector's identity, so only the rule refuses it.
func stanzaRuleVectors(author, reader, outsider *crypto.Identity, group *age.X25519Identity, direct, grouped *share.Envelope,
	write func(name, desc, expect string, env []byte, claimed, identity, plain string)) {
	readerKey := reader.AgeIdentity().(*age.X25519Identity).String()
	sighting := must(crypto.Open(direct.Body, author.AgeIdentity()))
	indicator := must(crypto.Open(grouped.Body, group))
	gk := must(crypto.ParseGroupKey(group.String()))
	rs := recipients(reader)

	write("direct-sk-not-alone", "success-direct's header over a body with the reader's X25519 stanza and then an ursic-sk stanza, both wrapping the file key; two stanzas for two readers, but an ursic-sk stanza must be alone in every body", "bad stanza",
		mustEncode(sealUnchecked(author, direct.Header, sighting, agecraft.Unlabelled{rs[0], gk.Recipient()})), "", readerKey, "")
	write("direct-extra-stanza", "success-direct's header (two readers: the author and the reader) over a body sealed to three X25519 recipients, the author, the reader and a third key", "bad stanza",
		mustEncode(sealUnchecked(author, direct.Header, sighting, recipients(author, reader, outsider)...)), "", readerKey, "")
	write("group-extra-stanza", "success-group's header over an old-form body with two X25519 stanzas, to the sender key and to the reader; a group body has exactly one stanza", "bad stanza",
		mustEncode(sealUnchecked(author, grouped.Header, indicator, group.Recipient(), rs[0])), "", group.String(), "")

	// 1,024 readers: the author, the reader and 1,022 others; the body has
	// one X25519 stanza each, the most age reads in one file.
	others := make([]*crypto.Identity, share.MaxReaders-2)
	for i := range others {
		others[i] = must(crypto.GenerateIdentity())
	}
	all := append([]*crypto.Identity{author, reader}, others...)
	aud := make([]string, len(all))
	for i, id := range all {
		aud[i] = id.PeerID()
	}
	slices.Sort(aud)
	h := direct.Header
	h.Audience, h.Log, h.Created = aud, "", h.Created+3
	atCap := seal(author, h, sighting, recipients(all...)...)
	write("success-max-readers", "a sighting sealed directly to 1,024 readers (the author among them): 1,024 X25519 stanzas, the most a body has", "success",
		mustEncode(atCap), "", readerKey, string(sighting))
	write("audience-too-many", "success-direct with the audience of success-max-readers, the author's peer ID in it replaced by another's: 1,024 peers and the author, 1,025 readers; correctly signed", "invalid header",
		mutate(mustEncode(direct), author, func(hm map[string]any) {
			peers := slices.DeleteFunc(slices.Clone(aud), func(p string) bool { return p == author.PeerID() })
			peers = append(peers, must(crypto.GenerateIdentity()).PeerID())
			slices.Sort(peers)
			a := make([]any, len(peers))
			for i, p := range peers {
				a[i] = p
			}
			hm["aud"], hm["l"] = a, share.LogID(peers)
		}), "", readerKey, "")
}

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/share"
)

// maxEnvelope is SPEC.md §2.6's limit on an encoded envelope.
const maxEnvelope = 1 << 20

// addedVectors writes the vectors added after the first set: sender keys,
// the roster kind, the size limit, CBOR that is not well formed or uses
// indefinite lengths, tags and floats, the int64 bounds of "t", and CIDs with
// a wrong prefix in "p" and "c". Each has exactly one defect.
func addedVectors(author, reader *crypto.Identity, group *age.X25519Identity, direct, retracted *share.Envelope,
	write func(name, desc, expect string, env []byte, claimed, identity, plain string)) {
	ageKey := func(id *crypto.Identity) string { return id.AgeIdentity().(*age.X25519Identity).String() }
	readerKey := ageKey(reader)
	peers := []string{author.PeerID(), reader.PeerID()}
	slices.Sort(peers)
	d := mustEncode(direct)
	sighting := must(crypto.Open(direct.Body, author.AgeIdentity()))

	// A sender key and the group record that uses it: entries 1 and 2 of
	// the author's log g/members. The senderkey envelope carries the tlp of
	// the record that started the epoch and no caveats; its members are that
	// record's recipients (the author included), and it is sealed to each.
	gk := must(crypto.ParseGroupKey(group.String()))
	skBody := must(share.NewSenderKeyBody("members", 1, peers, gk).Marshal())
	senderKey := seal(author, share.Header{
		Kind: share.KindSenderKey, Seq: 1, Created: 1795000200000, RosterVersion: 5,
		TLP: "amber", Audience: []string{"members"}, Key: share.KeyRef{Direct: true},
	}, skBody, recipients(author, reader)...)
	sk := mustEncode(senderKey)
	skCID := share.CIDOf(sk)
	write("success-senderkey", "a senderkey record (epoch 1 of the members group), first entry of the author's log g/members, tlp amber without caveats, sealed directly to its two members; opened by the reader", "success", sk, "", readerKey, string(skBody))

	indicator := mustJSON(`{"kind":"indicator","title":"Shell company requesting export-controlled samples","indicator_type":"procurement_front","subject":{"kind":"organisation","names":[{"value":"Example Materials Trading Ltd.","lang":"en"}],"ids":{"ror":"057zh3y96"}},"reason_category":"export_control","summary":"Asked three labs for samples of a controlled alloy.","severity":"medium","confidence":"high","valid_from":"2026-11-01","valid_until":"2027-10-31T23:59:59+09:00"}`)
	epochRecord := seal(author, share.Header{
		Kind: share.KindIndicator, Seq: 2, Prev: skCID.Bytes(), Created: 1795000200001, RosterVersion: 5,
		TLP: "amber", Audience: []string{"members"}, Caveats: []string{"no-facet"},
		Key: share.KeyRef{Group: "members", Epoch: 1, SenderKey: skCID.Bytes()},
	}, indicator, group.Recipient())
	ge := mustEncode(epochRecord)
	write("success-group-epoch", "an indicator sealed to the sender key of success-senderkey, second entry of g/members, naming that senderkey record in \"c\", with the one known caveat no-facet; opened with the key the senderkey record carries", "success", ge, "", group.String(), string(indicator))

	write("senderkey-sender-key-ref", "a senderkey envelope whose key reference is a sender key, correctly signed", "invalid header",
		mutate(sk, author, func(h map[string]any) { h["key"] = map[string]any{"g": "members", "e": uint64(1)} }), "", readerKey, "")
	write("senderkey-peer-audience", "a senderkey envelope with an explicit peer audience, correctly signed", "invalid header",
		mutate(sk, author, func(h map[string]any) {
			h["aud"] = []any{peers[0], peers[1]}
			h["l"] = share.LogID(peers)
		}), "", readerKey, "")
	otherGroup := must(share.NewSenderKeyBody("secretariat", 1, peers, gk).Marshal())
	wrongGroup := sealUnchecked(author, senderKey.Header, otherGroup, recipients(author, reader)...)
	write("senderkey-wrong-group", "a senderkey envelope for the members group whose body hands out the secretariat's key", "invalid record",
		mustEncode(wrongGroup), "", readerKey, "")

	// The roster kind is valid in a header; version 1 leaves its body
	// unspecified, so a decoder opens it without record checks.
	rosterDoc := must(os.ReadFile(filepath.Join(filepath.Dir(*keys), "rosters", "valid-genesis.json")))
	rosterEnv := seal(author, share.Header{
		Kind: share.KindRoster, Seq: 3, Prev: mustCID(retracted).Bytes(), Created: 1795001000000, RosterVersion: 3,
		TLP: "green", Audience: peers, Key: share.KeyRef{Direct: true},
	}, rosterDoc, recipients(author, reader)...)
	write("success-roster-kind", "an envelope of kind roster, third entry of the direct log; its body (here a roster document) is returned as it is, without the record checks of §6.2", "success",
		mustEncode(rosterEnv), "", readerKey, string(rosterDoc))

	// The size limit: the same sighting, sealed to the reader with an extra
	// age stanza of a type no identity knows, sized so that the envelope is
	// exactly 1 MiB (valid) or one byte more (too large).
	write("success-max-size", "a sighting of exactly 1,048,576 bytes: an age stanza of an unknown type pads the body", "success",
		padded(author, reader, direct.Header, sighting, maxEnvelope), "", readerKey, string(sighting))
	write("too-large", "an envelope built like success-max-size with one more byte of padding (1,048,577 bytes), otherwise valid", "too large",
		padded(author, reader, direct.Header, sighting, maxEnvelope+1), "", readerKey, "")

	// Not well-formed CBOR, or not the data model of §2.1.
	write("trailing-bytes", "a valid envelope followed by one zero byte", "malformed", append(slices.Clone(d), 0x00), share.CIDOf(d).String(), readerKey, "")
	write("not-a-map", "the envelope's three values in a CBOR array instead of a map", "malformed", asArray(direct), "", readerKey, "")
	write("reserved-additional-info", "the first byte is 0xbc, a map with the reserved additional information 28", "malformed",
		append([]byte{0xbc}, d[1:]...), "", readerKey, "")
	write("duplicate-key", "the top-level key \"s\" twice, with the same signature", "malformed", duplicateSig(direct), "", readerKey, "")
	write("tag", "\"t\" wrapped in CBOR tag 1 (epoch-based date/time), correctly signed", "malformed",
		rewriteCreated(direct, author, func(v []byte) []byte { return append([]byte{0xc1}, v...) }), "", readerKey, "")
	write("float", "\"t\" written as a float64 of the same value, correctly signed", "malformed",
		rewriteCreated(direct, author, func([]byte) []byte {
			return binary.BigEndian.AppendUint64([]byte{0xfb}, math.Float64bits(float64(direct.Header.Created)))
		}), "", readerKey, "")

	// Indefinite-length items, each in a place where a definite one is valid.
	write("indefinite-map", "the top-level map with indefinite length (0xbf … 0xff)", "malformed", indefiniteTop(direct), "", readerKey, "")
	write("indefinite-bytes", "the body \"b\" as an indefinite-length byte string of two chunks", "malformed", indefiniteBody(direct), "", readerKey, "")
	write("indefinite-text", "the header's kind \"k\" as an indefinite-length text string, correctly signed", "malformed",
		rewriteHeader(direct, author, textKey("k"), func(v []byte) []byte {
			s := v[1:] // a short text string: one byte of head
			return append(append(append([]byte{0x7f, 0x60 + byte(len(s)/2)}, s[:len(s)/2]...), 0x60+byte(len(s)-len(s)/2)), append(s[len(s)/2:], 0xff)...)
		}), "", readerKey, "")
	write("indefinite-array", "the audience \"aud\" as an indefinite-length array, correctly signed", "malformed",
		rewriteHeader(direct, author, textKey("aud"), func(v []byte) []byte {
			return append(append([]byte{0x9f}, v[1:]...), 0xff) // an array of two: one byte of head
		}), "", readerKey, "")

	// "t" is a CBOR integer in the int64 range.
	write("created-min", "\"t\" = −2^63, the smallest int64, correctly signed", "success",
		mutate(d, author, func(h map[string]any) { h["t"] = int64(math.MinInt64) }), "", readerKey, string(sighting))
	write("created-max", "\"t\" = 2^63 − 1, the largest int64, correctly signed", "success",
		mutate(d, author, func(h map[string]any) { h["t"] = int64(math.MaxInt64) }), "", readerKey, string(sighting))
	write("created-above-int64", "\"t\" = 2^63 (0x1b 0x80 00 00 00 00 00 00 00), correctly signed", "malformed",
		rewriteCreated(direct, author, func([]byte) []byte { return []byte{0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0} }), "", readerKey, "")
	write("created-below-int64", "\"t\" = −2^63 − 1 (0x3b 0x80 00 00 00 00 00 00 00), correctly signed", "malformed",
		rewriteCreated(direct, author, func([]byte) []byte { return []byte{0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0} }), "", readerKey, "")

	// Optional keys are absent, never empty or false.
	r := mustEncode(retracted)
	write("empty-prev", "entry 2 with an empty byte string as \"p\", correctly signed", "invalid header",
		mutate(r, author, func(h map[string]any) { h["p"] = []byte{} }), "", readerKey, "")
	write("empty-caveats", "an empty \"cav\" array, correctly signed", "invalid header",
		mutate(d, author, func(h map[string]any) { h["cav"] = []any{} }), "", readerKey, "")
	write("direct-false", "a key reference {\"d\": false}, correctly signed", "invalid header",
		mutate(d, author, func(h map[string]any) { h["key"] = map[string]any{"d": false} }), "", readerKey, "")
	write("unknown-key-ref-key", "a key reference with a key version 1 does not define, correctly signed", "unknown field",
		mutate(d, author, func(h map[string]any) { h["key"] = map[string]any{"d": true, "x": true} }), "", readerKey, "")

	// CIDs in "p" (of retracted, entry 2) and "c" (of success-group-epoch)
	// that are not CIDv1 dag-cbor sha2-256 of 36 bytes.
	badCIDs := []struct {
		name, what string
		change     func(c []byte) []byte
	}{
		{"version", "CID version 2 instead of 1", func(c []byte) []byte { c[0] = 0x02; return c }},
		{"codec", "codec raw (0x55) instead of dag-cbor (0x71)", func(c []byte) []byte { c[1] = 0x55; return c }},
		{"multihash", "multihash sha3-256 (0x16) instead of sha2-256 (0x12)", func(c []byte) []byte { c[2] = 0x16; return c }},
		{"short", "the digest's last byte missing (35 bytes)", func(c []byte) []byte { return c[:35] }},
		{"long", "one byte more than the digest (37 bytes)", func(c []byte) []byte { return append(c, 0x00) }},
	}
	for _, b := range badCIDs {
		write("bad-cid-p-"+b.name, "predecessor \"p\" with "+b.what+", correctly signed", "invalid header",
			mutate(r, author, func(h map[string]any) { h["p"] = b.change(slices.Clone(h["p"].([]byte))) }), "", readerKey, "")
		write("bad-cid-c-"+b.name, "senderkey record \"c\" with "+b.what+", correctly signed", "invalid header",
			mutate(ge, author, func(h map[string]any) {
				k := h["key"].(map[string]any)
				k["c"] = b.change(slices.Clone(k["c"].([]byte)))
			}), "", group.String(), "")
	}
}

// padRecipient adds one age stanza of type "ursic-pad", with arg as its
// argument if not empty and n zero bytes as its body. age identities skip
// stanzas of types they do not know (age v1 spec), so the file still opens
// with the reader's key.
type padRecipient struct {
	n   int
	arg string
}

func (p padRecipient) Wrap([]byte) ([]*age.Stanza, error) {
	s := &age.Stanza{Type: "ursic-pad", Body: make([]byte, p.n)}
	if p.arg != "" {
		s.Args = []string{p.arg}
	}
	return []*age.Stanza{s}, nil
}

// padded returns the envelope of h around plain, sealed to the reader and
// padded so that its encoding is exactly size bytes, with a correct digest
// and signature. The length of age's output does not depend on its random
// file key, so the padding is found by measuring.
func padded(author, reader *crypto.Identity, h share.Header, plain []byte, size int) []byte {
	h.Created += 2
	build := func(p padRecipient) []byte {
		body := must(crypto.Seal(plain, append(recipients(reader), p)...))
		sum := sha256.Sum256(body)
		hh := h
		hh.BodyDigest = sum[:]
		return mustEncode(&share.Envelope{Header: hh, Body: body, Sig: sign(author, &hh)})
	}
	// Base64 in 64-column lines: 48 bytes of padding are 65 bytes of body.
	n := (size - len(build(padRecipient{n: 0}))) * 48 / 65
	for lo := n - 64; lo < n+64; lo++ {
		for _, arg := range []string{"", "a", "aa", "aaa", "aaaa", "aaaaa"} {
			if enc := build(padRecipient{n: lo, arg: arg}); len(enc) == size {
				return enc
			}
		}
	}
	log.Fatalf("padded: no padding gives %d bytes", size)
	return nil
}

// textKey is the CBOR encoding of a short text key.
func textKey(k string) []byte { return append([]byte{0x60 + byte(len(k))}, k...) }

// itemLen returns the length of the CBOR data item at the start of b, for
// the definite-length items a header holds.
func itemLen(b []byte) int {
	major, info := b[0]>>5, b[0]&0x1f
	head, arg := 1, uint64(info)
	switch {
	case info == 24:
		head, arg = 2, uint64(b[1])
	case info == 25:
		head, arg = 3, uint64(binary.BigEndian.Uint16(b[1:]))
	case info == 26:
		head, arg = 5, uint64(binary.BigEndian.Uint32(b[1:]))
	case info == 27:
		head, arg = 9, binary.BigEndian.Uint64(b[1:])
	case info > 27:
		log.Fatalf("itemLen: additional information %d", info)
	}
	switch major {
	case 0, 1, 7:
		return head
	case 2, 3:
		return head + int(arg)
	case 4:
		n := head
		for i := uint64(0); i < arg; i++ {
			n += itemLen(b[n:])
		}
		return n
	case 5:
		n := head
		for i := uint64(0); i < 2*arg; i++ {
			n += itemLen(b[n:])
		}
		return n
	}
	log.Fatalf("itemLen: major type %d", major)
	return 0
}

// rewriteHeader replaces the value of one header key in e's encoded header
// with change(value), signs exactly those header bytes, and assembles the
// envelope by hand (b, h, s), so that the rewritten value is the only defect.
func rewriteHeader(e *share.Envelope, id *crypto.Identity, key []byte, change func(v []byte) []byte) []byte {
	hb := must(encMode.Marshal(&e.Header))
	i := bytes.Index(hb, key)
	if i < 0 || bytes.Count(hb, key) != 1 {
		log.Fatalf("rewriteHeader: key %x not found once", key)
	}
	v := i + len(key)
	end := v + itemLen(hb[v:])
	out := append(append(slices.Clone(hb[:v]), change(slices.Clone(hb[v:end]))...), hb[end:]...)
	sig := id.Sign(append([]byte("ursic-envelope/v1\n"), out...))
	var b bytes.Buffer
	b.WriteByte(0xa3)
	b.Write(must(encMode.Marshal("b")))
	b.Write(must(encMode.Marshal(e.Body)))
	b.Write(must(encMode.Marshal("h")))
	b.Write(out)
	b.Write(must(encMode.Marshal("s")))
	b.Write(must(encMode.Marshal(sig)))
	return b.Bytes()
}

func rewriteCreated(e *share.Envelope, id *crypto.Identity, change func(v []byte) []byte) []byte {
	return rewriteHeader(e, id, textKey("t"), change)
}

// parts returns the encoded key-value pairs of e's top-level map in order.
func parts(e *share.Envelope) [][]byte {
	return [][]byte{
		must(encMode.Marshal("b")), must(encMode.Marshal(e.Body)),
		must(encMode.Marshal("h")), must(encMode.Marshal(&e.Header)),
		must(encMode.Marshal("s")), must(encMode.Marshal(e.Sig)),
	}
}

func asArray(e *share.Envelope) []byte {
	p := parts(e)
	return slices.Concat([]byte{0x83}, p[3], p[1], p[5])
}

func duplicateSig(e *share.Envelope) []byte {
	p := parts(e)
	return slices.Concat([]byte{0xa4}, p[0], p[1], p[2], p[3], p[4], p[5], p[4], p[5])
}

func indefiniteTop(e *share.Envelope) []byte {
	p := parts(e)
	return slices.Concat([]byte{0xbf}, p[0], p[1], p[2], p[3], p[4], p[5], []byte{0xff})
}

func indefiniteBody(e *share.Envelope) []byte {
	p := parts(e)
	half := len(e.Body) / 2
	body := slices.Concat([]byte{0x5f}, must(encMode.Marshal(e.Body[:half])), must(encMode.Marshal(e.Body[half:])), []byte{0xff})
	return slices.Concat([]byte{0xa3}, p[0], body, p[2], p[3], p[4], p[5])
}

// Command vectorgen writes the share format's test vectors (SPEC.md §9).
//
//	go run ./share/internal/vectorgen -out share/testdata/vectors
//
// Each vector is one JSON file. Existing files are kept: vectors are never
// regenerated, only added (age's envelopes are randomised, so a rerun would
// change every byte). Pass -force to rewrite them all. The identities the
// vectors use live in -keys and are generated once, then reused.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"filippo.io/age"
	"github.com/fxamacker/cbor/v2"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/share"
)

// Vector is the file format of one test vector.
type Vector struct {
	Description string `json:"description"`
	Expect      string `json:"expect"`
	Envelope    string `json:"envelope"`            // base64 (standard, padded)
	CID         string `json:"cid"`                 // the CID the envelope claims
	Identity    string `json:"identity"`            // age identity to open with
	Plaintext   string `json:"plaintext,omitempty"` // for success
}

var (
	out    = flag.String("out", "share/testdata/vectors", "directory for vector files")
	keys   = flag.String("keys", "share/testdata/identities", "directory for the test identities")
	golden = flag.String("golden", "share/testdata/golden", "directory for golden encodings")
	force  = flag.Bool("force", false, "rewrite existing vector files")
)

var encMode, _ = cbor.CoreDetEncOptions().EncMode()
var decMode, _ = cbor.DecOptions{DefaultMapType: reflectMapStringAny}.DecMode()

func main() {
	log.SetFlags(0)
	log.SetPrefix("vectorgen: ")
	flag.Parse()
	for _, d := range []string{*out, *keys, *golden, *wireOut} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			log.Fatal(err)
		}
	}
	author := loadIdentity("author")
	reader := loadIdentity("reader")
	outsider := loadIdentity("outsider")
	group := loadGroupKey("group-members-e1")

	peers := []string{author.PeerID(), reader.PeerID()}
	slices.Sort(peers)
	ageKey := func(id *crypto.Identity) string { return id.AgeIdentity().(*age.X25519Identity).String() }

	// The valid envelopes every other vector is derived from.
	sighting := mustJSON(`{"kind":"sighting","ref":"bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm","when":"2026-10-02","outcome":"declined","note":"Same approach by an e-mail template."}`)
	direct := seal(author, share.Header{
		Kind: share.KindSighting, Seq: 1, Created: 1795000000000, RosterVersion: 3,
		TLP: "amber+strict", Audience: peers, Key: share.KeyRef{Direct: true},
	}, sighting, recipients(author, reader)...)

	indicator := mustJSON(`{"kind":"indicator","title":"Front company procuring dual-use lasers","indicator_type":"procurement_front","subject":{"kind":"organisation","names":[{"value":"Example Photonics Trading Co., Ltd.","lang":"en"}],"jurisdiction":"JP"},"reason_category":"export_control","summary":"Requested quotes for femtosecond lasers.","tech_areas":["photonics"],"severity":"high","confidence":"medium","valid_from":"2026-04-01"}`)
	prev := share.CIDOf([]byte("ursic test vector: predecessor"))
	senderKeyRecord := share.CIDOf([]byte("ursic test vector: senderkey record"))
	grouped := seal(author, share.Header{
		Kind: share.KindIndicator, Seq: 3, Prev: prev.Bytes(), Created: 1795000123456, RosterVersion: 4,
		TLP: "amber", Audience: []string{"members"}, Caveats: []string{"need-to-know", "no-export"},
		Key: share.KeyRef{Group: "members", Epoch: 1, SenderKey: senderKeyRecord.Bytes()},
	}, indicator, group.Recipient())

	retraction := mustJSON(`{"kind":"retraction","target":"bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm","reason":"Entity delisted"}`)
	retracted := seal(author, share.Header{
		Kind: share.KindRetraction, Seq: 2, Prev: mustCID(direct).Bytes(), Created: 1795000999000, RosterVersion: 3,
		TLP: "amber+strict", Audience: peers, Key: share.KeyRef{Direct: true},
	}, retraction, recipients(author, reader)...)

	readerKey := ageKey(reader)
	write := func(name, desc, expect string, env []byte, claimed, identity, plain string) {
		if claimed == "" {
			claimed = share.CIDOf(env).String()
		}
		writeVector(name, Vector{desc, expect, base64.StdEncoding.EncodeToString(env), claimed, identity, plain})
	}

	d := mustEncode(direct)
	g := mustEncode(grouped)
	write("success-direct", "a sighting sealed directly to an explicit audience of two peers, first entry of its log", "success", d, "", readerKey, string(sighting))
	write("success-group", "an indicator sealed to the members group's sender key (epoch 1), third entry of its log, with caveats", "success", g, "", group.String(), string(indicator))
	write("success-retraction", "a retraction, second entry of the direct log, opened by its author", "success", mustEncode(retracted), "", ageKey(author), string(retraction))

	write("bad-signature", "the signature's first byte is flipped", "bad signature",
		mustEncode(&share.Envelope{Header: direct.Header, Body: direct.Body, Sig: flip(direct.Sig, 0)}), "", readerKey, "")
	tampered := *direct
	tampered.Header.Created++
	write("header-tampered", "the created time was changed after signing", "header tampered", mustEncode(&tampered), "", readerKey, "")
	write("body-tampered", "the last byte of the sealed body is flipped; the header digest no longer matches", "body tampered",
		mustEncode(&share.Envelope{Header: direct.Header, Body: flip(direct.Body, len(direct.Body)-1), Sig: direct.Sig}), "", readerKey, "")
	write("wrong-cid", "a valid envelope that claims another envelope's CID", "wrong cid", d, share.CIDOf(g).String(), readerKey, "")
	write("truncated", "the last 10 bytes are missing", "truncated", d[:len(d)-10], share.CIDOf(d).String(), readerKey, "")
	write("truncated-empty", "no bytes at all", "truncated", []byte{}, share.CIDOf(d).String(), readerKey, "")
	write("not-recipient", "a valid envelope opened by a peer outside its audience", "not recipient", d, "", ageKey(outsider), "")
	write("stub", "a retraction stub: header and signature without the body", "stub", mustEncode(direct.Stub()), "", readerKey, "")

	write("unknown-version", "format version 2, correctly signed", "unknown version",
		mutate(d, author, func(h map[string]any) { h["v"] = uint64(2) }), "", readerKey, "")
	write("unknown-header-key", "a header key version 1 does not define, correctly signed", "unknown field",
		mutate(d, author, func(h map[string]any) { h["x"] = "future" }), "", readerKey, "")
	write("unknown-envelope-key", "a top-level key version 1 does not define", "unknown field",
		mutateTop(d, func(top map[string]any) { top["z"] = uint64(0) }), "", readerKey, "")
	write("log-mismatch", "the log ID does not match the audience, correctly signed", "invalid header",
		mutate(d, author, func(h map[string]any) { h["l"] = "g/members" }), "", readerKey, "")
	write("missing-prev", "entry 2 without its predecessor's CID, correctly signed", "invalid header",
		mutate(d, author, func(h map[string]any) { h["n"] = uint64(2) }), "", readerKey, "")
	write("group-key-for-peers", "a sender-key reference for an explicit peer audience, correctly signed", "invalid header",
		mutate(d, author, func(h map[string]any) { h["key"] = map[string]any{"g": "members", "e": uint64(1)} }), "", readerKey, "")
	write("unsorted-keys", "top-level keys in the order h, b, s instead of b, h, s", "non-canonical", unsorted(direct), "", readerKey, "")
	write("long-integer", "the sequence number 1 encoded in two bytes (0x18 0x01), correctly signed", "non-canonical",
		longSeq(direct, author), "", readerKey, "")

	bad := mustJSON(`{"kind":"sighting","ref":"bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm","when":"2026-10-02","outcome":"declined","nationality":"XX"}`)
	write("invalid-record", "a signed envelope whose body has a field sightings do not define", "invalid record",
		mustEncode(sealUnchecked(author, direct.Header, bad, recipients(author, reader)...)), "", readerKey, "")
	wrongKind := sealUnchecked(author, direct.Header, retraction, recipients(author, reader)...)
	write("kind-mismatch", "the header says sighting, the body is a retraction", "invalid record", mustEncode(wrongKind), "", readerKey, "")

	addedVectors(author, reader, group, direct, retracted, write)
	stanzaVectors(author, group, write)
	stanzaRuleVectors(author, reader, outsider, group, direct, grouped, write)
	sigRuleVectors(author, reader, direct, write)
	wireVectors()

	writeFile(filepath.Join(*golden, "envelope-v1.cbor"), g)
	writeFile(filepath.Join(*golden, "envelope-v1.cid"), []byte(share.CIDOf(g).String()+"\n"))
	hb, err := encMode.Marshal(GoldenHeader())
	if err != nil {
		log.Fatal(err)
	}
	writeFile(filepath.Join(*golden, "header-v1.cbor"), hb)
}

// GoldenHeader is the fixed header of testdata/golden/header-v1.cbor. The
// share tests hold the same literal; if the two encodings differ, the format
// changed.
func GoldenHeader() *share.Header {
	prev, _ := share.ParseCID("bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm")
	return &share.Header{
		Version: 1, Kind: "method", Author: "12D3KooWQ6SC8QeL55fdVUnxYYHNba2J2GoLNPDPq3ey3WrPVtsC",
		Log: "g/members", Seq: 42, Prev: prev.Bytes(), Created: 1795000000000, RosterVersion: 7,
		TLP: "amber", Audience: []string{"members"}, Caveats: []string{"no-export"},
		Key:        share.KeyRef{Group: "members", Epoch: 2},
		BodyDigest: bytes.Repeat([]byte{0xab}, 32),
	}
}

func recipients(ids ...*crypto.Identity) []age.Recipient {
	var rs []age.Recipient
	for _, id := range ids {
		r, err := crypto.ParseRecipient(id.Recipient())
		if err != nil {
			log.Fatal(err)
		}
		rs = append(rs, r)
	}
	return rs
}

func seal(id *crypto.Identity, h share.Header, plain []byte, rs ...age.Recipient) *share.Envelope {
	e, err := share.Seal(id, h, plain, rs...)
	if err != nil {
		log.Fatal(err)
	}
	return e
}

// sealUnchecked seals plain without the record checks share.Seal applies,
// to make envelopes that are authentic but carry an invalid body.
func sealUnchecked(id *crypto.Identity, h share.Header, plain []byte, rs ...age.Recipient) *share.Envelope {
	body, err := crypto.Seal(plain, rs...)
	if err != nil {
		log.Fatal(err)
	}
	sum := sha256.Sum256(body)
	h.BodyDigest = sum[:]
	return &share.Envelope{Header: h, Body: body, Sig: sign(id, &h)}
}

func sign(id *crypto.Identity, h any) []byte {
	hb, err := encMode.Marshal(h)
	if err != nil {
		log.Fatal(err)
	}
	return id.Sign(append([]byte("ursic-envelope/v1\n"), hb...))
}

// mutate changes the header of an encoded envelope as a generic map,
// re-signs it and re-encodes canonically, so the change is the only defect.
func mutate(env []byte, id *crypto.Identity, change func(h map[string]any)) []byte {
	return mutateTop(env, func(top map[string]any) {
		h := top["h"].(map[string]any)
		change(h)
		top["s"] = sign(id, h)
	})
}

func mutateTop(env []byte, change func(top map[string]any)) []byte {
	var top map[string]any
	if err := decMode.Unmarshal(env, &top); err != nil {
		log.Fatal(err)
	}
	change(top)
	b, err := encMode.Marshal(top)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func unsorted(e *share.Envelope) []byte {
	var b bytes.Buffer
	b.WriteByte(0xa3) // map of three pairs
	for _, kv := range []struct {
		k string
		v any
	}{{"h", &e.Header}, {"b", e.Body}, {"s", e.Sig}} {
		b.Write(must(encMode.Marshal(kv.k)))
		b.Write(must(encMode.Marshal(kv.v)))
	}
	return b.Bytes()
}

// longSeq re-encodes the header with "n" = 1 as 0x18 0x01 and signs those
// exact bytes, so only the integer form is wrong.
func longSeq(e *share.Envelope, id *crypto.Identity) []byte {
	hb := must(encMode.Marshal(&e.Header))
	short := append(must(encMode.Marshal("n")), 0x01)
	long := append(must(encMode.Marshal("n")), 0x18, 0x01)
	if bytes.Count(hb, short) != 1 {
		log.Fatal("longSeq: cannot find n = 1")
	}
	hb = bytes.Replace(hb, short, long, 1)
	sig := id.Sign(append([]byte("ursic-envelope/v1\n"), hb...))
	var b bytes.Buffer
	b.WriteByte(0xa3)
	b.Write(must(encMode.Marshal("b")))
	b.Write(must(encMode.Marshal(e.Body)))
	b.Write(must(encMode.Marshal("h")))
	b.Write(hb)
	b.Write(must(encMode.Marshal("s")))
	b.Write(must(encMode.Marshal(sig)))
	return b.Bytes()
}

func flip(b []byte, i int) []byte {
	c := slices.Clone(b)
	c[i] ^= 0x01
	return c
}

func mustEncode(e *share.Envelope) []byte { return must(e.Encode()) }

func mustCID(e *share.Envelope) interface{ Bytes() []byte } {
	c, err := e.CID()
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func mustJSON(s string) []byte {
	r, err := share.ParseRecord([]byte(s))
	if err != nil {
		log.Fatal(err)
	}
	return r.Body
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

func loadIdentity(name string) *crypto.Identity {
	path := filepath.Join(*keys, name+".key")
	if b, err := os.ReadFile(path); err == nil {
		return must(crypto.ParseIdentity(b))
	}
	id := must(crypto.GenerateIdentity())
	writeFile(path, id.Marshal())
	return id
}

func loadGroupKey(name string) *age.X25519Identity {
	path := filepath.Join(*keys, name+".key")
	if b, err := os.ReadFile(path); err == nil {
		return must(age.ParseX25519Identity(strings.TrimSpace(string(b))))
	}
	k := must(age.GenerateX25519Identity())
	writeFile(path, []byte(k.String()+"\n"))
	return k
}

func writeVector(name string, v Vector) {
	path := filepath.Join(*out, name+".json")
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	writeFile(path, append(b, '\n'))
}

// writeFile writes path unless it exists: generated files are committed and
// never rewritten, except with -force.
func writeFile(path string, b []byte) {
	if _, err := os.Stat(path); err == nil && !*force {
		return
	}
	mode := os.FileMode(0o644)
	if strings.HasSuffix(path, ".key") {
		mode = 0o600
	}
	if err := os.WriteFile(path, b, mode); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", path)
}

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/share"
)

// stanzaVectors writes the vectors of the ursic-sk stanza (SPEC.md §2.3.1):
// entry 3 of the author's log g/members, still epoch 1, sealed the way
// writers seal group records now, and bodies that a reader must refuse,
// each in an envelope the author signed, so that only the stanza is wrong.
func stanzaVectors(author *crypto.Identity, group *age.X25519Identity,
	write func(name, desc, expect string, env []byte, claimed, identity, plain string)) {
	gk := must(crypto.ParseGroupKey(group.String()))
	// Chained after the stored vectors, not after this run's copies:
	// age bodies are random, so only the stored files have the real CIDs.
	prev := must(share.ParseCID(storedCID("success-group-epoch")))
	sk := must(share.ParseCID(storedCID("success-senderkey")))
	sighting := mustJSON(`{"kind":"sighting","ref":"bafyreiap5okw7e4yz7gr65tqml57fiqlqtc4hvckwfoal5gli4kh66chs4","when":"2026-11-20","outcome":"declined","note":"The same front asked a fourth lab."}`)
	h := share.Header{
		Kind: share.KindSighting, Seq: 3, Prev: prev.Bytes(), Created: 1795000300000, RosterVersion: 5,
		TLP: "amber", Audience: []string{"members"},
		Key: share.KeyRef{Group: "members", Epoch: 1, SenderKey: sk.Bytes()},
	}
	body := must(crypto.Seal(sighting, gk.Recipient()))
	signed := func(b []byte) []byte { return mustEncode(must(share.SealSigned(author, h, b))) }
	key := group.String()

	write("success-group-sk", "a sighting sealed to the ursic-sk stanza of the sender key of success-senderkey (epoch 1), third entry of g/members; the body has that one stanza and no X25519 stanza; opened with the key the senderkey record carries", "success",
		signed(body), "", key, string(sighting))

	other := must(crypto.NewGroupKey())
	write("sk-wrong-key-id", "success-group-sk with the stanza's key ID replaced by another sender key's, re-signed: the reader's key does not match, so it is not a recipient", "not recipient",
		signed(editStanza(body, func(args []string, b64 string) ([]string, string) { return []string{other.KeyID(), args[1]}, b64 })), "", key, "")
	write("sk-tampered-stanza", "success-group-sk with one bit of the stanza body flipped, re-signed: the key ID is the reader's but the stanza does not authenticate", "bad stanza",
		signed(editStanza(body, func(args []string, b64 string) ([]string, string) {
			c := "A"
			if b64[0] == 'A' {
				c = "B"
			}
			return args, c + b64[1:]
		})), "", key, "")
	write("sk-bad-args", "success-group-sk with a third stanza argument, re-signed", "bad stanza",
		signed(editStanza(body, func(args []string, b64 string) ([]string, string) { return append(args, "x"), b64 })), "", key, "")
	x := must(age.GenerateX25519Identity())
	xs := must(x.Recipient().Wrap(make([]byte, 16)))
	write("sk-not-alone", "success-group-sk with an X25519 stanza added after the ursic-sk stanza, re-signed: an ursic-sk stanza must be the body's only stanza", "bad stanza",
		signed(addStanza(body, xs[0])), "", key, "")
}

// storedCID is the CID a stored vector claims.
func storedCID(name string) string {
	b := must(os.ReadFile(filepath.Join(*out, name+".json")))
	var v Vector
	if err := json.Unmarshal(b, &v); err != nil {
		log.Fatal(err)
	}
	return v.CID
}

// editStanza rewrites the first stanza of a binary age file (whose body is
// one line). The header MAC no longer matches, which a reader finds only
// after the stanza, so the stanza is what these vectors test.
func editStanza(file []byte, edit func(args []string, body string) ([]string, string)) []byte {
	hdr, payload, ok := bytes.Cut(file, []byte("\n--- "))
	lines := strings.Split(string(hdr), "\n")
	if !ok || len(lines) != 3 || !strings.HasPrefix(lines[1], "-> ") {
		log.Fatalf("unexpected age header %q", hdr)
	}
	f := strings.Fields(lines[1])
	args, body := edit(f[2:], lines[2])
	lines[1] = strings.Join(append([]string{"->", f[1]}, args...), " ")
	lines[2] = body
	return append([]byte(strings.Join(lines, "\n")+"\n--- "), payload...)
}

// addStanza appends a stanza to the header of a binary age file.
func addStanza(file []byte, s *age.Stanza) []byte {
	hdr, payload, ok := bytes.Cut(file, []byte("\n--- "))
	if !ok {
		log.Fatal("no age header")
	}
	var st strings.Builder
	st.WriteString("\n-> " + s.Type + " " + strings.Join(s.Args, " ") + "\n")
	st.WriteString(strings.TrimRight(wrap64(s.Body), "\n"))
	out := append(bytes.Clone(hdr), st.String()...)
	return append(append(out, "\n--- "...), payload...)
}

// wrap64 is age's stanza body encoding: unpadded base64 in lines of 64
// columns, the last one shorter (empty if the length is a multiple of 64).
func wrap64(b []byte) string {
	s := base64.RawStdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) >= 64 {
		out.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	out.WriteString(s + "\n")
	return out.String()
}

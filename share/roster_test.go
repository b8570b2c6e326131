package share

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/internal/sigcraft"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share/sharetest"
)

// update rewrites the generated files in testdata (rosters, golden roster
// body and wire frames). Ed25519 signatures and the encodings are
// deterministic, so a rerun gives the same bytes; the tests then check
// that nothing changed.
var update = flag.Bool("update", false, "rewrite generated testdata (rosters, golden roster body, wire frames)")

func loadTestIdentity(t testing.TB, name string) *crypto.Identity {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/identities", name+".key"))
	if err != nil {
		t.Fatal(err)
	}
	id, err := crypto.ParseIdentity(b)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func cardOf(id *crypto.Identity, name, role string) RosterMember {
	return RosterMember{Name: name, Role: role, PeerID: id.PeerID(), Recipient: id.Recipient(), Addrs: []string{"/ip4/127.0.0.1/tcp/4001"}}
}

// newGenesis returns an unsigned genesis with every id an executive.
func newGenesis(threshold int, ids ...*crypto.Identity) *Roster {
	r := &Roster{Version: 1, Threshold: threshold, Created: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	for i, id := range ids {
		r.Members = append(r.Members, cardOf(id, "Member "+string(rune('A'+i)), "member"))
		r.Executive = append(r.Executive, id.PeerID())
	}
	r.Normalize()
	return r
}

// fixedRoster is the roster of testdata/golden/roster-body-v1.cbor and
// testdata/rosters/valid-genesis.json: three test identities, two of them
// executives, threshold 2, a custom group.
func fixedRoster(t testing.TB) (*Roster, []*crypto.Identity) {
	author, reader, outsider := loadTestIdentity(t, "author"), loadTestIdentity(t, "reader"), loadTestIdentity(t, "outsider")
	r := &Roster{
		Version:   1,
		Threshold: 2,
		Executive: []string{author.PeerID(), reader.PeerID()},
		Members: []RosterMember{
			cardOf(author, "Example University", "member"),
			cardOf(reader, "Sample Institute of Technology", "member"),
			{Name: "URSIC Secretariat", Role: "secretariat", PeerID: outsider.PeerID(), Recipient: outsider.Recipient()},
		},
		Groups:  map[string][]string{"photonics": {reader.PeerID(), author.PeerID()}},
		Created: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC),
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	return r, []*crypto.Identity{author, reader, outsider}
}

func mustSign(t testing.TB, r *Roster, ids ...*crypto.Identity) {
	t.Helper()
	for _, id := range ids {
		if err := r.Sign(id); err != nil {
			t.Fatal(err)
		}
	}
}

func mustMarshal(t testing.TB, r *Roster) []byte {
	t.Helper()
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRosterGoldenBody(t *testing.T) {
	r, _ := fixedRoster(t)
	got := r.BodyBytes()
	sharetest.Golden(t, "testdata/golden/roster-body-v1.cbor", got, *update,
		"roster body encoding (signatures of every roster would break)")
	// Keys in Core Deterministic order: shorter first, then bytewise.
	last := -1
	for _, k := range []string{"prev", "groups", "created", "members", "version", "executive", "threshold"} {
		i := bytes.Index(got, append([]byte{0x60 + byte(len(k))}, k...))
		if k == "prev" {
			if i >= 0 {
				t.Error("a genesis body has no \"prev\"")
			}
			continue
		}
		if i < last {
			t.Errorf("key %q out of order", k)
		}
		last = i
	}
}

// TestRosterTestdata checks the files in testdata/rosters, which also seed
// FuzzParseRoster: each valid one parses and verifies, each invalid one is
// refused with an error naming the field.
func TestRosterTestdata(t *testing.T) {
	if *update {
		writeRosterTestdata(t)
	}
	want := map[string]string{
		"valid-genesis.json":            "",
		"valid-v2.json":                 "",
		"invalid-unknown-field.json":    `invalid roster: colour: unknown field`,
		"invalid-case.json":             `invalid roster: Version: unknown field`,
		"invalid-peer-id.json":          `invalid roster: members[0].peer_id: "12D3KooWnotapeerid" is not an Ed25519 peer ID`,
		"invalid-weak-key.json":         `invalid roster: members[0].peer_id: "` + crypto.PeerIDFromPublicKey(sigcraft.SmallOrderKey()) + `" embeds a weak key`,
		"invalid-role.json":             `invalid roster: members[2].role: "observer" is not a role`,
		"invalid-recipient.json":        `invalid roster: members[0].recipient:`,
		"invalid-threshold.json":        `invalid roster: threshold: 3 is out of range`,
		"invalid-executive.json":        `invalid roster: executive[0]:`,
		"invalid-group-builtin.json":    `invalid roster: groups.members: "members" is a built-in group`,
		"invalid-group-nonmember.json":  `invalid roster: groups.photonics[0]:`,
		"invalid-duplicate-member.json": `is listed twice`,
		"invalid-duplicate-key.json":    `invalid roster: threshold: duplicate field`,
		"invalid-null.json":             `invalid roster: prev: null is not a value`,
		"invalid-created-offset.json":   `invalid roster: created: must be in UTC`,
		"invalid-type.json":             `invalid roster: version: must be a whole number`,
		"invalid-syntax.json":           `invalid roster: invalid JSON at line`,
		"invalid-trailing.json":         `more than one JSON value`,
		"invalid-missing.json":          `invalid roster: threshold: required`,
		"insufficient-sig-length.json":  `verify: share: roster version 1 has 1 valid executive signature of the 2 that version 1 requires (1 other signature ignored`,
		"valid-genesis-extra-sigs.json": "",
		"invalid-genesis-prev.json":     `invalid roster: prev: the genesis`,
		"invalid-too-many-members.json": `invalid roster: members: 1025 members; the limit is 1024`,
	}
	files, _ := filepath.Glob("testdata/rosters/*.json")
	if len(files) != len(want) {
		t.Errorf("testdata/rosters has %d files, the test knows %d", len(files), len(want))
	}
	genesis, _ := fixedRoster(t)
	for name, msg := range want {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata/rosters", name))
			if err != nil {
				t.Fatal(err)
			}
			r, err := ParseRoster(b)
			verifyMsg, afterParse := strings.CutPrefix(msg, "verify: ")
			if afterParse {
				msg = ""
			}
			if msg != "" {
				if !errors.Is(err, ErrRosterInvalid) || !strings.Contains(err.Error(), msg) {
					t.Fatalf("got %v\nwant ErrRosterInvalid containing %q", err, msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Version == 1 {
				err = r.VerifyGenesis()
			} else {
				err = r.VerifyNext(genesis)
			}
			if afterParse {
				if !errors.Is(err, ErrRosterSignatures) || !strings.Contains(err.Error(), verifyMsg) {
					t.Fatalf("got %v\nwant ErrRosterSignatures containing %q", err, verifyMsg)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if again := mustMarshal(t, r); !bytes.Equal(again, b) {
				t.Fatalf("does not re-marshal byte for byte:\n%s", again)
			}
		})
	}
}

func writeRosterTestdata(t *testing.T) {
	g, ids := fixedRoster(t)
	author, reader, outsider := ids[0], ids[1], ids[2]
	mustSign(t, g, author, reader)
	valid := mustMarshal(t, g)

	v2 := g.Next()
	v2.Created = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := v2.SetGroup("photonics", nil); err != nil {
		t.Fatal(err)
	}
	if err := v2.Remove(outsider.PeerID()); err != nil {
		t.Fatal(err)
	}
	mustSign(t, v2, reader, author)

	stranger := crypto.PeerIDFromPublicKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)).Public().(ed25519.PublicKey))
	s := string(valid)
	replace := func(old, new string) []byte {
		if !strings.Contains(s, old) {
			t.Fatalf("testdata generator: %q not in the genesis", old)
		}
		return []byte(strings.Replace(s, old, new, 1))
	}
	first := g.Members[0]
	files := map[string][]byte{
		"valid-genesis.json":            valid,
		"valid-v2.json":                 mustMarshal(t, v2),
		"invalid-unknown-field.json":    replace(`"version": 1,`, `"version": 1, "colour": "red",`),
		"invalid-case.json":             replace(`"version": 1,`, `"Version": 1,`),
		"invalid-peer-id.json":          replace(`"peer_id": "`+first.PeerID, `"peer_id": "12D3KooWnotapeerid`),
		"invalid-weak-key.json":         replace(`"peer_id": "`+first.PeerID, `"peer_id": "`+crypto.PeerIDFromPublicKey(sigcraft.SmallOrderKey())),
		"invalid-role.json":             replace(`"role": "secretariat"`, `"role": "observer"`),
		"invalid-recipient.json":        []byte(strings.Replace(s, `"recipient": "age1`, `"recipient": "age2`, 2)),
		"invalid-threshold.json":        replace(`"threshold": 2`, `"threshold": 3`),
		"invalid-executive.json":        replace(`"executive": [`, `"executive": ["`+stranger+`", `),
		"invalid-group-builtin.json":    replace(`"photonics"`, `"members"`),
		"invalid-group-nonmember.json":  replace(`"photonics": [`, `"photonics": ["`+stranger+`", `),
		"invalid-duplicate-member.json": replace(`"members": [`, `"members": [{"name": "Again", "role": "member", "peer_id": "`+first.PeerID+`", "recipient": "`+first.Recipient+`"}, `),
		"invalid-duplicate-key.json":    replace(`"threshold": 2,`, `"threshold": 2, "threshold": 1,`),
		"invalid-null.json":             replace(`"version": 1,`, `"version": 1, "prev": null,`),
		"invalid-created-offset.json":   replace(`"created": "2026-11-24T09:00:00Z"`, `"created": "2026-11-24T18:00:00+09:00"`),
		"invalid-type.json":             replace(`"version": 1,`, `"version": "1",`),
		"invalid-syntax.json":           valid[:len(valid)/2],
		"invalid-trailing.json":         append(slices.Clone(valid), "{}\n"...),
		"invalid-missing.json":          replace(`"threshold": 2,`, ``),
		"insufficient-sig-length.json":  replace(`"sig": "`+base64.StdEncoding.EncodeToString(g.Signatures[0].Sig)+`"`, `"sig": "AAAA"`),
		"valid-genesis-extra-sigs.json": withExtraSignatures(t, g, outsider, stranger),
		"invalid-genesis-prev.json":     replace(`"version": 1,`, `"version": 1, "prev": "`+strings.Repeat("ab", 32)+`",`),
		"invalid-too-many-members.json": replace(`"members": [`, `"members": [`+extraCards(t, MaxReaders+1-len(g.Members))),
	}
	if err := os.MkdirAll("testdata/rosters", 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob("testdata/rosters/*.json")
	for _, f := range old {
		os.Remove(f)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join("testdata/rosters", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testCard is the card of made-up member i: keys derived from i, so that
// generated files do not change when they are written again.
func testCard(t testing.TB, i int) RosterMember {
	seed := sha256.Sum256(fmt.Appendf(nil, "ursic test member %d", i))
	x, err := crypto.AgeIdentityFromScalar(seed[:])
	if err != nil {
		t.Fatal(err)
	}
	pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
	return RosterMember{Name: fmt.Sprintf("Member %d", i), Role: "member", PeerID: crypto.PeerIDFromPublicKey(pub), Recipient: x.Recipient().String()}
}

// extraCards is n cards of made-up members as the text of JSON array
// elements, each followed by ", ".
func extraCards(t testing.TB, n int) string {
	var b strings.Builder
	for i := range n {
		c := testCard(t, i)
		fmt.Fprintf(&b, `{"name": %q, "role": %q, "peer_id": %q, "recipient": %q}, `, c.Name, c.Role, c.PeerID, c.Recipient)
	}
	return b.String()
}

// TestRosterMemberCap: a roster holds at most MaxReaders members, since
// every body is sealed to at most every member, one age stanza each, and
// age opens no file with more than 1,024 stanzas (SPEC.md §2.3, §7.1).
func TestRosterMemberCap(t *testing.T) {
	if MaxReaders != 1024 {
		t.Fatalf("MaxReaders = %d; SPEC.md says 1,024", MaxReaders)
	}
	g, _ := fixedRoster(t)
	for i := 0; len(g.Members) < MaxReaders; i++ {
		g.Members = append(g.Members, testCard(t, i))
	}
	g.Normalize()
	if err := g.Validate(); err != nil {
		t.Fatalf("a roster of %d members: %v", len(g.Members), err)
	}
	g.Members = append(g.Members, testCard(t, MaxReaders))
	g.Normalize()
	if err := g.Validate(); !errors.Is(err, ErrRosterInvalid) || !strings.Contains(err.Error(), "members: 1025 members; the limit is 1024") {
		t.Fatalf("a roster of %d members: %v, want the member limit", len(g.Members), err)
	}
}

// withExtraSignatures is g with signatures that must be ignored added: the
// outsider's (a member, not an executive), a stranger's junk, a second and
// junk signature by the first executive, and one of the wrong length.
func withExtraSignatures(t *testing.T, g *Roster, outsider *crypto.Identity, stranger string) []byte {
	r := g.Clone()
	mustSign(t, r, outsider)
	r.Signatures = append(r.Signatures,
		RosterSignature{PeerID: stranger, Sig: bytes.Repeat([]byte{0x5a}, 64)},
		RosterSignature{PeerID: g.Signatures[0].PeerID, Sig: bytes.Repeat([]byte{0xa5}, 64)},
		RosterSignature{PeerID: g.Signatures[1].PeerID, Sig: []byte{1, 2, 3}},
	)
	return mustMarshal(t, r)
}

func TestRosterVerify(t *testing.T) {
	a, b, c, d := newIdentity(t), newIdentity(t), newIdentity(t), newIdentity(t)
	genesis := func() *Roster { return newGenesis(2, a, b, c) }
	signed := func(r *Roster, ids ...*crypto.Identity) *Roster { mustSign(t, r, ids...); return r }
	v1 := signed(genesis(), a, b)
	next := func() *Roster {
		n := v1.Next()
		if err := n.Add(cardOf(d, "New member", "member")); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		name   string
		r      *Roster
		prev   *Roster
		want   error
		substr string
	}{
		{"genesis signed by 1 of 2 needed", signed(genesis(), a), nil, ErrRosterSignatures,
			"share: roster version 1 has 1 valid executive signature of the 2 that version 1 requires"},
		{"genesis signed by 2", signed(genesis(), a, c), nil, nil, ""},
		{"genesis signed by all 3", signed(genesis(), a, b, c), nil, nil, ""},
		{"genesis unsigned", genesis(), nil, ErrRosterSignatures, "has 0 valid executive signatures of the 2"},
		{"genesis signed by a non-executive too", func() *Roster {
			r := newGenesis(1, a, b)
			_ = r.Add(cardOf(d, "D", "member"))
			return signed(r, a, d)
		}(), nil, nil, ""},
		{"genesis signed by a non-executive only", func() *Roster {
			r := newGenesis(1, a, b)
			_ = r.Add(cardOf(d, "D", "member"))
			return signed(r, d)
		}(), nil, ErrRosterSignatures, "has 0 valid executive signatures of the 1 that version 1 requires (1 other signature ignored"},
		{"genesis with a tampered body", func() *Roster {
			r := signed(genesis(), a, b)
			r.Members[0].Name = "Changed"
			return r
		}(), nil, ErrRosterSignatures, "has 0 valid executive signatures of the 2 that version 1 requires (2 other signatures ignored"},
		{"genesis with a version 2", func() *Roster {
			r := genesis()
			r.Version = 2
			r.Prev = strings.Repeat("0", 64)
			return signed(r, a, b)
		}(), nil, ErrRosterChain, "is not a genesis"},
		{"next signed by 2 executives of the previous version", signed(next(), b, c), v1, nil, ""},
		{"next signed by 1", signed(next(), b), v1, ErrRosterSignatures,
			"share: roster version 2 has 1 valid executive signature of the 2 that version 1 requires"},
		{"next signed by one executive and a non-executive", signed(next(), a, d), v1, ErrRosterSignatures,
			"has 1 valid executive signature of the 2 that version 1 requires (1 other signature ignored"},
		{"next signed by two executives and a non-executive", signed(next(), a, b, d), v1, nil, ""},
		{"next signed over a tampered body", func() *Roster {
			r := signed(next(), a, b)
			r.Threshold = 1
			return r
		}(), v1, ErrRosterSignatures, "has 0 valid executive signatures"},
		{"next with a wrong prev", func() *Roster {
			r := next()
			r.Prev = strings.Repeat("ab", 32)
			return signed(r, a, b)
		}(), v1, ErrRosterChain, "names previous hash abab"},
		{"version skip", func() *Roster {
			r := next()
			r.Version = 3
			return signed(r, a, b)
		}(), v1, ErrRosterChain, "roster version 3 does not follow version 1 (want version 2)"},
		{"same version again", signed(genesis(), a, b), v1, ErrRosterChain, "does not follow"},
		{"invalid structure", func() *Roster { r := signed(next(), a, b); r.Threshold = 9; return r }(), v1, ErrRosterInvalid, "threshold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.prev == nil {
				err = tt.r.VerifyGenesis()
			} else {
				err = tt.r.VerifyNext(tt.prev)
			}
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.substr) {
				t.Fatalf("got %v\nwant %v containing %q", err, tt.want, tt.substr)
			}
		})
	}
}

// TestRosterIgnoresExtraSignatures: a roster is valid if and only if it
// carries at least threshold valid signatures by the executives entitled to
// sign it; every other signature (by a non-executive or a stranger, not
// verifying, of the wrong length, repeated, by an executive added by this
// very version) is ignored, never fatal, and Verify's copy drops it.
func TestRosterIgnoresExtraSignatures(t *testing.T) {
	a, b, c, d, x := newIdentity(t), newIdentity(t), newIdentity(t), newIdentity(t), newIdentity(t)
	v1 := newGenesis(2, a, b, c)
	mustSign(t, v1, a, b)
	next := func() *Roster {
		n := v1.Next()
		if err := n.Add(cardOf(d, "D", "member")); err != nil {
			t.Fatal(err)
		}
		n.Executive = append(n.Executive, d.PeerID())
		n.Normalize()
		return n
	}
	junk := func(fill byte, n int) []byte { return bytes.Repeat([]byte{fill}, n) }
	// sigBy is id's signature of another document: valid Ed25519, wrong message.
	sigBy := func(id *crypto.Identity) []byte {
		other := v1.Next()
		other.Threshold = 1
		mustSign(t, other, id)
		return other.Signatures[0].Sig
	}
	add := func(r *Roster, peerID string, sig []byte) {
		r.Signatures = append(r.Signatures, RosterSignature{PeerID: peerID, Sig: sig})
	}
	tests := []struct {
		name    string
		build   func() *Roster // signed by entitled executives, then junk added
		prev    *Roster
		valid   []string // the signers that count, sorted; nil: not enough
		ignored int
	}{
		{"junk signature by an executive not among the signers", func() *Roster {
			r := next()
			mustSign(t, r, a, b)
			add(r, c.PeerID(), junk(1, 64))
			return r
		}, v1, []string{a.PeerID(), b.PeerID()}, 1},
		{"a second, junk signature by a signer, sorted before its valid one", func() *Roster {
			r := next()
			mustSign(t, r, a, b)
			add(r, a.PeerID(), junk(0, 64))
			return r
		}, v1, []string{a.PeerID(), b.PeerID()}, 1},
		{"the same valid signature twice counts once", func() *Roster {
			r := next()
			mustSign(t, r, a)
			add(r, a.PeerID(), slices.Clone(r.Signatures[0].Sig))
			return r
		}, v1, nil, 0},
		{"a signature by a member who is not an executive", func() *Roster {
			r := next()
			mustSign(t, r, b, c, d) // d is an executive of version 2 only
			return r
		}, v1, []string{b.PeerID(), c.PeerID()}, 1},
		{"a stranger's valid signature", func() *Roster {
			r := next()
			mustSign(t, r, a, c, x)
			return r
		}, v1, []string{a.PeerID(), c.PeerID()}, 1},
		{"an executive's signature of another document", func() *Roster {
			r := next()
			mustSign(t, r, b, c)
			add(r, a.PeerID(), sigBy(a))
			return r
		}, v1, []string{b.PeerID(), c.PeerID()}, 1},
		{"signatures of the wrong length and by no peer ID", func() *Roster {
			r := next()
			mustSign(t, r, a, b)
			add(r, c.PeerID(), junk(2, 3))
			add(r, c.PeerID(), nil)
			add(r, "12D3KooWnotapeerid", junk(3, 64))
			add(r, "", junk(4, 65))
			return r
		}, v1, []string{a.PeerID(), b.PeerID()}, 4},
		{"junk does not make up for a missing signature", func() *Roster {
			r := next()
			mustSign(t, r, a)
			add(r, b.PeerID(), junk(5, 64))
			add(r, c.PeerID(), sigBy(c))
			add(r, d.PeerID(), junk(6, 64))
			return r
		}, v1, nil, 0},
		{"genesis with junk", func() *Roster {
			r := newGenesis(2, a, b, c)
			mustSign(t, r, c, a, x)
			add(r, b.PeerID(), junk(7, 64))
			return r
		}, nil, []string{a.PeerID(), c.PeerID()}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.build()
			r.Normalize()
			before := mustMarshal(t, r)
			got, err := r.Verify(tt.prev)
			if !bytes.Equal(mustMarshal(t, r), before) {
				t.Fatal("Verify changed its receiver")
			}
			var viaOld error
			if tt.prev == nil {
				viaOld = r.VerifyGenesis()
			} else {
				viaOld = r.VerifyNext(tt.prev)
			}
			if (err == nil) != (viaOld == nil) {
				t.Fatalf("Verify says %v, the Verify%s method %v", err, map[bool]string{true: "Genesis", false: "Next"}[tt.prev == nil], viaOld)
			}
			if tt.valid == nil {
				if !errors.Is(err, ErrRosterSignatures) {
					t.Fatalf("got %v, want ErrRosterSignatures", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			var signers []string
			for _, s := range got.Signatures {
				signers = append(signers, s.PeerID)
			}
			want := slices.Sorted(slices.Values(tt.valid))
			if !slices.Equal(signers, want) {
				t.Errorf("kept signatures by %v, want %v", signers, want)
			}
			if n := len(r.Signatures) - len(got.Signatures); n != tt.ignored {
				t.Errorf("dropped %d signatures, want %d", n, tt.ignored)
			}
			if got.Hash() != r.Hash() {
				t.Error("the copy has another hash")
			}
			// The copy verifies on its own and survives the file format.
			p, err := ParseRoster(mustMarshal(t, got))
			if err != nil {
				t.Fatal(err)
			}
			if again, err := p.Verify(tt.prev); err != nil || len(again.Signatures) != len(got.Signatures) {
				t.Fatalf("the copy does not verify as it is: %v", err)
			}
			// And so does the document with the junk, through the file format.
			p, err = ParseRoster(before)
			if err != nil {
				t.Fatalf("the document with junk signatures does not parse: %v", err)
			}
			if _, err := p.Verify(tt.prev); err != nil {
				t.Fatalf("the document with junk signatures does not verify after parsing: %v", err)
			}
		})
	}
}

// The order of entries in the file does not matter: the signature covers
// the normalised body.
func TestRosterOrderIndependent(t *testing.T) {
	a, b, c := newIdentity(t), newIdentity(t), newIdentity(t)
	r := newGenesis(2, a, b, c)
	mustSign(t, r, a, c)
	h := r.Hash()
	shuffled := r.Clone()
	slices.Reverse(shuffled.Members)
	slices.Reverse(shuffled.Executive)
	slices.Reverse(shuffled.Signatures)
	if shuffled.Hash() != h {
		t.Fatal("hash depends on list order")
	}
	if err := shuffled.VerifyGenesis(); err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(mustMarshal(t, r)), `"created": "2026-11-24T09:00:00Z"`, `"created": "2026-11-24T09:00:00+00:00"`, 1)
	p, err := ParseRoster([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if p.Hash() != h || p.VerifyGenesis() != nil {
		t.Fatal("a +00:00 offset changes the roster")
	}
}

func TestRosterSignReplaces(t *testing.T) {
	a, b := newIdentity(t), newIdentity(t)
	r := newGenesis(2, a, b)
	mustSign(t, r, a, a, b, a)
	if len(r.Signatures) != 2 {
		t.Fatalf("%d signatures, want 2", len(r.Signatures))
	}
	if err := r.VerifyGenesis(); err != nil {
		t.Fatal(err)
	}
}

func TestRosterCanSign(t *testing.T) {
	a, b, c := newIdentity(t), newIdentity(t), newIdentity(t)
	v1 := newGenesis(1, a, b)
	if err := v1.CanSign(a.PeerID(), nil); err != nil {
		t.Fatal(err)
	}
	if err := v1.CanSign(c.PeerID(), nil); !errors.Is(err, ErrRosterSignatures) {
		t.Fatalf("outsider may sign genesis: %v", err)
	}
	v2 := v1.Next()
	if err := v2.Add(cardOf(c, "C", "member")); err != nil {
		t.Fatal(err)
	}
	v2.Executive = append(v2.Executive, c.PeerID())
	if err := v2.CanSign(c.PeerID(), v1); !errors.Is(err, ErrRosterSignatures) || !strings.Contains(err.Error(), "not an executive of version 1") {
		t.Fatalf("new executive may sign its own admission: %v", err)
	}
	if err := v2.CanSign(b.PeerID(), v1); err != nil {
		t.Fatal(err)
	}
	if err := v2.CanSign(b.PeerID(), nil); !errors.Is(err, ErrRosterChain) {
		t.Fatalf("version 2 without its predecessor: %v", err)
	}
}

func TestRosterPropose(t *testing.T) {
	a, b, c, d := newIdentity(t), newIdentity(t), newIdentity(t), newIdentity(t)
	v1 := newGenesis(2, a, b, c)
	mustSign(t, v1, a, b)
	v2 := v1.Next()
	if v2.Version != 2 || v2.Prev != v1.Hash() || len(v2.Signatures) != 0 || v2.Created.IsZero() {
		t.Fatalf("Next: %+v", v2)
	}
	if len(v1.Signatures) != 2 {
		t.Fatal("Next changed the original")
	}
	if err := v2.Add(cardOf(d, "D", "liaison")); err != nil {
		t.Fatal(err)
	}
	if err := v2.Add(cardOf(d, "D", "liaison")); !errors.Is(err, ErrRosterInvalid) {
		t.Fatalf("added twice: %v", err)
	}
	if err := v2.Add(RosterMember{Name: "X", Role: "member", PeerID: "nope", Recipient: d.Recipient()}); !errors.Is(err, ErrRosterInvalid) {
		t.Fatalf("bad card added: %v", err)
	}
	if err := v2.SetGroup("quantum", []string{d.PeerID(), a.PeerID()}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ name, peer string }{{"members", a.PeerID()}, {"Quantum", a.PeerID()}, {"q", "12D3KooWnotamember"}} {
		if err := v2.SetGroup(bad.name, []string{bad.peer}); !errors.Is(err, ErrRosterInvalid) {
			t.Errorf("SetGroup(%q): %v", bad.name, err)
		}
	}
	if err := v2.Remove(a.PeerID()); err != nil {
		t.Fatal(err)
	}
	if err := v2.Remove(b.PeerID()); !errors.Is(err, ErrRosterInvalid) || !strings.Contains(err.Error(), "fewer than the threshold 2") {
		t.Fatalf("removed below the threshold: %v", err)
	}
	if err := v2.Remove(a.PeerID()); !errors.Is(err, ErrRosterInvalid) {
		t.Fatalf("removed twice: %v", err)
	}
	if _, ok := v2.Member(a.PeerID()); ok || v2.IsExecutive(a.PeerID()) || !slices.Equal(v2.Groups["quantum"], []string{d.PeerID()}) {
		t.Fatalf("Remove left traces: %+v", v2)
	}
	mustSign(t, v2, a, c) // a is an executive of version 1
	if err := v2.VerifyNext(v1); err != nil {
		t.Fatal(err)
	}
	p, err := ParseRoster(mustMarshal(t, v2))
	if err != nil {
		t.Fatal(err)
	}
	if p.Hash() != v2.Hash() || p.VerifyNext(v1) != nil {
		t.Fatal("roster changed through Marshal and ParseRoster")
	}

	view := p.View()
	if err := view.Validate(); err != nil {
		t.Fatal(err)
	}
	q, err := view.Group("quantum")
	if err != nil || !slices.Equal(q, []string{d.PeerID()}) {
		t.Fatalf("quantum = %v, %v", q, err)
	}
	partners, _ := view.Group(policy.GroupPartners)
	if !slices.Equal(partners, []string{d.PeerID()}) {
		t.Fatalf("partners = %v", partners)
	}
	exec, _ := view.Group(policy.GroupExecutive)
	if !slices.Equal(exec, p.Executive) {
		t.Fatalf("executive = %v", exec)
	}
	if m, ok := view.Member(d.PeerID()); !ok || m.Role != policy.RoleLiaison || m.Name != "D" {
		t.Fatalf("member = %+v", m)
	}
}

func TestParseRosterLimits(t *testing.T) {
	for _, in := range []string{"", "[]", "null", `{"version": 1}`, strings.Repeat(" ", MaxRosterSize+1)} {
		if _, err := ParseRoster([]byte(in)); !errors.Is(err, ErrRosterInvalid) {
			t.Errorf("%.20q: got %v, want ErrRosterInvalid", in, err)
		}
	}
}

func FuzzParseRoster(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/rosters/*.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRoster(b)
		if err != nil {
			if !errors.Is(err, ErrRosterInvalid) {
				t.Fatalf("error does not wrap ErrRosterInvalid: %v", err)
			}
			return
		}
		_ = r.VerifyGenesis()
		_ = r.View()
		out, err := r.Marshal()
		if err != nil {
			t.Fatalf("parsed but does not marshal: %v", err)
		}
		r2, err := ParseRoster(out)
		if err != nil {
			t.Fatalf("marshalled roster does not parse: %v\n%s", err, out)
		}
		if r2.Hash() != r.Hash() {
			t.Fatal("hash changed through Marshal")
		}
		if out2 := mustMarshal(t, r2); !bytes.Equal(out, out2) {
			t.Fatalf("Marshal not stable:\n%s\n%s", out, out2)
		}
	})
}

// TestRosterCreatedSyntax checks the created time against SPEC.md §7.1: a
// date-time of §6.2 in UTC, nothing laxer.
func TestRosterCreatedSyntax(t *testing.T) {
	valid, err := os.ReadFile("testdata/rosters/valid-genesis.json")
	if err != nil {
		t.Fatal(err)
	}
	const orig = `"created": "2026-11-24T09:00:00Z"`
	if !bytes.Contains(valid, []byte(orig)) {
		t.Fatal("valid-genesis.json has another created time")
	}
	for _, tt := range []struct {
		created string
		ok      bool
	}{
		{"2026-11-24T09:00:00Z", true},
		{"2026-11-24T09:00:00+00:00", true},
		{"2026-11-24T09:00:00-00:00", true},
		{"2026-11-24T09:00:00.000000000Z", true},
		{"2026-11-24T09:00:00,0Z", false},
		{"2026-11-24T9:00:00Z", false},
		{"2026-11-24T09:00:00.0000000000Z", false},
		{"2026-11-24t09:00:00z", false},
		{"2026-11-24", false},
		{"2026-11-24T18:00:00+09:00", false},
		{"2026-11-24T09:00:00+24:00", false},
	} {
		doc := bytes.Replace(valid, []byte(orig), []byte(`"created": "`+tt.created+`"`), 1)
		r, err := ParseRoster(doc)
		if tt.ok {
			if err != nil {
				t.Errorf("%s: %v", tt.created, err)
			} else if err := r.VerifyGenesis(); err != nil {
				t.Errorf("%s: the body changed: %v", tt.created, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "created") {
			t.Errorf("%s: got %v, want an error naming created", tt.created, err)
		}
	}
}

// TestRosterSignatureCount: only valid signatures of the deciding
// version's executives count, against that version's threshold.
func TestRosterSignatureCount(t *testing.T) {
	g, ids := fixedRoster(t)
	author, reader, outsider := ids[0], ids[1], ids[2]
	mustSign(t, g, author)
	if n, need := g.SignatureCount(nil); n != 1 || need != 2 {
		t.Fatalf("genesis: %d of %d", n, need)
	}
	mustSign(t, g, reader)
	next := g.Next()
	next.Threshold = 1
	mustSign(t, next, outsider) // not an executive of version 1
	if n, need := next.SignatureCount(g); n != 0 || need != 2 {
		t.Fatalf("next, signed by an outsider: %d of %d", n, need)
	}
	mustSign(t, next, author)
	next.Signatures = append(next.Signatures, RosterSignature{PeerID: reader.PeerID(), Sig: make([]byte, 64)}) // does not verify
	if n, need := next.SignatureCount(g); n != 1 || need != 2 {
		t.Fatalf("next, one valid: %d of %d", n, need)
	}
}

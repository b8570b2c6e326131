package share

// Clean-room checks: each test below recomputes something the vectors and
// golden files claim from the words of SPEC.md alone — a hand-written CBOR
// walker, the standard library's SHA-256, base32 and Ed25519 — without
// calling this package's code for the thing under test. If the code and the
// text drift apart, the vectors (written by the code) stop agreeing with
// these tests (written from the text).

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/mr-tron/base58"
)

// cborItem returns the major type, the argument and the length of the head
// of the definite-length CBOR data item at the start of b (RFC 8949 §3).
func cborItem(t *testing.T, b []byte) (major byte, arg uint64, head int) {
	t.Helper()
	if len(b) == 0 {
		t.Fatal("cbor: no item")
	}
	major, info := b[0]>>5, b[0]&0x1f
	switch {
	case info < 24:
		return major, uint64(info), 1
	case info == 24:
		return major, uint64(b[1]), 2
	case info == 25:
		return major, uint64(binary.BigEndian.Uint16(b[1:])), 3
	case info == 26:
		return major, uint64(binary.BigEndian.Uint32(b[1:])), 5
	case info == 27:
		return major, binary.BigEndian.Uint64(b[1:]), 9
	}
	t.Fatalf("cbor: additional information %d is not definite", info)
	return
}

// cborLen is the length in bytes of the data item at the start of b.
func cborLen(t *testing.T, b []byte) int {
	t.Helper()
	major, arg, n := cborItem(t, b)
	switch major {
	case 2, 3:
		return n + int(arg)
	case 4, 5:
		items := int(arg)
		if major == 5 {
			items *= 2
		}
		for range items {
			n += cborLen(t, b[n:])
		}
	}
	return n
}

// cborEntry is one key and the raw bytes of its value, in encoded order.
type cborEntry struct {
	key string
	raw []byte
}

// cborMap splits the map at the start of b into its entries.
func cborMap(t *testing.T, b []byte) []cborEntry {
	t.Helper()
	major, pairs, n := cborItem(t, b)
	if major != 5 {
		t.Fatalf("cbor: major type %d, want a map", major)
	}
	var out []cborEntry
	for range pairs {
		km, kl, kh := cborItem(t, b[n:])
		if km != 3 {
			t.Fatalf("cbor: map key of major type %d, want text", km)
		}
		key := string(b[n+kh : n+kh+int(kl)])
		n += kh + int(kl)
		vl := cborLen(t, b[n:])
		out = append(out, cborEntry{key, b[n : n+vl]})
		n += vl
	}
	return out
}

func entry(es []cborEntry, key string) ([]byte, bool) {
	for _, e := range es {
		if e.key == key {
			return e.raw, true
		}
	}
	return nil, false
}

// cborBytes and cborText read a byte or text string's content.
func cborBytes(t *testing.T, raw []byte, major byte) []byte {
	t.Helper()
	m, l, h := cborItem(t, raw)
	if m != major {
		t.Fatalf("cbor: major type %d, want %d", m, major)
	}
	return raw[h : h+int(l)]
}

// cborTexts reads an array of text strings.
func cborTexts(t *testing.T, raw []byte) []string {
	t.Helper()
	m, count, n := cborItem(t, raw)
	if m != 4 {
		t.Fatalf("cbor: major type %d, want an array", m)
	}
	var out []string
	for range count {
		l := cborLen(t, raw[n:])
		out = append(out, string(cborBytes(t, raw[n:n+l], 3)))
		n += l
	}
	return out
}

// cleanroomVectors are the vectors that decode, verify and open (§9), by
// their expect; they are the ones whose every claim holds.
func cleanroomVectors(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, v := range loadVectors(t) {
		if v.Expect != "success" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(v.Envelope)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = raw
	}
	if len(out) < 10 {
		t.Fatalf("only %d success vectors", len(out))
	}
	return out
}

// specCIDText is §3: "b" and the unpadded lower-case base32 of 01 71 12 20 and
// the SHA-256 of the exact bytes.
func specCIDText(encoded []byte) string {
	sum := sha256.Sum256(encoded)
	bin := append([]byte{0x01, 0x71, 0x12, 0x20}, sum[:]...)
	return "b" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(bin))
}

// TestCleanroomCID recomputes every vector's CID by §3 and checks the text
// form's grammar (cid-text: 59 characters, "bafyrei", a last character
// whose 2 unused bits are zero). wrong-cid must differ.
func TestCleanroomCID(t *testing.T) {
	for name, v := range loadVectors(t) {
		raw, err := base64.StdEncoding.DecodeString(v.Envelope)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := specCIDText(raw)
		if len(got) != 59 || !strings.HasPrefix(got, "bafyrei") || !strings.ContainsRune("aeimquy4", rune(got[58])) {
			t.Errorf("%s: %s breaks cid-text", name, got)
		}
		switch {
		case v.Expect == "success" && got != v.CID:
			t.Errorf("%s: CID %s by §3, the vector claims %s", name, got, v.CID)
		case v.Expect == "wrong cid" && got == v.CID:
			t.Errorf("%s: the claimed CID is the computed one", name)
		}
	}
	golden, err := os.ReadFile("testdata/golden/envelope-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/golden/envelope-v1.cid")
	if err != nil {
		t.Fatal(err)
	}
	if got := specCIDText(golden); got != strings.TrimSpace(string(want)) {
		t.Errorf("golden envelope: CID %s by §3, envelope-v1.cid says %s", got, want)
	}
}

// peerKey is §1: base58btc, an identity multihash (00, length 36) of the
// libp2p protobuf PublicKey {Type: Ed25519 (08 01), Data (12 20 …)}.
func peerKey(t *testing.T, id string) ed25519.PublicKey {
	t.Helper()
	b, err := base58.Decode(id)
	if err != nil {
		t.Fatalf("peer ID %s: %v", id, err)
	}
	prefix := []byte{0x00, 0x24, 0x08, 0x01, 0x12, 0x20}
	if len(b) != 38 || !bytes.HasPrefix(b, prefix) {
		t.Fatalf("peer ID %s is not an identity multihash of an Ed25519 key: %x", id, b)
	}
	return ed25519.PublicKey(b[6:])
}

// TestCleanroomEnvelope takes every success vector apart by §2 alone: the
// envelope's keys in Core Deterministic order, the header's in the order
// §2.1 spells out, the signature over "ursic-envelope/v1\n" || header bytes
// by the key in "a" (an honest signature, so the standard library's
// cofactorless verifier agrees, §2.4), bd = SHA-256(b), "l" = LogID(aud)
// by §4, and "p" present if and only if n > 1, as a 36-byte binary CID.
func TestCleanroomEnvelope(t *testing.T) {
	headerOrder := []string{"a", "k", "l", "n", "p", "r", "t", "v", "bd", "aud", "cav", "key", "tlp"}
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding)
	for name, raw := range cleanroomVectors(t) {
		if strings.HasPrefix(name, "sig-") {
			continue // crafted signatures: §2.4's own vectors, checked by TestVectors
		}
		if cborLen(t, raw) != len(raw) {
			t.Errorf("%s: bytes after the envelope", name)
			continue
		}
		top := cborMap(t, raw)
		var keys []string
		for _, e := range top {
			keys = append(keys, e.key)
		}
		if !slices.Equal(keys, []string{"b", "h", "s"}) {
			t.Errorf("%s: envelope keys %v, want [b h s]", name, keys)
			continue
		}
		hraw, _ := entry(top, "h")
		body := cborBytes(t, top[0].raw, 2)
		sig := cborBytes(t, top[2].raw, 2)
		h := cborMap(t, hraw)
		last := -1
		for _, e := range h {
			i := slices.Index(headerOrder, e.key)
			if i <= last {
				t.Errorf("%s: header key %q unknown or out of order", name, e.key)
			}
			last = i
		}
		araw, _ := entry(h, "a")
		author := string(cborBytes(t, araw, 3))
		msg := append([]byte("ursic-envelope/v1\n"), hraw...)
		if !ed25519.Verify(peerKey(t, author), msg, sig) {
			t.Errorf("%s: signature does not verify over \"ursic-envelope/v1\\n\" || header", name)
		}
		bd, _ := entry(h, "bd")
		if sum := sha256.Sum256(body); !bytes.Equal(cborBytes(t, bd, 2), sum[:]) {
			t.Errorf("%s: bd is not SHA-256(b)", name)
		}
		if !bytes.HasPrefix(body, []byte("age-encryption.org/v1\n")) {
			t.Errorf("%s: b is not a binary age v1 file", name)
		}
		audRaw, _ := entry(h, "aud")
		aud := cborTexts(t, audRaw)
		var want string
		if len(aud) == 1 && aud[0][0] >= 'a' && aud[0][0] <= 'z' {
			want = "g/" + aud[0]
		} else {
			peers := slices.Clone(aud)
			slices.Sort(peers)
			peers = slices.Compact(peers)
			sum := sha256.Sum256([]byte(strings.Join(peers, "\n")))
			want = "p/" + strings.ToLower(b32.EncodeToString(sum[:16]))
		}
		lraw, _ := entry(h, "l")
		if got := string(cborBytes(t, lraw, 3)); got != want {
			t.Errorf("%s: l = %s, LogID(aud) by §4 = %s", name, got, want)
		}
		nraw, _ := entry(h, "n")
		_, seq, _ := cborItem(t, nraw)
		praw, hasP := entry(h, "p")
		if hasP != (seq > 1) {
			t.Errorf("%s: n = %d, p present %v", name, seq, hasP)
		}
		if hasP {
			if p := cborBytes(t, praw, 2); len(p) != 36 || !bytes.HasPrefix(p, []byte{0x01, 0x71, 0x12, 0x20}) {
				t.Errorf("%s: p is not a binary-cid: %x", name, p)
			}
		}
	}
}

// TestCleanroomLogChain checks that the vectors that §9 says follow one
// another in one log name their predecessor's CID by §3 in "p".
// success-roster-kind is entry 3 of the direct log but was sealed after
// another entry 2 than success-retraction (§9 says so since 2026-11-30):
// its "p" must not be read as a link to that vector.
func TestCleanroomLogChain(t *testing.T) {
	vs := cleanroomVectors(t)
	prevOf := func(name string) []byte {
		hraw, _ := entry(cborMap(t, vs[name]), "h")
		praw, ok := entry(cborMap(t, hraw), "p")
		if !ok {
			t.Fatalf("%s has no p", name)
		}
		return cborBytes(t, praw, 2)
	}
	if sum := sha256.Sum256(vs["success-retraction"]); bytes.Equal(prevOf("success-roster-kind")[4:], sum[:]) {
		t.Error("success-roster-kind now chains to success-retraction: SPEC.md §9 says it does not")
	}
	for _, chain := range [][]string{
		{"success-direct", "success-retraction"},
		{"success-senderkey", "success-group-epoch", "success-group-sk"},
	} {
		for i := 1; i < len(chain); i++ {
			prev, cur := vs[chain[i-1]], vs[chain[i]]
			hraw, _ := entry(cborMap(t, cur), "h")
			praw, ok := entry(cborMap(t, hraw), "p")
			if !ok {
				t.Fatalf("%s has no p", chain[i])
			}
			sum := sha256.Sum256(prev)
			want := append([]byte{0x01, 0x71, 0x12, 0x20}, sum[:]...)
			if !bytes.Equal(cborBytes(t, praw, 2), want) {
				t.Errorf("%s: p is not the CID of %s", chain[i], chain[i-1])
			}
		}
	}
}

// TestCleanroomWireFrames reads every golden frame by §8: a minimal
// unsigned varint, exactly that many payload bytes, one map of exactly one
// message key; and wire-envs-empty.bin is byte for byte the frame §11.4
// prints.
func TestCleanroomWireFrames(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/wire-*.bin")
	if err != nil || len(files) < 7 {
		t.Fatalf("golden frames: %v (%d)", err, len(files))
	}
	messages := []string{"hello", "heads", "range", "envs", "getr", "rosters", "err"}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		length, n := binary.Uvarint(b)
		if n <= 0 || n > 9 || (n > 1 && b[n-1] == 0) {
			t.Errorf("%s: the length is not a minimal varint of at most 9 bytes", f)
			continue
		}
		if length == 0 || length > 4<<20 || int(length) != len(b)-n {
			t.Errorf("%s: length %d, payload %d bytes", f, length, len(b)-n)
			continue
		}
		payload := b[n:]
		if cborLen(t, payload) != len(payload) {
			t.Errorf("%s: bytes after the message", f)
		}
		m := cborMap(t, payload)
		if len(m) != 1 || !slices.Contains(messages, m[0].key) {
			t.Errorf("%s: not exactly one message key", f)
		}
	}
	empty, err := os.ReadFile("testdata/golden/wire-envs-empty.bin")
	if err != nil {
		t.Fatal(err)
	}
	// §11.4: 0a a1 64 65 6e 76 73 a1 61 65 80 ; {"envs": {"e": []}}
	want := []byte{0x0a, 0xa1, 0x64, 'e', 'n', 'v', 's', 0xa1, 0x61, 'e', 0x80}
	if !bytes.Equal(empty, want) {
		t.Errorf("wire-envs-empty.bin = %x, §11.4 prints %x", empty, want)
	}
	// §8.1: every stub hint in the golden frame is an envelope CID (§3).
	stubs, err := os.ReadFile("testdata/golden/wire-envs-stubs.bin")
	if err != nil {
		t.Fatal(err)
	}
	_, n := binary.Uvarint(stubs)
	envs := cborMap(t, stubs[n:])[0].raw
	sraw, ok := entry(cborMap(t, envs), "s")
	if !ok {
		t.Fatal("wire-envs-stubs.bin has no s")
	}
	_, count, off := cborItem(t, sraw)
	for range count {
		l := cborLen(t, sraw[off:])
		craw, _ := entry(cborMap(t, sraw[off:off+l]), "c")
		if c := cborBytes(t, craw, 2); len(c) != 36 || !bytes.HasPrefix(c, []byte{0x01, 0x71, 0x12, 0x20}) {
			t.Errorf("stub hint %x is not a binary-cid", c)
		}
		off += l
	}
}

// TestCleanroomRoster checks §7.2 and §7.3 on the roster files: the golden
// body's hash is what version 2 names as "prev", and the genesis carries
// at least "threshold" signatures by its own executives over
// "ursic-roster/v1\n" || body bytes.
func TestCleanroomRoster(t *testing.T) {
	body, err := os.ReadFile("testdata/golden/roster-body-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	if cborLen(t, body) != len(body) {
		t.Fatal("roster body: bytes after the map")
	}
	var keys []string
	for _, e := range cborMap(t, body) {
		keys = append(keys, e.key)
	}
	// Core Deterministic order: shorter keys first, then bytewise; no
	// "signatures" in the body.
	if want := []string{"groups", "created", "members", "version", "executive", "threshold"}; !slices.Equal(keys, want) {
		t.Errorf("roster body keys %v, want %v", keys, want)
	}
	type doc struct {
		Version    uint64   `json:"version"`
		Prev       string   `json:"prev"`
		Threshold  int      `json:"threshold"`
		Executive  []string `json:"executive"`
		Signatures []struct {
			PeerID string `json:"peer_id"`
			Sig    string `json:"sig"`
		} `json:"signatures"`
	}
	read := func(name string) doc {
		b, err := os.ReadFile("testdata/rosters/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var d doc
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	genesis, v2 := read("valid-genesis.json"), read("valid-v2.json")
	sum := sha256.Sum256(body)
	if v2.Version != 2 || v2.Prev != hex.EncodeToString(sum[:]) {
		t.Errorf("valid-v2.json: prev %s, the golden genesis body hashes to %x", v2.Prev, sum)
	}
	msg := append([]byte("ursic-roster/v1\n"), body...)
	counted := map[string]bool{}
	for _, s := range genesis.Signatures {
		sig, err := base64.StdEncoding.DecodeString(s.Sig)
		if err != nil {
			sig, err = base64.RawStdEncoding.DecodeString(s.Sig)
		}
		if err == nil && slices.Contains(genesis.Executive, s.PeerID) && ed25519.Verify(peerKey(t, s.PeerID), msg, sig) {
			counted[s.PeerID] = true
		}
	}
	if genesis.Version != 1 || genesis.Prev != "" || len(counted) < genesis.Threshold || genesis.Threshold < 1 {
		t.Errorf("genesis: version %d, %d signatures count, threshold %d", genesis.Version, len(counted), genesis.Threshold)
	}
}

// TestSpecKeyRefErrors pins which error §5 names for a broken key
// reference (2026-11-30): every defect of the reference's shape — a missing
// "g" or "e", an empty map, "d" with any value but true, "e" = 0 — is an
// invalid header (item 7), while a wrong type for "g", "e" or "c" is
// malformed (item 6) and an unknown key is an unknown field (item 5).
func TestSpecKeyRefErrors(t *testing.T) {
	raw, err := base64.StdEncoding.DecodeString(loadVectors(t)["success-group"].Envelope)
	if err != nil {
		t.Fatal(err)
	}
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		key  func(k map[any]any) any
		want error
	}{
		{"missing e", func(k map[any]any) any { delete(k, "e"); return k }, ErrInvalidHeader},
		{"missing g", func(k map[any]any) any { delete(k, "g"); return k }, ErrInvalidHeader},
		{"empty", func(map[any]any) any { return map[any]any{} }, ErrInvalidHeader},
		{"e zero", func(k map[any]any) any { k["e"] = uint64(0); return k }, ErrInvalidHeader},
		{"d false", func(map[any]any) any { return map[any]any{"d": false} }, ErrInvalidHeader},
		{"d one", func(map[any]any) any { return map[any]any{"d": uint64(1)} }, ErrInvalidHeader},
		{"d float", func(map[any]any) any { return map[any]any{"d": 1.5} }, ErrInvalidHeader},
		{"d and g", func(k map[any]any) any { k["d"] = true; return k }, ErrInvalidHeader},
		{"c empty", func(k map[any]any) any { k["c"] = []byte{}; return k }, ErrInvalidHeader},
		{"e text", func(k map[any]any) any { k["e"] = "1"; return k }, ErrMalformed},
		{"g number", func(k map[any]any) any { k["g"] = uint64(7); return k }, ErrMalformed},
		{"d null", func(map[any]any) any { return map[any]any{"d": nil} }, ErrMalformed},
		{"unknown key", func(k map[any]any) any { k["x"] = uint64(1); return k }, ErrUnknownField},
	} {
		var top map[string]any
		if err := cbor.Unmarshal(raw, &top); err != nil {
			t.Fatal(err)
		}
		h := top["h"].(map[any]any)
		h["key"] = tt.key(h["key"].(map[any]any))
		b, err := em.Marshal(top)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(b); !errors.Is(err, tt.want) {
			t.Errorf("key reference %s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestSpecRosterAddrs pins §7.1's multiaddr text rule (2026-11-30): "/"
// and then 1 to 255 printable ASCII characters without spaces.
func TestSpecRosterAddrs(t *testing.T) {
	doc, err := os.ReadFile("testdata/rosters/valid-genesis.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		addr string
		ok   bool
	}{
		{"/", false},
		{"/x", true},
		{"/" + strings.Repeat("a", 255), true},
		{"/" + strings.Repeat("a", 256), false},
		{"/ip4/127.0.0.1/tcp/4001 ", false},
		{"ip4/127.0.0.1", false},
		{"/ip4/1.2.3.4/tcp/1/ünicode", false},
	} {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		m["members"].([]any)[0].(map[string]any)["addrs"] = []any{tt.addr}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseRoster(b)
		if (err == nil) != tt.ok {
			t.Errorf("addr %q: %v, want accepted %v", tt.addr, err, tt.ok)
		}
	}
}

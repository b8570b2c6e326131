package share

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fxamacker/cbor/v2"
)

// The keys of each map, per SPEC.md §2. required lists the keys that must be
// present; the rest are optional.
var (
	envelopeKeys = keySet{required: []string{"h", "s"}, optional: []string{"b"}}
	headerKeys   = keySet{
		required: []string{"v", "k", "a", "l", "n", "t", "r", "tlp", "aud", "key", "bd"},
		optional: []string{"p", "cav"},
	}
	keyRefKeys = keySet{optional: []string{"c", "d", "e", "g"}}
)

type keySet struct{ required, optional []string }

// check returns an error naming the first unknown or missing key of m.
func (ks keySet) check(what string, m map[string]cbor.RawMessage) error {
	var unknown []string
	for k := range m {
		if !contains(ks.required, k) && !contains(ks.optional, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%w: %s key %q is not in format version %d", ErrUnknownField, what, unknown[0], FormatVersion)
	}
	for _, k := range ks.required {
		if _, ok := m[k]; !ok {
			return fmt.Errorf("%w: %s lacks key %q", ErrMalformed, what, k)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Decode parses an encoded envelope strictly (SPEC.md §5): size-capped,
// well-formed, a known version, only known keys, a valid header, and
// canonical — it re-encodes to exactly b. It does not verify the signature
// or the body; call [Envelope.Verify] or [Envelope.Open] next.
func Decode(b []byte) (*Envelope, error) {
	if len(b) > MaxEnvelopeSize {
		return nil, fmt.Errorf("%w: envelope is %d bytes, the limit is %d", ErrTooLarge, len(b), MaxEnvelopeSize)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: no bytes", ErrTruncated)
	}
	var top map[string]cbor.RawMessage
	if err := decMode.Unmarshal(b, &top); err != nil {
		return nil, cborError("envelope", err)
	}
	hraw, ok := top["h"]
	if !ok {
		return nil, fmt.Errorf("%w: envelope lacks key %q", ErrMalformed, "h")
	}
	var hm map[string]cbor.RawMessage
	if err := decMode.Unmarshal(hraw, &hm); err != nil {
		return nil, cborError("header", err)
	}
	// null and undefined are no value of any field (SPEC.md §2.1). The
	// typed decoding below would read them as a zero value, which would
	// surface as another error depending on the field.
	if err := refuseNull(top, hm); err != nil {
		return nil, err
	}
	// The version first: a later version may have other keys (SPEC.md §5).
	vraw, ok := hm["v"]
	if !ok {
		return nil, fmt.Errorf("%w: header lacks key %q", ErrMalformed, "v")
	}
	var v uint64
	if err := decMode.Unmarshal(vraw, &v); err != nil {
		return nil, fmt.Errorf("%w: header key \"v\" is not an unsigned integer", ErrMalformed)
	}
	if v != FormatVersion {
		return nil, fmt.Errorf("%w %d (this node reads version %d; upgrade it to read newer envelopes)", ErrUnknownVersion, v, FormatVersion)
	}
	if err := envelopeKeys.check("envelope", top); err != nil {
		return nil, err
	}
	if err := headerKeys.check("header", hm); err != nil {
		return nil, err
	}
	var km map[string]cbor.RawMessage
	if err := decMode.Unmarshal(hm["key"], &km); err != nil {
		return nil, cborError("key reference", err)
	}
	if err := keyRefKeys.check("key reference", km); err != nil {
		return nil, err
	}
	if d, ok := km["d"]; ok && !bytes.Equal(d, []byte{0xf5}) {
		return nil, fmt.Errorf("%w: key reference \"d\" must be true when present", ErrInvalidHeader)
	}
	if p, ok := hm["p"]; ok && bytes.Equal(p, []byte{0x40}) {
		return nil, fmt.Errorf("%w: \"p\" is empty; omit it instead", ErrInvalidHeader)
	}
	if c, ok := hm["cav"]; ok && bytes.Equal(c, []byte{0x80}) {
		return nil, fmt.Errorf("%w: \"cav\" is empty; omit it instead", ErrInvalidHeader)
	}
	if b, ok := top["b"]; ok && bytes.Equal(b, []byte{0x40}) {
		return nil, fmt.Errorf("%w: body is empty", ErrMalformed)
	}

	var e Envelope
	if err := decMode.Unmarshal(b, &e); err != nil {
		return nil, cborError("envelope", err)
	}
	if err := e.Header.check(); err != nil {
		return nil, err
	}
	if len(e.Sig) != 64 {
		return nil, fmt.Errorf("%w: signature is %d bytes, want 64", ErrMalformed, len(e.Sig))
	}
	if e.Body != nil && !bytes.HasPrefix(e.Body, []byte(ageIntro)) {
		return nil, fmt.Errorf("%w: body is not a binary age v1 file", ErrMalformed)
	}
	again, err := encMode.Marshal(&e)
	if err != nil {
		return nil, fmt.Errorf("share: failed to re-encode envelope: %w", err)
	}
	if !bytes.Equal(again, b) {
		return nil, fmt.Errorf("%w: the envelope does not re-encode to the same bytes (key order, integer or length form)", ErrNonCanonical)
	}
	return &e, nil
}

// refuseNull reports a null or undefined anywhere in the envelope: a
// top-level value, or anywhere in the header. Bodies and signatures are
// byte strings, so only the header needs a walk, and it is small.
func refuseNull(top, hm map[string]cbor.RawMessage) error {
	for k, v := range top {
		if isNull(v) {
			return fmt.Errorf("%w: envelope key %q is null or undefined", ErrMalformed, k)
		}
	}
	for k, v := range hm {
		if _, null := scanNull(v); null {
			return fmt.Errorf("%w: header key %q holds null or undefined", ErrMalformed, k)
		}
	}
	return nil
}

func isNull(raw []byte) bool { return len(raw) == 1 && (raw[0] == 0xf6 || raw[0] == 0xf7) }

// scanNull walks one well-formed, definite-length CBOR data item (the
// decoder has checked it) and reports its length and whether it holds a
// null (0xf6) or undefined (0xf7). It allocates nothing.
func scanNull(b []byte) (n int, null bool) {
	if len(b) == 0 {
		return 0, false
	}
	major, info := b[0]>>5, b[0]&0x1f
	head, arg := 1, uint64(info)
	switch info {
	case 24:
		head, arg = 2, uint64(b[1])
	case 25:
		head, arg = 3, uint64(binary.BigEndian.Uint16(b[1:]))
	case 26:
		head, arg = 5, uint64(binary.BigEndian.Uint32(b[1:]))
	case 27:
		head, arg = 9, binary.BigEndian.Uint64(b[1:])
	}
	switch major {
	case 2, 3:
		return head + int(arg), false
	case 4, 5:
		items := arg
		if major == 5 {
			items *= 2
		}
		n = head
		for i := uint64(0); i < items && n < len(b); i++ {
			m, null := scanNull(b[n:])
			if null {
				return 0, true
			}
			n += m
		}
		return n, false
	case 7:
		return head, b[0] == 0xf6 || b[0] == 0xf7
	}
	return head, false
}

// cborError maps a decoding error to the package's sentinels.
func cborError(what string, err error) error {
	var extra *cbor.ExtraneousDataError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%w: %s ends inside a data item", ErrTruncated, what)
	case errors.As(err, &extra):
		return fmt.Errorf("%w: trailing bytes after the %s", ErrMalformed, what)
	}
	var unknown *cbor.UnknownFieldError
	if errors.As(err, &unknown) {
		return fmt.Errorf("%w: in the %s", ErrUnknownField, what)
	}
	msg := strings.TrimPrefix(err.Error(), "cbor: ")
	return fmt.Errorf("%w: %s: %s", ErrMalformed, what, msg)
}

// check applies the rules of SPEC.md §1–§4 to a header.
func (h *Header) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidHeader}, args...)...)
	}
	if h.Version != FormatVersion {
		return fmt.Errorf("%w %d (this node reads version %d)", ErrUnknownVersion, h.Version, FormatVersion)
	}
	if !isKind(h.Kind) {
		return bad("unknown kind %s (valid: %s)", quote(h.Kind), strings.Join(allKinds(), ", "))
	}
	if !isPeerID(h.Author) {
		return bad("author %s is not an Ed25519 peer ID", quote(h.Author))
	}
	if problem := checkAudience(h.Audience, h.Author); problem != "" {
		return bad("%s", problem)
	}
	if want := LogID(h.Audience); h.Log != want {
		return bad("log ID %s does not match the audience (want %q)", quote(h.Log), want)
	}
	if h.Seq == 0 {
		return bad("sequence number must be at least 1")
	}
	if h.Seq == 1 && h.Prev != nil {
		return bad("the first entry of a log (n = 1) has no predecessor \"p\"")
	}
	if h.Seq > 1 {
		if h.Prev == nil {
			return bad("entry %d lacks its predecessor's CID \"p\"", h.Seq)
		}
		if _, err := cidFromBytes(h.Prev); err != nil {
			return bad("predecessor \"p\": %v", err)
		}
	}
	if !isTLP(h.TLP) {
		return bad("tlp %s is not one of clear, green, amber, amber+strict, red", quote(h.TLP))
	}
	if h.Caveats != nil && len(h.Caveats) == 0 {
		return bad("caveats are empty; omit them instead")
	}
	for i, c := range h.Caveats {
		if !isToken(c) {
			return bad("caveat %s is not a token", quote(c))
		}
		if i > 0 && h.Caveats[i-1] >= c {
			return bad("caveats must be sorted and unique")
		}
	}
	if err := h.Key.check(h.Audience); err != nil {
		return err
	}
	if h.Kind == KindSenderKey && (!h.Key.Direct || len(h.Audience) != 1 || !isGroupName(h.Audience[0])) {
		// A reader cannot need a sender key to learn that sender key.
		return bad("a senderkey record has a group audience and is sealed directly to the group's members (key reference \"d\")")
	}
	if len(h.BodyDigest) != sha256.Size {
		return bad("body digest \"bd\" is %d bytes, want %d", len(h.BodyDigest), sha256.Size)
	}
	return nil
}

func (k *KeyRef) check(audience []string) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: key reference: "+format, append([]any{ErrInvalidHeader}, args...)...)
	}
	if k.Direct {
		if k.Group != "" || k.Epoch != 0 || k.SenderKey != nil {
			return bad("a direct reference carries nothing but \"d\"")
		}
		return nil
	}
	if !isGroupName(k.Group) {
		return bad("neither direct nor a sender key of a valid group (%s)", quote(k.Group))
	}
	if len(audience) != 1 || audience[0] != k.Group {
		return bad("sender key of group %q used for another audience", k.Group)
	}
	if k.Epoch == 0 {
		return bad("sender key epochs count from 1")
	}
	if k.SenderKey != nil {
		if _, err := cidFromBytes(k.SenderKey); err != nil {
			return bad("senderkey record \"c\": %v", err)
		}
	}
	return nil
}

func isTLP(s string) bool {
	switch s {
	case "clear", "green", "amber", "amber+strict", "red":
		return true
	}
	return false
}

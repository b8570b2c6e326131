package share

import (
	"bytes"
	"encoding/base64"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// TestDecodeCategories pins which error of SPEC.md §5 each kind of defect
// gives: a second implementation must report the same. Each case changes
// one header or top-level value of a valid envelope and re-encodes it
// canonically; signatures are not checked by Decode.
func TestDecodeCategories(t *testing.T) {
	vs := loadVectors(t)
	raw := func(name string) []byte {
		b, err := base64.StdEncoding.DecodeString(vs[name].Envelope)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	direct, second := raw("success-direct"), raw("success-retraction")
	gm, err := cbor.DecOptions{DefaultMapType: mapStringAny}.DecMode()
	if err != nil {
		t.Fatal(err)
	}
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		t.Fatal(err)
	}
	change := func(env []byte, f func(top, h map[string]any)) []byte {
		var top map[string]any
		if err := gm.Unmarshal(env, &top); err != nil {
			t.Fatal(err)
		}
		f(top, top["h"].(map[string]any))
		b, err := em.Marshal(top)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	header := func(k string, v any) []byte {
		return change(direct, func(_, h map[string]any) { h[k] = v })
	}
	null := cbor.RawMessage{0xf6}
	undefined := cbor.RawMessage{0xf7}
	for _, tt := range []struct {
		name string
		env  []byte
		want error
	}{
		{"kind null", header("k", null), ErrMalformed},
		{"version null", header("v", null), ErrMalformed},
		{"audience null", header("aud", null), ErrMalformed},
		{"audience element null", header("aud", []any{null}), ErrMalformed},
		{"caveats null", header("cav", null), ErrMalformed},
		{"key reference c undefined", header("key", map[string]any{"d": true, "c": undefined}), ErrMalformed},
		{"body null", change(direct, func(top, _ map[string]any) { top["b"] = null }), ErrMalformed},
		{"header not a map", change(direct, func(top, _ map[string]any) { top["h"] = uint64(5) }), ErrMalformed},
		{"kind not text", header("k", uint64(5)), ErrMalformed},
		{"audience not an array", header("aud", "members"), ErrMalformed},
		{"sequence negative", header("n", int64(-1)), ErrMalformed},
		{"sequence false", header("n", false), ErrMalformed},
		{"version text", header("v", "1"), ErrMalformed},
		{"version negative", header("v", int64(-1)), ErrMalformed},
		{"version 0", header("v", uint64(0)), ErrUnknownVersion},
		{"version 2 without other keys", change(direct, func(top, _ map[string]any) { top["h"] = map[string]any{"v": uint64(2)} }), ErrUnknownVersion},
		{"created above int64", header("t", uint64(1)<<63), ErrMalformed},
		{"signature 63 bytes", change(direct, func(top, _ map[string]any) { top["s"] = make([]byte, 63) }), ErrMalformed},
		{"body empty", change(direct, func(top, _ map[string]any) { top["b"] = []byte{} }), ErrMalformed},
		{"body not age", change(direct, func(top, _ map[string]any) { top["b"] = []byte("age-encryption.org/v2\n") }), ErrMalformed},
		{"header key not text", intKey(t, direct), ErrMalformed},
		{"digest 31 bytes", header("bd", make([]byte, 31)), ErrInvalidHeader},
		{"sequence 0", header("n", uint64(0)), ErrInvalidHeader},
		{"tlp upper case", header("tlp", "AMBER"), ErrInvalidHeader},
		{"tlp unknown", header("tlp", "white"), ErrInvalidHeader},
		{"kind unknown", header("k", "person"), ErrInvalidHeader},
		{"caveats unsorted", header("cav", []any{"no-facet", "a"}), ErrInvalidHeader},
		{"caveat not a token", header("cav", []any{"No-Facet"}), ErrInvalidHeader},
		{"audience unsorted", change(direct, func(_, h map[string]any) {
			a := h["aud"].([]any)
			h["aud"] = []any{a[1], a[0]}
		}), ErrInvalidHeader},
		{"audience group upper case", header("aud", []any{"Members"}), ErrInvalidHeader},
		{"author not a peer ID", header("a", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"), ErrInvalidHeader},
		{"prev with n = 1", change(direct, func(_, h map[string]any) {
			var s map[string]any
			if err := gm.Unmarshal(second, &s); err != nil {
				t.Fatal(err)
			}
			h["p"] = s["h"].(map[string]any)["p"]
		}), ErrInvalidHeader},
		{"epoch 0", header("key", map[string]any{"g": "members", "e": uint64(0)}), ErrInvalidHeader},
		{"audience of 4097", header("aud", slices.Repeat([]any{"members"}, 4097)), ErrMalformed},
		{"unknown header key", header("x", uint64(1)), ErrUnknownField},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.env)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.want == ErrMalformed && !strings.Contains(err.Error(), "malformed") {
				t.Fatalf("error %q", err)
			}
		})
	}
}

var mapStringAny = reflect.TypeOf(map[string]any(nil))

// intKey replaces the header key "k" of env by the integer key 1.
func intKey(t *testing.T, env []byte) []byte {
	i := bytes.Index(env, []byte{0x61, 'k', 0x68, 's', 'i', 'g', 'h', 't', 'i', 'n', 'g'})
	if i < 0 {
		t.Fatal("no kind sighting")
	}
	return slices.Concat(env[:i], []byte{0x01}, env[i+2:])
}

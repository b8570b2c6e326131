package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"log"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ursic/ursic/share"
)

var wireOut = flag.String("wire", "share/testdata/wire", "directory for wire frame vectors")

// WireVector is the file format of one wire frame vector (SPEC.md §8.3):
// the bytes a receiver reads from a stream, and what it must make of them.
type WireVector struct {
	Description string `json:"description"`
	Expect      string `json:"expect"` // success | malformed message | frame too large | truncated
	Frame       string `json:"frame"`  // base64 (standard, padded)
}

const wirePeer = "12D3KooWQ6SC8QeL55fdVUnxYYHNba2J2GoLNPDPq3ey3WrPVtsC"

// wireVectors writes frames that a 1.0.0 receiver must accept or refuse,
// each with one defect, around the range request of the golden frames.
func wireVectors() {
	prev, err := share.ParseCID("bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm")
	if err != nil {
		log.Fatal(err)
	}
	c := prev.Bytes()
	frame := func(payload []byte) []byte { return append(uvarint(uint64(len(payload))), payload...) }
	enc := func(v any) []byte { return frame(must(encMode.Marshal(v))) }
	rng := func(from, to uint64) map[string]any {
		return map[string]any{"range": map[string]any{"a": wirePeer, "l": "g/members", "f": from, "t": to}}
	}
	good := enc(rng(1, 42))
	payload := good[1:]
	getr := []byte{0xa1, 0x64, 'g', 'e', 't', 'r'}
	write := func(name, desc, expect string, b []byte) {
		v := WireVector{desc, expect, base64.StdEncoding.EncodeToString(b)}
		out, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			log.Fatal(err)
		}
		writeFile(filepath.Join(*wireOut, name+".json"), append(out, '\n'))
	}
	tiny := make([][]byte, share.MaxBatch+1)
	for i := range tiny {
		tiny[i] = []byte{0x00}
	}

	write("range-max", "a range of exactly 10,000 entries", "success", enc(rng(1, share.MaxRange)))
	write("envs-512", "an envs of 512 one-byte envelopes (the message is checked, not the envelopes)", "success",
		enc(map[string]any{"envs": map[string]any{"e": tiny[:share.MaxBatch]}}))
	write("range-over-max", "a range of 10,001 entries", "malformed message", enc(rng(1, share.MaxRange+1)))
	write("range-backwards", "a range whose t is before its f", "malformed message", enc(rng(5, 4)))
	write("range-from-zero", "a range from 0", "malformed message", enc(rng(0, 2)))
	write("envs-513", "an envs of 513 envelopes", "malformed message", enc(map[string]any{"envs": map[string]any{"e": tiny}}))
	write("frame-too-large", "a length of 4 MiB + 1 (4,194,305), refused before any payload is read", "frame too large",
		uvarint(share.MaxFrameSize+1))
	write("varint-too-long", "a length varint of 10 bytes", "malformed message", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	write("varint-not-minimal", "the length written in two bytes where one suffices", "malformed message",
		append([]byte{0x80 | byte(len(payload)), 0x00}, payload...))
	write("empty-frame", "a length of 0", "malformed message", []byte{0x00})
	write("payload-cut-short", "the stream ends one byte before the payload does", "truncated", good[:len(good)-1])
	write("length-cut-short", "the stream ends inside the length", "truncated", []byte{0x80})
	write("not-cbor", "a payload that is not CBOR (0xff alone)", "malformed message", frame([]byte{0xff}))
	write("trailing-bytes", "a range payload followed by one zero byte inside the frame", "malformed message",
		frame(append(slices.Clone(payload), 0x00)))
	write("not-a-map", "a payload that is an array", "malformed message", enc([]string{"hello"}))
	write("no-message", "an empty map", "malformed message", enc(map[string]any{}))
	write("two-messages", "a map with getr and range", "malformed message",
		enc(map[string]any{"getr": map[string]any{"f": 1}, "range": rng(1, 2)["range"]}))
	write("unknown-message", "a message key 1.0.0 does not define", "malformed message", enc(map[string]any{"push": map[string]any{}}))
	write("unknown-key", "a getr with a key 1.0.0 does not define", "malformed message", enc(map[string]any{"getr": map[string]any{"f": 1, "x": 1}}))
	write("upper-case-key", "a getr whose key is \"F\" instead of \"f\"", "malformed message", enc(map[string]any{"getr": map[string]any{"F": 1}}))
	write("duplicate-key", "a getr with the key f twice", "malformed message", frame(append(slices.Clone(getr), 0xa2, 0x61, 'f', 0x01, 0x61, 'f', 0x02)))
	write("indefinite-length", "a getr map of indefinite length", "malformed message", frame([]byte{0xbf, 0x64, 'g', 'e', 't', 'r', 0xa1, 0x61, 'f', 0x01, 0xff}))
	write("tag", "a getr whose f is wrapped in tag 1", "malformed message", frame(append(slices.Clone(getr), 0xa1, 0x61, 'f', 0xc1, 0x01)))
	write("long-integer", "a getr whose f = 1 is written 0x18 0x01", "malformed message", frame(append(slices.Clone(getr), 0xa1, 0x61, 'f', 0x18, 0x01)))
	write("float", "a getr whose f is the float 1.0", "malformed message", frame(append(slices.Clone(getr), 0xa1, 0x61, 'f', 0xf9, 0x3c, 0x00)))
	write("null", "a getr whose f is null", "malformed message", frame(append(slices.Clone(getr), 0xa1, 0x61, 'f', 0xf6)))
	write("more-false", "an envs with \"m\": false written out", "malformed message",
		enc(map[string]any{"envs": map[string]any{"e": [][]byte{}, "m": false}}))
	write("stubs-empty", "an envs with \"s\": [] written out", "malformed message",
		enc(map[string]any{"envs": map[string]any{"e": [][]byte{}, "s": []any{}}}))
	write("envs-missing-e", "an envs without \"e\"", "malformed message", enc(map[string]any{"envs": map[string]any{}}))
	write("err-message-empty", "an err with \"m\": \"\" written out", "malformed message",
		enc(map[string]any{"err": map[string]any{"c": "internal", "m": ""}}))
	write("err-code-not-token", "an err whose code is not a token", "malformed message", enc(map[string]any{"err": map[string]any{"c": "Not Entitled"}}))
	write("hello-heads-missing", "a hello without \"h\"", "malformed message", enc(map[string]any{"hello": map[string]any{"r": 0, "rh": ""}}))
	write("hello-hash-without-version", "a hello with r = 0 and a roster hash", "malformed message",
		enc(map[string]any{"hello": map[string]any{"r": 0, "rh": strings.Repeat("a", 64), "h": []any{}}}))
	write("hello-hash-upper-case", "a hello whose roster hash is upper-case hex", "malformed message",
		enc(map[string]any{"hello": map[string]any{"r": 1, "rh": strings.Repeat("A", 64), "h": []any{}}}))
	write("head-bad-cid", "a heads whose CID is 2 bytes", "malformed message",
		enc(map[string]any{"heads": map[string]any{"h": []any{map[string]any{"a": wirePeer, "l": "g/members", "n": 1, "c": []byte{1, 2}}}}}))
	write("head-seq-zero", "a heads whose n is 0", "malformed message",
		enc(map[string]any{"heads": map[string]any{"h": []any{map[string]any{"a": wirePeer, "l": "g/members", "n": 0, "c": c}}}}))
	write("range-bad-log", "a range whose log ID has an upper-case group", "malformed message",
		enc(map[string]any{"range": map[string]any{"a": wirePeer, "l": "g/Members", "f": 1, "t": 1}}))
	write("getr-from-zero", "a getr from roster version 0", "malformed message", enc(map[string]any{"getr": map[string]any{"f": 0}}))
	write("envs-empty-envelope", "an envs holding a zero-length envelope", "malformed message",
		enc(map[string]any{"envs": map[string]any{"e": [][]byte{{}}}}))
	rawCID := append([]byte{0x01, 0x55, 0x12, 0x20}, make([]byte, 32)...) // CIDv1, codec raw
	for i := range 32 {
		rawCID[4+i] = byte(i)
	}
	write("stub-cid-not-envelope", "an envs whose stub hint \"c\" is a CIDv1 of codec raw (0x55), not an envelope CID (SPEC.md §3, §8.1; added 2026-11-30)", "malformed message",
		enc(map[string]any{"envs": map[string]any{"e": [][]byte{{0x01}}, "s": []any{map[string]any{"i": 0, "c": rawCID}}}}))
	if !bytes.Equal(good[:1], uvarint(uint64(len(payload)))) {
		log.Fatal("wireVectors: the range frame's length is not one byte")
	}
}

// uvarint is the multiformats unsigned varint of x.
func uvarint(x uint64) []byte {
	var b []byte
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

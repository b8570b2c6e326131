package share

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ursic/ursic/share/sharetest"
)

const (
	wirePeer = "12D3KooWQ6SC8QeL55fdVUnxYYHNba2J2GoLNPDPq3ey3WrPVtsC"
	wireCID  = "bafyreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm"
)

// goldenMessages are the messages of testdata/golden/wire-<name>.bin, one
// of each type. If a frame's bytes change, the wire format changed.
func goldenMessages(t testing.TB) map[string]*Message {
	c, err := ParseCID(wireCID)
	if err != nil {
		t.Fatal(err)
	}
	head := LogHead{Author: wirePeer, Log: "g/members", Seq: 42, CID: c.Bytes()}
	env, err := os.ReadFile("testdata/golden/envelope-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	roster, err := os.ReadFile("testdata/rosters/valid-genesis.json")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Message{
		"hello":   {Hello: &Hello{RosterVersion: 3, RosterHash: strings.Repeat("5a", 32), Heads: []LogHead{head, {Author: wirePeer, Log: "p/aaaaaaaaaaaaaaaaaaaaaaaaaa", Seq: 1, CID: c.Bytes()}}}},
		"heads":   {Heads: &Heads{Heads: []LogHead{head}}},
		"range":   {GetRange: &GetRange{Author: wirePeer, Log: "g/members", From: 1, To: 42}},
		"envs":    {Envelopes: &Envelopes{Envs: [][]byte{env}, More: true}},
		"getr":    {GetRosters: &GetRosters{From: 1}},
		"rosters": {Rosters: &Rosters{Docs: [][]byte{roster}}},
		"err":     {Error: &WireError{Code: CodeNotEntitled, Message: "you may not read g/executive"}},
	}
}

func frame(t testing.TB, m *Message) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMessage(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWireGolden(t *testing.T) {
	for name, m := range goldenMessages(t) {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join("testdata/golden", "wire-"+name+".bin")
			want := sharetest.Golden(t, file, frame(t, m), *update, "frame")
			back, err := ReadMessage(bytes.NewReader(want), 0)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, m) {
				t.Fatalf("decoded %+v, want %+v", back, m)
			}
			if back.Name() != name {
				t.Fatalf("Name() = %q", back.Name())
			}
		})
	}
}

// goldenEdgeMessages are the frames of testdata/golden/wire-<name>.bin that
// show the optional and empty forms: a hello with no roster and no heads,
// the empty envs that answers a range of a log the requester may not read
// (or that does not exist), an envs with stub CIDs, and an err without a
// message. Each file is named after its message type and the case.
func goldenEdgeMessages(t testing.TB) map[string]*Message {
	c, err := ParseCID(wireCID)
	if err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile("testdata/golden/envelope-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Message{
		"hello-no-roster": {Hello: &Hello{Heads: []LogHead{}}},
		"envs-empty":      {Envelopes: &Envelopes{Envs: [][]byte{}}},
		"envs-stubs":      {Envelopes: &Envelopes{Envs: [][]byte{env, env}, Stubs: []StubCID{{Index: 1, CID: c.Bytes()}}}},
		"err-code-only":   {Error: &WireError{Code: CodeRateLimited}},
	}
}

func TestWireGoldenEdges(t *testing.T) {
	for name, m := range goldenEdgeMessages(t) {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join("testdata/golden", "wire-"+name+".bin")
			want := sharetest.Golden(t, file, frame(t, m), *update, "frame")
			back, err := ReadMessage(bytes.NewReader(want), 0)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, m) {
				t.Fatalf("decoded %+v, want %+v", back, m)
			}
			if !strings.HasPrefix(name, back.Name()+"-") {
				t.Fatalf("Name() = %q", back.Name())
			}
		})
	}
}

// Frames follow each other on a stream; ReadMessage reads exactly one, from
// a bufio.Reader or from a reader that is not an io.ByteReader.
func TestWireStream(t *testing.T) {
	msgs := goldenMessages(t)
	var stream bytes.Buffer
	order := []string{"hello", "range", "envs", "err", "getr"}
	for _, n := range order {
		stream.Write(frame(t, msgs[n]))
	}
	for _, r := range []io.Reader{bufio.NewReader(bytes.NewReader(stream.Bytes())), onlyReader{bytes.NewReader(stream.Bytes())}} {
		for _, n := range order {
			m, err := ReadMessage(r, 0)
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			if m.Name() != n {
				t.Fatalf("read %q, want %q", m.Name(), n)
			}
		}
		if _, err := ReadMessage(r, 0); err != io.EOF {
			t.Fatalf("at the end: %v, want io.EOF", err)
		}
	}
}

type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestReadMessageRefuses(t *testing.T) {
	good := frame(t, goldenMessages(t)["range"])
	payload := good[1:]
	withLen := func(p []byte) []byte { return append(appendUvarint(nil, uint64(len(p))), p...) }
	encode := func(v any) []byte {
		b, err := wireEncMode.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return withLen(b)
	}
	type rangeMap = map[string]any
	rng := func(from, to uint64) rangeMap {
		return rangeMap{"a": wirePeer, "l": "g/members", "f": from, "t": to}
	}
	tests := []struct {
		name string
		in   []byte
		max  int
		want error
	}{
		{"length over max", good, 10, ErrFrameTooLarge},
		{"length over MaxFrameSize", appendUvarint(nil, MaxFrameSize+1), 0, ErrFrameTooLarge},
		{"huge length", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 0, ErrFrameTooLarge},
		{"varint too long", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 0, ErrMalformedMessage},
		{"varint not minimal", append([]byte{0x80 | byte(len(payload)), 0x00}, payload...), 0, ErrMalformedMessage},
		{"empty frame", []byte{0x00}, 0, ErrMalformedMessage},
		{"payload cut short", good[:len(good)-1], 0, io.ErrUnexpectedEOF},
		{"length cut short", []byte{0x80}, 0, io.ErrUnexpectedEOF},
		{"not CBOR", withLen([]byte{0xff}), 0, ErrMalformedMessage},
		{"trailing bytes", withLen(append(append([]byte{}, payload...), 0x00)), 0, ErrMalformedMessage},
		{"not a map", encode([]string{"hello"}), 0, ErrMalformedMessage},
		{"no field", encode(map[string]any{}), 0, ErrMalformedMessage},
		{"null field", encode(map[string]any{"hello": nil}), 0, ErrMalformedMessage},
		{"two fields", encode(map[string]any{"getr": map[string]any{"f": 1}, "range": rng(1, 2)}), 0, ErrMalformedMessage},
		{"unknown message", encode(map[string]any{"push": map[string]any{}}), 0, ErrMalformedMessage},
		{"unknown key", encode(map[string]any{"getr": map[string]any{"f": 1, "x": 1}}), 0, ErrMalformedMessage},
		{"duplicate key", withLen([]byte{0xa1, 0x64, 'g', 'e', 't', 'r', 0xa2, 0x61, 'f', 0x01, 0x61, 'f', 0x02}), 0, ErrMalformedMessage},
		{"indefinite length", withLen([]byte{0xbf, 0x64, 'g', 'e', 't', 'r', 0xa1, 0x61, 'f', 0x01, 0xff}), 0, ErrMalformedMessage},
		{"tag", withLen([]byte{0xa1, 0x64, 'g', 'e', 't', 'r', 0xa1, 0x61, 'f', 0xc1, 0x01}), 0, ErrMalformedMessage},
		{"non-canonical integer", withLen([]byte{0xa1, 0x64, 'g', 'e', 't', 'r', 0xa1, 0x61, 'f', 0x18, 0x01}), 0, ErrMalformedMessage},
		{"missing key", encode(map[string]any{"hello": map[string]any{"r": 0, "rh": ""}}), 0, ErrMalformedMessage},
		{"more: false written out", encode(map[string]any{"envs": map[string]any{"e": [][]byte{}, "m": false}}), 0, ErrMalformedMessage},
		{"range from 0", encode(map[string]any{"range": rng(0, 2)}), 0, ErrMalformedMessage},
		{"range backwards", encode(map[string]any{"range": rng(5, 4)}), 0, ErrMalformedMessage},
		{"range over MaxRange", encode(map[string]any{"range": rng(1, MaxRange+1)}), 0, ErrMalformedMessage},
		{"range bad author", encode(map[string]any{"range": rangeMap{"a": "12D3KooWnope", "l": "g/members", "f": 1, "t": 1}}), 0, ErrMalformedMessage},
		{"range bad log", encode(map[string]any{"range": rangeMap{"a": wirePeer, "l": "g/Members", "f": 1, "t": 1}}), 0, ErrMalformedMessage},
		{"head bad cid", encode(map[string]any{"heads": map[string]any{"h": []any{map[string]any{"a": wirePeer, "l": "g/members", "n": 1, "c": []byte{1, 2}}}}}), 0, ErrMalformedMessage},
		{"head seq 0", encode(map[string]any{"heads": map[string]any{"h": []any{map[string]any{"a": wirePeer, "l": "g/members", "n": 0, "c": goldenMessages(t)["heads"].Heads.Heads[0].CID}}}}), 0, ErrMalformedMessage},
		{"hello hash without version", encode(map[string]any{"hello": map[string]any{"r": 0, "rh": strings.Repeat("a", 64), "h": []any{}}}), 0, ErrMalformedMessage},
		{"getr from 0", encode(map[string]any{"getr": map[string]any{"f": 0}}), 0, ErrMalformedMessage},
		{"error code not a token", encode(map[string]any{"err": map[string]any{"c": "Not Entitled"}}), 0, ErrMalformedMessage},
		{"empty envelope", encode(map[string]any{"envs": map[string]any{"e": [][]byte{{}}}}), 0, ErrMalformedMessage},
		// SPEC.md §8.1: some arrays are always written, "[]" when empty;
		// the optional keys are absent when empty, never [], false or "".
		{"hello heads missing", encode(map[string]any{"hello": map[string]any{"r": 0, "rh": ""}}), 0, ErrMalformedMessage},
		{"hello heads null", encode(map[string]any{"hello": map[string]any{"r": 0, "rh": "", "h": nil}}), 0, ErrMalformedMessage},
		{"hello hash missing", encode(map[string]any{"hello": map[string]any{"r": 0, "h": []any{}}}), 0, ErrMalformedMessage},
		{"heads missing", encode(map[string]any{"heads": map[string]any{}}), 0, ErrMalformedMessage},
		{"envs e missing", encode(map[string]any{"envs": map[string]any{}}), 0, ErrMalformedMessage},
		{"envs e null", encode(map[string]any{"envs": map[string]any{"e": nil}}), 0, ErrMalformedMessage},
		{"stubs written empty", encode(map[string]any{"envs": map[string]any{"e": [][]byte{}, "s": []any{}}}), 0, ErrMalformedMessage},
		{"rosters d missing", encode(map[string]any{"rosters": map[string]any{}}), 0, ErrMalformedMessage},
		{"error message written empty", encode(map[string]any{"err": map[string]any{"c": "internal", "m": ""}}), 0, ErrMalformedMessage},
		{"upper-case key", encode(map[string]any{"getr": map[string]any{"F": 1}}), 0, ErrMalformedMessage},
		{"getr negative", withLen([]byte{0xa1, 0x64, 'g', 'e', 't', 'r', 0xa1, 0x61, 'f', 0x20}), 0, ErrMalformedMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadMessage(bytes.NewReader(tt.in), tt.max)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMessageValidateCaps(t *testing.T) {
	env := make([]byte, 1024)
	big := make([]byte, MaxEnvelopeSize)
	head := goldenMessages(t)["heads"].Heads.Heads[0]
	tests := []struct {
		name string
		m    *Message
		ok   bool
	}{
		{"batch at MaxBatch", &Message{Envelopes: &Envelopes{Envs: repeat(env, MaxBatch)}}, true},
		{"batch over MaxBatch", &Message{Envelopes: &Envelopes{Envs: repeat(env, MaxBatch+1)}}, false},
		{"batch at MaxBatchBytes", &Message{Envelopes: &Envelopes{Envs: repeat(big, 3)}}, true},
		{"batch over MaxBatchBytes", &Message{Envelopes: &Envelopes{Envs: repeat(big, 4)}}, false},
		{"envelope over 1 MiB", &Message{Envelopes: &Envelopes{Envs: [][]byte{make([]byte, MaxEnvelopeSize+1)}}}, false},
		{"empty batch", &Message{Envelopes: &Envelopes{}}, true},
		{"range at MaxRange", &Message{GetRange: &GetRange{Author: wirePeer, Log: "g/members", From: 5, To: 5 + MaxRange - 1}}, true},
		{"range over MaxRange", &Message{GetRange: &GetRange{Author: wirePeer, Log: "g/members", From: 5, To: 5 + MaxRange}}, false},
		{"heads over MaxHeads", &Message{Heads: &Heads{Heads: make([]LogHead, MaxHeads+1)}}, false},
		{"hello without roster", &Message{Hello: &Hello{Heads: []LogHead{head}}}, true},
		{"hello roster without hash", &Message{Hello: &Hello{RosterVersion: 1}}, false},
		{"too many rosters", &Message{Rosters: &Rosters{Docs: repeat([]byte("{}"), MaxRosterDocs+1)}}, false},
		{"no field", &Message{}, false},
		{"two fields", &Message{GetRosters: &GetRosters{From: 1}, Error: &WireError{Code: CodeInternal}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			if tt.ok != (err == nil) {
				t.Fatalf("Validate() = %v, want ok = %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrMalformedMessage) {
				t.Fatalf("%v does not wrap ErrMalformedMessage", err)
			}
			if tt.ok {
				b := frame(t, tt.m)
				if len(b) > MaxFrameSize+maxVarintLen {
					t.Fatalf("frame of %d bytes", len(b))
				}
				if _, err := ReadMessage(bytes.NewReader(b), 0); err != nil {
					t.Fatal(err)
				}
			} else if err := WriteMessage(io.Discard, tt.m); err == nil {
				t.Fatal("WriteMessage wrote an invalid message")
			}
		})
	}
}

func repeat(b []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func FuzzReadMessage(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/golden/wire-*.bin")
	files, _ := filepath.Glob("testdata/wire/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var v wireVector
		if err := json.Unmarshal(b, &v); err != nil {
			f.Fatal(err)
		}
		frame, err := base64.StdEncoding.DecodeString(v.Frame)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(frame)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		m, err := ReadMessage(r, 0)
		if err != nil {
			return
		}
		// A frame that reads re-encodes to exactly the bytes read.
		read := b[:len(b)-r.Len()]
		var out bytes.Buffer
		if err := WriteMessage(&out, m); err != nil {
			t.Fatalf("read but does not write: %v", err)
		}
		if !bytes.Equal(out.Bytes(), read) {
			t.Fatalf("re-encodes differently:\n in %x\nout %x", read, out.Bytes())
		}
		// Read a byte at a time (no io.ByteReader, the payload grown read by
		// read), the same frame gives the same message.
		m2, err := ReadMessage(iotest.OneByteReader(bytes.NewReader(b)), 0)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("a byte at a time: %v", err)
		}
		// A Reader reads the frames of b exactly as ReadMessage does, one
		// after another, with one buffer.
		br, fr := bufio.NewReader(bytes.NewReader(b)), NewReader(bytes.NewReader(b))
		defer fr.Release()
		for {
			want, werr := ReadMessage(br, 0)
			got, gerr := fr.ReadMessage(0)
			if (werr == nil) != (gerr == nil) || !reflect.DeepEqual(got, want) {
				t.Fatalf("Reader: %v %v, ReadMessage: %v %v", got, gerr, want, werr)
			}
			if werr != nil {
				break
			}
		}
	})
}

// TestDecodeMessageCopies: a decoded message shares no memory with the
// payload, which ReadMessage reuses for the next frame.
func TestDecodeMessageCopies(t *testing.T) {
	for name, m := range goldenMessages(t) {
		payload, err := EncodeMessage(m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := DecodeMessage(payload)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := range payload {
			payload[i] = 0xee
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("%s: the message changed with the payload it was decoded from", name)
		}
	}
	// And through ReadMessage, frame after frame on one reader.
	msgs := goldenMessages(t)
	var stream bytes.Buffer
	for _, n := range []string{"envs", "rosters", "envs"} {
		stream.Write(frame(t, msgs[n]))
	}
	all := stream.Bytes()
	r, fr := bufio.NewReader(bytes.NewReader(all)), NewReader(bytes.NewReader(all))
	for _, read := range []func() (*Message, error){
		func() (*Message, error) { return ReadMessage(r, 0) },
		func() (*Message, error) { defer fr.Release(); return fr.ReadMessage(0) }, // its buffer to the pool and back
	} {
		var got []*Message
		for range 3 {
			m, err := read()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, m)
		}
		if !reflect.DeepEqual(got[0], msgs["envs"]) || !reflect.DeepEqual(got[1], msgs["rosters"]) || !reflect.DeepEqual(got[2], msgs["envs"]) {
			t.Fatal("a message read earlier changed when the next was read")
		}
		if _, err := read(); err != io.EOF {
			t.Fatalf("at the end: %v, want io.EOF", err)
		}
	}
}

// TestReadMessageGrowsWithData: a frame that announces the largest length
// and sends a little costs the reader about what was sent, not what was
// announced.
func TestReadMessageGrowsWithData(t *testing.T) {
	in := append(appendUvarint(nil, MaxFrameSize), make([]byte, 1000)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadMessage(bytes.NewReader(in), 0)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > MaxFrameSize/4 {
		t.Fatalf("allocated %d bytes for a frame that sent 1,000", got)
	}
}

// wireVector is one file of testdata/wire (SPEC.md §8.3).
type wireVector struct {
	Description string `json:"description"`
	Expect      string `json:"expect"`
	Frame       string `json:"frame"`
}

// TestWireVectors reads every frame of testdata/wire as a receiver does and
// checks that it reaches exactly the expected result; an accepted frame must
// re-encode to the same bytes. The golden frames are success cases too.
func TestWireVectors(t *testing.T) {
	files, err := filepath.Glob("testdata/wire/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no wire vectors in testdata/wire (%v)", err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v wireVector
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			seen[v.Expect] = true
			frame, err := base64.StdEncoding.DecodeString(v.Frame)
			if err != nil {
				t.Fatal(err)
			}
			m, err := ReadMessage(bytes.NewReader(frame), 0)
			got := "success"
			switch {
			case err == nil:
				var again bytes.Buffer
				if err := WriteMessage(&again, m); err != nil || !bytes.Equal(again.Bytes(), frame) {
					t.Fatalf("accepted but does not re-encode byte for byte (%v)", err)
				}
			case errors.Is(err, ErrFrameTooLarge):
				got = "frame too large"
			case errors.Is(err, io.ErrUnexpectedEOF):
				got = "truncated"
			case errors.Is(err, ErrMalformedMessage):
				got = "malformed message"
			default:
				got = "error: " + err.Error()
			}
			if got != v.Expect {
				t.Errorf("%s: got %q (%v), want %q", v.Description, got, err, v.Expect)
			}
		})
	}
	for _, e := range []string{"success", "malformed message", "frame too large", "truncated"} {
		if !seen[e] {
			t.Errorf("no wire vector expects %q", e)
		}
	}
}

// TestWireVectorsDescribed keeps SPEC.md §8.3 and testdata/wire together.
func TestWireVectorsDescribed(t *testing.T) {
	b, err := os.ReadFile("SPEC.md")
	if err != nil {
		t.Fatal(err)
	}
	spec := string(b)
	i := strings.Index(spec, "### 8.3 Wire test vectors")
	j := strings.Index(spec, "## 9. Test vectors")
	if i < 0 || j < i {
		t.Fatal("SPEC.md has no §8.3 before §9")
	}
	files, _ := filepath.Glob("testdata/wire/*.json")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if !strings.Contains(spec[i:j], "`"+name+"`") {
			t.Errorf("wire vector %s is not described in SPEC.md §8.3", name)
		}
	}
}

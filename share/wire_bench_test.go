package share

import (
	"bufio"
	"bytes"
	"io"
	"testing"
)

// benchFrame is a range answer as a bulk sync sends it: 512 envelopes of the golden envelope's
// ~1.6 KiB (the envelopes are not decoded by the wire layer, so their bytes need not differ).
func benchFrame(b *testing.B) *Message {
	m := goldenMessages(b)["envs"]
	env := m.Envelopes.Envs[0]
	envs := make([][]byte, 0, MaxBatch)
	for len(envs) < MaxBatch && (len(envs)+1)*len(env) <= MaxBatchBytes {
		envs = append(envs, bytes.Clone(env))
	}
	return &Message{Envelopes: &Envelopes{Envs: envs, More: true}}
}

// BenchmarkWriteMessage encodes and writes one Envelopes frame of 512 envelopes, as serveRange
// does for every 512 records of a range.
//
//	go test ./share -run '^$' -bench 'WriteMessage|ReadMessage' -benchmem -count 5
func BenchmarkWriteMessage(b *testing.B) {
	m := benchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteMessage(io.Discard, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadMessage reads and decodes 16 Envelopes frames of 512 envelopes from one
// buffered stream, as a pull reads a range answer. ns/op is the 16 frames.
func BenchmarkReadMessage(b *testing.B) {
	m := benchFrame(b)
	var stream bytes.Buffer
	for range 16 {
		if err := WriteMessage(&stream, m); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(stream.Len()))
	b.ReportAllocs()
	for b.Loop() {
		r := bufio.NewReader(bytes.NewReader(stream.Bytes()))
		for range 16 {
			if _, err := ReadMessage(r, MaxFrameSize); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReaderReadMessage is BenchmarkReadMessage through a Reader, as a pull reads a range
// answer: one buffer for the stream's frames.
func BenchmarkReaderReadMessage(b *testing.B) {
	m := benchFrame(b)
	var stream bytes.Buffer
	for range 16 {
		if err := WriteMessage(&stream, m); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(stream.Len()))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(stream.Bytes()))
		for range 16 {
			if _, err := r.ReadMessage(MaxFrameSize); err != nil {
				b.Fatal(err)
			}
		}
		r.Release()
	}
}

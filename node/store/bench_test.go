package store

import (
	"crypto/rand"
	"fmt"
	"testing"
)

// randomLog builds n consecutive entries of one log with 1 KiB random envelopes.
func randomLog(author, log string, n int) []Entry {
	es := make([]Entry, n)
	prev := ""
	for i := range es {
		env := make([]byte, 1024)
		rand.Read(env)
		es[i] = Entry{CID: fakeCID(env), Author: author, Log: log, Seq: uint64(i + 1), Prev: prev, Envelope: env}
		prev = es[i].CID
	}
	return es
}

// BenchmarkPutBatch measures durable writes of 256 × 1 KiB envelopes per transaction, the shape
// of a sync batch.
func BenchmarkPutBatch(b *testing.B) {
	const batch = 256
	s, _ := openTemp(b)
	es := randomLog("author", "log", batch*(b.N+1))
	b.SetBytes(batch * 1024)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Put(es[i*batch : (i+1)*batch]...); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkForEach100k measures a walk over 100,000 stored 1 KiB envelopes, as at node start.
func BenchmarkForEach100k(b *testing.B) {
	const n = 100_000
	s, _ := openTemp(b)
	for a := 0; a < 10; a++ {
		es := randomLog(fmt.Sprintf("author-%d", a), "log", n/10)
		for i := 0; i < len(es); i += 1000 {
			if _, err := s.Put(es[i:min(i+1000, len(es))]...); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(n * 1024)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		count := 0
		if err := s.ForEach(func(Entry) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
		if count != n {
			b.Fatalf("ForEach visited %d, want %d", count, n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPutWithStubs1024 measures one durable store transaction of 1,024 entries of one log
// with ~1.6 KiB envelopes and CIDs in random order (hashes), the shape of a sync's storer batch
// (storeLog). ns/op is a batch; divide by 1,024 for a record.
//
//	go test ./node/store -run '^$' -bench PutWithStubs1024 -benchmem -count 5
func BenchmarkPutWithStubs1024(b *testing.B) {
	const batch = 1024
	s, _ := openTemp(b)
	es := make([]Entry, 0, batch*64)
	prev := ""
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%64 == 0 {
			// Build the next 64 batches outside the timing.
			b.StopTimer()
			es = es[:0]
			for range batch * 64 {
				env := make([]byte, 1600)
				rand.Read(env)
				e := Entry{CID: fakeCID(env), Author: "author", Log: "log", Seq: uint64(i*batch + len(es) + 1), Prev: prev, Envelope: env}
				es = append(es, e)
				prev = e.CID
			}
			b.StartTimer()
		}
		k := i % 64
		if _, err := s.PutWithStubs(nil, es[k*batch:(k+1)*batch]...); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

package node

import (
	"os"
	"testing"
	"time"

	"github.com/ursic/ursic/internal/benchrecords"
	"github.com/ursic/ursic/share"
)

// BenchmarkFactsOf is the receiver's own work on one opened record before
// it is applied (sync's prepare stage, a rebuild, a publish): factsOf on a
// peer's record, for realistic bodies of the four kinds the case table and
// the screening index read — ursic-bench's ~1 KiB indicators and methods,
// share's sighting and facet. Run with
//
//	go test ./node -run '^$' -bench FactsOf -benchmem -count 5
func BenchmarkFactsOf(b *testing.B) {
	_, h := homeWithSecretariat(b)
	n, err := Open(h, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { n.Close() })
	author := n.roster().Members[1].PeerID // the secretariat: another member
	if author == n.PeerID() {
		author = n.roster().Members[0].PeerID
	}
	canonical := func(raw []byte) *share.Record {
		r, err := share.ParseRecord(raw)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
		return r
	}
	file := func(name string) *share.Record {
		raw, err := os.ReadFile("../share/testdata/records/" + name)
		if err != nil {
			b.Fatal(err)
		}
		return canonical(raw)
	}
	for _, c := range []struct {
		name string
		recs []*share.Record
	}{
		{"indicator", []*share.Record{canonical(benchrecords.Record("f", 0)), canonical(benchrecords.Record("f", 1))}},
		{"method", []*share.Record{canonical(benchrecords.Record("f", 9)), canonical(benchrecords.Record("f", 19))}},
		{"sighting", []*share.Record{file("valid-sighting.json")}},
		{"facet", []*share.Record{file("valid-facet.json"), file("valid-facet-mitigations.json")}},
	} {
		envs := make([]*share.Envelope, len(c.recs))
		for i, r := range c.recs {
			envs[i] = &share.Envelope{Header: share.Header{Kind: r.Kind, Author: author, Log: "members", Seq: uint64(i + 1),
				TLP: "amber", Audience: []string{"members"}, Created: time.Now().UnixMilli()}}
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := i % len(envs)
				n.factsOf("c1", envs[k], c.recs[k])
				i++
			}
		})
	}
}

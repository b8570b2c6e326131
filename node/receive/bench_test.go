package receive

import (
	"path/filepath"
	"testing"

	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// BenchmarkCatalogueBuild reads the classes of a 10,000-entry log from the
// store, as the first Hello after a start does:
//
//	go test ./node/receive -run '^$' -bench CatalogueBuild -benchmem
func BenchmarkCatalogueBuild(b *testing.B) {
	const n = 10_000
	dir := b.TempDir()
	st, err := store.Open(filepath.Join(dir, "store.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	author := identities[0]
	var prev []byte
	var batch []store.Entry
	prevCID := ""
	for i := range n {
		raw := sealAt(b, author, uint64(i+1), prev, "amber", []string{"members"}, 1)
		c := share.CIDOf(raw)
		batch = append(batch, store.Entry{CID: c.String(), Author: author.PeerID(), Log: "g/members", Seq: uint64(i + 1), Prev: prevCID, Envelope: raw})
		prev, prevCID = c.Bytes(), c.String()
	}
	if _, err := st.Put(batch...); err != nil {
		b.Fatal(err)
	}
	vs := views{1: nil}
	b.ResetTimer()
	for range b.N {
		cat := NewCatalogue(st, NewEntitlement(vs), author.PeerID())
		if _, err := cat.HeadFor(author.PeerID(), "g/members", author.PeerID()); err != nil && err != ErrNothingFor {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/entry")
}

// BenchmarkCheckFramePastGap checks one push of 512 valid envelopes of a log
// past a hole in it (a member's own log at a far position): sieved out
// before the signature check. "checked" is the same frame as the answer to
// a range, checked in full, which is what every such push cost before the
// sieve; "held" is a push of 512 envelopes the store holds (a relay
// replaying what this node has), looked up before they are decoded:
//
//	go test ./node/receive -run '^$' -bench CheckFramePastGap -benchmem
func BenchmarkCheckFramePastGap(b *testing.B) {
	frame := validFrame(b, share.MaxBatch+1)[1:] // seq 2..513: past a hole at 1
	from := identities[0].PeerID()
	for _, c := range []struct {
		name  string
		asked *Asked
		st    fakeStore
	}{
		{"sieved", nil, fakeStore{}},
		{"checked", &Asked{Author: from, Log: share.LogID([]string{"members"}), From: 2, To: share.MaxBatch + 1}, fakeStore{}},
		{"held", nil, fakeStore{holds: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ch := checkerOver(c.st)
			for range b.N {
				ch.CheckFrame(frame, from, c.asked)
			}
		})
	}
}

package node_test

// Benchmarks of the reader's per-record cost (docs/BENCHMARKS.md, "Size
// independence" and the crypto floor of "Bulk sync"). They run only with
// -bench:
//
//	go test ./node -run '^$' -bench 'OpenGroupRecord|CryptoFloor'
//
// Each builds a consortium of N members (an author, a reader, N-2 absent
// members), has the author publish records to `members` through
// node.Publish (one sender-key epoch), and reads the real envelopes back
// from the author's store. One op is one record: share.Decode, then
// Envelope.Open with the group key the reader opened from the senderkey
// record (signature and body digest verified, stanza unwrapped, body
// decrypted and checked).

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

func BenchmarkOpenGroupRecord9(b *testing.B)   { benchOpenGroupRecord(b, 9) }
func BenchmarkOpenGroupRecord66(b *testing.B)  { benchOpenGroupRecord(b, 66) }
func BenchmarkOpenGroupRecord500(b *testing.B) { benchOpenGroupRecord(b, 500) }

func benchOpenGroupRecord(b *testing.B, members int) {
	envs, key := benchGroupEnvelopes(b, members, 64)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		benchOpenOne(b, envs[i%len(envs)], key)
		i++
	}
}

// BenchmarkCryptoFloor is the crypto floor of bulk sync: decode + verify +
// open of 1 KiB group records, on one core and on all cores (GOMAXPROCS);
// rec/s is the figure bulk sync is compared against (docs/BENCHMARKS.md).
func BenchmarkCryptoFloor(b *testing.B) {
	envs, key := benchGroupEnvelopes(b, 9, 256)
	b.Run("1core", func(b *testing.B) {
		i := 0
		for b.Loop() {
			benchOpenOne(b, envs[i%len(envs)], key)
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rec/s")
	})
	b.Run("allcores", func(b *testing.B) {
		t0 := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				benchOpenOne(b, envs[i%len(envs)], key)
				i++
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "rec/s")
	})
}

func benchOpenOne(b *testing.B, raw []byte, key age.Identity) {
	env, err := share.Decode(raw)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := env.Open(key); err != nil {
		b.Fatal(err)
	}
}

// benchGroupEnvelopes returns k group-sealed record envelopes published by
// a real node in a consortium of members, and the reader's group key.
func benchGroupEnvelopes(b *testing.B, members, k int) ([][]byte, age.Identity) {
	b.Helper()
	root := b.TempDir()
	var ids []*crypto.Identity
	var dirs []string
	g := &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second)}
	for _, name := range []string{"author", "reader"} {
		dir := filepath.Join(root, name)
		card, err := node.Init(dir, node.InitOptions{Name: name})
		if err != nil {
			b.Fatal(err)
		}
		h, err := node.LoadHome(dir, "")
		if err != nil {
			b.Fatal(err)
		}
		ids, dirs = append(ids, h.Identity), append(dirs, dir)
		g.Members = append(g.Members, share.RosterMember(*card))
		g.Executive = append(g.Executive, card.PeerID)
	}
	for i := range members - 2 {
		id, err := crypto.GenerateIdentity()
		if err != nil {
			b.Fatal(err)
		}
		g.Members = append(g.Members, share.RosterMember{Name: fmt.Sprintf("absent-%03d", i), Role: "member", PeerID: id.PeerID(), Recipient: id.Recipient(), Addrs: []string{}})
	}
	g.Normalize()
	for _, id := range ids {
		if err := g.Sign(id); err != nil {
			b.Fatal(err)
		}
	}
	for _, dir := range dirs {
		if err := node.ApplyRosterOffline(dir, g); err != nil {
			b.Fatal(err)
		}
	}
	h, err := node.LoadHome(dirs[0], "")
	if err != nil {
		b.Fatal(err)
	}
	n, err := node.Open(h, node.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	recs := make([][]byte, k)
	for i := range recs {
		recs[i] = benchOpenRecord(i)
	}
	if err := n.Publish(context.Background(), recs, node.PublishOptions{}, func(node.Published) error { return nil }); err != nil {
		b.Fatal(err)
	}
	n.Close()

	st, err := store.Open(filepath.Join(dirs[0], node.StoreFile))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var envs [][]byte
	var key age.Identity
	err = st.ForEach(func(e store.Entry) error {
		env, err := share.Decode(e.Envelope)
		if err != nil {
			return err
		}
		if env.Header.Kind != share.KindSenderKey {
			envs = append(envs, e.Envelope)
			return nil
		}
		plain, err := env.Open(ids[1].AgeIdentity())
		if err != nil {
			return err
		}
		body, err := share.ParseSenderKeyBody(plain)
		if err != nil {
			return err
		}
		key, err = body.Identity()
		return err
	})
	if err != nil || key == nil || len(envs) != k {
		b.Fatalf("reading the author's store: %v (key %v, %d envelopes)", err, key != nil, len(envs))
	}
	return envs, key
}

// benchOpenRecord is an `indicator` record of about 1 KiB of neutral prose.
func benchOpenRecord(i int) []byte {
	prose := strings.Repeat("The offer arrived through an intermediary foundation and the funding agreement "+
		"named a second company as the beneficiary of all results. ", 5)[:560]
	return fmt.Appendf(nil, `{"kind":"indicator","title":"bench indicator %d","indicator_type":"procurement_front",`+
		`"subject":{"kind":"organisation","names":[{"value":"Northbridge Trading Co. %d","lang":"en","type":"legal"}],"jurisdiction":"JP"},`+
		`"reason_category":"export_control","summary":%q,"tech_areas":["photonics"],"severity":"high","confidence":"medium",`+
		`"valid_from":"2026-04-01","valid_until":"2099-03-31","review_due":"2099-01-31",`+
		`"basis":{"source_type":"government_list","source_list":"METI End User List","as_of":"2026-03-15","legal_effect":"advisory"},`+
		`"suggested_mitigation":"Screen against the End User List before any MTA, quote or purchase."}`, i, i, prose)
}

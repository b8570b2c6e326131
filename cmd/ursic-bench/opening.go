package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// groupCorpus makes a consortium of members nodes (an author, a reader and
// members-2 absent members), has the author publish k records to `members`
// (one sender-key epoch), and returns the author's stored envelopes and
// the reader's identity. Nothing is started: publishing needs no network.
func groupCorpus(root string, members, k int) ([][]byte, *crypto.Identity, error) {
	dir := filepath.Join(root, fmt.Sprintf("open-%d", members))
	author, err := newPeer(dir, "author", false)
	if err != nil {
		return nil, nil, err
	}
	reader, err := newPeer(dir, "reader", false)
	if err != nil {
		return nil, nil, err
	}
	roster := []share.RosterMember{author.member(), reader.member()}
	for i := range members - 2 {
		m, err := fakeMember(i)
		if err != nil {
			return nil, nil, err
		}
		roster = append(roster, m)
	}
	if _, err := installGenesis(roster, []*crypto.Identity{author.id, reader.id}, author.dir, reader.dir); err != nil {
		return nil, nil, err
	}
	if _, err := author.open(); err != nil {
		return nil, nil, err
	}
	if _, err := author.publish(records("open", 0, k)); err != nil {
		author.close()
		return nil, nil, err
	}
	author.close()
	envs, err := readStore(filepath.Join(author.dir, node.StoreFile))
	os.RemoveAll(dir)
	return envs, reader.id, err
}

// perRecord times fn over recs, best of three passes, in ns per record.
func perRecord(n int, fn func() error) (float64, error) {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		t0 := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		best = min(best, time.Since(t0))
	}
	return float64(best.Nanoseconds()) / float64(n), nil
}

func runOpening(root string, sizes []int, k int, res *results) error {
	group := map[int]float64{}
	for _, members := range sizes {
		scen := fmt.Sprintf("open %d members", members)
		envs, reader, err := groupCorpus(root, members, k)
		if err != nil {
			return err
		}
		keys, skTook, err := groupKeyFor(envs, reader)
		if err != nil {
			return err
		}
		recs := groupRecords(envs)
		full, err := perRecord(len(recs), func() error { return openAll(recs, keys) })
		if err != nil {
			return err
		}
		decoded := make([]*share.Envelope, len(recs))
		for i, raw := range recs {
			decoded[i], _ = share.Decode(raw)
		}
		unwrap, err := perRecord(len(recs), func() error {
			for _, e := range decoded {
				if _, err := crypto.Open(e.Body, keys[e.Header.Key.Epoch]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		group[members] = full
		var skSize int
		for _, raw := range envs {
			if e, _ := share.Decode(raw); e != nil && e.Header.Kind == share.KindSenderKey {
				skSize = len(raw)
			}
		}
		res.check(scen, "group record: decode+verify+open at one reader", fmt.Sprintf("%.1f µs/rec", full/1000), "≤ 80 µs", full <= 80_000)
		res.add(scen, "  of which age unwrap+decrypt alone", fmt.Sprintf("%.1f µs/rec", unwrap/1000), "", info)
		res.add(scen, "senderkey record: size / open once per epoch", fmt.Sprintf("%d B / %.2f ms", skSize, float64(skTook.Microseconds())/1000), "", info)

		// For contrast: what sender keys avoid — every record sealed
		// directly to all members; a reader's stanza is anywhere in the
		// list (here: rotating, so the average position).
		if err := naive(members, decoded, res, scen); err != nil {
			return err
		}
	}
	if len(group) >= 2 {
		vals := make([]float64, 0, len(group))
		for _, v := range group {
			vals = append(vals, v)
		}
		ratio := slices.Max(vals) / slices.Min(vals)
		res.check("open", fmt.Sprintf("max/min per-record open cost over %v members", sizes), fmt.Sprintf("%.2f", ratio), "≤ 1.20", ratio <= 1.2)
	}
	return nil
}

func naive(members int, group []*share.Envelope, res *results, scen string) error {
	ids := make([]*age.X25519Identity, members)
	recips := make([]age.Recipient, members)
	for i := range ids {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return err
		}
		ids[i], recips[i] = id, id.Recipient()
	}
	n := min(len(group), max(8, 4000/members))
	plains := make([][]byte, n)
	for i := range plains {
		plains[i] = record("naive", i)
	}
	sealed := make([][]byte, n)
	t0 := time.Now()
	for i, p := range plains {
		var err error
		if sealed[i], err = crypto.Seal(p, recips...); err != nil {
			return err
		}
	}
	seal := float64(time.Since(t0).Nanoseconds()) / float64(n)
	open, err := perRecord(n, func() error {
		for i, s := range sealed {
			if _, err := crypto.Open(s, ids[(i*7919)%members]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	res.add(scen, "naive direct sealing to all: open at a reader (avg stanza)", fmt.Sprintf("%.1f µs/rec (%.0f rec/s)", open/1000, 1e9/open), "", info)
	res.add(scen, "naive direct sealing to all: seal at the author", fmt.Sprintf("%.1f µs/rec", seal/1000), "", info)
	res.add(scen, "naive body size", fmt.Sprintf("%d B", len(sealed[0])), "", info)
	return nil
}

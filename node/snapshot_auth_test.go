package node

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/share"
)

// TestSnapshotForgedWithPublicRecipientRefused: a snapshot anyone could make
// — the genuine one's header and facts plus a fact nobody signed, sealed
// with age to the node's public recipient (every roster lists it) — is
// refused at start: the log says why, the node rebuilds from the store,
// and the forged row is never listed, then or after the next start. The
// genuine snapshot does not open with the node's X25519 identity either:
// it is sealed with a key only the node can derive.
func TestSnapshotForgedWithPublicRecipientRefused(t *testing.T) {
	dir, h := homeWithSecretariat(t)
	quiet := Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := Open(h, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	rec := []byte(`{"kind":"method","title":"Genuine","tactic":"talent_recruitment","period":"2026-Q4","narrative":"N.","outcome":"declined"}`)
	if err := n.Publish(ctx, [][]byte{rec}, PublishOptions{}, func(Published) error { return nil }); err != nil {
		t.Fatal(err)
	}
	peer := n.PeerID()
	n.Close()
	path := filepath.Join(dir, SnapshotFile)

	// The genuine snapshot: not openable with the node's X25519 identity,
	// whose recipient is public.
	genuine, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := age.Decrypt(bytes.NewReader(genuine), h.Identity.AgeIdentity()); err == nil {
		t.Fatal("the snapshot opens with the node's X25519 identity: anyone with its public recipient could write one")
	}

	// Everything in the header is public or in store.db; copy it and the
	// facts from the genuine file (a forger need not read it: this only
	// saves rebuilding the header by hand), and add a forged fact.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := openSnapshotFile(f, h.Identity)
	if err != nil {
		t.Fatal(err)
	}
	var items []snapItem
	var facts, unopened uint64
	for {
		it, err := sr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	f.Close()
	if len(items) == 0 {
		t.Fatal("the genuine snapshot holds no facts")
	}
	const forgedCID = "bafyreiforgedforgedforgedforgedforgedforgedforgedforgedfo"
	forged := toSnapFact(&recordFacts{Row: index.Row{CID: forgedCID, Kind: "indicator",
		Author: peer, AuthorName: "kyoto", Log: "g/members", Seq: 99, TLP: "green", Audience: []string{"members"},
		Created: time.Now().UTC(), Title: "FORGED BY ATTACKER", Text: "forged"}})
	items = append(items, snapItem{Fact: &forged})
	for _, it := range items {
		if it.Fact != nil {
			facts++
		} else {
			unopened++
		}
	}
	items = append(items, snapItem{End: &snapTrailer{Facts: facts, Unopened: unopened}})
	r, err := crypto.ParseRecipient(h.Identity.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(snapPlain(t, sr.hdr, items...)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	listed := func(n *Node) (genuine, forged bool) {
		t.Helper()
		if err := n.WaitIndexed(ctx); err != nil {
			t.Fatal(err)
		}
		rs, _, err := n.List(ListOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rs {
			genuine = genuine || row.Title == "Genuine"
			forged = forged || row.CID == forgedCID || row.Title == "FORGED BY ATTACKER"
		}
		return genuine, forged
	}
	for i, want := range []string{"not sealed with this node's snapshot key", "index loaded from snapshot"} {
		var lg lockedLog
		n, err := Open(h, Options{Logger: slog.New(slog.NewTextHandler(&lg, nil))})
		if err != nil {
			t.Fatal(err)
		}
		g, fg := listed(n)
		n.Close()
		if fg {
			t.Fatalf("start %d: the forged record is listed", i+1)
		}
		if !g {
			t.Fatalf("start %d: the genuine record is not listed", i+1)
		}
		if !strings.Contains(lg.String(), want) {
			t.Fatalf("start %d: the log does not say %q:\n%s", i+1, want, lg.String())
		}
		if i == 0 && (strings.Contains(lg.String(), "index loaded from snapshot") || !strings.Contains(lg.String(), "rebuilding the index from the store")) {
			t.Fatalf("start 1: the forged snapshot was loaded, or no rebuild:\n%s", lg.String())
		}
	}
}

// TestRetractBeforeRecordFactsStaysRetracted: a retraction that arrives
// while the index loads in the background, before the load reaches the
// record it names, is not lost: the load's later insert of the record's
// facts leaves it retracted, so it never shows as live (not listed as live,
// not found by its words, no live case).
func TestRetractBeforeRecordFactsStaysRetracted(t *testing.T) {
	_, h := homeWithSecretariat(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := Open(h, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	rec := []byte(`{"kind":"method","title":"Zephyrine approach","tactic":"talent_recruitment","period":"2026-Q4","narrative":"N.","outcome":"declined"}`)
	var cid string
	if err := n.Publish(ctx, [][]byte{rec}, PublishOptions{}, func(p Published) error { cid = p.CID; return nil }); err != nil {
		t.Fatal(err)
	}
	facts, ok, _, err := n.openStored(cid)
	if err != nil || !ok {
		t.Fatalf("open the published record: %v %v", ok, err)
	}
	if rs, _, err := n.List(ListOptions{All: true, Text: "Zephyrine"}); err != nil || len(rs) != 1 {
		t.Fatalf("the record's words do not find it while live: %d rows, %v", len(rs), err)
	}
	// The index as a background load finds it before reaching the record.
	if n.index, err = index.New(); err != nil {
		t.Fatal(err)
	}
	ret := &received{
		Envelope: &receive.Envelope{CID: "bafyretraction", Env: &share.Envelope{Header: share.Header{Kind: share.KindRetraction, Author: n.PeerID()}}},
		plain:    []byte(`{"target":"` + cid + `","reason":"withdrawn"}`),
	}
	n.applyRetraction(ret)
	// The load reaches the record.
	if err := n.applyFacts([]recordFacts{facts}); err != nil {
		t.Fatal(err)
	}
	row, ok := n.index.Get(cid)
	if !ok || !row.Retracted || row.RetractedBy != "bafyretraction" || row.Title != "" {
		t.Fatalf("after the retraction and then the record's facts: %+v (found %v)", row, ok)
	}
	if n.liveRecord(cid) {
		t.Fatal("the retracted record is live")
	}
	rs, _, err := n.List(ListOptions{All: true, Text: "Zephyrine"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 0 {
		t.Fatalf("the retracted record's words still find it: %+v", rs)
	}
	rs, _, err = n.List(ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rs {
		if v.CID == cid && !v.Retracted {
			t.Fatalf("listed as live: %+v", v)
		}
	}
	for _, s := range n.cases.all() {
		if s.cid == cid && n.live(s) {
			t.Fatal("the retracted record is a live case")
		}
	}
}

// TestSnapshotOfAnotherHistoryRebuilds: a copy of the store put back by
// hand, which then went another way that lists the same CID under the
// number the snapshot covers (a retraction of the same record, in the same
// place of both histories), is told apart by the store's running hash: the
// snapshot is stale, the node rebuilds, and lists what this store holds.
func TestSnapshotOfAnotherHistoryRebuilds(t *testing.T) {
	dir, h := homeWithSecretariat(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	storePath, snap := filepath.Join(dir, StoreFile), filepath.Join(dir, SnapshotFile)
	quiet := Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	record := func(title string) []byte {
		return []byte(`{"kind":"method","title":"` + title + `","tactic":"talent_recruitment","period":"2026-Q4","narrative":"N.","outcome":"declined"}`)
	}
	session := func(do func(n *Node)) {
		t.Helper()
		n, err := Open(h, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.WaitIndexed(ctx); err != nil {
			t.Fatal(err)
		}
		do(n)
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
	}
	publish := func(n *Node, title string) string {
		t.Helper()
		var cid string
		if err := n.Publish(ctx, [][]byte{record(title)}, PublishOptions{}, func(p Published) error { cid = p.CID; return nil }); err != nil {
			t.Fatal(err)
		}
		return cid
	}
	var base string
	session(func(n *Node) { base = publish(n, "Base") })
	copied, err := os.ReadFile(storePath)
	if err != nil {
		t.Fatal(err)
	}
	branch := func(title string) {
		session(func(n *Node) {
			publish(n, title)
			if _, err := n.Retract(base, "withdrawn"); err != nil {
				t.Fatal(err)
			}
		})
	}
	branch("Branch A")
	snapA, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(snap)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := openSnapshotFile(f, h.Identity)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	hdrA := sr.hdr

	// The copy goes back, and takes another way.
	if err := os.WriteFile(storePath, copied, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(snap)
	branch("Branch B")
	session(func(n *Node) {
		c, err := n.store.ChangeAt(hdrA.Seq)
		if err != nil || c.CID != hdrA.SeqCID {
			t.Fatalf("setup: change %d of the other history is %v (%v), not the CID the snapshot names (%s)", hdrA.Seq, c, err, hdrA.SeqCID)
		}
	})

	if err := os.WriteFile(snap, snapA, 0o600); err != nil {
		t.Fatal(err)
	}
	var lg lockedLog
	n, err := Open(h, Options{Logger: slog.New(slog.NewTextHandler(&lg, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lg.String(), staleHistory) || strings.Contains(lg.String(), "index loaded from snapshot") {
		t.Fatalf("the snapshot of another history was not refused:\n%s", lg.String())
	}
	rs, _, err := n.List(ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, r := range rs {
		titles = append(titles, r.Title)
	}
	if got := strings.Join(titles, ","); strings.Contains(got, "Branch A") || !strings.Contains(got, "Branch B") {
		t.Fatalf("listed %q: want the store's own history (Branch B), not the snapshot's", titles)
	}
}

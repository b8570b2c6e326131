package node_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/ursic/ursic/node"
)

// The index snapshot's acceptance tests: whatever state the snapshot file is
// in, a start ends with the index, case table and screening answers a full
// rebuild gives, and says in the log which way it went.

const screenList = "name\nNorthbridge Photonics Trading Co Ltd\nHorizon Bridge Visiting Scholars Programme\n北橋光学貿易株式会社\n"

// fingerprint is what a user can ask the node: every record listed
// (retracted ones as stubs), 相場感 for the samples' categories, a screening,
// and the count of envelopes it holds but cannot read.
func fingerprint(t *testing.T, n *node.Node) string {
	t.Helper()
	if err := n.WaitIndexed(context.Background()); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	rs, _, err := n.List(node.ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	enc.Encode(rs)
	for _, c := range []string{"talent_recruitment", "procurement", "intermediary_funding", "export_control", "research_integrity", "undisclosed_obligation"} {
		s, err := n.Similar(node.SimilarOptions{Category: c})
		if err != nil {
			t.Fatal(err)
		}
		enc.Encode(s)
	}
	res, err := n.Screen(context.Background(), "list.csv", []byte(screenList), node.ScreenOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	enc.Encode(res)
	st, err := n.Status()
	if err != nil {
		t.Fatal(err)
	}
	enc.Encode(st.Unreadable)
	return b.String()
}

// startLogged starts p and returns what it logged while opening.
func startLogged(p *peerNode) string {
	p.tb.Helper()
	from := len(p.log.String())
	p.startNode()
	if err := p.n.WaitIndexed(context.Background()); err != nil {
		p.tb.Fatal(err)
	}
	return p.log.String()[from:]
}

func snapPath(p *peerNode) string { return filepath.Join(p.dir, node.SnapshotFile) }

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// rebuiltFingerprint starts p with no snapshot (a full rebuild), returns its
// fingerprint, and stops it; the snapshot it wrote stays.
func rebuiltFingerprint(t *testing.T, p *peerNode) string {
	t.Helper()
	os.Remove(snapPath(p))
	if lg := startLogged(p); !strings.Contains(lg, "index snapshot missing") {
		t.Fatalf("a start without a snapshot did not say so:\n%s", lg)
	}
	fp := fingerprint(t, p.n)
	p.stop()
	return fp
}

func mustContain(t *testing.T, log, what string) {
	t.Helper()
	if !strings.Contains(log, what) {
		t.Fatalf("the log does not say %q:\n%s", what, log)
	}
}

// TestSnapshotCoversChangesAfterIt: records published, received and
// retracted after a snapshot was written are there (or retracted) after a
// restart that loads that snapshot, and the node answers as a full rebuild
// does; the snapshot Close writes answers the same again.
func TestSnapshotCoversChangesAfterIt(t *testing.T) {
	nodes, _ := newConsortium(t, "kyoto", "osaka")
	a, b := nodes[0], nodes[1]
	startMesh(t, a, b)
	amber := sampleRecord(t, "indicator-amber.json")
	green := sampleRecord(t, "indicator-green.json")
	method := sampleRecord(t, "method-amber-strict.json")
	own1 := a.publish(amber, node.PublishOptions{})
	a.publish(method, node.PublishOptions{})
	theirs1 := b.publish(green, node.PublishOptions{})
	waitFor(t, fedWait, "kyoto reads osaka's record", func() bool { syncAll(a, b); return a.canRead(theirs1) })

	a.stop() // Close writes the snapshot
	old := readFile(t, snapPath(a))
	mustContain(t, startLogged(a), "index loaded from snapshot")
	waitFor(t, fedWait, "kyoto connected", func() bool { return a.connectedTo(b) })

	// After the snapshot: one of each change.
	own2 := a.publish(green, node.PublishOptions{})
	if _, err := a.n.Retract(own1, "withdrawn"); err != nil {
		t.Fatal(err)
	}
	theirs2 := b.publish(amber, node.PublishOptions{})
	if _, err := b.n.Retract(theirs1, "withdrawn"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "kyoto receives osaka's new record and retraction", func() bool {
		syncAll(a, b)
		v, err := a.n.Show(theirs1)
		return a.canRead(theirs2) && err == nil && v.Retracted
	})
	b.stop()
	a.stop()

	// The old snapshot: it covers less of the same store.
	writeFile(t, snapPath(a), old)
	lg := startLogged(a)
	mustContain(t, lg, "index loaded from snapshot")
	if strings.Contains(lg, "changes_since=0 ") {
		t.Fatalf("the old snapshot was loaded as if nothing changed after it:\n%s", lg)
	}
	fromOld := fingerprint(t, a.n)
	for _, c := range []string{own2, theirs2} {
		if v, err := a.n.Show(c); err != nil || v.Retracted {
			t.Errorf("%s, stored after the snapshot: %v, retracted %v", c, err, v.Retracted)
		}
	}
	for _, c := range []string{own1, theirs1} {
		if v, err := a.n.Show(c); err != nil || !v.Retracted {
			t.Errorf("%s, retracted after the snapshot: %v, retracted %v", c, err, v.Retracted)
		}
	}
	if res, err := a.n.Screen(context.Background(), "x.txt", []byte("Northbridge Photonics Trading Co Ltd\n"), node.ScreenOptions{}); err != nil || len(res.Rows[0].Hits) != 1 || res.Rows[0].Hits[0].CID != theirs2 {
		t.Errorf("screening after the restart: %+v, %v; want only %s", res, err, theirs2)
	}
	a.stop() // writes the merged snapshot
	merged := readFile(t, snapPath(a))
	if bytes.Equal(merged, old) {
		t.Fatal("Close did not bring the snapshot up to date")
	}

	want := rebuiltFingerprint(t, a)
	if fromOld != want {
		t.Errorf("loaded from the old snapshot and the changes after it:\n%s\nfull rebuild:\n%s", fromOld, want)
	}
	writeFile(t, snapPath(a), merged)
	lg = startLogged(a)
	mustContain(t, lg, "index loaded from snapshot")
	mustContain(t, lg, "opened=0")
	if got := fingerprint(t, a.n); got != want {
		t.Errorf("loaded from the merged snapshot:\n%s\nfull rebuild:\n%s", got, want)
	}
}

// TestSnapshotDamagedOrForeignRebuilds damages, truncates and replaces the
// snapshot (another node's, another store's, one ahead of a store restored
// from a copy, one from a store that went another way since): each time the
// node says why in the log, rebuilds, answers as a full rebuild does, and
// writes a snapshot that the next start loads.
func TestSnapshotDamagedOrForeignRebuilds(t *testing.T) {
	nodes, _ := newConsortium(t, "kyoto", "osaka")
	a, b := nodes[0], nodes[1]
	a.startNode()
	for _, name := range []string{"indicator-amber.json", "indicator-green.json", "method-amber-strict.json", "indicator-clear.json"} {
		a.publish(sampleRecord(t, name), node.PublishOptions{})
	}
	a.stop()
	b.startNode()
	b.publish(sampleRecord(t, "indicator-green.json"), node.PublishOptions{})
	b.stop()
	good := readFile(t, snapPath(a))
	want := rebuiltFingerprint(t, a)

	check := func(name, reason string, prepare func()) {
		t.Helper()
		prepare()
		lg := startLogged(a)
		mustContain(t, lg, reason)
		mustContain(t, lg, "rebuilding the index from the store")
		if strings.Contains(lg, "index loaded from snapshot") {
			t.Fatalf("%s: the snapshot was loaded:\n%s", name, lg)
		}
		if got := fingerprint(t, a.n); got != want {
			t.Errorf("%s: after the rebuild:\n%s\nfull rebuild:\n%s", name, got, want)
		}
		a.stop()
		// The rebuild wrote a good snapshot.
		mustContain(t, startLogged(a), "index loaded from snapshot")
		if got := fingerprint(t, a.n); got != want {
			t.Errorf("%s: loaded from the new snapshot:\n%s\nfull rebuild:\n%s", name, got, want)
		}
		a.stop()
	}
	check("flipped bytes", "index snapshot damaged", func() {
		d := bytes.Clone(good)
		for i := len(d) / 2; i < len(d)/2+8; i++ {
			d[i] ^= 0x55
		}
		writeFile(t, snapPath(a), d)
	})
	check("cut in half", "index snapshot damaged", func() { writeFile(t, snapPath(a), good[:len(good)/2]) })
	check("last bytes cut", "index snapshot damaged", func() { writeFile(t, snapPath(a), good[:len(good)-17]) })
	check("empty", "index snapshot damaged", func() { writeFile(t, snapPath(a), nil) })
	check("another node's", "not sealed with this node's snapshot key", func() {
		writeFile(t, snapPath(a), readFile(t, snapPath(b)))
	})

	// Another store: a snapshot written over an empty store, put beside the
	// real one.
	storePath := filepath.Join(a.dir, node.StoreFile)
	real := readFile(t, storePath)
	os.Remove(storePath)
	a.startNode()
	a.stop()
	otherStore := readFile(t, snapPath(a))
	writeFile(t, storePath, real)
	check("another store's", "index snapshot from another store", func() { writeFile(t, snapPath(a), otherStore) })

	// A store restored from a copy older than the snapshot.
	a.startNode()
	a.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	a.stop()
	ahead := readFile(t, snapPath(a))
	writeFile(t, storePath, real)
	check("ahead of the store", "stale: the store is behind it", func() { writeFile(t, snapPath(a), ahead) })

	// The same store went another way since the copy: its change at the
	// snapshot's number is another record.
	a.startNode()
	a.publish(sampleRecord(t, "method-amber-strict.json"), node.PublishOptions{})
	a.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{})
	a.stop()
	want = rebuiltFingerprint(t, a)
	check("from a store that went another way", "stale: store changed beyond it", func() { writeFile(t, snapPath(a), ahead) })

	// A version from before the change sequence wrote to the store (a
	// downgrade and an upgrade again): it moved the store's count of records
	// but listed nothing, as every write of such a version does.
	check("after a downgrade", "a version that does not list its changes wrote to the store", func() {
		db, err := bolt.Open(storePath, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		err = db.Update(func(tx *bolt.Tx) error {
			c := tx.Bucket([]byte("counters"))
			n := binary.BigEndian.Uint64(c.Get([]byte("records")))
			return c.Put([]byte("records"), binary.BigEndian.AppendUint64(nil, n+1))
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestBackupLeavesSnapshotOut: a backup never holds the index snapshot (it
// is derived, and sealed to a key the backup does not hold), and a restore
// deletes the one it finds, which described the store being replaced.
func TestBackupLeavesSnapshotOut(t *testing.T) {
	p := newPeerHome(t, "kyoto")
	p.startNode()
	p.publish(sampleRecord(t, "indicator-green.json"), node.PublishOptions{})
	p.stop()
	readFile(t, snapPath(p)) // there is one to leave out
	h, err := node.LoadHome(p.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := node.BackupOffline(h, &b); err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(b.Bytes()))
	members := 0
	for {
		hd, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		members++
		if strings.Contains(hd.Name, "snapshot") {
			t.Fatalf("the backup holds %s", hd.Name)
		}
	}
	if members < 2 {
		t.Fatalf("the backup holds %d members: the check proves nothing", members)
	}
	if _, err := node.Restore(h, bytes.NewReader(b.Bytes()), node.RestoreOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(snapPath(p)); !os.IsNotExist(err) {
		t.Fatalf("the snapshot is still there after a restore: %v", err)
	}
}

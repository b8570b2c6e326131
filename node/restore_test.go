package node_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ursic/ursic/node"
)

// A node restored from an older backup never publishes a sequence number its
// peers already hold: it refuses to publish until it has fetched its own
// logs back, then publishes after them, and nobody sees equivocation.
func TestRestoreNeverEquivocates(t *testing.T) {
	nodes, _ := newConsortium(t, "alpha", "bravo")
	alpha, bravo := nodes[0], nodes[1]
	startMesh(t, alpha, bravo)
	first := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	var backup bytes.Buffer
	if _, err := alpha.n.Backup(&backup); err != nil {
		t.Fatal(err)
	}
	// Published after the backup: bravo holds them, the backup does not.
	later := []string{
		alpha.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{TLP: "amber"}),
		alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{}),
	}
	waitFor(t, fedWait, "bravo reads alpha's later records", func() bool { return bravo.canRead(later[0]) && bravo.canRead(later[1]) })
	alpha.stop()
	bravo.stop()

	h, err := node.LoadHome(alpha.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := node.Restore(h, bytes.NewReader(backup.Bytes()), node.RestoreOptions{}); err == nil {
		t.Fatal("a restore over an existing store without Force went ahead")
	}
	rep, err := node.Restore(h, bytes.NewReader(backup.Bytes()), node.RestoreOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.RosterFiles == 0 || !rep.AuditRestore {
		t.Errorf("the backup brought %d roster versions and audit log %v", rep.RosterFiles, rep.AuditRestore)
	}
	if _, err := os.Stat(filepath.Join(alpha.dir, node.StoreFile)); err != nil {
		t.Fatal(err)
	}

	// Alone, the restored node holds the backup's records and publishes nothing.
	alpha.startNode()
	if !alpha.canRead(first) || alpha.canRead(later[0]) {
		t.Fatalf("the restored node should hold the backup's records only")
	}
	if !alpha.status().Restoring {
		t.Fatal("status does not say the node is restoring")
	}
	err = alpha.n.Publish(context.Background(), [][]byte{sampleRecord(t, "indicator-amber.json")}, node.PublishOptions{}, func(node.Published) error { return nil })
	if !errors.Is(err, node.ErrRestoring) {
		t.Fatalf("publish while restoring: %v, want ErrRestoring", err)
	}
	if _, err := alpha.n.Retract(first, "superseded"); !errors.Is(err, node.ErrRestoring) {
		t.Fatalf("retract while restoring: %v, want ErrRestoring", err)
	}

	// With its peer back, it fetches its own records, then publishes after them.
	bravo.startNode()
	waitFor(t, fedWait, "alpha catches up with its own logs", func() bool { return !alpha.status().Restoring })
	for _, c := range later {
		if !alpha.canRead(c) {
			t.Errorf("alpha did not fetch back its own %s", c)
		}
	}
	next := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	waitFor(t, fedWait, "bravo reads alpha's record after the restore", func() bool { return bravo.canRead(next) })
	syncAll(alpha, bravo)
	if n := bravo.status().Equivocations; n != 0 {
		t.Errorf("bravo counts %d equivocations after alpha's restore", n)
	}
	if n := alpha.status().Equivocations; n != 0 {
		t.Errorf("alpha counts %d equivocations after its restore", n)
	}
	if rep, err := alpha.n.VerifyAudit(); err != nil || len(rep.Problems) > 0 {
		t.Errorf("the restored audit log does not verify: %v %+v", err, rep)
	}
}

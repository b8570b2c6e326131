package node_test

import (
	"context"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
)

// TestIndexInBackground: a node opened with IndexInBackground serves at
// once — Show opens any stored record, even one not yet indexed — and its
// index ends up holding every record, the retracted one as a stub.
func TestIndexInBackground(t *testing.T) {
	tn := startNode(t, "Background University")
	var lines []byte
	for range 300 {
		lines = append(lines, example(t, "batch.jsonl")...)
	}
	var cids []string
	err := tn.n.Publish(context.Background(), splitLines(lines), node.PublishOptions{Again: true}, func(p node.Published) error {
		cids = append(cids, p.CID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.n.Retract(cids[0], "superseded"); err != nil {
		t.Fatal(err)
	}
	tn.close()

	h, err := node.LoadHome(tn.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(h, node.Options{Logger: testLogger(t), IndexInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	tn.n = n
	// Whatever the index holds yet, Show answers for the newest and the
	// retracted record.
	if v, err := n.Show(cids[len(cids)-1]); err != nil || len(v.Body) == 0 {
		t.Fatalf("Show during the rebuild: %v (body %d bytes)", err, len(v.Body))
	}
	if v, err := n.Show(cids[0]); err != nil || !v.Retracted {
		t.Fatalf("Show of the retracted record during the rebuild: %+v, %v", v, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := n.WaitIndexed(ctx); err != nil {
		t.Fatalf("index not ready: %v", err)
	}
	st, err := n.Status()
	if err != nil || !st.IndexReady {
		t.Fatalf("status after the rebuild: %+v, %v", st, err)
	}
	recs, total, err := n.List(node.ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	// Every published record, the retracted one as a stub, and the retraction.
	if want := len(cids) + 1; total != want || len(recs) != want {
		t.Fatalf("listed %d (total %d), want %d", len(recs), total, want)
	}
	if st.Records != len(cids) {
		t.Fatalf("status records = %d, want %d readable", st.Records, len(cids))
	}
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range b {
		if c == '\n' {
			if i > start {
				out = append(out, b[start:i])
			}
			start = i + 1
		}
	}
	if start < len(b) {
		out = append(out, b[start:])
	}
	return out
}

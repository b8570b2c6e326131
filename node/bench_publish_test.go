package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node"
)

// Benchmarks of publishing through node.Publish: check, seal, store, the
// audit line and its anchor in the store. They run only with -bench:
//
//	go test ./node -run '^$' -bench Publish
//
// BenchmarkPublishOne publishes one record a call (an operator publishing by
// hand: one store transaction and one audit line each); BenchmarkPublishBulk
// publishes 1,024 records a call (JSON Lines: one transaction and one audit
// line per batch of 256).
func BenchmarkPublishOne(b *testing.B) { benchPublish(b, 1) }

func BenchmarkPublishBulk(b *testing.B) { benchPublish(b, 1024) }

func benchPublish(b *testing.B, perCall int) {
	dir := filepath.Join(b.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: "Bench University"}); err != nil {
		b.Fatal(err)
	}
	h, err := node.LoadHome(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	n, err := node.Open(h, node.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	raw, err := examples.Records.ReadFile("records/indicator-green.json")
	if err != nil {
		b.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		b.Fatal(err)
	}
	next := 0
	batch := func() [][]byte {
		out := make([][]byte, perCall)
		for i := range out {
			rec["title"] = fmt.Sprintf("bench %d", next)
			next++
			if out[i], err = json.Marshal(rec); err != nil {
				b.Fatal(err)
			}
		}
		return out
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		records := batch()
		b.StartTimer()
		if err := n.Publish(context.Background(), records, node.PublishOptions{}, func(node.Published) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*perCall)/b.Elapsed().Seconds(), "records/s")
}

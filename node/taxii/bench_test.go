package taxii_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/taxii"
)

// BenchmarkTAXIIPage1000: one GET of 1,000 objects from the read
// collection over HTTP on 127.0.0.1, from a node of 1,000 GREEN indicators
// (about 2,000 objects), once the collection is built (it is rebuilt only
// when the store changes; that rebuild is BenchmarkExportSTIX's work).
func BenchmarkTAXIIPage1000(b *testing.B) {
	ts := startServer(b)
	cred := ts.partner("bench", false)
	var records [][]byte
	for i := range 1000 {
		rec := example(b, "indicator-green.json")
		rec["title"] = fmt.Sprintf("Bench indicator %d", i)
		raw, _ := json.Marshal(rec)
		records = append(records, raw)
	}
	if err := ts.n.Publish(context.Background(), records, node.PublishOptions{TLP: "green"}, func(node.Published) error { return nil }); err != nil {
		b.Fatal(err)
	}
	url := ts.base + taxii.APIRootPath + "collections/" + taxii.ExportCollection + "/objects/?limit=1000"
	get := func() int {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+cred)
		req.Header.Set("Accept", taxii.MediaType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		n, _ := io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		return int(n)
	}
	get() // builds the collection
	var size int
	b.ResetTimer()
	for b.Loop() {
		size = get()
	}
	b.ReportMetric(float64(size)/1024, "KiB/page")
}

package taxii_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

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
	cpu0 := cpuTime(b)
	b.ResetTimer()
	for b.Loop() {
		size = get()
	}
	b.StopTimer()
	// CPU (client and server, one process) per page: less noisy than wall
	// time on a shared machine.
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(size)/1024, "KiB/page")
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

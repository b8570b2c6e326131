package console_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
)

// benchInboxRecords is how many records BenchmarkInbox holds: 100,000 unless
// URSIC_BENCH_CONSOLE says otherwise.
func benchInboxRecords(b *testing.B) int {
	if v := os.Getenv("URSIC_BENCH_CONSOLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("URSIC_BENCH_CONSOLE=%q is not a positive count", v)
		}
		return n
	}
	return 100000
}

// BenchmarkInbox: the console's inbox page (HTML, 50 rows, the count and
// the paging links) over HTTP on loopback, through the API's Host check and
// the session, on a node holding 100,000 indicators. Sub-benchmarks: the
// first page, a text search, and the last page.
func BenchmarkInbox(b *testing.B) {
	n := benchInboxRecords(b)
	cn := startNode(b, "Bench University")
	recs := make([][]byte, n)
	for i := range recs {
		recs[i] = []byte(fmt.Sprintf(`{"kind":"indicator","title":"Procurement front, case %d (fictional example)","indicator_type":"procurement_front","subject":{"kind":"organisation","names":[{"value":"Example Front %d Ltd.","lang":"en"}],"jurisdiction":"JP"},"reason_category":"export_control","summary":"Requested quotes for femtosecond lasers from three members' labs within a month, using a shared e-mail template.","tech_areas":["photonics"],"severity":"high","confidence":"medium","valid_until":"2099-12-31"}`, i, i))
	}
	start := time.Now()
	if err := cn.n.Publish(context.Background(), recs, node.PublishOptions{TLP: "green"}, func(node.Published) error { return nil }); err != nil {
		b.Fatal(err)
	}
	b.Logf("published %d records in %v", n, time.Since(start).Round(time.Millisecond))
	br := browser(b)
	if code, _, _ := get(b, br, signInURL(b, cn.srv.URL, cn.token)); code != 200 {
		b.Fatalf("sign-in: status %d", code)
	}
	last := (n - 1) / 50 * 50
	for _, bc := range []struct{ name, path, want string }{
		{"FirstPage", "/console/inbox", fmt.Sprintf("1–50 of %d", n)},
		{"TextSearch", "/console/inbox?q=" + strconv.Itoa(n/2) + "+Ltd", "of 1 records"},
		{"LastPage", "/console/inbox?offset=" + strconv.Itoa(last), fmt.Sprintf("of %d", n)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				code, page, _ := get(b, br, cn.srv.URL+bc.path)
				if code != http.StatusOK || !strings.Contains(page, bc.want) {
					b.Fatalf("%s: status %d, page lacks %q", bc.path, code, bc.want)
				}
			}
		})
	}
}

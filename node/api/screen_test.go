package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/node/config"
	"github.com/ursic/ursic/node/screen/screentest"
)

func TestScreenEndpoint(t *testing.T) {
	a := startAPI(t)
	c := a.client()
	ind := `{"kind":"indicator","title":"T","indicator_type":"x","subject":{"kind":"organisation","names":[{"value":"Kunlun Photonics Co., Ltd."},{"value":"昆仑光电有限公司"}],"jurisdiction":"CN"},"reason_category":"export_control","summary":"s","severity":"high","confidence":"low","suggested_mitigation":"Ask for an end-use statement."}`
	if _, err := c.Publish(context.Background(), []byte(ind), apiclient.PublishOptions{}, func(apiclient.PublishEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	res, err := c.Screen(context.Background(), "list.txt", []byte("KUNLUN PHOTONICS LTD\n崑崙光電\nNobody Known Ltd\n"), apiclient.ScreenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 3 || len(res.Rows[0].Hits) != 1 || len(res.Rows[2].Hits) != 0 || res.Format != "lines" || res.File != "list.txt" {
		t.Fatalf("result %+v", res)
	}
	if h := res.Rows[0].Hits[0]; h.How != "normalised" || h.TLP != "amber" || h.Severity != "high" || h.Mitigation != "Ask for an end-use statement." {
		t.Errorf("hit %+v", h)
	}
	// A list that cannot be read: 422 with a hint.
	status, body, _ := a.do("POST", "/v1/screen?name=x.csv", a.token, []byte("Country\nJP\n"))
	if e := decodeError(t, body); status != 422 || !strings.Contains(e.Message, "no name column") || e.Hint == "" {
		t.Errorf("status %d, error %+v", status, e)
	}
	status, body, _ = a.do("POST", "/v1/screen?all=maybe", a.token, []byte("x\n"))
	if status != 400 {
		t.Errorf("all=maybe: status %d %s", status, body)
	}
	status, _, _ = a.do("POST", "/v1/screen", "", []byte("x\n"))
	if status != 401 {
		t.Errorf("no token: status %d", status)
	}
}

// screenBench is a node holding many indicators behind the API, made once
// for the screening benchmarks.
var screenBench struct {
	once sync.Once
	c    *apiclient.Client
	orgs []screentest.Org
	err  error
}

func screenNode(b *testing.B) (*apiclient.Client, []screentest.Org) {
	b.Helper()
	screenBench.once.Do(func() {
		n := 100_000
		if v := os.Getenv("URSIC_BENCH_SCREEN_INDICATORS"); v != "" {
			n, _ = strconv.Atoi(v)
		}
		dir, err := os.MkdirTemp("", "ursic-screen-bench")
		if err != nil {
			screenBench.err = err
			return
		}
		home := filepath.Join(dir, "home")
		if _, err := node.Init(home, node.InitOptions{Name: "Bench University"}); err != nil {
			screenBench.err = err
			return
		}
		h, err := node.LoadHome(home, "")
		if err != nil {
			screenBench.err = err
			return
		}
		lg := slog.New(slog.NewTextHandler(io.Discard, nil))
		nd, err := node.Open(h, node.Options{Logger: lg})
		if err != nil {
			screenBench.err = err
			return
		}
		orgs := screentest.Orgs(1, n)
		start := time.Now()
		for i := 0; i < len(orgs); i += 5000 {
			var recs [][]byte
			for k, o := range orgs[i:min(i+5000, len(orgs))] {
				rec, _ := json.Marshal(map[string]any{
					"kind": "indicator", "title": fmt.Sprintf("Indicator %d", i+k), "indicator_type": "procurement_front",
					"subject":         map[string]any{"kind": "organisation", "names": []any{map[string]any{"value": o.English, "lang": "en"}, map[string]any{"value": o.Local, "lang": o.Lang}}, "jurisdiction": o.Jurisdiction},
					"reason_category": "export_control", "summary": "Synthetic indicator for the screening benchmark.",
					"severity": "medium", "confidence": "low", "suggested_mitigation": "Check before any transfer.",
				})
				recs = append(recs, rec)
			}
			if err := nd.Publish(context.Background(), recs, node.PublishOptions{}, func(node.Published) error { return nil }); err != nil {
				screenBench.err = err
				return
			}
		}
		fmt.Fprintf(os.Stderr, "screen bench: %d indicators published in %v\n", n, time.Since(start).Round(time.Second))
		tok, err := node.ReadToken(home)
		if err != nil {
			screenBench.err = err
			return
		}
		srv := httptest.NewServer(api.NewServer(nd, tok, lg)) // loopback; lives until the process ends
		screenBench.c = apiclient.New(strings.TrimPrefix(srv.URL, "http://"), tok)
		screenBench.orgs = orgs
	})
	if screenBench.err != nil {
		b.Fatal(screenBench.err)
	}
	return screenBench.c, screenBench.orgs
}

// BenchmarkScreenAPIOneName screens one name a call through the local API
// (HTTP on loopback, bearer token, JSON) over a node holding
// URSIC_BENCH_SCREEN_INDICATORS indicators (default 100,000), and reports
// the latency percentiles over 1,000 calls an iteration. One in five names
// matches (in another case, script or legal form, or misspelt); the rest
// match nothing.
//
//	go test ./node/api -run '^$' -bench ScreenAPI -benchtime 1x
func BenchmarkScreenAPIOneName(b *testing.B) {
	c, orgs := screenNode(b)
	names := screentest.List(3, orgs, 1000)
	for _, n := range names[:10] { // warm up
		if _, err := c.Screen(context.Background(), "one.txt", []byte(n), apiclient.ScreenOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	for b.Loop() {
		for _, n := range names {
			start := time.Now()
			if _, err := c.Screen(context.Background(), "one.txt", []byte(n), apiclient.ScreenOptions{}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
}

// BenchmarkScreenAPI10kNames screens a 10,000-row CSV through the local API
// over the same node; one iteration is the whole list.
//
//	go test ./node/api -run '^$' -bench ScreenAPI -benchtime 1x
func BenchmarkScreenAPI10kNames(b *testing.B) {
	c, orgs := screenNode(b)
	var sb strings.Builder
	sb.WriteString("name\n")
	for _, n := range screentest.List(4, orgs, 10_000) {
		sb.WriteString(`"` + strings.ReplaceAll(n, `"`, `""`) + "\"\n")
	}
	list := []byte(sb.String())
	hits := 0
	for b.Loop() {
		res, err := c.Screen(context.Background(), "list.csv", list, apiclient.ScreenOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Rows) != 10_000 {
			b.Fatalf("%d rows", len(res.Rows))
		}
		hits = res.Hits
	}
	b.ReportMetric(float64(hits), "hits")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// startAPIWithRelay starts a node behind the API whose config.json mails the
// digest to an SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 that
// accepts every message; "tls": "none" is allowed only for such a relay.
func startAPIWithRelay(t *testing.T) *apiNode {
	t.Helper()
	srv := smtp.NewServer(acceptAll{})
	srv.Domain = "127.0.0.1"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: "Digest Test University"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := node.ReadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Digest = &config.DigestMail{Version: config.DigestVersion, SMTP: config.SMTP{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: "none"},
		From: "ursic@example.ac.jp", To: []string{"rso@example.ac.jp"}}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, node.ConfigFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := node.LoadHome(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	lg := slog.New(slog.NewTextHandler(t.Output(), nil))
	n, err := node.Open(h, node.Options{Logger: lg})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := node.ReadToken(dir)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.NewServer(n, tok, lg))
	t.Cleanup(func() {
		hs.Close()
		n.Close()
	})
	return &apiNode{t: t, n: n, srv: hs, token: tok}
}

// acceptAll is an SMTP backend that takes every message.
type acceptAll struct{}

func (acceptAll) NewSession(*smtp.Conn) (smtp.Session, error) { return acceptSession{}, nil }

type acceptSession struct{}

func (acceptSession) Mail(string, *smtp.MailOptions) error { return nil }
func (acceptSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (acceptSession) Data(r io.Reader) error               { _, err := io.Copy(io.Discard, r); return err }
func (acceptSession) Reset()                               {}
func (acceptSession) Logout() error                        { return nil }

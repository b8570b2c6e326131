package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/ursic/ursic/internal/testcert"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/node/config"
)

// TestHostAllowlist: the API answers loopback names and addresses, and the
// config's api_hosts, and refuses any other Host with 421, so that a web page
// that rebinds its DNS name to 127.0.0.1 cannot reach it.
func TestHostAllowlist(t *testing.T) {
	h := loadHome(t, newHome(t, "Host Test University"))
	h.Config.APIHosts = []string{"ursic.example.ac.jp", "192.0.2.10"}
	n := openHome(t, h, nil)
	srv := api.NewServer(n, "tok", nil)
	_, port, _ := net.SplitHostPort(h.Config.API)
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1:" + port, true},
		{"127.0.0.1", true},
		{"localhost:" + port, true},
		{"LocalHost", true},
		{"[::1]:" + port, true},
		{"ursic.example.ac.jp:" + port, true},
		{"URSIC.example.ac.jp", true},
		{"192.0.2.10:" + port, true},
		{"attacker.example:" + port, false},
		{"127.0.0.1.attacker.example", false},
		{"localhost.attacker.example:" + port, false},
		{"192.0.2.11", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := srv.AllowHost(tt.host); got != tt.want {
			t.Errorf("AllowHost(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}

	// Over a real loopback connection: the refusal is a 421 with a message
	// and a hint, before the token is even looked at.
	a := startAPI(t)
	for _, path := range []string{"/healthz", "/v1/status"} {
		req, err := http.NewRequest("GET", a.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "rebound.attacker.example"
		req.Header.Set("Authorization", "Bearer "+a.token)
		resp, err := a.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("GET %s with Host rebound.attacker.example: status %d, want 421", path, resp.StatusCode)
		}
		e := decodeError(t, body)
		if !strings.Contains(e.Message, "rebound.attacker.example") || !strings.Contains(e.Hint, "api_hosts") {
			t.Errorf("refusal %+v, want the Host named and a hint about api_hosts", e)
		}
	}
	if status, _, _ := a.do("GET", "/v1/status", a.token, nil); status != 200 {
		t.Errorf("GET /v1/status with the loopback Host: status %d, want 200", status)
	}
}

// TestServeRefusesPlainOffLoopback: Serve will not put the token on a
// network in the clear.
func TestServeRefusesPlainOffLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "192.0.2.10:0"} {
		err := api.Serve(context.Background(), http.NotFoundHandler(), api.Listen{Addr: addr}, func(net.Addr) {
			t.Errorf("Serve listened on %s without TLS", addr)
		})
		if !errors.Is(err, api.ErrOffLoopback) {
			t.Errorf("Serve(%s) without TLS: err = %v, want ErrOffLoopback", addr, err)
		}
	}
}

// TestServeTLS: with api_tls_cert and api_tls_key in the config the API
// serves HTTPS, the client of the home trusts the home's certificate, and
// plain HTTP gets nothing useful.
func TestServeTLS(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: "TLS Test University"}); err != nil {
		t.Fatal(err)
	}
	writeSelfSigned(t, filepath.Join(dir, "api.crt"), filepath.Join(dir, "api.key"))
	cfgPath := filepath.Join(dir, node.ConfigFile)
	var cfg map[string]any
	if err := json.Unmarshal(mustRead(t, cfgPath), &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["api_tls_cert"], cfg["api_tls_key"] = "api.crt", "api.key" // relative to the home
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := node.LoadHome(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(h, node.Options{Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	tok, err := config.ReadToken(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan net.Addr, 1), make(chan error, 1)
	go func() {
		done <- api.Serve(ctx, api.NewServer(n, tok, nil), api.ListenOf(dir, h.Config), func(a net.Addr) { ready <- a })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not stop within 10s")
		}
	})
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not listen within 10s")
	}

	c, err := apiclient.ForHome(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(context.Background())
	if err != nil || st.Name != "TLS Test University" {
		t.Fatalf("Status over HTTPS: %+v, %v", st, err)
	}
	resp, err := http.Get("http://" + addr.String() + "/healthz")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("plain HTTP to the HTTPS API answered 200")
		}
	}
}

func writeSelfSigned(t *testing.T, certPath, keyPath string) {
	t.Helper()
	testcert.Write(t, certPath, keyPath)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAuditOverAPI: the running node checks its own audit log for the CLI,
// and /metrics carries the tamper flag.
func TestAuditOverAPI(t *testing.T) {
	a := startAPI(t)
	if _, err := a.client().Publish(context.Background(), example(t, "indicator-green.json"), apiclient.PublishOptions{}, func(apiclient.PublishEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	r, err := a.client().VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.Intact() || r.Lines != 1 || r.Anchor == nil || *r.Anchor != r.Head {
		t.Errorf("audit report %+v, want one intact line, anchored", r)
	}
	status, body, _ := a.do("GET", "/metrics", a.token, nil)
	if status != 200 || !strings.Contains(string(body), "\nursic_audit_tampered 0\n") {
		t.Errorf("/metrics: status %d, want ursic_audit_tampered 0 in:\n%s", status, body)
	}
}

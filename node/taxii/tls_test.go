package taxii_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"github.com/ursic/ursic/internal/testcert"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/taxii"
)

// TestServeTLS: with a certificate the server speaks TLS only; without one
// it refuses to listen off loopback.
func TestServeTLS(t *testing.T) {
	ts := startServer(t) // for its node
	cred := ts.partner("maple", false)
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)

	err := taxii.Serve(context.Background(), taxii.New(ts.n, nil), node.TAXIIConfig{Version: 1, Listen: "192.0.2.1:0"}, nil)
	if err == nil || !strings.Contains(err.Error(), "TLS") {
		t.Errorf("Serve off loopback without TLS: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan net.Addr, 1), make(chan error, 1)
	go func() {
		done <- taxii.Serve(ctx, taxii.New(ts.n, nil), node.TAXIIConfig{Version: 1, Listen: "127.0.0.1:0", Cert: certFile, Key: keyFile}, func(a net.Addr) { ready <- a })
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("the TLS server did not stop within 10 s")
		}
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("the TLS server did not start within 10 s")
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest("GET", "https://"+addr.String()+taxii.DiscoveryPath, nil)
	req.Header.Set("Authorization", "Bearer "+cred)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("discovery over TLS: %s", resp.Status)
	}
	if resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr.String() + taxii.DiscoveryPath); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("the TLS server answered plain HTTP")
		}
	}
}

func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	return certFile, keyFile, testcert.Write(t, certFile, keyFile)
}

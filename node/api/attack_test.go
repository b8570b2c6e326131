package api_test

// Attacks on the local API from a browser page or a local program, and the
// connection limits of Serve (2026-11-30 review; docs/DESIGN-NOTES.md).

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
)

// openNode makes a node in a fresh home and returns it with its home.
func openNode(t *testing.T) (*node.Node, string) {
	t.Helper()
	dir := newHome(t, "Attack Test University")
	return openHome(t, loadHome(t, dir), nil), dir
}

// TestEmptyTokenOpensNothing: a server whose token is empty (an emptied
// api.token) answers no one, not a request carrying "Bearer " and nothing
// else; and the home's reader refuses such a token before a server is made.
func TestEmptyTokenOpensNothing(t *testing.T) {
	n, dir := openNode(t)
	h := api.NewServer(n, "", nil)
	for _, auth := range []string{"Bearer ", "Bearer", ""} {
		req, err := http.NewRequest("GET", "http://127.0.0.1/v1/status", nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("empty server token, Authorization %q: status %d, want 401", auth, rec.Code)
		}
	}
	for _, content := range []string{"", "\n", "  \n", "short-token\n"} {
		if err := os.WriteFile(filepath.Join(dir, node.TokenFile), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if tok, err := node.ReadToken(dir); err == nil {
			t.Errorf("api.token %q: ReadToken = %q, want an error", content, tok)
		}
	}
}

// TestAPIAnswersAreNotPages: every answer forbids sniffing and carries a
// CSP that runs nothing, so an answer that echoes attacker text (an unknown
// path, a refused Host) cannot become a page in a browser.
func TestAPIAnswersAreNotPages(t *testing.T) {
	a := startAPI(t)
	evil := "/v1/%3Cscript%3Ealert(1)%3C/script%3E"
	for _, tc := range []struct{ path, token string }{
		{evil, a.token}, {evil, ""}, {"/v1/status", a.token}, {"/v1/status", ""}, {"/healthz", ""}, {"/v1/openapi.yaml", a.token},
	} {
		status, _, h := a.do("GET", tc.path, tc.token, nil)
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s (status %d): X-Content-Type-Options %q, want nosniff", tc.path, status, h.Get("X-Content-Type-Options"))
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Errorf("GET %s (status %d): CSP %q, want default-src 'none' and no script source", tc.path, status, csp)
		}
		if ct := h.Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q", tc.path, ct)
		}
	}
	// The console keeps its own policy, which lets its own script run.
	_, _, h := a.do("GET", "/console/inbox", "", nil)
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("console page CSP %q, want the console's own", csp)
	}
}

// TestNoCrossOriginAPI: the API grants no cross-origin access. A page on
// another site can send a simple POST (no preflight) but not the token, so
// it is refused; a preflight gets no Access-Control-Allow-* answer, so the
// browser sends nothing further.
func TestNoCrossOriginAPI(t *testing.T) {
	a := startAPI(t)
	before := a.records()
	for _, tc := range []struct{ method, path, ctype string }{
		{"POST", "/v1/publish", "text/plain"},
		{"POST", "/v1/records/bafyfake/retract", "text/plain"},
		{"POST", "/v1/roster", "application/x-www-form-urlencoded"},
		{"POST", "/v1/console/signin", "text/plain"},
		{"GET", "/v1/export/stix", ""},
		{"GET", "/v1/backup", ""},
		{"OPTIONS", "/v1/publish", ""},
	} {
		req, err := http.NewRequest(tc.method, a.srv.URL+tc.path, strings.NewReader(string(example(t, "indicator-green.json"))))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "https://attacker.example")
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		if tc.method == "OPTIONS" {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization")
		}
		resp, err := a.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("%s %s from another origin without the token: status %d", tc.method, tc.path, resp.StatusCode)
		}
		for k := range resp.Header {
			if strings.HasPrefix(strings.ToLower(k), "access-control-") {
				t.Errorf("%s %s: header %s: %q", tc.method, tc.path, k, resp.Header.Get(k))
			}
		}
	}
	if got := a.records(); got != before {
		t.Errorf("records went from %d to %d after cross-origin requests", before, got)
	}
}

// serveShort runs the API through Serve on loopback with short read and
// idle timeouts, and returns its address.
func serveShort(t *testing.T) (addr, token string) {
	t.Helper()
	n, _ := openNode(t)
	token = strings.Repeat("ab", 32)
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan net.Addr, 1), make(chan error, 1)
	go func() {
		done <- api.Serve(ctx, api.NewServer(n, token, nil), api.Listen{Addr: "127.0.0.1:0", ReadTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}, func(a net.Addr) { ready <- a })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not stop within 10s")
		}
	})
	select {
	case a := <-ready:
		return a.String(), token
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not listen within 10s")
	}
	return "", ""
}

// closedByServer reads what the server sends on conn until it closes the
// connection, and fails the test if that does not happen within 10 seconds
// (far beyond the server's 300 ms timeouts; not a timing assertion, a bound
// on a wait that is otherwise endless).
func closedByServer(t *testing.T, conn net.Conn, what string) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("%s: the server still held the connection after 10s (got %q)", what, b)
	}
	return string(b)
}

// TestServeDropsStalledConnections: a client that stalls (no token needed)
// does not hold a connection for ever: not with a request body it never
// sends, not with an authenticated publish whose body stops, and not idle
// between keep-alive requests.
func TestServeDropsStalledConnections(t *testing.T) {
	addr, token := serveShort(t)
	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	// No token: the 401 goes out, then the server waits for the body it was
	// promised before it can read the next request.
	c := dial()
	fmt.Fprintf(c, "POST /v1/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{")
	if got := closedByServer(t, c, "unauthenticated stalled body"); !strings.Contains(got, " 401 ") {
		t.Errorf("unauthenticated stalled body: answer %q, want a 401", got)
	}

	// With the token: the handler's read of the body ends.
	c = dial()
	fmt.Fprintf(c, "POST /v1/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Length: 100000\r\n\r\n{\"kind\":", token)
	closedByServer(t, c, "authenticated stalled publish")

	// Idle after one request on a keep-alive connection.
	c = dial()
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("GET /healthz: status %d, close %v; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	closedByServer(t, c, "idle keep-alive connection")
}

// TestServeCapsHeaders: headers beyond MaxHeaderBytes are refused (431)
// rather than read into memory.
func TestServeCapsHeaders(t *testing.T) {
	addr, _ := serveShort(t)
	req, err := http.NewRequest("GET", "http://"+addr+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Pad", strings.Repeat("a", 2*api.MaxHeaderBytes))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("headers of %d KiB: status %d, want 431", 2*api.MaxHeaderBytes>>10, resp.StatusCode)
	}
}

// TestNoPathTraversal: no route reads a file named by the request. Inbox
// IDs, CIDs and the console's static files refuse "..", encoded or not, and
// nothing of the home (the token, the key) comes back.
func TestNoPathTraversal(t *testing.T) {
	a := startAPI(t)
	for _, path := range []string{
		"/v1/inbox/..%2F..%2Fapi.token",
		"/v1/inbox/..%2Fapi",
		"/v1/inbox/%2e%2e%2f%2e%2e%2fidentity.key",
		"/v1/records/..%2F..%2Fapi.token",
		"/v1/records/..%2F..%2Fapi.token/retract",
		"/console/static/..%2F..%2F..%2Fapi.token",
		"/console/static/../../api.token",
		"/console/static/%2e%2e/%2e%2e/console.go",
	} {
		for _, method := range []string{"GET", "POST"} {
			status, body, _ := a.do(method, path, a.token, nil)
			if status == 200 || strings.Contains(string(body), a.token) || strings.Contains(string(body), "package console") {
				t.Errorf("%s %s: status %d, body %.200q", method, path, status, body)
			}
		}
	}
}

// Package apiclient is the client of a node's local API, for the CLI and
// other programs on the node's machine. It speaks only the wire types of
// package apiwire and reads the home's config through package config; it
// never imports the node itself (a test holds it to that).
//
// Start with [ForHome].
package apiclient

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"syscall"

	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/config"
)

// Wire types, named here for the client's callers.
type (
	// Error is the body of every failed API call, and the error the client returns.
	Error = apiwire.Error
	// PublishEvent is one line of the publish response stream.
	PublishEvent = apiwire.PublishEvent
	// PublishOptions are the query parameters of a publish or a check.
	PublishOptions = apiwire.PublishOptions
	// ListOptions are the query parameters of a list.
	ListOptions = apiwire.ListOptions
	// ImportOptions are the options of a STIX import or an inbox accept.
	ImportOptions = apiwire.ImportOptions
)

// Client talks to a node's local API.
type Client struct {
	base  string
	token string
	http  *http.Client
	lang  string // Accept-Language for messages ("en", "ja"); "" = the server's default
}

// SetLanguage asks the node for messages in lang ("en" or "ja"): guardrail
// findings and errors are written in it.
func (c *Client) SetLanguage(lang string) { c.lang = lang }

// New returns a client for the plain-HTTP API at addr (HOST:PORT, on
// loopback) with token.
func New(addr, token string) *Client {
	return &Client{base: "http://" + addr, token: token, http: &http.Client{}}
}

// NewTLS returns a client for the HTTPS API at addr with token. roots, if
// not nil, are the certificates it trusts (the node's own certificate, for a
// self-signed one); nil trusts the system's roots.
func NewTLS(addr, token string, roots *x509.CertPool) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	return &Client{base: "https://" + addr, token: token, http: &http.Client{Transport: tr}}
}

// ForHome reads the API address, TLS settings and token from a node's home.
// With TLS configured it trusts the system's roots and the home's own
// certificate (so a self-signed one works on the node's machine).
func ForHome(dir string) (*Client, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	tok, err := config.ReadToken(dir)
	if err != nil {
		return nil, err
	}
	if !cfg.TLS() {
		return New(cfg.API, tok), nil
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	pem, err := os.ReadFile(config.Path(dir, cfg.APITLSCert))
	if err != nil {
		return nil, fmt.Errorf("failed to read the API certificate (key \"api_tls_cert\"): %w", err)
	}
	roots.AppendCertsFromPEM(pem)
	return NewTLS(connectAddr(cfg.API), tok, roots), nil
}

// connectAddr is where a client on the node's machine connects for the API
// bound at addr: a wildcard address is reached on loopback.
func connectAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			return net.JoinHostPort("127.0.0.1", port)
		}
		return net.JoinHostPort("::1", port)
	}
	return addr
}

// ErrNodeNotRunning is returned when nothing answers at the API address.
var ErrNodeNotRunning = errors.New("the node is not running")

// Do sends one request and decodes its JSON answer into out (nil: none). It
// is for the node's own packages whose types the client cannot import.
func (c *Client) Do(ctx context.Context, method, path string, body io.Reader, out any) error {
	return c.do(ctx, method, path, body, out)
}

func (c *Client) do(ctx context.Context, method, path string, body io.Reader, out any) error {
	resp, err := c.send(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("unreadable answer from the node: %w", err)
	}
	return nil
}

func (c *Client) send(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("%w (nothing answers at %s)", ErrNodeNotRunning, c.base)
		}
		return nil, err
	}
	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		e := &Error{Status: resp.StatusCode}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if json.Unmarshal(b, e) != nil || e.Message == "" {
			e.Message = fmt.Sprintf("node answered %s", resp.Status)
		}
		return nil, e
	}
	return resp, nil
}

// Status returns the node's status.
func (c *Client) Status(ctx context.Context) (apiwire.Status, error) {
	var s apiwire.Status
	return s, c.do(ctx, "GET", "/v1/status", nil, &s)
}

// Card returns the node's member card.
func (c *Client) Card(ctx context.Context) (apiwire.Card, error) {
	var card apiwire.Card
	return card, c.do(ctx, "GET", "/v1/card", nil, &card)
}

func publishQuery(opt PublishOptions) string {
	q := url.Values{}
	if opt.TLP != "" {
		q.Set("tlp", opt.TLP)
	}
	for _, a := range opt.Audience {
		q.Add("audience", a)
	}
	for _, cv := range opt.Caveats {
		q.Add("caveat", cv)
	}
	if opt.ConfirmPersonalData {
		q.Set("confirm_personal_data", "true")
	}
	if opt.Again {
		q.Set("again", "true")
	}
	return q.Encode()
}

// Publish sends a record or JSON Lines and calls onCID for each record as the
// node reports it durable. It returns the count published, and an *Error if
// the node refused the input or stopped part-way.
func (c *Client) Publish(ctx context.Context, data []byte, opt PublishOptions, onCID func(PublishEvent) error) (int, error) {
	resp, err := c.send(ctx, "POST", "/v1/publish?"+publishQuery(opt), bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	count := 0
	for sc.Scan() {
		var ev PublishEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return count, fmt.Errorf("unreadable answer from the node: %w", err)
		}
		switch {
		case ev.Error != nil:
			return count, ev.Error
		case ev.Done:
			return count, nil
		default:
			count++
			if err := onCID(ev); err != nil {
				return count, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return count, fmt.Errorf("connection to the node broke after %d records: %w", count, err)
	}
	return count, fmt.Errorf("the node stopped answering after %d records", count)
}

// Check asks the node what publishing data would do, storing nothing.
func (c *Client) Check(ctx context.Context, data []byte, opt PublishOptions) (apiwire.CheckResult, error) {
	var r apiwire.CheckResult
	return r, c.do(ctx, "POST", "/v1/check?"+publishQuery(opt), bytes.NewReader(data), &r)
}

// List returns records matching opt.
func (c *Client) List(ctx context.Context, opt ListOptions) (apiwire.ListResult, error) {
	q := url.Values{}
	for k, v := range map[string]string{"kind": opt.Kind, "tlp": opt.TLP, "author": opt.Author, "q": opt.Text} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if opt.All {
		q.Set("all", "true")
	}
	if opt.Limit != 0 { // a negative limit goes to the node, which refuses it
		q.Set("limit", strconv.Itoa(opt.Limit))
	}
	if opt.Offset != 0 {
		q.Set("offset", strconv.Itoa(opt.Offset))
	}
	var r apiwire.ListResult
	return r, c.do(ctx, "GET", "/v1/records?"+q.Encode(), nil, &r)
}

// Show returns one record with its body.
func (c *Client) Show(ctx context.Context, cid string) (apiwire.RecordView, error) {
	var v apiwire.RecordView
	return v, c.do(ctx, "GET", "/v1/records/"+url.PathEscape(cid), nil, &v)
}

// Retract withdraws one of the node's own records.
func (c *Client) Retract(ctx context.Context, cid, reason string) (apiwire.RetractResult, error) {
	body, _ := json.Marshal(apiwire.RetractRequest{Reason: reason})
	var r apiwire.RetractResult
	return r, c.do(ctx, "POST", "/v1/records/"+url.PathEscape(cid)+"/retract", bytes.NewReader(body), &r)
}

// Peers lists the peers connected now.
func (c *Client) Peers(ctx context.Context) ([]apiwire.PeerInfo, error) {
	var ps []apiwire.PeerInfo
	return ps, c.do(ctx, "GET", "/v1/peers", nil, &ps)
}

// ApplyRoster installs a roster in the running node.
func (c *Client) ApplyRoster(ctx context.Context, doc []byte) error {
	return c.do(ctx, "POST", "/v1/roster", bytes.NewReader(doc), nil)
}

// Backup writes a consistent copy of the node's store to w.
func (c *Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := c.send(ctx, "GET", "/v1/backup", nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}

// VerifyAudit asks the running node to check its audit log against the head
// anchored in its store.
func (c *Client) VerifyAudit(ctx context.Context) (apiwire.AuditReport, error) {
	var r apiwire.AuditReport
	return r, c.do(ctx, "GET", "/v1/audit/verify", nil, &r)
}

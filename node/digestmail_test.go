package node_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/digest"
)

// smtpServer is a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 with STARTTLS and AUTH PLAIN, keeping the messages it accepts.
type smtpServer struct {
	addr   string
	caPEM  []byte
	mu     sync.Mutex
	msgs   []receivedMail
	authed []string
	got    chan struct{}
}

type receivedMail struct {
	from string
	to   []string
	data []byte
	tls  bool
}

func startSMTP(t *testing.T, user, pass string) *smtpServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), got: make(chan struct{}, 10)}
	srv := smtp.NewServer(&smtpBackend{s: s, user: user, pass: pass})
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.AllowInsecureAuth = false // AUTH only after STARTTLS
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

type smtpBackend struct {
	s          *smtpServer
	user, pass string
}

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{b: b, conn: c}, nil
}

type smtpSession struct {
	b      *smtpBackend
	conn   *smtp.Conn
	authed bool
	m      receivedMail
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.b.user || password != s.b.pass {
			return errors.New("invalid credentials")
		}
		s.authed = true
		s.b.s.mu.Lock()
		s.b.s.authed = append(s.b.s.authed, username)
		s.b.s.mu.Unlock()
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.m.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.m.to = append(s.m.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, s.m.tls = s.conn.TLSConnectionState()
	s.m.data = b
	s.b.s.mu.Lock()
	s.b.s.msgs = append(s.b.s.msgs, s.m)
	s.b.s.mu.Unlock()
	s.b.s.got <- struct{}{}
	return nil
}

func (s *smtpSession) Reset()        { s.m = receivedMail{} }
func (s *smtpSession) Logout() error { return nil }

// configureDigest writes a "digest" section into the node's config.json
// pointing at the test relay, with its CA and the password in files.
func configureDigest(t *testing.T, tn *testNode, s *smtpServer, pass string, maxTitle string) {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.addr)
	if err := os.WriteFile(filepath.Join(tn.dir, "relay-ca.pem"), s.caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tn.dir, "smtp.password"), []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := node.ReadConfig(tn.dir)
	if err != nil {
		t.Fatal(err)
	}
	p := 0
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	cfg.Digest = &digest.MailConfig{
		Version: 1,
		SMTP:    digest.SMTPConfig{Host: host, Port: p, Username: "ursic", PasswordFile: "smtp.password", CAFile: "relay-ca.pem"},
		From:    "URSIC node <ursic@example.ac.jp>", To: []string{"rso@example.ac.jp", "compliance@example.ac.jp"}, MaxTitleTLP: maxTitle,
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tn.dir, node.ConfigFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	tn.reopen()
}

func TestDigestMail(t *testing.T) {
	tn := startNode(t, "Digest University")
	secret := uniqueMarker(t)
	amber := edit(t, example(t, "indicator-amber.json"), func(m map[string]any) {
		m["summary"] = "Body text that must never be mailed: " + secret
		m["valid_until"] = time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
		m["review_due"] = time.Now().AddDate(0, 0, 5).Format(time.DateOnly)
	})
	red := edit(t, example(t, "indicator-green.json"), func(m map[string]any) {
		m["title"] = "A red title " + secret
		m["policy"] = map[string]any{"tlp": "red", "audience": []any{}}
	})
	green := example(t, "indicator-green.json")
	cids := tn.mustPublish(node.PublishOptions{}, amber, green)
	redCID := tn.mustPublish(node.PublishOptions{TLP: "red", Audience: []string{tn.n.PeerID()}}, red)[0]
	retraction, err := tn.n.Retract(cids[1], "superseded")
	if err != nil {
		t.Fatal(err)
	}

	s := startSMTP(t, "ursic", "correct horse")
	configureDigest(t, tn, s, "correct horse", "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tn.n.MailDigest(ctx, time.Now()); err != nil {
		t.Fatalf("MailDigest: %v", err)
	}
	select {
	case <-s.got:
	case <-ctx.Done():
		t.Fatal("no mail reached the server")
	}
	s.mu.Lock()
	m := s.msgs[0]
	s.mu.Unlock()
	if !m.tls || m.from != "ursic@example.ac.jp" || strings.Join(m.to, ",") != "rso@example.ac.jp,compliance@example.ac.jp" {
		t.Errorf("envelope: tls %v from %q to %q", m.tls, m.from, m.to)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.data))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "[URSIC] TLP:AMBER digest") {
		t.Errorf("subject %q", subject)
	}
	if !strings.HasPrefix(text, "TLP:AMBER\r\n") {
		t.Errorf("the mail does not start with its TLP:\n%s", text)
	}
	for _, want := range []string{
		cids[0], "Procurement front for dual-use photonics (fictional example)", // the amber indicator: title and CID
		retraction, "Retraction of",
		"Indicators expiring within 30 days (valid_until) (1)", "Indicators due for review within 30 days (review_due) (1)",
		redCID, "(title withheld at TLP:RED",
		"indicator  TLP:AMBER        1", "(retracted)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the mail lacks %q:\n%s", want, text)
		}
	}
	// No body, and no title above the configured level.
	if strings.Contains(text, secret) || strings.Contains(string(m.data), secret) {
		t.Errorf("the mail carries text it must not:\n%s", text)
	}
	if strings.Contains(text, "Screen against the End User List") {
		t.Errorf("the mail carries the suggested mitigation of an AMBER body")
	}
	if _, err := os.Stat(filepath.Join(tn.dir, node.DigestLastFile)); err != nil {
		t.Errorf("the time of the mail is not recorded: %v", err)
	}
	audit, _ := os.ReadFile(filepath.Join(tn.dir, node.AuditFile))
	if !strings.Contains(string(audit), "digest mailed to 2 recipients") {
		t.Errorf("no audit entry for the mail")
	}
}

func TestDigestMailRefusesWrongPasswordAndNoTLS(t *testing.T) {
	tn := startNode(t, "Digest University")
	s := startSMTP(t, "ursic", "right")
	configureDigest(t, tn, s, "wrong", "green")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := tn.n.MailDigest(ctx, time.Now())
	if err == nil || !strings.Contains(err.Error(), "authentication") {
		t.Fatalf("wrong password: %v", err)
	}
	// A listener that is not a relay at all fails within the deadline.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			io.WriteString(c, "220 plain relay ESMTP\r\n")
			buf := make([]byte, 512)
			c.Read(buf)
			io.WriteString(c, "250-plain relay\r\n250 AUTH PLAIN\r\n")
			c.Read(buf)
			c.Close()
		}
	}()
	host, port, _ := net.SplitHostPort(l.Addr().String())
	cfg := &digest.MailConfig{Version: 1, SMTP: digest.SMTPConfig{Host: host}, From: "a@example.ac.jp", To: []string{"b@example.ac.jp"}}
	for _, c := range port {
		cfg.SMTP.Port = cfg.SMTP.Port*10 + int(c-'0')
	}
	d, err := tn.n.Digest(time.Now().Add(-time.Hour), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := digest.Send(ctx, cfg, digest.Secrets{}, d, time.Now()); err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Fatalf("a relay without STARTTLS: %v", err)
	}
}

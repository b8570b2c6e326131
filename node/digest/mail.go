package digest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MailConfig is the "digest" member of a node's config.json: where and when
// `ursic run` mails the digest. Every key is checked by [MailConfig.Validate].
//
//	"digest": {
//	  "smtp": {"host": "smtp.example.ac.jp", "port": 587, "username": "ursic",
//	           "password_file": "smtp.password"},
//	  "from": "ursic@example.ac.jp",
//	  "to": ["research-security@example.ac.jp"],
//	  "at": "08:00"
//	}
type MailConfig struct {
	SMTP SMTPConfig `json:"smtp"`
	From string     `json:"from"`
	To   []string   `json:"to"`
	// At is the local time of day the digest is mailed, "HH:MM" (default
	// 08:00); each mail covers the time since the one before.
	At string `json:"at,omitempty"`
	// MaxTitleTLP is the most restricted TLP whose titles the mail may
	// carry (default amber); stricter records are listed by CID and TLP
	// only. It cannot be red: RED is for named nodes, not a mailing list.
	MaxTitleTLP string `json:"max_title_tlp,omitempty"`
}

// SMTPConfig is the university's mail relay.
type SMTPConfig struct {
	Host string `json:"host"`
	Port int    `json:"port,omitempty"` // default 587 (465 for tls "implicit")
	// TLS is "starttls" (the default: the connection must be upgraded before
	// anything else is sent), "implicit" (TLS from the start, port 465), or
	// "none", allowed only for a relay on the loopback interface.
	TLS      string `json:"tls,omitempty"`
	Username string `json:"username,omitempty"`
	// PasswordFile holds the password (file relative to the node's home,
	// mode 0600); it is never written into config.json.
	PasswordFile string `json:"password_file,omitempty"`
	// CAFile is a PEM file of CA certificates to trust for the relay, for
	// a relay with a certificate from the university's own CA.
	CAFile string `json:"ca_file,omitempty"`
}

// ErrMailConfig wraps every problem in the digest mail settings.
var ErrMailConfig = errors.New("invalid digest mail config")

var timeOfDay = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Validate checks every key and names the one that is wrong (as
// "digest.smtp.host", …).
func (c *MailConfig) Validate() error {
	bad := func(key, format string, a ...any) error {
		return fmt.Errorf("%w: key \"digest.%s\": %s", ErrMailConfig, key, fmt.Sprintf(format, a...))
	}
	if strings.TrimSpace(c.SMTP.Host) == "" {
		return bad("smtp.host", "the relay's host name is required")
	}
	if c.SMTP.Port < 0 || c.SMTP.Port > 65535 {
		return bad("smtp.port", "%d is not a port", c.SMTP.Port)
	}
	switch c.SMTP.TLS {
	case "", "starttls", "implicit":
	case "none":
		if ip := net.ParseIP(c.SMTP.Host); c.SMTP.Host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return bad("smtp.tls", "\"none\" is allowed only for a relay on the loopback interface, not %q", c.SMTP.Host)
		}
	default:
		return bad("smtp.tls", "%q is not starttls, implicit or none", c.SMTP.TLS)
	}
	if (c.SMTP.Username == "") != (c.SMTP.PasswordFile == "") {
		return bad("smtp.password_file", "username and password_file go together")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return bad("from", "%q is not an e-mail address", c.From)
	}
	if len(c.To) == 0 {
		return bad("to", "at least one recipient is required")
	}
	for i, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return bad(fmt.Sprintf("to[%d]", i), "%q is not an e-mail address", to)
		}
	}
	if c.At != "" && !timeOfDay.MatchString(c.At) {
		return bad("at", "%q is not a time of day HH:MM", c.At)
	}
	switch c.MaxTitleTLP {
	case "", "clear", "green", "amber", "amber+strict":
	default:
		return bad("max_title_tlp", "%q is not clear, green, amber or amber+strict (red titles are never mailed)", c.MaxTitleTLP)
	}
	return nil
}

// maxTitleTLP is the configured level, amber by default.
func (c *MailConfig) maxTitleTLP() string {
	if c.MaxTitleTLP == "" {
		return "amber"
	}
	return c.MaxTitleTLP
}

// Next is when the digest is next mailed after now: the next c.At (local
// time of day, default 08:00) strictly after now.
func (c *MailConfig) Next(now time.Time) time.Time {
	at := c.At
	if at == "" {
		at = "08:00"
	}
	h, _ := strconv.Atoi(at[:2])
	m, _ := strconv.Atoi(at[3:])
	t := time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, now.Location())
	if !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// Secrets are what sending needs beyond the config: the password and the
// CAs to trust, read by the caller from the files the config names.
type Secrets struct {
	Password string
	RootCAs  *x509.CertPool // nil: the system's
}

// Message is the digest as an e-mail (RFC 5322, UTF-8, quoted-printable):
// the subject and the first line name the highest TLP of what it lists.
// It carries titles and CIDs only, and withholds the titles of records
// stricter than the config's max_title_tlp.
func Message(c *MailConfig, d *Digest, now time.Time) ([]byte, error) {
	var text bytes.Buffer
	if err := Render(&text, d, RenderOptions{MaxTitleTLP: c.maxTitleTLP()}); err != nil {
		return nil, err
	}
	first, _, _ := strings.Cut(text.String(), "\n")
	subject := fmt.Sprintf("[URSIC] %s digest %s: %d new, %d retracted, %d expiring, %d due for review",
		first, d.Until.Local().Format(time.DateOnly), len(d.Records), len(d.Retractions), len(d.Expiring), len(d.Review))
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	domain := "ursic.invalid"
	if a, err := mail.ParseAddress(c.From); err == nil {
		if _, dom, ok := strings.Cut(a.Address, "@"); ok {
			domain = dom
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", c.From)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(c.To, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write(bytes.ReplaceAll(text.Bytes(), []byte("\n"), []byte("\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Send mails the digest through the relay: STARTTLS (or implicit TLS) before
// anything else, then AUTH PLAIN if a username is configured. It fails
// rather than fall back to plain text when the relay offers no STARTTLS.
func Send(ctx context.Context, c *MailConfig, s Secrets, d *Digest, now time.Time) error {
	msg, err := Message(c, d, now)
	if err != nil {
		return err
	}
	mode := c.SMTP.TLS
	if mode == "" {
		mode = "starttls"
	}
	port := c.SMTP.Port
	if port == 0 {
		port = 587
		if mode == "implicit" {
			port = 465
		}
	}
	addr := net.JoinHostPort(c.SMTP.Host, strconv.Itoa(port))
	tlsConf := &tls.Config{ServerName: c.SMTP.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	var conn net.Conn
	if mode == "implicit" {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tlsConf}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("failed to reach the mail relay %s: %w", addr, err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	cl, err := smtp.NewClient(conn, c.SMTP.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail relay %s: %w", addr, err)
	}
	defer cl.Close()
	if mode == "starttls" {
		if ok, _ := cl.Extension("STARTTLS"); !ok {
			return fmt.Errorf("mail relay %s does not offer STARTTLS; the digest is not sent in the clear", addr)
		}
		if err := cl.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("mail relay %s: STARTTLS: %w", addr, err)
		}
	}
	if c.SMTP.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.SMTP.Username, s.Password, c.SMTP.Host)); err != nil {
			return fmt.Errorf("mail relay %s: authentication as %q: %w", addr, c.SMTP.Username, err)
		}
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return err
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("mail relay %s: MAIL FROM: %w", addr, err)
	}
	for _, to := range c.To {
		a, err := mail.ParseAddress(to)
		if err != nil {
			return err
		}
		if err := cl.Rcpt(a.Address); err != nil {
			return fmt.Errorf("mail relay %s: RCPT TO %s: %w", addr, a.Address, err)
		}
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("mail relay %s: DATA: %w", addr, err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("mail relay %s: %w", addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail relay %s: the message was refused: %w", addr, err)
	}
	return cl.Quit()
}

package digest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/ursic/ursic/node/config"
)

// MailConfig is the "digest" member of config.json (config.DigestMail).
type MailConfig = config.DigestMail

// SMTPConfig is the mail relay's settings (config.SMTP).
type SMTPConfig = config.SMTP

// ErrMailConfig wraps every problem in the digest mail settings.
var ErrMailConfig = config.ErrDigestMail

// maxTitleTLP is the configured level, amber by default.
func maxTitleTLP(c *MailConfig) string {
	if c.MaxTitleTLP == "" {
		return "amber"
	}
	return c.MaxTitleTLP
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
	if err := Render(&text, d, RenderOptions{MaxTitleTLP: maxTitleTLP(c)}); err != nil {
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

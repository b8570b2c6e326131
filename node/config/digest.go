package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DigestMail is the "digest" member of config.json: where and when `ursic
// run` mails the digest. Every key is checked by [DigestMail.Validate].
//
//	"digest": {
//	  "version": 1,
//	  "smtp": {"host": "smtp.example.ac.jp", "port": 587, "username": "ursic",
//	           "password_file": "smtp.password"},
//	  "from": "ursic@example.ac.jp",
//	  "to": ["research-security@example.ac.jp"],
//	  "at": "08:00"
//	}
type DigestMail struct {
	// Version is the version of this section's format: DigestVersion.
	Version int      `json:"version"`
	SMTP    SMTP     `json:"smtp"`
	From    string   `json:"from"`
	To      []string `json:"to"`
	// At is the local time of day the digest is mailed, "HH:MM" (default
	// 08:00); each mail covers the time since the one before.
	At string `json:"at,omitempty"`
	// MaxTitleTLP is the most restricted TLP whose titles the mail may
	// carry (default amber); stricter records are listed by CID and TLP
	// only. It cannot be red: RED is for named nodes, not a mailing list.
	MaxTitleTLP string `json:"max_title_tlp,omitempty"`
}

// SMTP is the university's mail relay.
type SMTP struct {
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

// DigestVersion is the only version of the config's digest section this
// node understands.
const DigestVersion = 1

// ErrDigestMail wraps every problem in the digest mail settings.
var ErrDigestMail = errors.New("invalid digest mail config")

var timeOfDay = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Validate checks every key and names the one that is wrong (as
// "digest.smtp.host", …).
func (c *DigestMail) Validate() error {
	bad := func(key, format string, a ...any) error {
		return fmt.Errorf("%w: key \"digest.%s\": %s", ErrDigestMail, key, fmt.Sprintf(format, a...))
	}
	if c.Version != DigestVersion {
		return bad("version", "%d, this node understands %d", c.Version, DigestVersion)
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

// Next is when the digest is next mailed after now: the next c.At (local
// time of day, default 08:00) strictly after now.
func (c *DigestMail) Next(now time.Time) time.Time {
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

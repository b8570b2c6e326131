// Package config reads and checks a node's config file (config.json in its
// home) and the local API token beside it. It is a leaf of the node: the API
// client reads the API address, TLS settings and token through it without
// importing the node.
//
// Start with [Load].
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ursic/ursic/policy"
)

// Files in a node's home that this package reads.
const (
	File      = "config.json"
	TokenFile = "api.token" // 0600; bearer token for the local API
)

// Version is the only config file version this node understands.
const Version = 1

// Config is the node's config file. Unknown keys are an error, so a typo
// never silently falls back to a default.
type Config struct {
	Version int      `json:"version"`
	Name    string   `json:"name"`
	Role    string   `json:"role"`
	Listen  []string `json:"listen"`
	// Announce are the multiaddrs other members dial, as the member card
	// lists them: the addresses others can reach (a public IP, or a DNS name
	// as /dns4/host/tcp/4001), when they differ from Listen (a wildcard, or
	// behind NAT). Empty: the card lists the listen addresses that are
	// neither wildcards nor, unless all of them are, loopback.
	Announce []string `json:"announce,omitempty"`
	API      string   `json:"api"`

	// APITLSCert and APITLSKey are paths (absolute, or relative to the home)
	// of a PEM certificate chain and its key. With both set the local API
	// serves HTTPS. An api address off loopback requires them: the bearer
	// token must never cross a network in the clear.
	APITLSCert string `json:"api_tls_cert,omitempty"`
	APITLSKey  string `json:"api_tls_key,omitempty"`
	// APIHosts are host names (or IP addresses) the local API answers to in
	// a request's Host header, besides the loopback names and the address it
	// is bound to. Any other Host is refused, against DNS rebinding.
	APIHosts []string `json:"api_hosts,omitempty"`

	// ROR is this member's ROR ID, optional; exports name it on the
	// member's STIX identity.
	ROR string `json:"ror,omitempty"`
	// TAXII, if present, makes `ursic run` serve TAXII 2.1 to partners.
	TAXII *TAXII `json:"taxii,omitempty"`
	// Digest, if present, makes `ursic run` mail the daily digest (see
	// DigestMail).
	Digest *DigestMail `json:"digest,omitempty"`
}

// TAXIIVersion is the only version of the config's taxii section this node
// understands.
const TAXIIVersion = 1

// TAXII is the taxii section of config.json: where the TAXII 2.1 server
// listens, and its TLS certificate and key. TLS is required unless the
// address is loopback.
type TAXII struct {
	Version int    `json:"version"`
	Listen  string `json:"listen"`
	Cert    string `json:"cert,omitempty"`
	Key     string `json:"key,omitempty"`
}

// Validate checks the section and names the key that is wrong.
func (c *TAXII) Validate() error {
	if c.Version != TAXIIVersion {
		return fmt.Errorf("%w: key \"taxii.version\" is %d, this node understands %d", ErrConfig, c.Version, TAXIIVersion)
	}
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil || port == "" {
		return fmt.Errorf("%w: key \"taxii.listen\" = %q is not HOST:PORT", ErrConfig, c.Listen)
	}
	if (c.Cert == "") != (c.Key == "") {
		return fmt.Errorf("%w: keys \"taxii.cert\" and \"taxii.key\" go together", ErrConfig)
	}
	if c.Cert == "" && !IsLoopback(host) {
		return fmt.Errorf("%w: key \"taxii.listen\" = %q is not loopback, so \"taxii.cert\" and \"taxii.key\" are required (TLS)", ErrConfig, c.Listen)
	}
	return nil
}

var rorPattern = regexp.MustCompile(`^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$`)

// Errors callers branch on with errors.Is.
var (
	// ErrConfig wraps every problem found in a config file.
	ErrConfig = errors.New("invalid config")
	// ErrAPIOffLoopback means the api address is not on loopback and no TLS is configured.
	ErrAPIOffLoopback = errors.New("the local API is off loopback without TLS")
	// ErrNoHome is returned when a home directory has not been initialised.
	ErrNoHome = errors.New("no node home here")
)

// Parse reads and validates a config file's bytes. Errors name the key.
func Parse(data []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrConfig)
	}
	return &c, c.Validate()
}

// Validate checks every key and names the one that is wrong.
func (c *Config) Validate() error {
	if c.Version != Version {
		return fmt.Errorf("%w: key \"version\" is %d, this node understands %d", ErrConfig, c.Version, Version)
	}
	if err := validName(c.Name); err != nil {
		return fmt.Errorf("%w: key \"name\": %v", ErrConfig, err)
	}
	switch policy.Role(c.Role) {
	case policy.RoleMember, policy.RoleSecretariat, policy.RoleLiaison:
	default:
		return fmt.Errorf("%w: key \"role\" is %q, want member, secretariat or liaison", ErrConfig, c.Role)
	}
	for i, a := range c.Listen {
		if !strings.HasPrefix(a, "/") {
			return fmt.Errorf("%w: key \"listen\"[%d] = %q is not a multiaddr (e.g. /ip4/127.0.0.1/tcp/4001)", ErrConfig, i, a)
		}
	}
	for i, a := range c.Announce {
		if err := checkAnnounce(a); err != nil {
			return fmt.Errorf("%w: key \"announce\"[%d] = %q %v", ErrConfig, i, a, err)
		}
	}
	host, port, err := net.SplitHostPort(c.API)
	if err != nil || port == "" {
		return fmt.Errorf("%w: key \"api\" = %q is not HOST:PORT", ErrConfig, c.API)
	}
	ip := net.ParseIP(host)
	if ip == nil && host != "localhost" {
		return fmt.Errorf("%w: key \"api\" host %q is not an IP address", ErrConfig, host)
	}
	if (c.APITLSCert == "") != (c.APITLSKey == "") {
		return fmt.Errorf("%w: keys \"api_tls_cert\" and \"api_tls_key\" go together: set both or neither", ErrConfig)
	}
	if !c.TLS() && !IsLoopback(host) {
		return fmt.Errorf("%w: key \"api\" = %q is not a loopback address and no TLS is configured: %w", ErrConfig, c.API, ErrAPIOffLoopback)
	}
	if c.ROR != "" && !rorPattern.MatchString(c.ROR) {
		return fmt.Errorf("%w: key \"ror\" = %q is not a ROR ID (e.g. 057zh3y96)", ErrConfig, c.ROR)
	}
	if c.TAXII != nil {
		if err := c.TAXII.Validate(); err != nil {
			return err
		}
	}
	for i, h := range c.APIHosts {
		if h == "" || strings.ContainsAny(h, " /:@") && net.ParseIP(h) == nil {
			return fmt.Errorf("%w: key \"api_hosts\"[%d] = %q is not a host name or IP address (no port)", ErrConfig, i, h)
		}
	}
	if c.Digest != nil {
		if err := c.Digest.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	return nil
}

// TLS reports whether the local API serves HTTPS.
func (c *Config) TLS() bool { return c.APITLSCert != "" && c.APITLSKey != "" }

// IsLoopback reports whether host (a name or an IP address, no port) is
// loopback: "localhost" or an address in 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Path resolves a path from the config (api_tls_cert, api_tls_key) against
// the home directory dir.
func Path(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

func validName(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("a node needs a name (e.g. --name \"Kyoto University\")")
	}
	if len(s) > 200 {
		return errors.New("name is longer than 200 bytes")
	}
	return nil
}

// Load reads and validates the config stored in the home dir.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, File)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s has no %s (run `ursic init --name NAME` first)", ErrNoHome, dir, File)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ReadToken returns the local API bearer token stored in the home dir.
func ReadToken(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, TokenFile))
	if err != nil {
		return "", fmt.Errorf("failed to read the API token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < MinTokenLen {
		// An emptied or truncated token file must not leave the API open
		// to a guessable (or empty) token.
		return "", fmt.Errorf("the API token in %s has %d characters, fewer than %d: write a new one (64 hex digits, e.g. `openssl rand -hex 32 > %s`, mode 0600)", filepath.Join(dir, TokenFile), len(tok), MinTokenLen, TokenFile)
	}
	return tok, nil
}

// MinTokenLen is the shortest API token [ReadToken] accepts: 32 characters,
// at least 128 bits however they are written. init writes 64 hex digits.
const MinTokenLen = 32

// checkAnnounce checks an address to announce: a multiaddr starting with
// /ip4, /ip6, /dns, /dns4 or /dns6, then /tcp or /udp and a port, and not a
// wildcard address.
func checkAnnounce(a string) error {
	parts := strings.Split(strings.TrimPrefix(a, "/"), "/")
	if !strings.HasPrefix(a, "/") || len(parts) < 4 {
		return fmt.Errorf("is not a multiaddr with a host and a port (e.g. /dns4/node.example.ac.jp/tcp/4001)")
	}
	switch parts[0] {
	case "ip4", "ip6":
		ip := net.ParseIP(parts[1])
		if ip == nil {
			return fmt.Errorf("has no valid IP address")
		}
		if ip.IsUnspecified() {
			return fmt.Errorf("is a wildcard address, which no one can dial: announce the address others reach")
		}
	case "dns", "dns4", "dns6":
		if parts[1] == "" {
			return fmt.Errorf("has no host name")
		}
	default:
		return fmt.Errorf("must start with /ip4, /ip6, /dns, /dns4 or /dns6")
	}
	if parts[2] != "tcp" && parts[2] != "udp" {
		return fmt.Errorf("must name /tcp/PORT or /udp/PORT/quic-v1")
	}
	return nil
}

// AnnouncedAddrs are the addresses a member card lists: Announce when set;
// else the listen addresses without wildcards, and without loopback unless
// every listen address is loopback (a consortium on one machine: a demo or
// a test). loopbackOnly reports that case, which the caller warns about.
func (c *Config) AnnouncedAddrs() (addrs []string, loopbackOnly bool) {
	if len(c.Announce) > 0 {
		return append([]string{}, c.Announce...), false
	}
	var loop, other []string
	for _, a := range c.Listen {
		parts := strings.Split(strings.TrimPrefix(a, "/"), "/")
		if len(parts) < 2 {
			continue
		}
		ip := net.ParseIP(parts[1])
		switch {
		case ip != nil && ip.IsUnspecified():
			// a wildcard: not an address anyone can dial
		case ip != nil && ip.IsLoopback():
			loop = append(loop, a)
		default:
			other = append(other, a)
		}
	}
	if len(other) > 0 {
		return other, false
	}
	return append([]string{}, loop...), len(loop) > 0
}

package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/ursic/ursic/node/digest"
	"github.com/ursic/ursic/policy"
)

// ConfigVersion is the only config file version this node understands.
const ConfigVersion = 1

// Config is the node's config file (config.json in the home). Unknown keys are
// an error, so a typo never silently falls back to a default.
type Config struct {
	Version int      `json:"version"`
	Name    string   `json:"name"`
	Role    string   `json:"role"`
	Listen  []string `json:"listen"`
	API     string   `json:"api"`
	// Digest, if present, makes `ursic run` mail the daily digest.
	Digest *digest.MailConfig `json:"digest,omitempty"`
}

// ErrConfig wraps every problem found in a config file.
var ErrConfig = errors.New("invalid config")

// ParseConfig reads and validates a config file's bytes. Errors name the key.
func ParseConfig(data []byte) (*Config, error) {
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
	if c.Version != ConfigVersion {
		return fmt.Errorf("%w: key \"version\" is %d, this node understands %d", ErrConfig, c.Version, ConfigVersion)
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
	host, port, err := net.SplitHostPort(c.API)
	if err != nil || port == "" {
		return fmt.Errorf("%w: key \"api\" = %q is not HOST:PORT", ErrConfig, c.API)
	}
	if ip := net.ParseIP(host); ip == nil && host != "localhost" {
		return fmt.Errorf("%w: key \"api\" host %q is not an IP address", ErrConfig, host)
	}
	if c.Digest != nil {
		if err := c.Digest.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	return nil
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

func loadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

package node

import (
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
)

// TAXIIConfigVersion is the only version of the config's taxii section this
// node understands.
const TAXIIConfigVersion = 1

// TAXIIConfig is the taxii section of config.json: where the TAXII 2.1
// server listens, and its TLS certificate and key. TLS is required unless
// the address is loopback.
type TAXIIConfig struct {
	Version int    `json:"version"`
	Listen  string `json:"listen"`
	Cert    string `json:"cert,omitempty"`
	Key     string `json:"key,omitempty"`
}

// Validate checks the section and names the key that is wrong.
func (c *TAXIIConfig) Validate() error {
	if c.Version != TAXIIConfigVersion {
		return fmt.Errorf("%w: key \"taxii.version\" is %d, this node understands %d", ErrConfig, c.Version, TAXIIConfigVersion)
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

// IsLoopback reports whether host (an IP address or "localhost") is loopback.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// EnableTAXII writes the taxii section into the config of the home in dir,
// replacing any there was. The running node serves it after a restart.
func EnableTAXII(dir string, c TAXIIConfig) error {
	c.Version = TAXIIConfigVersion
	cfg, err := ReadConfig(dir)
	if err != nil {
		return err
	}
	cfg.TAXII = &c
	if err := cfg.Validate(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(dir, ConfigFile), append(data, '\n'), 0o600)
}

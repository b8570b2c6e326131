package node

import (
	"encoding/json"
	"path/filepath"

	"github.com/ursic/ursic/node/config"
)

// TAXIIConfigVersion is the only version of the config's taxii section this
// node understands.
const TAXIIConfigVersion = config.TAXIIVersion

// TAXIIConfig is the taxii section of config.json; see package config.
type TAXIIConfig = config.TAXII

// IsLoopback reports whether host (an IP address or "localhost") is loopback.
func IsLoopback(host string) bool { return config.IsLoopback(host) }

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

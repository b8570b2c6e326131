package node

import (
	"github.com/ursic/ursic/node/config"
)

// ConfigVersion is the only config file version this node understands.
const ConfigVersion = config.Version

// Config is the node's config file (config.json in the home); see package
// config.
type Config = config.Config

// ErrConfig wraps every problem found in a config file.
var ErrConfig = config.ErrConfig

// ParseConfig reads and validates a config file's bytes. Errors name the key.
func ParseConfig(data []byte) (*Config, error) { return config.Parse(data) }

package node

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/config"
	"github.com/ursic/ursic/policy"
)

// Files in a node's home directory. Nothing here ever holds a plaintext body:
// the store keeps envelopes (ciphertext), the index lives in memory only.
const (
	ConfigFile   = config.File
	IdentityFile = "identity.key"   // 0600; optionally passphrase-protected (age scrypt)
	TokenFile    = config.TokenFile // 0600; bearer token for the local API
	StoreFile    = "store.db"       // bbolt; envelopes, log index, retraction stubs
)

// PassphraseEnv names the environment variable that holds the passphrase of a
// protected home, so `ursic run` can start unattended under a service manager.
const PassphraseEnv = "URSIC_PASSPHRASE"

// ErrNoHome is returned when a home directory has not been initialised.
var ErrNoHome = config.ErrNoHome

// ErrHomeExists is returned by [Init] when the home already holds a node.
var ErrHomeExists = errors.New("a node home already exists here")

// InitOptions are the choices made when a home is created.
type InitOptions struct {
	Name       string
	Role       string   // member (default), secretariat or liaison
	Listen     []string // libp2p multiaddrs; default: loopback TCP and QUIC on free ports
	Announce   []string // multiaddrs the member card lists (what others dial); default: from Listen
	API        string   // HOST:PORT; default 127.0.0.1 on a free port
	Passphrase string   // if set, the key file is sealed with it (age scrypt)
}

// Card is a node's public member card: what others need to admit it to the
// roster and to seal records to it.
type Card = apiwire.Card

// Init creates a node home in dir: config, identity and API token. It refuses
// to overwrite an existing home.
func Init(dir string, opt InitOptions) (*Card, error) {
	if _, err := os.Stat(filepath.Join(dir, ConfigFile)); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrHomeExists, dir)
	}
	if opt.Role == "" {
		opt.Role = string(policy.RoleMember)
	}
	cfg := &Config{Version: ConfigVersion, Name: opt.Name, Role: opt.Role, Listen: opt.Listen, Announce: opt.Announce, API: opt.API}
	if len(cfg.Listen) == 0 {
		tcp, err := freePort("tcp")
		if err != nil {
			return nil, err
		}
		udp, err := freePort("udp")
		if err != nil {
			return nil, err
		}
		cfg.Listen = []string{
			fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", tcp),
			fmt.Sprintf("/ip4/127.0.0.1/udp/%d/quic-v1", udp),
		}
	}
	if cfg.API == "" {
		p, err := freePort("tcp")
		if err != nil {
			return nil, err
		}
		cfg.API = fmt.Sprintf("127.0.0.1:%d", p)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	id, err := crypto.GenerateIdentity()
	if err != nil {
		return nil, err
	}
	keyText := id.Marshal()
	if opt.Passphrase != "" {
		if keyText, err = crypto.EncryptWithPassphrase(keyText, opt.Passphrase); err != nil {
			return nil, err
		}
	}
	token := make([]byte, 32)
	if _, err := rand.Read(token); err != nil {
		return nil, err
	}
	cfgJSON, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("failed to create home: %w", err)
	}
	// MkdirAll leaves a directory that already exists as it was: the home
	// holds the key and the token, so it is closed to group and others.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("failed to make the home private (mode 0700): %w", err)
	}
	// The config is written last: its presence marks a complete home.
	for _, f := range []struct {
		name string
		data []byte
	}{
		{IdentityFile, keyText},
		{TokenFile, []byte(hex.EncodeToString(token) + "\n")},
		{ConfigFile, append(cfgJSON, '\n')},
	} {
		if err := writeFileSync(filepath.Join(dir, f.name), f.data, 0o600); err != nil {
			return nil, err
		}
	}
	return cardOf(cfg, id), nil
}

func cardOf(cfg *Config, id *crypto.Identity) *Card {
	addrs, _ := cfg.AnnouncedAddrs()
	return &Card{Name: cfg.Name, Role: cfg.Role, PeerID: id.PeerID(), Recipient: id.Recipient(), Addrs: addrs}
}

// Home is an initialised home directory, read but not yet running.
type Home struct {
	Dir      string
	Config   *Config
	Identity *crypto.Identity
}

// LoadHome reads the config and identity from dir. passphrase is used only if
// the key file is protected; a protected key without one is an error that
// says which variable to set.
func LoadHome(dir, passphrase string) (*Home, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	keyText, err := os.ReadFile(filepath.Join(dir, IdentityFile))
	if err != nil {
		return nil, fmt.Errorf("failed to read identity: %w", err)
	}
	if crypto.IsPassphraseProtected(keyText) {
		if passphrase == "" {
			return nil, fmt.Errorf("the identity key is passphrase-protected: set %s", PassphraseEnv)
		}
		if keyText, err = crypto.DecryptWithPassphrase(keyText, passphrase); err != nil {
			return nil, err
		}
	}
	id, err := crypto.ParseIdentity(keyText)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, IdentityFile), err)
	}
	return &Home{Dir: dir, Config: cfg, Identity: id}, nil
}

// Exposed reports whether the home directory is open to its group or to
// others (any of mode 0077), and its mode. `ursic init` makes it 0700.
func (h *Home) Exposed() (bool, os.FileMode, error) {
	fi, err := os.Stat(h.Dir)
	if err != nil {
		return false, 0, fmt.Errorf("failed to read the home's mode: %w", err)
	}
	return fi.Mode().Perm()&0o077 != 0, fi.Mode().Perm(), nil
}

// Card is this home's member card.
func (h *Home) Card() *Card { return cardOf(h.Config, h.Identity) }

// ReadToken returns the local API bearer token stored in dir.
func ReadToken(dir string) (string, error) { return config.ReadToken(dir) }

// ReadConfig returns the config stored in dir.
func ReadConfig(dir string) (*Config, error) { return config.Load(dir) }

func freePort(network string) (int, error) {
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("failed to pick a free UDP port: %w", err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("failed to pick a free TCP port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// writeFileSync writes a file atomically (temp file, fsync, rename) with perm.
func writeFileSync(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Package emergency opens group records without a running node, with the
// stock age CLI and the age plugin age-plugin-ursic (SPEC.md §2.3.2,
// docs/OPERATIONS.md "Emergency opening").
//
// A group record's body is sealed to the author's sender key through an
// ursic-sk stanza, which age does not know. A member's plugin identity
// ([PluginIdentity]) is the member's own X25519 identity under the plugin's
// name; with it the plugin opens the senderkey records the member can read
// ([SenderKeys]), from a node home's store (read-only) and from a directory
// of exported senderkey envelopes ([ExportSenderKeys]), and unwraps the
// body's stanza with the sender key whose key ID it names. [Body] writes a
// record's body out of a store as the age file the CLI reads.
//
// Nothing here writes to a store or needs the node's passphrase: a store
// holds ciphertext only, and the member's key comes from the identity file
// the operator hands to age.
package emergency

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/plugin"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// PluginName is the plugin's name: the age CLI runs "age-plugin-ursic" for
// identities "AGE-PLUGIN-URSIC-1…".
const PluginName = "ursic"

// Environment variables the plugin reads.
const (
	HomeEnv       = "URSIC_HOME"        // a node home; default ~/.ursic
	SenderKeysEnv = "URSIC_SENDER_KEYS" // a directory of senderkey envelope files
)

// storeFile is node.StoreFile (a test keeps them equal): this package does
// not import the node, so the plugin stays a small binary.
const storeFile = "store.db"

// lockTimeout bounds the wait for a store a running node holds.
const lockTimeout = 2 * time.Second

// SenderKeyExt names the files [ExportSenderKeys] writes.
const SenderKeyExt = ".senderkey"

// PluginIdentity returns the member's age plugin identity,
// "AGE-PLUGIN-URSIC-1…": the same X25519 secret as the member's
// AGE-SECRET-KEY-1…, so it is exactly as secret as the node's key file.
func PluginIdentity(id *crypto.Identity) (string, error) {
	x, ok := id.AgeIdentity().(*age.X25519Identity)
	if !ok {
		return "", errors.New("the node's age identity is not an X25519 identity")
	}
	scalar, err := crypto.AgeSecretScalar(x)
	if err != nil {
		return "", err
	}
	return strings.ToUpper(plugin.EncodeIdentity(PluginName, scalar)), nil
}

// ParsePluginData returns the member's X25519 identity from the data of a
// plugin identity (what the plugin framework hands the plugin).
func ParsePluginData(data []byte) (*age.X25519Identity, error) {
	id, err := crypto.AgeIdentityFromScalar(data)
	if err != nil {
		return nil, fmt.Errorf("malformed %s plugin identity: %w", PluginName, err)
	}
	return id, nil
}

// Sources says where [SenderKeys] looks for senderkey envelopes. Either may
// be empty; a home without a store is skipped.
type Sources struct {
	Home string // a node home: its store is read, read-only
	Dir  string // a directory of envelope files, as ExportSenderKeys writes them
}

// SourcesFromEnv returns the sources the plugin uses: $URSIC_HOME (default
// ~/.ursic, as the ursic command) and $URSIC_SENDER_KEYS.
func SourcesFromEnv() Sources {
	home := os.Getenv(HomeEnv)
	if home == "" {
		if d, err := os.UserHomeDir(); err == nil {
			home = filepath.Join(d, ".ursic")
		}
	}
	return Sources{Home: home, Dir: os.Getenv(SenderKeysEnv)}
}

// SenderKeys returns the sender keys of every senderkey envelope in src
// that member can open. Each envelope is verified (the author's signature
// and body digest) before it is opened; envelopes the member cannot open
// are skipped, anything that is not an envelope is an error.
func SenderKeys(member age.Identity, src Sources) (*crypto.GroupKeyring, error) {
	var envs [][]byte
	if src.Home != "" {
		e, err := storeSenderKeys(filepath.Join(src.Home, storeFile))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		envs = append(envs, e...)
	}
	if src.Dir != "" {
		e, err := dirSenderKeys(src.Dir)
		if err != nil {
			return nil, err
		}
		envs = append(envs, e...)
	}
	var keys []*crypto.GroupKey
	for _, raw := range envs {
		env, err := share.Decode(raw)
		if err != nil {
			return nil, err
		}
		if env.Header.Kind != share.KindSenderKey {
			continue
		}
		plain, err := env.Open(member)
		if errors.Is(err, share.ErrNotRecipient) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("senderkey record of %s: %w", env.Header.Author, err)
		}
		b, err := share.ParseSenderKeyBody(plain)
		if err != nil {
			return nil, err
		}
		k, err := b.GroupKey()
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return crypto.NewGroupKeyring(keys...), nil
}

// storeSenderKeys returns the senderkey envelopes of the store at path.
func storeSenderKeys(path string) ([][]byte, error) {
	st, err := store.OpenReadOnly(path, lockTimeout)
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return nil, fmt.Errorf("%w (stop the node, or export its sender keys with `ursic emergency senderkeys`)", err)
		}
		return nil, err
	}
	defer st.Close()
	var out [][]byte
	keep := func(e store.Envelope) error {
		if h, err := share.PeekHeader(e.Envelope); err == nil && h.Kind == share.KindSenderKey {
			out = append(out, e.Envelope)
		}
		return nil
	}
	if st.NeedsControlIndex() {
		err = st.Envelopes(keep) // an older store: no list of control entries yet
	} else {
		err = st.Controls(keep)
	}
	return out, err
}

// dirSenderKeys reads every *.senderkey file of dir.
func dirSenderKeys(dir string) ([][]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*"+SenderKeyExt))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var out [][]byte
	for _, f := range files {
		b, err := readLimited(f, share.MaxEnvelopeSize)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than an envelope (%d bytes)", path, limit)
	}
	return b, nil
}

// memberIdentity is what the plugin hands age for a member: the sender keys
// the member holds, and the member's own X25519 identity for bodies sealed
// directly to it.
type memberIdentity struct {
	keys   *crypto.GroupKeyring
	member *age.X25519Identity
}

// MemberIdentity returns the identity the plugin gives age.
func MemberIdentity(member *age.X25519Identity, keys *crypto.GroupKeyring) age.Identity {
	return memberIdentity{keys, member}
}

func (m memberIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	fk, err := m.keys.Unwrap(stanzas)
	if !errors.Is(err, age.ErrIncorrectIdentity) {
		return fk, err
	}
	fk, err = m.member.Unwrap(stanzas)
	if errors.Is(err, age.ErrIncorrectIdentity) {
		return nil, fmt.Errorf("%w: not sealed to this member nor to any of the %d sender keys it can read", age.ErrIncorrectIdentity, m.keys.Len())
	}
	return fk, err
}

// Body returns the body (an age file) of the record cid in the home's
// store, after checking the envelope's signature and body digest.
func Body(home, cid string) ([]byte, error) {
	st, err := store.OpenReadOnly(filepath.Join(home, storeFile), lockTimeout)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	raw, err := st.Get(cid)
	if err != nil {
		return nil, err
	}
	env, err := share.Decode(raw)
	if err != nil {
		return nil, err
	}
	if err := env.Verify(); err != nil {
		return nil, err
	}
	return env.Body, nil
}

// ExportSenderKeys writes each senderkey envelope of the home's store into
// dir as <CID>.senderkey and returns how many it wrote. The files are
// envelopes as stored (each still sealed to its members), so they can be
// copied to the machine where a member opens records in an emergency.
func ExportSenderKeys(home, dir string) (int, error) {
	envs, err := storeSenderKeys(filepath.Join(home, storeFile))
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	for _, raw := range envs {
		path := filepath.Join(dir, share.CIDOf(raw).String()+SenderKeyExt)
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			return 0, err
		}
	}
	return len(envs), nil
}

package crypto

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"
)

// Key file lines. The age line is age's own format, so the same identity can
// be handed to the age CLI (`age -d -i`) to open a record in an emergency.
const (
	keyFileIntro  = "# URSIC node identity. Keep this file secret: it is the node's signing and decryption key.\n"
	ed25519Prefix = "URSIC-ED25519-SEED-1 "
	agePrefix     = "AGE-SECRET-KEY-1"
)

// ErrBadKeyFile is returned by [ParseIdentity] for a key file it cannot read.
var ErrBadKeyFile = errors.New("malformed identity key file")

// Identity is a node's secret keys: an Ed25519 key that signs envelopes and
// names the node on libp2p (its peer ID), and an age X25519 identity that
// opens what is sealed to the node.
//
// Two keys rather than one converted key: age's X25519 recipients are the
// standard, audited format, and deriving X25519 from Ed25519 would tie the
// decryption key to the signing key's lifetime for no gain.
type Identity struct {
	sign ed25519.PrivateKey
	age  *age.X25519Identity
}

// GenerateIdentity makes a fresh identity from crypto/rand.
func GenerateIdentity() (*Identity, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("failed to generate signing key: %w", err)
	}
	a, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("failed to generate age identity: %w", err)
	}
	return &Identity{sign: priv, age: a}, nil
}

// ParseIdentity reads the key file text written by [Identity.Marshal].
// Blank lines and lines starting with '#' are ignored.
func ParseIdentity(text []byte) (*Identity, error) {
	if IsPassphraseProtected(text) {
		return nil, fmt.Errorf("%w: the key file is passphrase-protected; decrypt it first", ErrBadKeyFile)
	}
	var id Identity
	sc := bufio.NewScanner(bytes.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, ed25519Prefix):
			if id.sign != nil {
				return nil, fmt.Errorf("%w: line %d: second signing key", ErrBadKeyFile, line)
			}
			seed, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(l, ed25519Prefix))
			if err != nil || len(seed) != ed25519.SeedSize {
				return nil, fmt.Errorf("%w: line %d: signing key is not a base64 Ed25519 seed", ErrBadKeyFile, line)
			}
			id.sign = ed25519.NewKeyFromSeed(seed)
		case strings.HasPrefix(l, agePrefix):
			if id.age != nil {
				return nil, fmt.Errorf("%w: line %d: second age identity", ErrBadKeyFile, line)
			}
			a, err := age.ParseX25519Identity(l)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrBadKeyFile, line, err)
			}
			id.age = a
		default:
			return nil, fmt.Errorf("%w: line %d: unrecognised line", ErrBadKeyFile, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKeyFile, err)
	}
	if id.sign == nil || id.age == nil {
		return nil, fmt.Errorf("%w: it must hold one signing key and one age identity", ErrBadKeyFile)
	}
	return &id, nil
}

// Marshal returns the key file text. The caller writes it with mode 0600.
func (id *Identity) Marshal() []byte {
	var b strings.Builder
	b.WriteString(keyFileIntro)
	fmt.Fprintf(&b, "# peer ID: %s\n# age recipient: %s\n", id.PeerID(), id.Recipient())
	b.WriteString(ed25519Prefix + base64.StdEncoding.EncodeToString(id.sign.Seed()) + "\n")
	b.WriteString(id.age.String() + "\n")
	return []byte(b.String())
}

// PeerID is the node's libp2p peer ID, derived from its Ed25519 public key.
func (id *Identity) PeerID() string { return PeerIDFromPublicKey(id.sign.Public().(ed25519.PublicKey)) }

// PrivateKey is the Ed25519 key, in the 64-byte layout libp2p's
// crypto.UnmarshalEd25519PrivateKey expects, for the libp2p host.
func (id *Identity) PrivateKey() ed25519.PrivateKey { return id.sign }

// Recipient is the node's age recipient ("age1…"), published on its card.
func (id *Identity) Recipient() string { return id.age.Recipient().String() }

// AgeIdentity opens what is sealed to [Identity.Recipient].
func (id *Identity) AgeIdentity() age.Identity { return id.age }

// Sign signs msg with the node's Ed25519 key. Callers add their own domain
// separation prefix to msg so a signature cannot be replayed across uses.
func (id *Identity) Sign(msg []byte) []byte { return ed25519.Sign(id.sign, msg) }

// DeriveKey returns a 32-byte key for one purpose, named by label, derived
// from the node's signing seed with HKDF-SHA-256. Only this node can compute
// it; a different label gives an unrelated key. It never leaves the node.
func (id *Identity) DeriveKey(label string) []byte {
	k, err := hkdf.Key(sha256.New, id.sign.Seed(), nil, "ursic/"+label, 32)
	if err != nil {
		panic(err) // only for a length HKDF cannot produce
	}
	return k
}

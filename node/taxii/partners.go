package taxii

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// PartnersFile holds the TAXII partners of a home: names, grants and the
// SHA-256 of each credential. The credential itself is printed once by
// [AddPartner] and never stored. A plain hash suffices: a credential is 32
// random bytes, so there is nothing to guess that a slow hash would protect.
const PartnersFile = "taxii-partners.json"

// partnersVersion is the version of the partners file.
const partnersVersion = 1

// Partner is one partner network allowed to use the TAXII server.
type Partner struct {
	Name    string    `json:"name"`
	Hash    string    `json:"sha256"` // hex SHA-256 of the credential
	Write   bool      `json:"write"`  // may write to (and read back its own objects from) the inbox
	Created time.Time `json:"created"`
}

type partnersDoc struct {
	Version  int       `json:"version"`
	Partners []Partner `json:"partners"`
}

// Errors of partner management.
var (
	ErrPartnerExists  = errors.New("a partner of that name exists")
	ErrNoPartner      = errors.New("no partner of that name")
	ErrBadPartnerName = errors.New("a partner name is 1–64 letters, digits, '-', '_' or '.'")
)

var partnerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CredentialPrefix starts every credential, so that one found in a log or a
// file is recognisable.
const CredentialPrefix = "ursic-taxii-"

func readPartners(dir string) (partnersDoc, error) {
	doc := partnersDoc{Version: partnersVersion}
	b, err := os.ReadFile(filepath.Join(dir, PartnersFile))
	if errors.Is(err, os.ErrNotExist) {
		return doc, nil
	}
	if err != nil {
		return doc, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return doc, fmt.Errorf("%s: %w", PartnersFile, err)
	}
	if doc.Version != partnersVersion {
		return doc, fmt.Errorf("%s: version %d, this node understands %d", PartnersFile, doc.Version, partnersVersion)
	}
	return doc, nil
}

func writePartners(dir string, doc partnersDoc) error {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, PartnersFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, PartnersFile))
}

func hashCredential(cred string) string {
	h := sha256.Sum256([]byte(cred))
	return hex.EncodeToString(h[:])
}

// AddPartner adds a partner to the home in dir and returns its credential,
// which is shown this once: usable as a Bearer token, or as the Basic-auth
// password with the partner's name as the user.
func AddPartner(dir, name string, write bool) (string, error) {
	if !partnerName.MatchString(name) {
		return "", fmt.Errorf("%w: %q", ErrBadPartnerName, name)
	}
	doc, err := readPartners(dir)
	if err != nil {
		return "", err
	}
	if slices.ContainsFunc(doc.Partners, func(p Partner) bool { return strings.EqualFold(p.Name, name) }) {
		return "", fmt.Errorf("%w: %s", ErrPartnerExists, name)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	cred := CredentialPrefix + base64.RawURLEncoding.EncodeToString(b)
	doc.Partners = append(doc.Partners, Partner{Name: name, Hash: hashCredential(cred), Write: write, Created: time.Now().UTC().Truncate(time.Second)})
	return cred, writePartners(dir, doc)
}

// ListPartners returns the partners of the home in dir.
func ListPartners(dir string) ([]Partner, error) {
	doc, err := readPartners(dir)
	return doc.Partners, err
}

// RevokePartner removes a partner: its credential stops working at the
// next request.
func RevokePartner(dir, name string) error {
	doc, err := readPartners(dir)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(doc.Partners, func(p Partner) bool { return p.Name == name })
	if i < 0 {
		return fmt.Errorf("%w: %s", ErrNoPartner, name)
	}
	doc.Partners = slices.Delete(doc.Partners, i, i+1)
	return writePartners(dir, doc)
}

// partners is the server's view of the partners file, read again whenever
// the file changes, so that add and revoke take effect without a restart.
type partners struct {
	dir   string
	mu    sync.Mutex
	mtime time.Time
	size  int64
	list  []Partner
}

func (ps *partners) current() ([]Partner, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	st, err := os.Stat(filepath.Join(ps.dir, PartnersFile))
	if errors.Is(err, os.ErrNotExist) {
		ps.list, ps.mtime, ps.size = nil, time.Time{}, 0
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.ModTime().Equal(ps.mtime) || st.Size() != ps.size || ps.list == nil {
		doc, err := readPartners(ps.dir)
		if err != nil {
			return nil, err
		}
		ps.list, ps.mtime, ps.size = doc.Partners, st.ModTime(), st.Size()
	}
	return ps.list, nil
}

// authenticate finds the partner a credential belongs to. user is the
// Basic-auth user name, "" for a Bearer token.
func (ps *partners) authenticate(user, cred string) (Partner, bool, error) {
	list, err := ps.current()
	if err != nil {
		return Partner{}, false, err
	}
	h := hashCredential(cred)
	var found Partner
	ok := false
	for _, p := range list {
		// Every hash is compared, in constant time each.
		if subtle.ConstantTimeCompare([]byte(p.Hash), []byte(h)) == 1 && (user == "" || user == p.Name) {
			found, ok = p, true
		}
	}
	return found, ok, nil
}

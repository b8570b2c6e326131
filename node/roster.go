package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// Roster files in the home. The roster is public inside the consortium, so it
// is kept as plain JSON; every version is kept so that peers who are behind
// can be served the chain from the pinned genesis.
const (
	RosterFile     = "roster.json" // the current version
	RosterDir      = "rosters"     // every version, v000001.json …
	GenesisPinFile = "genesis.pin" // hex hash of the genesis roster, pinned at setup
)

// ErrRosterNotNewer is returned when a roster is not newer than the current one.
var ErrRosterNotNewer = errors.New("roster is not newer than the one installed")

// rosterChain is a node's verified roster history.
type rosterChain struct {
	pin      string
	versions map[uint64]*share.Roster
	views    map[uint64]*policy.Roster // each version's policy view, built once when it is added
	current  *share.Roster
}

// loadRosterChain reads and re-verifies every stored roster version from the
// pinned genesis: a tampered file in the home is an error, not a new truth.
func loadRosterChain(dir string) (*rosterChain, error) {
	c := &rosterChain{versions: map[uint64]*share.Roster{}, views: map[uint64]*policy.Roster{}}
	pin, err := os.ReadFile(filepath.Join(dir, GenesisPinFile))
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	c.pin = strings.TrimSpace(string(pin))
	for v := uint64(1); ; v++ {
		data, err := os.ReadFile(filepath.Join(dir, RosterDir, rosterFileName(v)))
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			return nil, err
		}
		r, err := share.ParseRoster(data)
		if err != nil {
			return nil, fmt.Errorf("stored roster version %d: %w", v, err)
		}
		if err := c.verify(r); err != nil {
			return nil, fmt.Errorf("stored roster version %d: %w", v, err)
		}
		c.add(r)
	}
	if c.current == nil {
		return nil, fmt.Errorf("genesis is pinned but %s holds no roster", filepath.Join(dir, RosterDir))
	}
	return c, nil
}

func rosterFileName(v uint64) string { return fmt.Sprintf("v%06d.json", v) }

// verify checks that r may follow the chain: the pinned genesis, or the next
// version signed by enough executives of the current one.
func (c *rosterChain) verify(r *share.Roster) error {
	if c.current != nil && r.Version <= c.current.Version {
		if old := c.versions[r.Version]; old != nil && old.Hash() == r.Hash() {
			return fmt.Errorf("%w: version %d is already installed", ErrRosterNotNewer, r.Version)
		}
		return fmt.Errorf("%w: this node has version %d, the roster offered is version %d", ErrRosterNotNewer, c.current.Version, r.Version)
	}
	if r.Version == 1 {
		if err := r.VerifyGenesis(); err != nil {
			return err
		}
		if c.pin != "" && r.Hash() != c.pin {
			return fmt.Errorf("genesis roster %s differs from the pinned genesis %s", r.Hash(), c.pin)
		}
		return nil
	}
	if c.current == nil {
		return fmt.Errorf("roster version %d cannot be checked: install the genesis roster (version 1) first", r.Version)
	}
	if r.Version > c.current.Version+1 {
		return fmt.Errorf("roster version %d skips versions: this node has %d; apply %d first (peers send the missing versions on their own)", r.Version, c.current.Version, c.current.Version+1)
	}
	return r.VerifyNext(c.current)
}

func (c *rosterChain) add(r *share.Roster) {
	c.versions[r.Version] = r
	c.views[r.Version] = r.View()
	c.current = r
	if r.Version == 1 && c.pin == "" {
		c.pin = r.Hash()
	}
}

// save writes r as the newest version: its history file, then roster.json,
// then (for a genesis) the pin. Each file is written atomically.
func (c *rosterChain) save(dir string, r *share.Roster) error {
	data, err := r.Marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, RosterDir), 0o700); err != nil {
		return err
	}
	if err := writeFileSync(filepath.Join(dir, RosterDir, rosterFileName(r.Version)), data, 0o600); err != nil {
		return err
	}
	if err := writeFileSync(filepath.Join(dir, RosterFile), data, 0o600); err != nil {
		return err
	}
	if r.Version == 1 {
		return writeFileSync(filepath.Join(dir, GenesisPinFile), []byte(r.Hash()+"\n"), 0o600)
	}
	return nil
}

// ApplyRosterOffline installs a roster into a home whose node is not running.
func ApplyRosterOffline(dir string, r *share.Roster) error {
	if _, err := ReadConfig(dir); err != nil {
		return err
	}
	c, err := loadRosterChain(dir)
	if err != nil {
		return err
	}
	if err := c.verify(r); err != nil {
		return err
	}
	return c.save(dir, r)
}

// CurrentRoster returns the roster installed in a home, or nil if none is.
func CurrentRoster(dir string) (*share.Roster, error) {
	c, err := loadRosterChain(dir)
	if err != nil {
		return nil, err
	}
	return c.current, nil
}

// RosterVersionAt returns version v from a home's history, for `roster sign`
// of a next version (whose signers must be executives of v).
func RosterVersionAt(dir string, v uint64) (*share.Roster, error) {
	c, err := loadRosterChain(dir)
	if err != nil {
		return nil, err
	}
	r := c.versions[v]
	if r == nil {
		return nil, fmt.Errorf("this node does not hold roster version %d", v)
	}
	return r, nil
}

// ApplyRoster verifies and installs a newer roster in the running node, then
// updates the connection gate, closes connections to removed members at once
// and makes group senders rotate their keys before publishing again.
func (n *Node) ApplyRoster(r *share.Roster) error {
	// A publish batch decides its recipients and seals under one roster
	// version: the roster changes only between batches.
	n.pubMu.Lock()
	defer n.pubMu.Unlock()
	n.rmu.Lock()
	if err := n.chain.verify(r); err != nil {
		n.rmu.Unlock()
		return err
	}
	if err := n.chain.save(n.home.Dir, r); err != nil {
		n.rmu.Unlock()
		return err
	}
	prev := n.chain.current
	n.chain.add(r)
	n.rmu.Unlock()

	var removed []string
	if prev != nil {
		for _, m := range prev.Members {
			if _, ok := r.Member(m.PeerID); !ok {
				removed = append(removed, m.PeerID)
			}
		}
	}
	n.log.Info("roster installed", "version", r.Version, "members", len(r.Members), "removed", removed)
	n.audit("roster", fmt.Sprintf("version %d hash %s", r.Version, r.Hash()))
	if n.net != nil {
		n.net.rosterChanged(removed)
	}
	return nil
}

// Roster returns the installed roster, or nil for a consortium of one.
func (n *Node) Roster() *share.Roster {
	n.rmu.RLock()
	defer n.rmu.RUnlock()
	return n.chain.current
}

// rosterAt returns version v, if this node holds it.
func (n *Node) rosterAt(v uint64) *share.Roster {
	n.rmu.RLock()
	defer n.rmu.RUnlock()
	return n.chain.versions[v]
}

// roster is the membership view policy decides over. With no roster a node
// is a consortium of one: `members` is itself.
func (n *Node) roster() *policy.Roster {
	n.rmu.RLock()
	defer n.rmu.RUnlock()
	if r := n.chain.current; r != nil {
		return n.chain.views[r.Version]
	}
	return n.rosterOfOne()
}

func (n *Node) rosterOfOne() *policy.Roster {
	return &policy.Roster{
		Members:   []policy.Member{{PeerID: n.PeerID(), Name: n.home.Config.Name, Role: policy.RoleMember}},
		Executive: []string{n.PeerID()},
	}
}

// rosterViews gives receive the policy view of each roster version held.
type rosterViews struct{ n *Node }

func (v rosterViews) View(version uint64) *policy.Roster {
	v.n.rmu.RLock()
	defer v.n.rmu.RUnlock()
	return v.n.chain.views[version]
}

func (n *Node) rosterVersion() uint64 {
	if r := n.Roster(); r != nil {
		return r.Version
	}
	return 0
}

// recipientOf returns a member's age recipient from the roster.
func (n *Node) recipientOf(peerID string) (string, error) {
	if peerID == n.PeerID() {
		return n.home.Identity.Recipient(), nil
	}
	r := n.Roster()
	if r == nil {
		return "", fmt.Errorf("no member card for %s: this node has no roster", peerID)
	}
	m, ok := r.Member(peerID)
	if !ok {
		return "", fmt.Errorf("%s is not on roster version %d", peerID, r.Version)
	}
	return m.Recipient, nil
}

// memberName is a peer's name on the roster, or "".
func (n *Node) memberName(peerID string) string {
	if peerID == n.PeerID() {
		return n.home.Config.Name
	}
	if r := n.Roster(); r != nil {
		if m, ok := r.Member(peerID); ok {
			return m.Name
		}
	}
	return ""
}

// rosterPeers lists the roster's members other than this node.
func (n *Node) rosterPeers() []share.RosterMember {
	r := n.Roster()
	if r == nil {
		return nil
	}
	return slices.DeleteFunc(slices.Clone(r.Members), func(m share.RosterMember) bool { return m.PeerID == n.PeerID() })
}

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
		r, err = c.verify(r)
		if err != nil {
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
// version signed by enough executives of the current one. It returns the
// copy of r to install: only the signatures that count, so that junk a
// relay added is neither stored nor relayed (share/SPEC.md §7.3).
func (c *rosterChain) verify(r *share.Roster) (*share.Roster, error) {
	if c.current != nil && r.Version <= c.current.Version {
		if old := c.versions[r.Version]; old != nil && old.Hash() == r.Hash() {
			return nil, fmt.Errorf("%w: version %d is already installed", ErrRosterNotNewer, r.Version)
		}
		return nil, fmt.Errorf("%w: this node has version %d, the roster offered is version %d", ErrRosterNotNewer, c.current.Version, r.Version)
	}
	if r.Version == 1 {
		v, err := r.Verify(nil)
		if err != nil {
			return nil, err
		}
		if c.pin != "" && r.Hash() != c.pin {
			return nil, fmt.Errorf("genesis roster %s differs from the pinned genesis %s", r.Hash(), c.pin)
		}
		return v, nil
	}
	if c.current == nil {
		return nil, fmt.Errorf("roster version %d cannot be checked: install the genesis roster (version 1) first", r.Version)
	}
	if r.Version > c.current.Version+1 {
		return nil, fmt.Errorf("roster version %d skips versions: this node has %d; apply %d first (peers send the missing versions on their own)", r.Version, c.current.Version, c.current.Version+1)
	}
	return r.Verify(c.current)
}

// hashAt is this chain's hash of version v, or "" if it does not hold v.
func (c *rosterChain) hashAt(v uint64) string {
	if r := c.versions[v]; r != nil {
		return r.Hash()
	}
	return ""
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
	r, err = c.verify(r)
	if err != nil {
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
	r, err := n.chain.verify(r)
	if err != nil {
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
	n.recheckRosterForks(r)
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

// wasMember reports whether peerID is this node or is on any roster
// version this node holds: a removed member's earlier records stay valid.
func (n *Node) wasMember(peerID string) bool {
	if peerID == n.PeerID() {
		return true
	}
	n.rmu.RLock()
	defer n.rmu.RUnlock()
	for _, r := range n.chain.versions {
		if _, ok := r.Member(peerID); ok {
			return true
		}
	}
	return false
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

// AbandonedDir, under RosterDir, keeps the versions that
// [RewindRosterOffline] took off the chain, named by version and hash.
const AbandonedDir = "abandoned"

// RewindRosterOffline re-sets the roster chain of a home whose node is not
// running to version keep: every later version is moved out of the chain
// into rosters/abandoned/. It is how an operator takes a node off a roster
// branch that the executives did not continue (docs/ROSTER-FORKS.md); the
// operator then applies the chosen branch's versions. The pinned genesis
// stays, so keep is at least 1 and below the current version.
func RewindRosterOffline(dir string, keep uint64) error {
	if _, err := ReadConfig(dir); err != nil {
		return err
	}
	c, err := loadRosterChain(dir)
	if err != nil {
		return err
	}
	if c.current == nil {
		return errors.New("no roster is installed: nothing to rewind")
	}
	if keep < 1 || keep >= c.current.Version {
		return fmt.Errorf("cannot rewind to roster version %d: this node holds versions 1 to %d, and the genesis stays", keep, c.current.Version)
	}
	abandoned := filepath.Join(dir, RosterDir, AbandonedDir)
	if err := os.MkdirAll(abandoned, 0o700); err != nil {
		return err
	}
	// Newest first, so that an interruption leaves a gap-free chain.
	for v := c.current.Version; v > keep; v-- {
		name := rosterFileName(v)
		to := filepath.Join(abandoned, strings.TrimSuffix(name, ".json")+"-"+c.versions[v].Hash()[:16]+".json")
		if err := os.Rename(filepath.Join(dir, RosterDir, name), to); err != nil {
			return fmt.Errorf("failed to move roster version %d out of the chain: %w", v, err)
		}
	}
	data, err := c.versions[keep].Marshal()
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(dir, RosterFile), data, 0o600)
}

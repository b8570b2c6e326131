package node

import (
	"errors"
	"fmt"

	"github.com/ursic/ursic/share"
)

// ErrRosterSign is wrapped by every refusal of [Node.SignRoster].
var ErrRosterSign = errors.New("cannot sign the roster proposal")

// SignRoster signs a proposed next roster version with this node's
// identity, as `ursic roster sign` does: r must be the version after the
// installed one, name its hash as prev, and this node must be one of the
// installed version's executives. It returns the signed copy (r is not
// changed), how many valid executive signatures the copy has and how many
// the installed version requires.
func (n *Node) SignRoster(r *share.Roster) (signed *share.Roster, valid, need int, err error) {
	cur := n.Roster()
	if cur == nil {
		return nil, 0, 0, fmt.Errorf("%w: this node has no roster, so there is no next version to sign", ErrRosterSign)
	}
	if r.Version != cur.Version+1 {
		return nil, 0, 0, fmt.Errorf("%w: the proposal is roster version %d, but this node has version %d and signs only version %d", ErrRosterSign, r.Version, cur.Version, cur.Version+1)
	}
	if r.Prev != cur.Hash() {
		return nil, 0, 0, fmt.Errorf("%w: the proposal follows a version %d with hash %s, but this node holds version %d with hash %s (a roster fork)", ErrRosterSign, cur.Version, r.Prev, cur.Version, cur.Hash())
	}
	if err := r.CanSign(n.PeerID(), cur); err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrRosterSign, err)
	}
	out := r.Clone()
	if err := out.Sign(n.home.Identity); err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrRosterSign, err)
	}
	valid, need = out.SignatureCount(cur)
	return out, valid, need, nil
}

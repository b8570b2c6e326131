package node

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// ErrNoSenderKey is returned when a record is sealed to a sender key this
// node does not hold: it was not a member of the group at that epoch.
var ErrNoSenderKey = errors.New("no sender key for this record")

type senderKeyID struct {
	author, group string
	epoch         uint64
}

// ownEpoch is this node's current sender key for one group.
type ownEpoch struct {
	epoch   uint64
	members []string // sorted peer IDs the key was given to
	roster  uint64   // the roster version whose member cards it was sealed to
	cid     string   // the senderkey record
	key     *crypto.GroupKey
}

// senderKeys holds the group keys this node has received (in memory only:
// they are re-opened from senderkey envelopes at every start).
type senderKeys struct {
	mu   sync.RWMutex
	keys map[senderKeyID]*crypto.GroupKey
	own  map[string]ownEpoch
}

func newSenderKeys() *senderKeys {
	return &senderKeys{keys: map[senderKeyID]*crypto.GroupKey{}, own: map[string]ownEpoch{}}
}

func (s *senderKeys) get(author, group string, epoch uint64) *crypto.GroupKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys[senderKeyID{author, group, epoch}]
}

// learn records a senderkey body opened from an envelope by author, written
// under roster version roster.
func (s *senderKeys) learn(self, author, cid string, roster uint64, b *share.SenderKeyBody) error {
	k, err := crypto.ParseGroupKey(b.Key)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[senderKeyID{author, b.Group, b.Epoch}] = k
	if author == self && b.Epoch >= s.own[b.Group].epoch {
		s.own[b.Group] = ownEpoch{epoch: b.Epoch, members: slices.Clone(b.Members), roster: roster, cid: cid, key: k}
	}
	return nil
}

// openEnvelope opens a verified envelope with this node's identity or the
// sender key it names. A senderkey record is learnt as a side effect.
//
// A sender key's identity opens both forms of group body (SPEC.md §2.3):
// the ursic-sk stanza writers use now, and the X25519 stanza of records
// written before it, so old epochs keep opening. Every body is held to the
// stanza rules first (one stanza for a group body, one per reader for a
// direct one), so a hostile member cannot make this node spend an X25519
// on stanzas no reader needs.
func (n *Node) openEnvelope(env *share.Envelope, cid string) ([]byte, error) {
	var plain []byte
	var err error
	if env.Header.Key.Direct {
		plain, err = env.OpenBounded(n.directReaders(&env.Header), n.home.Identity.AgeIdentity())
	} else {
		k := n.keys.get(env.Header.Author, env.Header.Key.Group, env.Header.Key.Epoch)
		if k == nil {
			return nil, fmt.Errorf("%w: %s epoch %d of %s", ErrNoSenderKey, env.Header.Key.Group, env.Header.Key.Epoch, env.Header.Author)
		}
		plain, err = env.Open(k.Identity())
	}
	if err != nil {
		return nil, err
	}
	if env.Header.Kind == share.KindSenderKey {
		b, err := share.ParseSenderKeyBody(plain)
		if err != nil {
			return nil, err
		}
		if err := n.keys.learn(n.PeerID(), env.Header.Author, cid, env.Header.RosterVersion, b); err != nil {
			return nil, err
		}
	}
	return plain, nil
}

// directReaders is how many stanzas a direct body under h may carry: its
// readers. A peer list names them (with the author) in the header; for a
// group audience (a senderkey record) they are the group's recipients under
// roster version r, which this node holds for any envelope it is entitled
// to. Where it cannot tell, the header's own bound applies.
func (n *Node) directReaders(h *share.Header) int {
	bound := h.MaxStanzas()
	if len(h.Audience) != 1 || bound < share.MaxReaders {
		return bound // a peer list: the header names its readers
	}
	if h.RosterVersion == 0 {
		return 1 // a consortium of one: the author alone
	}
	view := rosterViews{n}.View(h.RosterVersion)
	p, err := receive.PolicyOf(h)
	if view == nil || err != nil {
		return bound
	}
	recips, err := policy.Recipients(view, p, h.Author)
	if err != nil {
		return bound
	}
	return len(recips)
}

// ageRecipients parses the age recipients of the given members.
func (n *Node) ageRecipients(ids []string) ([]age.Recipient, error) {
	out := make([]age.Recipient, 0, len(ids))
	for _, id := range ids {
		s, err := n.recipientOf(id)
		if err != nil {
			return nil, err
		}
		r, err := crypto.ParseRecipient(s)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", id, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// keysChanged reports whether any of readers has another age recipient on
// the current roster than on the roster ep was sealed under: a member that
// replaced its key must not be left with a group key sealed to the old one,
// which may be compromised.
func (n *Node) keysChanged(ep ownEpoch, readers []string) bool {
	cur := n.Roster()
	if cur == nil || ep.roster == cur.Version {
		return false
	}
	old := n.rosterAt(ep.roster)
	if old == nil {
		return true // cannot tell: rotate
	}
	for _, id := range readers {
		if id == n.PeerID() {
			continue
		}
		mo, okOld := old.Member(id)
		mc, okCur := cur.Member(id)
		if !okOld || !okCur || mo.Recipient != mc.Recipient {
			return true
		}
	}
	return false
}

package node

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"sync"

	"github.com/ursic/ursic/share"
)

// Re-running a publish on the same file after an interruption must not
// publish twice what was already durable. The node knows its own records by
// a keyed digest of what it sealed — the record's body and its policy —
// computed only in memory: at publish, and at start when the index opens
// the node's own envelopes (bodies are never at rest in the clear, and
// neither is anything derived from them without this node's key).

// digestKeyLabel names the digest key derived from the node's identity.
const digestKeyLabel = "publish-digest/v1"

type recordDigest [sha256.Size]byte

// ownRecords maps the digest of each record this node published to its CID.
// A node's own records may be a million: the map is keyed by the first 16
// bytes of the digest (a keyed HMAC, so no one can aim for a collision, and
// 2^-88 by chance at a million records), and the caller passes a CID string
// it shares with the case table (applyFacts), so an entry costs the map's
// slot alone.
type ownRecords struct {
	key []byte
	mu  sync.RWMutex
	m   map[ownKey]string
}

type ownKey [16]byte

func newOwnRecords(key []byte) *ownRecords {
	return &ownRecords{key: key, m: map[ownKey]string{}}
}

// digest is the keyed digest of a record's sealed body and its policy.
func (o *ownRecords) digest(kind string, body []byte, tlp string, audience, caveats []string) recordDigest {
	h := hmac.New(sha256.New, o.key)
	for _, part := range []string{kind, tlp, strings.Join(audience, ","), strings.Join(caveats, ",")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	var d recordDigest
	copy(d[:], h.Sum(nil))
	return d
}

func (o *ownRecords) add(d recordDigest, cid string) {
	k := ownKey(d[:16])
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.m[k]; !ok {
		o.m[k] = cid
	}
}

func (o *ownRecords) lookup(d recordDigest) (string, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	c, ok := o.m[ownKey(d[:16])]
	return c, ok
}

func userKind(kind string) bool {
	for _, k := range share.UserKinds() {
		if k == kind {
			return true
		}
	}
	return false
}

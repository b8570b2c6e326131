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
type ownRecords struct {
	key []byte
	mu  sync.RWMutex
	m   map[recordDigest]string
}

func newOwnRecords(key []byte) *ownRecords {
	return &ownRecords{key: key, m: map[recordDigest]string{}}
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
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.m[d]; !ok {
		o.m[d] = cid
	}
}

func (o *ownRecords) lookup(d recordDigest) (string, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	c, ok := o.m[d]
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

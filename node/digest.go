package node

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
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
// A node's own records may be a million: an entry is keyed by the first 16
// bytes of the digest (a keyed HMAC, so no one can aim for a collision, and
// 2^-88 by chance at a million records) and holds a CID string the caller
// shares with the case table (applyFacts). Entries are values in fixed
// chunks, found through a table of 32-bit positions that grows by a
// quarter: 37 bytes an entry at 1,000,000, where a map[ownKey]string cost 68
// (2026-11-29).
type ownRecords struct {
	key []byte

	mu     sync.RWMutex
	chunks [][]ownEntry // every entry, in the order added; a chunk is never moved
	count  int
	slots  []uint32 // position+1 of an entry, by its key; 0 is empty
}

type ownKey [16]byte

type ownEntry struct {
	key ownKey
	cid string
}

// ownChunk is the number of entries in a chunk (128 KiB).
const ownChunk = 1 << 12

func newOwnRecords(key []byte) *ownRecords {
	return &ownRecords{key: key}
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

// add records that cid is the record of digest d; a digest already known
// keeps its first CID.
func (o *ownRecords) add(d recordDigest, cid string) {
	k := ownKey(d[:16])
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.find(k); ok {
		return
	}
	if o.count%ownChunk == 0 {
		o.chunks = append(o.chunks, make([]ownEntry, ownChunk))
	}
	p := uint32(o.count)
	*o.at(p) = ownEntry{k, cid}
	o.count++
	if 8*o.count > 7*len(o.slots) {
		o.slots = make([]uint32, max(1024, len(o.slots)*5/4))
		for q := range uint32(o.count) {
			o.put(q)
		}
		return
	}
	o.put(p)
}

func (o *ownRecords) lookup(d recordDigest) (string, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	p, ok := o.find(ownKey(d[:16]))
	if !ok {
		return "", false
	}
	return o.at(p).cid, true
}

func (o *ownRecords) at(p uint32) *ownEntry { return &o.chunks[p/ownChunk][p%ownChunk] }

// home is the first slot key k probes. The key is a keyed HMAC: its first
// 8 bytes are already uniform, scaled to the table's size.
func (o *ownRecords) home(k ownKey) int {
	return int((binary.LittleEndian.Uint64(k[:8]) >> 32) * uint64(len(o.slots)) >> 32)
}

func (o *ownRecords) find(k ownKey) (uint32, bool) {
	if len(o.slots) == 0 {
		return 0, false
	}
	for i := o.home(k); ; i++ {
		if i == len(o.slots) {
			i = 0
		}
		if o.slots[i] == 0 {
			return 0, false
		}
		if p := o.slots[i] - 1; o.at(p).key == k {
			return p, true
		}
	}
}

func (o *ownRecords) put(p uint32) {
	for i := o.home(o.at(p).key); ; i++ {
		if i == len(o.slots) {
			i = 0
		}
		if o.slots[i] == 0 {
			o.slots[i] = p + 1
			return
		}
	}
}

func userKind(kind string) bool {
	for _, k := range share.UserKinds() {
		if k == kind {
			return true
		}
	}
	return false
}

package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The change sequence lets a reader of the store (the node's index snapshot) ask "what changed
// since I last looked" without reading every envelope. Every write that adds or removes a body or
// a stub takes the next number of the store's sequence, in the same bbolt transaction, and lists
// the CID under that number in bucketChanges. A number, once committed, always names the same
// change: the sequence never goes back, so (store ID, number, CID at that number) identifies one
// state of one store.

// bucketChanges lists the store's changes: seq(8 bytes BE) → op (1 byte) cid. Part of the on-disk
// format: never rename it.
var bucketChanges = []byte("changes")

// counterSeq in bucketCounters is the number of the store's latest change.
var counterSeq = []byte("seq")

// counterChain in bucketCounters is the running hash of the change sequence at counterSeq (see
// ChainNext). A store written before it existed has none: its running hash starts from zero at
// whatever number its sequence had when this version first wrote to it.
var counterChain = []byte("seq.chain")

// metaStoreID in bucketMeta is the store's identity: 16 random bytes, written when the store is
// created (or first opened by a version that keeps the change sequence).
var metaStoreID = []byte("store.id")

// ChangeOp says what a change did.
type ChangeOp byte

// Change operations. Part of the on-disk format.
const (
	// OpPut: an envelope was stored under CID.
	OpPut ChangeOp = 'P'
	// OpDrop: CID's envelope was dropped (retracted), or a retraction stub was written for a CID
	// the store did not hold, or a pending retraction suppressed CID as it arrived.
	OpDrop ChangeOp = 'D'
)

// Change is one entry of the change sequence.
type Change struct {
	Seq uint64
	Op  ChangeOp
	CID string
}

// change appends a change to the sequence. The writer's sequence number and running hash are
// read once per transaction and written back by flush.
func (w *writer) change(op ChangeOp, cid []byte) error {
	if !w.seqLoaded {
		w.seq, w.seqLoaded = decodeUint(w.counters.Get(counterSeq)), true
		copy(w.chain[:], w.counters.Get(counterChain))
	}
	w.seq++
	w.seqDirty = true
	v := make([]byte, 0, 1+len(cid))
	v = append(v, byte(op))
	v = append(v, cid...)
	w.chain = chainNext(w.chain, w.seq, v)
	return w.changes.Put(encodeUint(w.seq), v)
}

// flushSeq writes back the sequence number and running hash, if a change was made.
func (w *writer) flushSeq() error {
	if !w.seqDirty {
		return nil
	}
	if err := w.counters.Put(counterSeq, encodeUint(w.seq)); err != nil {
		return err
	}
	return w.counters.Put(counterChain, w.chain[:])
}

// The running hash of the change sequence tells two histories of one store apart even where they
// list the same CID under the same number (a copy of the file put back, which then took another
// way): a reader that recorded (number, running hash) folds the changes listed since into its hash
// with ChainNext and compares the result with [Store.ChangeHead]. If they agree, the store's history up
// to that number is the one the reader saw. Each change costs one SHA-256 of about 70 bytes, in
// the transaction that makes it; the hash is written once per transaction.
//
//	chain(n) = SHA-256(chain(n-1) || n as 8 bytes big-endian || op || cid)
const chainSize = sha256.Size

func chainNext(prev [32]byte, seq uint64, opCID []byte) [32]byte {
	h := sha256.New()
	h.Write(prev[:])
	h.Write(encodeUint(seq))
	h.Write(opCID)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// ChainNext returns the running hash after change c, given the running hash before it.
func ChainNext(prev []byte, c Change) []byte {
	var p [32]byte
	copy(p[:], prev)
	v := make([]byte, 0, 1+len(c.CID))
	v = append(v, byte(c.Op))
	v = append(v, c.CID...)
	out := chainNext(p, c.Seq, v)
	return out[:]
}

// ChangeHead is the store's latest change and the running hash of the sequence up to it.
type ChangeHead struct {
	Seq   uint64
	Chain []byte // chainSize bytes
}

// ChangeHead returns the number of the store's latest change and the running hash up to it,
// read together.
func (s *Store) ChangeHead() (ChangeHead, error) {
	var h ChangeHead
	err := s.db.View(func(tx *bolt.Tx) error {
		h = headOf(tx)
		return nil
	})
	if err != nil {
		return ChangeHead{}, fmt.Errorf("read change sequence: %w", err)
	}
	return h, nil
}

func headOf(tx *bolt.Tx) ChangeHead {
	c := tx.Bucket(bucketCounters)
	h := ChangeHead{Seq: decodeUint(c.Get(counterSeq)), Chain: make([]byte, chainSize)}
	copy(h.Chain, c.Get(counterChain))
	return h
}

// A version of this software from before the change sequence writes records without listing
// them, so a reader of the sequence would not know what that version stored (a downgrade, some
// writes, an upgrade again). Every writer updates the counts of records and stubs in
// bucketCounters; only a version that lists its changes also moves their mirrors below. If the
// counts and their mirrors differ, something wrote without listing: [Store.ChangesComplete]
// says so, and [Store.MarkChangesComplete] (after the reader has read the whole store) starts
// the mirrors again from the counts.
var listedCounter = map[string][]byte{
	string(counterRecords): []byte("records.listed"),
	string(counterStubs):   []byte("stubs.listed"),
}

// ensureID gives a store its identity if it has none, and starts the mirrors of its counts. The
// caller holds a write transaction.
func ensureID(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta.Get(metaStoreID) != nil {
		return nil
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return err
	}
	if err := markListed(tx); err != nil {
		return err
	}
	return meta.Put(metaStoreID, []byte(hex.EncodeToString(id[:])))
}

// markListed sets the mirrors of the counts to the counts.
func markListed(tx *bolt.Tx) error {
	c := tx.Bucket(bucketCounters)
	for name, listed := range listedCounter {
		if err := c.Put(listed, encodeUint(decodeUint(c.Get([]byte(name))))); err != nil {
			return err
		}
	}
	return nil
}

// ChangesComplete reports whether every write since the mirrors were last started was listed in
// the change sequence (see listedCounter). False means a version that does not list its changes
// wrote to the store: a reader of the sequence must read the whole store again.
func (s *Store) ChangesComplete() (bool, error) {
	ok := true
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCounters)
		for name, listed := range listedCounter {
			if decodeUint(c.Get([]byte(name))) != decodeUint(c.Get(listed)) {
				ok = false
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read counts: %w", err)
	}
	return ok, nil
}

// MarkChangesComplete starts the mirrors of the counts again from the counts: the caller is about
// to read the whole store, so what was written without being listed will be read.
func (s *Store) MarkChangesComplete() error {
	if err := s.db.Update(markListed); err != nil {
		return fmt.Errorf("mark changes complete: %w", err)
	}
	return nil
}

// ID returns the store's identity, a random hex string fixed when the store was created. A copy
// of the file (a backup) has the same ID: use it with [Store.Seq] and [Store.ChangeAt], which tell
// two states of the same store apart.
func (s *Store) ID() string { return s.id }

// Seq returns the number of the store's latest change (0 for a store with none).
func (s *Store) Seq() (uint64, error) {
	var n uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		n = decodeUint(tx.Bucket(bucketCounters).Get(counterSeq))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read change sequence: %w", err)
	}
	return n, nil
}

// ChangeAt returns change seq, or an error wrapping ErrNotFound if the store does not list it
// (never made, or pruned).
func (s *Store) ChangeAt(seq uint64) (Change, error) {
	var c Change
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketChanges).Get(encodeUint(seq))
		if len(v) < 1 {
			return ErrNotFound
		}
		c = Change{Seq: seq, Op: ChangeOp(v[0]), CID: string(v[1:])}
		return nil
	})
	if err != nil {
		return Change{}, fmt.Errorf("change %d: %w", seq, err)
	}
	return c, nil
}

// Changes calls fn with every change numbered above since, in order, up to the latest change
// when the walk began, and returns that change's ChangeHead (its number and the running hash up to it).
// Like ForEach it reads in chunks and holds no transaction while fn runs; changes made during the
// walk are not seen (they are above the number returned). If a change above since was pruned,
// Changes fails with ErrNotFound. An error from fn stops the walk and is returned as is.
func (s *Store) Changes(since uint64, fn func(Change) error) (ChangeHead, error) {
	head, err := s.ChangeHead()
	if err != nil {
		return ChangeHead{}, err
	}
	return head, s.changesUpTo(since, head.Seq, fn)
}

func (s *Store) changesUpTo(since, upto uint64, fn func(Change) error) error {
	next := since + 1
	for next <= upto {
		var batch []Change
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketChanges).Cursor()
			for k, v := c.Seek(encodeUint(next)); k != nil && len(batch) < chunkEntries; k, v = c.Next() {
				seq := decodeUint(k)
				if seq > upto {
					break
				}
				if seq != next || len(v) < 1 {
					return fmt.Errorf("change %d is not listed: %w", next, ErrNotFound)
				}
				batch = append(batch, Change{Seq: seq, Op: ChangeOp(v[0]), CID: string(v[1:])})
				next++
			}
			if len(batch) == 0 {
				return fmt.Errorf("change %d is not listed: %w", next, ErrNotFound)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read changes since %d: %w", since, err)
		}
		for _, c := range batch {
			if err := fn(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// PruneChanges deletes the changes numbered below keep (keep itself stays, so that ChangeAt(keep)
// still answers). A reader that covered the store up to keep needs none of them. It deletes in
// transactions of a few thousand entries, so that writers are not held up for long.
func (s *Store) PruneChanges(keep uint64) error {
	for {
		more := false
		err := s.db.Update(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketChanges).Cursor()
			end := encodeUint(keep)
			n := 0
			for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0; k, _ = c.First() {
				if n == 10_000 {
					more = true
					return nil
				}
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("prune changes below %d: %w", keep, err)
		}
		if !more {
			return nil
		}
	}
}

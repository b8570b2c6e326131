package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Entry is one envelope with the log metadata from its (already verified) header.
type Entry struct {
	CID      string // base32 CIDv1 of Envelope
	Author   string // author peer ID
	Log      string // log ID
	Seq      uint64 // position in the log, from 1
	Prev     string // CID of the entry at Seq-1; "" for Seq 1
	Envelope []byte // the encoded envelope; nil for a retracted record returned by Range

	// Stub is set by Range for a retracted record, whose Envelope is gone. Put ignores it.
	Stub *Stub

	// Control marks an entry the node must read before the others (a sender key): Put lists
	// it, and Controls walks the list, so that a start need not read every envelope to find
	// them. ForEach and Range set it as it was put.
	Control bool

	// Sparse says that the positions between the log's head and Seq are not for this node: a
	// range answer skipped entries this node is not entitled to. Put then appends the entry
	// beyond head + 1 without a predecessor to check. Without it, such an entry is ErrGap.
	Sparse bool
}

// Stub is what remains of a retracted record. It is kept for ever, so that the record cannot come
// back through sync.
type Stub struct {
	CID         string    `json:"cid"`
	RetractedBy string    `json:"retracted_by"` // CID of the retraction record
	Reason      string    `json:"reason,omitempty"`
	At          time.Time `json:"at"`
	Author      string    `json:"author,omitempty"` // the retracted record's log position, if known
	Log         string    `json:"log,omitempty"`
	Seq         uint64    `json:"seq,omitempty"`
	// Envelope is the record's stub envelope (header and signature, no
	// body), so the log position can still be served and verified.
	Envelope []byte `json:"envelope,omitempty"`
}

// Equivocation is a log position at which more than one envelope exists. CIDs[0] is the one
// in the log; CIDs[1] was received later and kept as evidence. Only the first two copies of a
// position are kept, so that an author signing copies cannot fill the disk; Extra counts the
// further copies seen and dropped.
type Equivocation struct {
	Author, Log string
	Seq         uint64
	CIDs        []string
	Extra       uint64
}

// PutResult counts what Put did with each entry.
type PutResult struct {
	Stored       int // appended to their logs with their envelopes
	Duplicate    int // already held at that position; nothing written
	Equivocation int // a different envelope already holds that position; kept as evidence
	Suppressed   int // retracted earlier: the log position is written, the envelope is not
	Hole         int // a position below the head that this node skipped (not entitled); not written

	// Equivocations lists the positions found equivocating in this call.
	Equivocations []Equivocation
	// SuppressedCIDs lists the entries that Suppressed counts.
	SuppressedCIDs []string
	// StoredCIDs lists the entries that Stored counts.
	StoredCIDs []string
}

// Put stores entries in one transaction, checking each against its log's rules in order (so a
// batch may carry consecutive entries of one log). It returns after the transaction is
// committed and synced to disk. If any entry is refused the whole batch is rolled back and the
// error, an *EntryError, says which; it wraps a *LogError (ErrGap, ErrPrevMismatch) or
// ErrInvalidEntry.
func (s *Store) Put(entries ...Entry) (PutResult, error) {
	return s.PutWithStubs(nil, entries...)
}

// Retract stores the retraction entry (with the log rules of Put), deletes the envelope of
// stub.CID and writes its stub, all in one transaction. The retracted CID need not be in the
// store: the stub is written anyway so that the record is suppressed if it arrives later.
// Retracting a CID twice overwrites its stub. An empty stub.RetractedBy is set to
// retraction.CID, a zero stub.At to the current time.
func (s *Store) Retract(retraction Entry, stub Stub) error {
	if stub.CID == "" || strings.IndexByte(stub.CID, 0) >= 0 {
		return fmt.Errorf("retract: stub has no valid cid: %w", ErrInvalidEntry)
	}
	if stub.CID == retraction.CID {
		return fmt.Errorf("retract %s: a retraction cannot retract itself: %w", stub.CID, ErrInvalidEntry)
	}
	if stub.Author != "" && stub.Author != retraction.Author {
		return fmt.Errorf("retract %s: record of %s cannot be retracted by %s: %w",
			stub.CID, stub.Author, retraction.Author, ErrInvalidEntry)
	}
	if stub.RetractedBy == "" {
		stub.RetractedBy = retraction.CID
	}
	if stub.At.IsZero() {
		stub.At = time.Now().UTC()
	}
	stubJSON, err := json.Marshal(stub)
	if err != nil {
		return fmt.Errorf("retract %s: encode stub: %w", stub.CID, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		w := newWriter(tx)
		var res PutResult
		if err := w.put(retraction, &res); err != nil {
			return &EntryError{Index: 0, CID: retraction.CID, Err: err}
		}
		cid := []byte(stub.CID)
		if err := w.drop(cid); err != nil {
			return err
		}
		// Equivocating copies of the record go too: nothing retracted may be served again.
		n, err := w.deleteEquivocation(stub.CID)
		if err != nil {
			return err
		}
		w.delta[string(counterEquivocations)] -= int64(n)
		if w.stubs.Get(cid) == nil {
			w.delta[string(counterStubs)]++
		}
		if err := w.stubs.Put(cid, stubJSON); err != nil {
			return err
		}
		if err := w.change(OpDrop, cid); err != nil {
			return err
		}
		return w.flush()
	})
	if err != nil {
		return fmt.Errorf("retract %s: %w", stub.CID, err)
	}
	return nil
}

// writer applies entries inside one read-write transaction.
type writer struct {
	bodies, cids, logs, heads, stubs, equivocations, counters, control *bolt.Bucket
	equivCIDs, equivExtra, pending, changes                            *bolt.Bucket
	delta                                                              map[string]int64 // counter changes, applied by flush

	// newHeads are the log heads this transaction moved, by head key,
	// written once each by flush: a batch of one log moved its head an entry
	// at a time, a read and a write of the heads bucket for every entry.
	newHeads map[string]logHead

	seq                 uint64   // the store's change sequence (changes.go), once read
	chain               [32]byte // its running hash, read with seq
	seqLoaded, seqDirty bool
}

func newWriter(tx *bolt.Tx) *writer {
	return &writer{
		bodies:        tx.Bucket(bucketBodies),
		cids:          tx.Bucket(bucketCIDs),
		logs:          tx.Bucket(bucketLogs),
		heads:         tx.Bucket(bucketHeads),
		stubs:         tx.Bucket(bucketStubs),
		equivocations: tx.Bucket(bucketEquivocations),
		counters:      tx.Bucket(bucketCounters),
		control:       tx.Bucket(bucketControl),
		equivCIDs:     tx.Bucket(bucketEquivCIDs),
		equivExtra:    tx.Bucket(bucketEquivExtra),
		pending:       tx.Bucket(bucketPending),
		changes:       tx.Bucket(bucketChanges),
		delta:         make(map[string]int64, 4),
		newHeads:      make(map[string]logHead, 1),
	}
}

type logHead struct {
	seq uint64
	cid string
}

// head is the head of the log with head key hk, as this transaction left it.
func (w *writer) head(hk []byte) (uint64, string) {
	if h, ok := w.newHeads[string(hk)]; ok {
		return h.seq, h.cid
	}
	return decodeHead(w.heads.Get(hk))
}

// drop deletes the envelope of cid, if held: a retracted record's body is never kept.
func (w *writer) drop(cid []byte) error {
	lk := w.cids.Get(cid)
	if lk == nil {
		return nil
	}
	if err := w.bodies.Delete(lk); err != nil {
		return err
	}
	for _, b := range []*bolt.Bucket{w.cids, w.control} {
		if err := b.Delete(cid); err != nil {
			return err
		}
	}
	w.delta[string(counterRecords)]--
	return nil
}

func (w *writer) put(e Entry, res *PutResult) error {
	if err := validate(e); err != nil {
		return err
	}
	hk := headKey(e.Author, e.Log)
	headSeq, headCID := w.head(hk)
	cid := []byte(e.CID)

	switch {
	case e.Seq > headSeq+1 && !e.Sparse:
		return &LogError{Author: e.Author, Log: e.Log, Seq: e.Seq, Head: headSeq, Prev: e.Prev,
			HeadCID: headCID, Err: ErrGap}

	case e.Seq > headSeq:
		if e.Seq == headSeq+1 && e.Prev != headCID {
			return &LogError{Author: e.Author, Log: e.Log, Seq: e.Seq, Head: headSeq, Prev: e.Prev,
				HeadCID: headCID, Err: ErrPrevMismatch}
		}
		if lk := w.cids.Get(cid); lk != nil {
			// A CID commits to its log position: held elsewhere, this entry is not what it says.
			return fmt.Errorf("cid %s is held at another log position: %w", e.CID, ErrInvalidEntry)
		}
		lk := logKey(e.Author, e.Log, e.Seq)
		if err := w.logs.Put(lk, cid); err != nil {
			return err
		}
		w.newHeads[string(hk)] = logHead{e.Seq, e.CID}
		if headSeq == 0 {
			w.delta[string(counterLogs)]++
		}
		if w.stubFor(cid, e.Author) {
			res.Suppressed++
			res.SuppressedCIDs = append(res.SuppressedCIDs, e.CID)
			return nil
		}
		if suppressed, err := w.applyPending(e); err != nil || suppressed {
			if suppressed {
				res.Suppressed++
				res.SuppressedCIDs = append(res.SuppressedCIDs, e.CID)
			}
			return err
		}
		if w.cids.Get(cid) == nil {
			w.delta[string(counterRecords)]++
		}
		if err := w.bodies.Put(lk, e.Envelope); err != nil {
			return err
		}
		if err := w.cids.Put(cid, lk); err != nil {
			return err
		}
		if e.Control {
			if err := w.control.Put(cid, nil); err != nil {
				return err
			}
		}
		if err := w.change(OpPut, cid); err != nil {
			return err
		}
		res.Stored++
		res.StoredCIDs = append(res.StoredCIDs, e.CID)
		return nil

	default: // e.Seq <= headSeq: the position is taken
		held := w.logs.Get(logKey(e.Author, e.Log, e.Seq))
		if held == nil {
			// A position a range answer skipped: not this node's to hold. (An entry that
			// fills it would need checking against both neighbours; none is ever sent.)
			res.Hole++
			return nil
		}
		if bytes.Equal(held, cid) {
			res.Duplicate++
			return nil
		}
		if w.equivCIDs.Get(cid) != nil {
			res.Duplicate++
			return nil
		}
		if w.stubFor(cid, e.Author) {
			res.Suppressed++
			return nil
		}
		res.Equivocation++
		eq := Equivocation{Author: e.Author, Log: e.Log, Seq: e.Seq, CIDs: []string{string(held), e.CID}}
		// Keep the first two copies of a position; count the rest.
		prefix := append(logKey(e.Author, e.Log, e.Seq), 0)
		if k, _ := w.equivocations.Cursor().Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
			lk := logKey(e.Author, e.Log, e.Seq)
			eq.Extra = decodeUint(w.equivExtra.Get(lk)) + 1
			eq.CIDs[1] = string(k[len(prefix):])
			res.Equivocations = append(res.Equivocations, eq)
			return w.equivExtra.Put(lk, encodeUint(eq.Extra))
		}
		ek := equivocationKey(e.Author, e.Log, e.Seq, e.CID)
		if err := w.equivocations.Put(ek, e.Envelope); err != nil {
			return err
		}
		if err := w.equivCIDs.Put(cid, ek); err != nil {
			return err
		}
		w.delta[string(counterEquivocations)]++
		res.Equivocations = append(res.Equivocations, eq)
		return nil
	}
}

// applyPending suppresses e if its own author retracted it before it arrived: the pending
// retraction turns into its stub (without a stub envelope: the position is then not served).
// A pending retraction by anyone else is not e's author's and is left alone.
func (w *writer) applyPending(e Entry) (bool, error) {
	pk := pendingKey(e.CID, e.Author)
	v := w.pending.Get(pk)
	if v == nil {
		return false, nil
	}
	st, err := decodeStub(v)
	if err != nil {
		return false, err
	}
	st.Author, st.Log, st.Seq = e.Author, e.Log, e.Seq
	b, err := json.Marshal(st)
	if err != nil {
		return false, err
	}
	if err := w.stubs.Put([]byte(e.CID), b); err != nil {
		return false, err
	}
	if err := w.change(OpDrop, []byte(e.CID)); err != nil {
		return false, err
	}
	w.delta[string(counterStubs)]++
	return true, w.pending.Delete(pk)
}

// stubFor reports whether cid has a stub of author's: a record is suppressed only by a stub of
// its own author (a CID commits to its author, so a stub naming another author is a lie).
func (w *writer) stubFor(cid []byte, author string) bool {
	v := w.stubs.Get(cid)
	if v == nil {
		return false
	}
	st, err := decodeStub(v)
	return err == nil && (st.Author == "" || st.Author == author)
}

// deleteEquivocation deletes the equivocating copy of cid, if one is kept, and returns how many
// it deleted.
func (w *writer) deleteEquivocation(cid string) (int, error) {
	ek := w.equivCIDs.Get([]byte(cid))
	if ek == nil {
		return 0, nil
	}
	if err := w.equivocations.Delete(bytes.Clone(ek)); err != nil {
		return 0, err
	}
	return 1, w.equivCIDs.Delete([]byte(cid))
}

func pendingKey(cid, author string) []byte {
	k := make([]byte, 0, len(cid)+len(author)+1)
	k = append(k, cid...)
	k = append(k, 0)
	return append(k, author...)
}

// flush writes the counter changes made by this writer, and its change sequence.
func (w *writer) flush() error {
	for hk, h := range w.newHeads {
		if err := w.heads.Put([]byte(hk), encodeHead(h.seq, h.cid)); err != nil {
			return err
		}
	}
	if err := w.flushSeq(); err != nil {
		return err
	}
	for name, d := range w.delta {
		if d == 0 {
			continue
		}
		k := []byte(name)
		n := int64(decodeUint(w.counters.Get(k))) + d
		if n < 0 {
			n = 0
		}
		if err := w.counters.Put(k, encodeUint(uint64(n))); err != nil {
			return err
		}
		if listed, ok := listedCounter[name]; ok {
			// This version lists its changes: the mirror moves with the count.
			m := int64(decodeUint(w.counters.Get(listed))) + d
			if err := w.counters.Put(listed, encodeUint(uint64(max(m, 0)))); err != nil {
				return err
			}
		}
	}
	return nil
}

func validate(e Entry) error {
	switch {
	case e.CID == "":
		return fmt.Errorf("no cid: %w", ErrInvalidEntry)
	case e.Author == "":
		return fmt.Errorf("no author: %w", ErrInvalidEntry)
	case e.Log == "":
		return fmt.Errorf("no log: %w", ErrInvalidEntry)
	case e.Seq == 0:
		return fmt.Errorf("seq 0 (logs start at 1): %w", ErrInvalidEntry)
	case len(e.Envelope) == 0:
		return fmt.Errorf("no envelope bytes: %w", ErrInvalidEntry)
	}
	for _, f := range []struct{ name, v string }{
		{"cid", e.CID}, {"author", e.Author}, {"log", e.Log}, {"prev", e.Prev},
	} {
		if strings.IndexByte(f.v, 0) >= 0 {
			return fmt.Errorf("%s contains a NUL byte: %w", f.name, ErrInvalidEntry)
		}
	}
	return nil
}

// Keys. Author and log IDs never contain NUL (validate refuses them), so NUL separates fields;
// sequence numbers are 8 bytes big-endian so that byte order is log order.

func headKey(author, log string) []byte {
	k := make([]byte, 0, len(author)+len(log)+1)
	k = append(k, author...)
	k = append(k, 0)
	return append(k, log...)
}

func logPrefix(author, log string) []byte {
	return append(headKey(author, log), 0)
}

func logKey(author, log string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(logPrefix(author, log), seq)
}

func equivocationKey(author, log string, seq uint64, cid string) []byte {
	k := append(logKey(author, log, seq), 0)
	return append(k, cid...)
}

type parsedKey struct {
	author, log, cid string
	seq              uint64
}

// parseLogKey splits author \x00 log \x00 seq.
func parseLogKey(k []byte) (parsedKey, bool) {
	i := bytes.IndexByte(k, 0)
	if i < 0 {
		return parsedKey{}, false
	}
	j := bytes.IndexByte(k[i+1:], 0)
	if j < 0 {
		return parsedKey{}, false
	}
	j += i + 1
	rest := k[j+1:]
	if len(rest) < 8 {
		return parsedKey{}, false
	}
	return parsedKey{
		author: string(k[:i]),
		log:    string(k[i+1 : j]),
		seq:    binary.BigEndian.Uint64(rest[:8]),
	}, len(rest) == 8
}

// parseEquivocationKey splits author \x00 log \x00 seq \x00 cid.
func parseEquivocationKey(k []byte) (parsedKey, bool) {
	i := bytes.IndexByte(k, 0)
	if i < 0 {
		return parsedKey{}, false
	}
	j := bytes.IndexByte(k[i+1:], 0)
	if j < 0 {
		return parsedKey{}, false
	}
	end := i + 1 + j + 1 + 8 // the log key's length
	if len(k) <= end || k[end] != 0 {
		return parsedKey{}, false
	}
	p, ok := parseLogKey(k[:end])
	p.cid = string(k[end+1:])
	return p, ok
}

func encodeHead(seq uint64, cid string) []byte {
	return append(binary.BigEndian.AppendUint64(nil, seq), cid...)
}

func decodeHead(v []byte) (uint64, string) {
	if len(v) < 8 {
		return 0, ""
	}
	return binary.BigEndian.Uint64(v[:8]), string(v[8:])
}

func encodeUint(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func decodeUint(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// PutWithStubs is [Store.Put] for a batch received from a peer that carries
// retracted records as stubs. In one transaction it records each stub's log
// position without a body, then puts the entries (a stub's entry then takes
// its position without its body). A stub never drops a body: a stub for a CID
// the store holds, or has a stub for already, is skipped (only an
// author-signed retraction drops a body, through [Store.Drop]). Each stub
// must name its author, log and sequence number, and the caller must have
// confirmed its CID from the author's own signed headers.
func (s *Store) PutWithStubs(stubs []Stub, entries ...Entry) (PutResult, error) {
	var res PutResult
	err := s.db.Update(func(tx *bolt.Tx) error {
		res = PutResult{}
		w := newWriter(tx)
		for _, st := range stubs {
			if st.CID == "" || st.Author == "" || st.Log == "" || st.Seq == 0 {
				return fmt.Errorf("stub without a cid and log position: %w", ErrInvalidEntry)
			}
			cid := []byte(st.CID)
			if w.stubs.Get(cid) != nil || w.cids.Get(cid) != nil {
				continue
			}
			b, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if err := w.stubs.Put(cid, b); err != nil {
				return err
			}
			if err := w.change(OpDrop, cid); err != nil {
				return err
			}
			w.delta[string(counterStubs)]++
		}
		for i, e := range entries {
			if err := w.put(e, &res); err != nil {
				return &EntryError{Index: i, CID: e.CID, Err: err}
			}
		}
		return w.flush()
	})
	if err != nil {
		return PutResult{}, fmt.Errorf("put %d entries: %w", len(entries), err)
	}
	s.noteRead(bytesOf(entries))
	return res, nil
}

// Drop applies a retraction received from a peer: it deletes the body of
// st.CID (and any equivocating copy) and keeps st as its stub. The caller has
// opened the retraction and checked that its author wrote the record; Drop
// checks again that the held envelope sits in st.Author's log and refuses
// otherwise. A CID the store does not hold is an error wrapping ErrNotFound
// (keep a pending retraction with [Store.PutPending] instead).
func (s *Store) Drop(st Stub) error {
	if st.CID == "" || st.Author == "" {
		return fmt.Errorf("drop: stub without a cid and author: %w", ErrInvalidEntry)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		w := newWriter(tx)
		cid := []byte(st.CID)
		lk := w.cids.Get(cid)
		if lk == nil {
			if w.stubs.Get(cid) != nil {
				return nil // retracted already
			}
			return ErrNotFound
		}
		pk, ok := parseLogKey(lk)
		if !ok {
			return fmt.Errorf("malformed log key %x: store is corrupt", lk)
		}
		if pk.author != st.Author {
			return fmt.Errorf("record of %s cannot be retracted by %s: %w", pk.author, st.Author, ErrInvalidEntry)
		}
		st.Log, st.Seq = pk.log, pk.seq
		if err := w.drop(cid); err != nil {
			return err
		}
		n, err := w.deleteEquivocation(st.CID)
		if err != nil {
			return err
		}
		w.delta[string(counterEquivocations)] -= int64(n)
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		if err := w.stubs.Put(cid, b); err != nil {
			return err
		}
		if err := w.change(OpDrop, cid); err != nil {
			return err
		}
		w.delta[string(counterStubs)]++
		return w.flush()
	})
	if err != nil {
		return fmt.Errorf("drop %s: %w", st.CID, err)
	}
	return nil
}

// Stub returns the stub of a retracted record, if there is one.
func (s *Store) Stub(cid string) (*Stub, error) {
	var st *Stub
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStubs).Get([]byte(cid))
		if b == nil {
			return nil
		}
		st = new(Stub)
		return json.Unmarshal(b, st)
	})
	return st, err
}

// PutPending keeps a retraction of a record this node does not hold, keyed by the record's CID
// and the retraction's author (st.Author). When that record arrives, Put suppresses it only if
// its own author is st.Author (only a record's author may retract it): a member
// cannot withdraw another member's record in advance by naming its CID. Putting the same
// (CID, author) twice keeps the first.
func (s *Store) PutPending(st Stub) error {
	if st.CID == "" || st.Author == "" || strings.IndexByte(st.CID, 0) >= 0 || strings.IndexByte(st.Author, 0) >= 0 {
		return fmt.Errorf("pending retraction without a valid cid and author: %w", ErrInvalidEntry)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		pk := pendingKey(st.CID, st.Author)
		if tx.Bucket(bucketPending).Get(pk) != nil {
			return nil
		}
		return tx.Bucket(bucketPending).Put(pk, b)
	})
	if err != nil {
		return fmt.Errorf("put pending retraction of %s: %w", st.CID, err)
	}
	return nil
}

// Pending returns the pending retractions of cid, one per retracting author.
func (s *Store) Pending(cid string) ([]Stub, error) {
	var out []Stub
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := append([]byte(cid), 0)
		c := tx.Bucket(bucketPending).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			st, err := decodeStub(v)
			if err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read pending retractions of %s: %w", cid, err)
	}
	return out, nil
}

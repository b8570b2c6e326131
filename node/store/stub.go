package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// PutWithStubs is [Store.Put] for a batch received from a peer that carries
// retracted records as stubs: in one transaction it first records each stub
// (deleting the envelope if this store held it), then puts the entries, so a
// stubbed entry takes its log position without its body.
func (s *Store) PutWithStubs(stubs []Stub, entries ...Entry) (PutResult, error) {
	var res PutResult
	err := s.db.Update(func(tx *bolt.Tx) error {
		res = PutResult{}
		w := newWriter(tx)
		for _, st := range stubs {
			if st.CID == "" {
				return fmt.Errorf("stub without a cid: %w", ErrInvalidEntry)
			}
			cid := []byte(st.CID)
			if w.stubs.Get(cid) != nil {
				continue
			}
			b, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if err := w.stubs.Put(cid, b); err != nil {
				return err
			}
			w.delta[string(counterStubs)]++
			if err := w.drop(cid); err != nil {
				return err
			}
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

package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// metaAuditHead in bucketMeta anchors the node's audit log: the sequence number and hash of its
// last line, 8 bytes big-endian then the hash as text. A line removed from the end of the log, or
// the whole file deleted, no longer matches it.
var metaAuditHead = []byte("audit.head")

// AuditHead names one line of the node's audit log: its sequence number and the hex SHA-256 of
// the line.
type AuditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// AuditHead returns the anchored head of the audit log; ok is false if none has been written.
func (s *Store) AuditHead() (h AuditHead, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMeta).Get(metaAuditHead)
		if v == nil {
			return nil
		}
		if len(v) < 8 {
			return fmt.Errorf("audit head: %d bytes, want at least 8", len(v))
		}
		h, ok = AuditHead{Seq: binary.BigEndian.Uint64(v), Hash: string(v[8:])}, true
		return nil
	})
	if err != nil {
		return AuditHead{}, false, fmt.Errorf("read the audit anchor: %w", err)
	}
	return h, ok, nil
}

// SetAuditHead anchors the audit log's head durably: it returns after the transaction that holds
// it has committed.
func (s *Store) SetAuditHead(h AuditHead) error {
	if h.Seq == 0 || h.Hash == "" {
		return fmt.Errorf("set audit head: %w", errors.Join(ErrInvalidEntry, errors.New("empty sequence or hash")))
	}
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(h.Hash)), h.Seq)
	v = append(v, h.Hash...)
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(metaAuditHead, v) }); err != nil {
		return fmt.Errorf("anchor the audit head: %w", err)
	}
	return nil
}

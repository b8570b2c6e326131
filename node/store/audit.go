package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

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
		h, ok, err = s.auditHead(tx)
		return err
	})
	if err != nil {
		return AuditHead{}, false, fmt.Errorf("read the audit anchor: %w", err)
	}
	return h, ok, nil
}

func (s *Store) auditHead(tx *bolt.Tx) (AuditHead, bool, error) {
	v := tx.Bucket(bucketMeta).Get(metaAuditHead)
	if v == nil {
		return AuditHead{}, false, nil
	}
	if len(v) < 8 {
		return AuditHead{}, false, fmt.Errorf("audit head: %d bytes, want at least 8", len(v))
	}
	return AuditHead{Seq: binary.BigEndian.Uint64(v), Hash: string(v[8:])}, true, nil
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

// ReadAuditHead reads the anchored audit head from the store file at path without changing the
// file: it opens it read-only, creates nothing and migrates nothing. A missing file has no
// anchor. While another process (a running node) holds the file, it fails within lockTimeout
// with an error that wraps ErrLocked.
func ReadAuditHead(path string, lockTimeout time.Duration) (h AuditHead, ok bool, err error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return AuditHead{}, false, nil
	}
	if lockTimeout <= 0 {
		lockTimeout = DefaultLockTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return AuditHead{}, false, fmt.Errorf("open store %s: %w", path, ErrLocked)
	}
	if err != nil {
		return AuditHead{}, false, fmt.Errorf("open store %s: %w", path, err)
	}
	defer db.Close()
	s := &Store{db: db, path: path}
	err = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil {
			return nil
		}
		h, ok, err = s.auditHead(tx)
		return err
	})
	if err != nil {
		return AuditHead{}, false, fmt.Errorf("read the audit anchor: %w", err)
	}
	return h, ok, nil
}

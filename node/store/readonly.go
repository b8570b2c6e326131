package store

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrNotMigrated is returned by [OpenReadOnly] for a store written before the current layout,
// which only a node (Open) migrates.
var ErrNotMigrated = errors.New("store predates the current layout: start the node once to migrate it")

// OpenReadOnly opens the store at path for reading only, for tools that run beside a stopped node
// (the age plugin's emergency opening): it creates nothing, migrates nothing and changes no byte
// of the file. A missing file is an error wrapping os.ErrNotExist. While a node holds the file, it
// fails within lockTimeout (DefaultLockTimeout if ≤ 0) with an error that wraps ErrLocked. Writes
// on the returned store fail.
func OpenReadOnly(path string, lockTimeout time.Duration) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if lockTimeout <= 0 {
		lockTimeout = DefaultLockTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	var needsControl bool
	err = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketBodies) == nil || tx.Bucket(bucketCIDs) == nil || tx.Bucket(bucketEnvelopes) != nil {
			return ErrNotMigrated
		}
		needsControl = tx.Bucket(bucketControl) == nil ||
			(tx.Bucket(bucketMeta) != nil && tx.Bucket(bucketMeta).Get(metaControlPending) != nil)
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &Store{db: db, path: path, needsControl: needsControl}, nil
}

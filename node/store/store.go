// Package store keeps the node's envelopes durably in one bbolt file.
//
// Start with [Open] and [Store.Put]. The store holds ciphertext and plain metadata only: envelope
// bytes by CID, the position of every CID in its author's log, each log's head, retraction stubs,
// equivocating envelopes and a few settings. It never sees a decrypted body.
//
// Every write is one bbolt transaction that is committed (and fsynced) before the call returns, so
// a write that returned nil is durable. The log rules of share/SPEC.md (no gaps, each entry names
// its predecessor, a second envelope at a taken position is equivocation) are enforced inside the
// same transaction, so the file never holds a log that breaks them.
package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names. They are part of the on-disk format: never rename one.
var (
	bucketBodies        = []byte("bodies")        // author \x00 log \x00 seq(8 bytes BE) → envelope bytes, while held
	bucketCIDs          = []byte("cids")          // cid → its key in bodies, while held
	bucketLogs          = []byte("logs")          // author \x00 log \x00 seq(8 bytes BE) → cid
	bucketHeads         = []byte("heads")         // author \x00 log → seq(8 bytes BE) cid
	bucketStubs         = []byte("stubs")         // cid → Stub as JSON
	bucketEquivocations = []byte("equivocations") // author \x00 log \x00 seq(8 bytes BE) \x00 cid → envelope bytes
	bucketMeta          = []byte("meta")          // the node's own settings, string keys
	bucketCounters      = []byte("counters")      // internal counts kept in step with the buckets above
	bucketControl       = []byte("control")       // cid → empty: the stored entries put with Control set
	bucketEquivCIDs     = []byte("equivcids")     // cid → its key in equivocations
	bucketEquivExtra    = []byte("equivextra")    // author \x00 log \x00 seq → copies seen beyond those kept (uint64)
	bucketPending       = []byte("pending")       // cid \x00 retracting author → Stub as JSON: a retraction of a record not held
	// bucketChanges (changes.go): seq → op cid, the store's change sequence
)

// bucketEnvelopes (cid → envelope bytes) is where envelopes were kept before bodies and cids;
// Open moves an older store's envelopes over (see migrateEnvelopes).
var bucketEnvelopes = []byte("envelopes")

var allBuckets = [][]byte{
	bucketBodies, bucketCIDs, bucketLogs, bucketHeads, bucketStubs, bucketEquivocations, bucketMeta,
	bucketCounters, bucketControl, bucketEquivCIDs, bucketEquivExtra, bucketPending, bucketChanges,
}

// metaControlPending in bucketMeta marks a store whose control bucket is not yet complete.
var metaControlPending = []byte("store.control-pending")

// metaEquivIndexed in bucketMeta marks a store whose equivcids bucket is complete.
var metaEquivIndexed = []byte("store.equivcids")

// indexEquivocations fills equivcids from equivocations.
func indexEquivocations(tx *bolt.Tx) error {
	idx := tx.Bucket(bucketEquivCIDs)
	return tx.Bucket(bucketEquivocations).ForEach(func(k, _ []byte) error {
		ek, ok := parseEquivocationKey(k)
		if !ok {
			return fmt.Errorf("malformed equivocation key %x: store is corrupt", k)
		}
		return idx.Put([]byte(ek.cid), bytes.Clone(k))
	})
}

// Counter keys in bucketCounters. Each value is a uint64, 8 bytes big-endian.
var (
	counterRecords       = []byte("records")
	counterStubs         = []byte("stubs")
	counterLogs          = []byte("logs")
	counterEquivocations = []byte("equivocations")
)

// DefaultLockTimeout is how long Open waits for another process to release the file.
const DefaultLockTimeout = 2 * time.Second

// Errors callers branch on with errors.Is.
var (
	// ErrLocked means another process holds the store file open.
	ErrLocked = errors.New("store is locked by another process: is `ursic run` already running?")
	// ErrNotFound means the store holds no envelope, stub or setting under the key asked for.
	ErrNotFound = errors.New("not found")
	// ErrRetracted means the record was retracted; errors.As gives a *RetractedError with the stub.
	ErrRetracted = errors.New("record retracted")
	// ErrGap means an entry's sequence number is beyond its log's head + 1.
	ErrGap = errors.New("gap in log")
	// ErrPrevMismatch means an entry does not name its log's head as its predecessor.
	ErrPrevMismatch = errors.New("entry does not name the log head as prev")
	// ErrInvalidEntry means an entry lacks a field or carries a malformed one.
	ErrInvalidEntry = errors.New("invalid entry")
)

// Store is the node's envelope store. It is safe for concurrent use; writes are serialised by
// bbolt.
type Store struct {
	db         *bolt.DB
	path       string
	unreleased atomic.Int64 // bytes read from the map since ReleasePages last ran (see pages.go)

	needsControl bool   // the store predates the control bucket; see NeedsControlIndex
	id           string // see ID
}

// Option changes how Open opens the store.
type Option func(*options)

type options struct {
	lockTimeout time.Duration
}

// WithLockTimeout sets how long Open waits for another process to release the file before it
// fails with ErrLocked. The default is DefaultLockTimeout.
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) { o.lockTimeout = d }
}

// Open opens the store at path, creating the file (mode 0600) and its buckets if needed. If
// another process has the file open, Open fails within the lock timeout with an error that
// wraps ErrLocked.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{lockTimeout: DefaultLockTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if o.lockTimeout <= 0 {
		// bbolt waits forever with a zero timeout; a node must never hang at start.
		o.lockTimeout = DefaultLockTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: o.lockTimeout,
		// The map freelist keeps allocation fast in a file of millions of pages.
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: initialMmapSize(),
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// The file holds only ciphertext, but its metadata (who wrote how much, when) is not public.
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: restrict permissions to 0600: %w", path, err)
		}
	}
	if err := migrateEnvelopes(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	var (
		needsControl bool
		id           string
	)
	err = db.Update(func(tx *bolt.Tx) error {
		// A store written before the control bucket existed has records but no list of its
		// control entries; the node lists them once (see NeedsControlIndex). The mark is on
		// disk, so a crash before the list is written leaves it to the next start.
		older := tx.Bucket(bucketControl) == nil && tx.Bucket(bucketCounters) != nil &&
			decodeUint(tx.Bucket(bucketCounters).Get(counterRecords)) > 0
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(metaEquivIndexed) == nil {
			// A store written before equivcids existed: index its (few) equivocating copies once.
			if err := indexEquivocations(tx); err != nil {
				return err
			}
			if err := meta.Put(metaEquivIndexed, []byte{1}); err != nil {
				return err
			}
		}
		if older {
			if err := meta.Put(metaControlPending, []byte{1}); err != nil {
				return err
			}
		}
		needsControl = meta.Get(metaControlPending) != nil
		if err := ensureID(tx); err != nil {
			return err
		}
		id = string(meta.Get(metaStoreID))
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &Store{db: db, path: path, needsControl: needsControl, id: id}, nil
}

// migrateEnvelopes moves the envelopes of a store written before bodies and cids existed
// (cid → envelope in one bucket) to the current layout, where envelopes are kept by log
// position, so that a log is read in file order. It runs in transactions of 10,000 entries;
// if it is interrupted, the next Open starts it again (every write is idempotent) and the old
// bucket is deleted only at the end.
func migrateEnvelopes(db *bolt.DB) error {
	var old bool
	if err := db.View(func(tx *bolt.Tx) error { old = tx.Bucket(bucketEnvelopes) != nil; return nil }); err != nil || !old {
		return err
	}
	var next []byte
	for done := false; !done; {
		err := db.Update(func(tx *bolt.Tx) error {
			bodies, err := tx.CreateBucketIfNotExists(bucketBodies)
			if err != nil {
				return err
			}
			cids, err := tx.CreateBucketIfNotExists(bucketCIDs)
			if err != nil {
				return err
			}
			envs, logs := tx.Bucket(bucketEnvelopes), tx.Bucket(bucketLogs)
			if logs == nil {
				done = true
				return nil
			}
			c := logs.Cursor()
			k, v := c.First()
			if next != nil {
				k, v = c.Seek(next)
			}
			for n := 0; k != nil; k, v = c.Next() {
				if n == 10_000 {
					next = bytes.Clone(k)
					return nil
				}
				n++
				if env := envs.Get(v); env != nil {
					if err := bodies.Put(bytes.Clone(k), env); err != nil {
						return err
					}
					if err := cids.Put(bytes.Clone(v), bytes.Clone(k)); err != nil {
						return err
					}
				}
			}
			done = true
			return tx.DeleteBucket(bucketEnvelopes)
		})
		if err != nil {
			return fmt.Errorf("move envelopes to the log-ordered layout: %w", err)
		}
	}
	return nil
}

// Close closes the store file. Calls after Close fail.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Path returns the path of the store file.
func (s *Store) Path() string { return s.path }

// GetMeta returns the setting stored under key, or ErrNotFound.
func (s *Store) GetMeta(key string) ([]byte, error) {
	var v []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta).Get([]byte(key))
		if b == nil {
			return fmt.Errorf("meta %q: %w", key, ErrNotFound)
		}
		v = append([]byte(nil), b...)
		return nil
	})
	return v, err
}

// PutMeta stores a setting durably under key.
// DeleteMeta removes a setting; removing one that is not there is no error.
func (s *Store) DeleteMeta(key string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("delete meta %q: %w", key, err)
	}
	return nil
}

func (s *Store) PutMeta(key string, value []byte) error {
	if key == "" {
		return fmt.Errorf("put meta: empty key: %w", ErrInvalidEntry)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte(key), value)
	})
	if err != nil {
		return fmt.Errorf("put meta %q: %w", key, err)
	}
	return nil
}

// LogError reports an entry that breaks its log's rules. It wraps ErrGap or ErrPrevMismatch.
type LogError struct {
	Author, Log string
	Seq         uint64 // the entry's sequence number
	Head        uint64 // the log's head when the entry was refused (0: empty log)
	Prev        string // the predecessor the entry named
	HeadCID     string // the CID of the log's head ("" for an empty log)
	Err         error  // ErrGap or ErrPrevMismatch
}

func (e *LogError) Error() string {
	switch e.Err {
	case ErrGap:
		return fmt.Sprintf("log %s/%s: seq %d after head %d: %v", e.Author, e.Log, e.Seq, e.Head, e.Err)
	case ErrPrevMismatch:
		return fmt.Sprintf("log %s/%s: seq %d names prev %q but head %d is %q: %v",
			e.Author, e.Log, e.Seq, e.Prev, e.Head, e.HeadCID, e.Err)
	}
	return fmt.Sprintf("log %s/%s: seq %d (head %d): %v", e.Author, e.Log, e.Seq, e.Head, e.Err)
}

func (e *LogError) Unwrap() error { return e.Err }

// EntryError says which entry of a Put or Retract was refused; the whole batch was rolled back.
type EntryError struct {
	Index int // 0-based position in the batch
	CID   string
	Err   error
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("entry %d (cid %s): %v", e.Index, e.CID, e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }

// RetractedError is returned by Get for a retracted record. It matches ErrRetracted.
type RetractedError struct {
	Stub Stub
}

func (e *RetractedError) Error() string {
	msg := fmt.Sprintf("record %s retracted by %s", e.Stub.CID, e.Stub.RetractedBy)
	if e.Stub.Reason != "" {
		msg += ": " + e.Stub.Reason
	}
	return msg
}

// Is makes errors.Is(err, ErrRetracted) true.
func (e *RetractedError) Is(target error) bool { return target == ErrRetracted }

// initialMmapSize is the address space bbolt maps at open: 1 GiB, about
// 600,000 records, on 64-bit systems other than Windows (where bbolt would
// grow the file to it). bbolt otherwise maps twice the file's size and maps
// again each time the file outgrows that, and a new mapping copies every
// page the open write transaction touched onto the heap: a bulk sync, which
// commits thousands of envelopes at a time, copied ~18 KiB a record that way,
// a quarter of its garbage. Only pages that are read take memory, and the
// file still grows with what is written.
func initialMmapSize() int {
	if strconv.IntSize < 64 || runtime.GOOS == "windows" {
		return 0
	}
	return 1 << 30
}

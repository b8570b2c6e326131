package store

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Iteration reads at most this many entries (or bytes) per read transaction, then calls fn with
// no transaction open. A long-lived read transaction would stop bbolt from growing the file, so a
// Put made while the caller walks a million records would block; chunks avoid that and let fn use
// the store.
const (
	chunkEntries = 512
	chunkBytes   = 4 << 20
)

// Get returns the envelope stored under cid. It returns an error wrapping ErrNotFound if the
// store has never held it, and a *RetractedError (matching ErrRetracted) if it was retracted.
// Equivocating envelopes are returned too.
func (s *Store) Get(cid string) ([]byte, error) {
	var env []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		k := []byte(cid)
		if lk := tx.Bucket(bucketCIDs).Get(k); lk != nil {
			if v := tx.Bucket(bucketBodies).Get(lk); v != nil {
				env = bytes.Clone(v)
				s.noteRead(len(v))
				return nil
			}
			return fmt.Errorf("cid %s is at %x, which holds no envelope: store is corrupt", cid, lk)
		}
		if v := tx.Bucket(bucketStubs).Get(k); v != nil {
			stub, err := decodeStub(v)
			if err != nil {
				return err
			}
			return &RetractedError{Stub: stub}
		}
		if ek := tx.Bucket(bucketEquivCIDs).Get(k); ek != nil {
			if v := tx.Bucket(bucketEquivocations).Get(ek); v != nil {
				env = bytes.Clone(v)
				return nil
			}
		}
		return ErrNotFound
	})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", cid, err)
	}
	return env, nil
}

// Has reports whether the store knows cid: as an envelope, or as a retraction stub (a record the
// node must not fetch again). It does not look among equivocating envelopes.
func (s *Store) Has(cid string) (bool, error) {
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		k := []byte(cid)
		ok = tx.Bucket(bucketCIDs).Get(k) != nil || tx.Bucket(bucketStubs).Get(k) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("has %s: %w", cid, err)
	}
	return ok, nil
}

// ForEach calls fn with every stored envelope in its log, in (author, log, seq) order. Retracted
// records and equivocating copies are skipped (see Range, Stubs and Equivocations). It holds no
// transaction while fn runs, so fn may use the store; entries appended to a log after ForEach
// has passed them are not seen. An error from fn stops the walk and is returned as is.
func (s *Store) ForEach(fn func(e Entry) error) error {
	return s.walk(nil, nil, false, fn)
}

// Envelope is a stored envelope and its CID.
type Envelope struct {
	CID      string
	Envelope []byte
}

// Envelopes calls fn with every stored envelope, in log order, reading the bodies bucket alone
// (ForEach also reads the logs and stubs). Retracted records and equivocating copies are not
// included. Like ForEach it holds no transaction while fn runs, and an error from fn stops the
// walk and is returned as is.
func (s *Store) Envelopes(fn func(Envelope) error) error {
	var next []byte
	for {
		var (
			batch []Envelope
			size  int
			done  = true
		)
		err := s.db.View(func(tx *bolt.Tx) error {
			logs := tx.Bucket(bucketLogs)
			c := tx.Bucket(bucketBodies).Cursor()
			k, v := c.First()
			if next != nil {
				k, v = c.Seek(next)
			}
			for ; k != nil; k, v = c.Next() {
				if len(batch) >= chunkEntries || size >= chunkBytes {
					next, done = bytes.Clone(k), false
					return nil
				}
				cid := logs.Get(k)
				if cid == nil {
					return fmt.Errorf("envelope at %x is in no log: store is corrupt", k)
				}
				batch = append(batch, Envelope{CID: string(cid), Envelope: bytes.Clone(v)})
				size += len(v)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read envelopes: %w", err)
		}
		s.noteRead(size)
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if done {
			return nil
		}
	}
}

// Controls calls fn with every stored envelope that was put with Entry.Control set, in CID
// order. An error from fn stops the walk and is returned as is.
func (s *Store) Controls(fn func(Envelope) error) error {
	var batch []Envelope
	err := s.db.View(func(tx *bolt.Tx) error {
		cids, bodies := tx.Bucket(bucketCIDs), tx.Bucket(bucketBodies)
		return tx.Bucket(bucketControl).ForEach(func(k, _ []byte) error {
			if lk := cids.Get(k); lk != nil {
				if v := bodies.Get(lk); v != nil {
					batch = append(batch, Envelope{CID: string(k), Envelope: bytes.Clone(v)})
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("read control entries: %w", err)
	}
	for _, e := range batch {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// NeedsControlIndex reports whether the store was written before it listed control entries
// (Entry.Control): the node must then find them once and list them with MarkControl.
func (s *Store) NeedsControlIndex() bool { return s.needsControl }

// MarkControl lists stored envelopes as control entries, as if put with Entry.Control, and
// records that the store's list is complete.
func (s *Store) MarkControl(cids []string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		held, control := tx.Bucket(bucketCIDs), tx.Bucket(bucketControl)
		for _, c := range cids {
			if held.Get([]byte(c)) == nil {
				continue
			}
			if err := control.Put([]byte(c), nil); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Delete(metaControlPending)
	})
	if err != nil {
		return fmt.Errorf("list control entries: %w", err)
	}
	s.needsControl = false
	return nil
}

// Range calls fn with the entries of one log from seq from to seq to, inclusive, in order. A
// retracted entry comes with Envelope nil and Stub set. Like ForEach, it holds no transaction
// while fn runs. An error from fn stops the walk and is returned as is.
func (s *Store) Range(author, log string, from, to uint64, fn func(e Entry) error) error {
	if from == 0 {
		from = 1
	}
	if to < from {
		return nil
	}
	return s.walk(logKey(author, log, from), logKey(author, log, to), true, fn)
}

// walk visits the logs bucket from start (nil: first key) to end (nil: last key), inclusive.
func (s *Store) walk(start, end []byte, withStubs bool, fn func(e Entry) error) error {
	next := start
	for {
		var (
			batch []Entry
			done  bool
		)
		err := s.db.View(func(tx *bolt.Tx) error {
			bodies, stubs, control := tx.Bucket(bucketBodies), tx.Bucket(bucketStubs), tx.Bucket(bucketControl)
			c := tx.Bucket(bucketLogs).Cursor()
			var k, v []byte
			if next == nil {
				k, v = c.First()
			} else {
				k, v = c.Seek(next)
			}
			size := 0
			// The key the cursor passed last: a log's entries follow each other, so an entry's
			// author and log are usually the last one's, and its predecessor the last CID.
			var last struct {
				prefix      []byte // author \x00 log \x00
				author, log string
				seq         uint64
				cid         string
			}
			for ; k != nil; k, v = c.Next() {
				if end != nil && bytes.Compare(k, end) > 0 {
					done = true
					return nil
				}
				if len(batch) >= chunkEntries || size >= chunkBytes {
					next = bytes.Clone(k)
					return nil
				}
				var pk parsedKey
				sameLog := last.prefix != nil && len(k) == len(last.prefix)+8 && bytes.HasPrefix(k, last.prefix)
				if sameLog {
					pk = parsedKey{author: last.author, log: last.log, seq: binary.BigEndian.Uint64(k[len(last.prefix):])}
				} else {
					var ok bool
					if pk, ok = parseLogKey(k); !ok {
						return fmt.Errorf("malformed log key %x: store is corrupt", k)
					}
					last.prefix, last.author, last.log = bytes.Clone(k[:len(k)-8]), pk.author, pk.log
				}
				e := Entry{CID: string(v), Author: pk.author, Log: pk.log, Seq: pk.seq}
				prevSeq, prevCID := last.seq, last.cid
				last.seq, last.cid = pk.seq, e.CID
				if env := bodies.Get(k); env != nil {
					e.Envelope = bytes.Clone(env)
					e.Control = control.Get(v) != nil
					size += len(env)
				} else if st := stubs.Get(v); st != nil {
					if !withStubs {
						continue
					}
					stub, err := decodeStub(st)
					if err != nil {
						return err
					}
					e.Stub = &stub
				} else {
					return fmt.Errorf("log %s/%s seq %d: cid %s has neither envelope nor stub: store is corrupt",
						pk.author, pk.log, pk.seq, v)
				}
				switch {
				case pk.seq > 1 && sameLog && prevSeq == pk.seq-1:
					// The predecessor is the key the cursor just passed.
					e.Prev = prevCID
				case pk.seq > 1:
					// The first entry of a walk, or after a hole: read the predecessor back,
					// which keeps Entry complete without a second walk.
					if p := tx.Bucket(bucketLogs).Get(logKey(pk.author, pk.log, pk.seq-1)); p != nil {
						e.Prev = string(p)
					}
				}
				batch = append(batch, e)
			}
			done = true
			return nil
		})
		if err != nil {
			return fmt.Errorf("read logs: %w", err)
		}
		s.noteRead(bytesOf(batch))
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if done {
			return nil
		}
	}
}

// LogHead is the last entry of one log.
type LogHead struct {
	Author, Log string
	Seq         uint64
	CID         string
}

// Head returns the sequence number and CID of a log's last entry; 0 and "" if the log is empty.
func (s *Store) Head(author, log string) (seq uint64, cid string, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		seq, cid = decodeHead(tx.Bucket(bucketHeads).Get(headKey(author, log)))
		return nil
	})
	if err != nil {
		return 0, "", fmt.Errorf("head of %s/%s: %w", author, log, err)
	}
	return seq, cid, nil
}

// CIDAt returns the CID at a log position, or an error wrapping ErrNotFound.
func (s *Store) CIDAt(author, log string, seq uint64) (string, error) {
	var c string
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketLogs).Get(logKey(author, log, seq))
		if v == nil {
			return ErrNotFound
		}
		c = string(v)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("cid at %s/%s seq %d: %w", author, log, seq, err)
	}
	return c, nil
}

// Heads returns the head of every log, in (author, log) order.
func (s *Store) Heads() ([]LogHead, error) {
	var heads []LogHead
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHeads).ForEach(func(k, v []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				return fmt.Errorf("malformed head key %x: store is corrupt", k)
			}
			seq, cid := decodeHead(v)
			heads = append(heads, LogHead{Author: string(k[:i]), Log: string(k[i+1:]), Seq: seq, CID: cid})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read heads: %w", err)
	}
	return heads, nil
}

// Stubs calls fn with every retraction stub, in CID order. An error from fn stops the walk.
func (s *Store) Stubs(fn func(Stub) error) error {
	var stubs []Stub
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketStubs).ForEach(func(_, v []byte) error {
			st, err := decodeStub(v)
			if err != nil {
				return err
			}
			stubs = append(stubs, st)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("read stubs: %w", err)
	}
	for _, st := range stubs {
		if err := fn(st); err != nil {
			return err
		}
	}
	return nil
}

// Equivocated reports whether the log position keeps an equivocating copy
// beside its entry: it then holds the two copies it ever keeps, and any other
// envelope for it is only counted.
func (s *Store) Equivocated(author, log string, seq uint64) (bool, error) {
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := append(logKey(author, log, seq), 0)
		k, _ := tx.Bucket(bucketEquivocations).Cursor().Seek(prefix)
		ok = k != nil && bytes.HasPrefix(k, prefix)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read equivocations of %s/%s %d: %w", author, log, seq, err)
	}
	return ok, nil
}

// Equivocations returns every equivocating log position, in (author, log, seq) order.
func (s *Store) Equivocations() ([]Equivocation, error) {
	var out []Equivocation
	err := s.db.View(func(tx *bolt.Tx) error {
		logs := tx.Bucket(bucketLogs)
		return tx.Bucket(bucketEquivocations).ForEach(func(k, _ []byte) error {
			ek, ok := parseEquivocationKey(k)
			if !ok {
				return fmt.Errorf("malformed equivocation key %x: store is corrupt", k)
			}
			if n := len(out); n > 0 && out[n-1].Author == ek.author && out[n-1].Log == ek.log && out[n-1].Seq == ek.seq {
				out[n-1].CIDs = append(out[n-1].CIDs, ek.cid)
				return nil
			}
			lk := logKey(ek.author, ek.log, ek.seq)
			held := string(logs.Get(lk))
			extra := decodeUint(tx.Bucket(bucketEquivExtra).Get(lk))
			out = append(out, Equivocation{Author: ek.author, Log: ek.log, Seq: ek.seq, CIDs: []string{held, ek.cid}, Extra: extra})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read equivocations: %w", err)
	}
	return out, nil
}

// Stats summarises the store.
type Stats struct {
	Records       int   // envelopes held in logs (retracted ones excluded)
	Stubs         int   // retraction stubs
	Logs          int   // logs with at least one entry
	Equivocations int   // equivocating envelopes kept as evidence
	FileSize      int64 // bytes
}

// Stats returns counts kept up to date by every write, so it is cheap at any size.
func (s *Store) Stats() (Stats, error) {
	var st Stats
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCounters)
		st = Stats{
			Records:       int(decodeUint(c.Get(counterRecords))),
			Stubs:         int(decodeUint(c.Get(counterStubs))),
			Logs:          int(decodeUint(c.Get(counterLogs))),
			Equivocations: int(decodeUint(c.Get(counterEquivocations))),
			FileSize:      tx.Size(),
		}
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("read stats: %w", err)
	}
	return st, nil
}

// Backup writes a consistent copy of the whole store file to w while the store stays in use, and
// returns the number of bytes written. The copy opens with Open like the original.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup %s: %w", s.path, err)
	}
	return n, nil
}

// BackupTar writes a consistent copy of the store file into tw as the member name, while the
// store stays in use, and returns its size.
func (s *Store) BackupTar(tw *tar.Writer, name string) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		size := tx.Size()
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: time.Now().UTC(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		var err error
		n, err = tx.WriteTo(tw)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup %s: %w", s.path, err)
	}
	return n, nil
}

// Check verifies the file's page structure (bbolt's consistency check) and that the counters
// and heads agree with the logs. It reads the whole file; use it in tests and `ursic` repair
// tools, not on a hot path.
func (s *Store) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return fmt.Errorf("check %s: %w", s.path, errors.Join(errs...))
		}
		bodies, cids := tx.Bucket(bucketBodies), tx.Bucket(bucketCIDs)
		logs := tx.Bucket(bucketLogs)
		records := 0
		err := tx.Bucket(bucketHeads).ForEach(func(k, v []byte) error {
			seq, cid := decodeHead(v)
			prefix := append(bytes.Clone(k), 0)
			var n uint64
			c := logs.Cursor()
			var last []byte
			for lk, lv := c.Seek(prefix); lk != nil && bytes.HasPrefix(lk, prefix); lk, lv = c.Next() {
				n++
				if got := binary.BigEndian.Uint64(lk[len(prefix):]); got != n {
					return fmt.Errorf("log %q: seq %d where %d was expected", k, got, n)
				}
				if bodies.Get(lk) != nil {
					records++
					if !bytes.Equal(cids.Get(lv), lk) {
						return fmt.Errorf("log %q seq %d: cid %s does not point back at its envelope", k, n, lv)
					}
				}
				last = lv
			}
			if n != seq || string(last) != cid {
				return fmt.Errorf("log %q: head says seq %d cid %s, log ends at seq %d cid %s", k, seq, cid, n, last)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("check %s: %w", s.path, err)
		}
		if want := decodeUint(tx.Bucket(bucketCounters).Get(counterRecords)); uint64(records) != want {
			return fmt.Errorf("check %s: %d envelopes in logs, counter says %d", s.path, records, want)
		}
		return nil
	})
}

func decodeStub(v []byte) (Stub, error) {
	var st Stub
	if err := json.Unmarshal(v, &st); err != nil {
		return Stub{}, fmt.Errorf("decode stub: %w", err)
	}
	return st, nil
}

func bytesOf(batch []Entry) int {
	n := 0
	for _, e := range batch {
		n += len(e.Envelope)
	}
	return n
}

// LogHeads calls fn with the sequence number and the stored bytes of every position of one log
// (the envelope, or a retraction stub's envelope; positions with neither are skipped), in order.
// raw is valid only during the call: fn must copy what it keeps. fn runs inside a read
// transaction of at most chunkEntries positions, so it must be quick and must not use the store.
// It exists so that reading every header of a long log costs no copy of the envelopes.
func (s *Store) LogHeads(author, log string, fn func(seq uint64, raw []byte) error) error {
	next := logKey(author, log, 1)
	end := logKey(author, log, math.MaxUint64)
	for next != nil {
		err := s.db.View(func(tx *bolt.Tx) error {
			bodies, stubs := tx.Bucket(bucketBodies), tx.Bucket(bucketStubs)
			c := tx.Bucket(bucketLogs).Cursor()
			n := 0
			for k, v := c.Seek(next); k != nil; k, v = c.Next() {
				if bytes.Compare(k, end) > 0 {
					next = nil
					return nil
				}
				if n == chunkEntries {
					next = bytes.Clone(k)
					return nil
				}
				n++
				pk, ok := parseLogKey(k)
				if !ok {
					return fmt.Errorf("malformed log key %x: store is corrupt", k)
				}
				raw := bodies.Get(k)
				if raw == nil {
					if st := stubs.Get(v); st != nil {
						stub, err := decodeStub(st)
						if err != nil {
							return err
						}
						raw = stub.Envelope
					}
				}
				if raw == nil {
					continue
				}
				s.unreleased.Add(int64(len(raw)))
				if err := fn(pk.seq, raw); err != nil {
					return err
				}
			}
			next = nil
			return nil
		})
		if err != nil {
			return fmt.Errorf("read log %s/%s: %w", author, log, err)
		}
	}
	return nil
}

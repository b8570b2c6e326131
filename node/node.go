package node

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/ursic/node/node/index"
	"github.com/ursic/node/node/store"
	"github.com/ursic/node/policy"
	"github.com/ursic/node/share"
)

// Node is a running node: its identity, its durable store and the in-memory
// index of every record it may read. Its methods are safe for concurrent use.
type Node struct {
	home  *Home
	store *store.Store
	index *index.Index
	log   *slog.Logger

	started time.Time

	// pubMu serialises publishing and retracting: they extend this node's own
	// logs, whose sequence numbers must stay gap-free.
	pubMu sync.Mutex
	heads map[string]logHead // this node's own logs, by log ID
}

type logHead struct {
	seq uint64
	cid string
}

// Options tune [Open].
type Options struct {
	Logger *slog.Logger
}

// Open starts a node from an initialised home: it opens the store and builds
// the in-memory index by opening every envelope the node may read.
func Open(h *Home, opt Options) (*Node, error) {
	lg := opt.Logger
	if lg == nil {
		lg = slog.Default()
	}
	st, err := store.Open(filepath.Join(h.Dir, StoreFile))
	if err != nil {
		return nil, err
	}
	ix, err := index.New()
	if err != nil {
		st.Close()
		return nil, err
	}
	n := &Node{home: h, store: st, index: ix, log: lg, heads: map[string]logHead{}, started: time.Now()}
	if err := n.rebuildIndex(); err != nil {
		st.Close()
		return nil, err
	}
	lg.Info("node open", "peer_id", h.Identity.PeerID(), "name", h.Config.Name, "records", ix.Len(), "took", time.Since(n.started).Round(time.Millisecond))
	return n, nil
}

// Close closes the store. The index is simply dropped: it was never on disk.
func (n *Node) Close() error { return n.store.Close() }

// Home is the node's home.
func (n *Node) Home() *Home { return n.home }

// PeerID is this node's peer ID.
func (n *Node) PeerID() string { return n.home.Identity.PeerID() }

// roster is the membership view policy decides over. Until the Federation
// work installs a roster, a node is a consortium of one: `members` is itself.
func (n *Node) roster() *policy.Roster {
	return &policy.Roster{
		Members:   []policy.Member{{PeerID: n.PeerID(), Name: n.home.Config.Name, Role: policy.RoleMember}},
		Executive: []string{n.PeerID()},
	}
}

func (n *Node) recipientCard(peerID string) (*Card, error) {
	if peerID == n.PeerID() {
		return n.home.Card(), nil
	}
	return nil, fmt.Errorf("no member card for %s", peerID)
}

func (n *Node) rosterVersion() uint64 { return 0 }

// rebuildIndex opens every stored envelope with this node's keys and loads the
// index, using every core: opening is the dominant cost of a start.
func (n *Node) rebuildIndex() error {
	jobs := make(chan store.Entry, 256)
	rows := make(chan index.Row, 256)
	errc := make(chan error, 1)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	var skipped int
	var skippedMu sync.Mutex
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range jobs {
				row, err := n.openEntry(e)
				if err != nil {
					// Not ours to read (e.g. a key we do not hold): it stays in
					// the store for relaying, and is counted.
					skippedMu.Lock()
					skipped++
					skippedMu.Unlock()
					n.log.Debug("envelope not readable", "cid", e.CID, "err", err)
					continue
				}
				rows <- row
			}
		}()
	}
	go func() {
		err := n.store.ForEach(func(e store.Entry) error {
			jobs <- e
			return nil
		})
		close(jobs)
		wg.Wait()
		close(rows)
		errc <- err
	}()
	batch := make([]index.Row, 0, index.MaxTxnRows)
	var insertErr error
	for r := range rows {
		batch = append(batch, r)
		if len(batch) == index.MaxTxnRows {
			if err := n.index.Insert(batch); err != nil && insertErr == nil {
				insertErr = err
			}
			batch = batch[:0]
		}
	}
	if err := <-errc; err != nil {
		return fmt.Errorf("failed to read the store: %w", err)
	}
	if insertErr != nil {
		return insertErr
	}
	if err := n.index.Insert(batch); err != nil {
		return err
	}
	if skipped > 0 {
		n.log.Info("envelopes held but not readable by this node", "count", skipped)
	}
	return n.store.Stubs(func(s store.Stub) error {
		return n.index.Retract(s.CID, s.RetractedBy, s.Reason)
	})
}

// openEntry decodes, verifies and opens one stored envelope into an index row.
func (n *Node) openEntry(e store.Entry) (index.Row, error) {
	env, err := share.Decode(e.Envelope)
	if err != nil {
		return index.Row{}, err
	}
	plain, err := env.Open(n.home.Identity.AgeIdentity())
	if err != nil {
		return index.Row{}, err
	}
	return n.rowOf(e.CID, env, plain)
}

// errNotAuthor is returned when retracting someone else's record.
var errNotAuthor = errors.New("only the author of a record can retract it")

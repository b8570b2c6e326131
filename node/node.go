package node

import (
	"context"
	"errors"
	"fmt"
	"github.com/prometheus/client_golang/prometheus"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// Node is a running node: its identity, its durable store, the in-memory
// index of every record it may read, its roster and, once [Node.Start] is
// called, its libp2p host. Its methods are safe for concurrent use.
type Node struct {
	home  *Home
	store *store.Store
	index *index.Index
	cases *caseTable // coarse summaries of readable records and facets (facets.go)
	keys  *senderKeys
	log   *slog.Logger

	auditLog *auditLog

	started time.Time

	rmu   sync.RWMutex
	chain *rosterChain
	forks rosterForks // peers on another branch of the roster chain

	// pubMu serialises publishing and retracting: they extend this node's own
	// logs, whose sequence numbers must stay gap-free.
	pubMu sync.Mutex
	heads map[string]logHead // this node's own logs, by log ID

	net *federation // nil until Start

	restoring     atomic.Bool                  // restored from a backup, own logs not yet fetched back (see backup.go)
	restoredHeads map[string]map[string]uint64 // own logs' heads a peer named and may still serve: peer → log ID → seq
	restoreFails  map[string]int               // by peer: pulls in a row that failed since the restore, -1 once one completed
	restoreMu     sync.Mutex

	publishSeconds prometheus.Histogram
	own            *ownRecords // this node's records by keyed digest, for an idempotent publish

	ent *receive.Entitlement // who may hold each envelope
	cat *receive.Catalogue   // each log's entries by class, for Hello and serving

	unreadable atomic.Int64 // envelopes held (for relaying) that this node cannot open

	inboxMu sync.Mutex // serialises changes to the liaison inbox (inbox.go)

	indexDone chan struct{} // closed when the index holds every stored record
	closing   chan struct{} // closed by Close, to stop a background rebuild
	closeOnce sync.Once

	screening *screening // the names of readable indicators' subjects, for Screen

	// The index snapshot (snapshot.go).
	indexOK       atomic.Bool   // the index holds every stored record (a rebuild was not cut short)
	snapMu        sync.Mutex    // one snapshot write at a time
	snapSeq       atomic.Uint64 // the store change the snapshot on disk covers, as far as this node knows
	snapWG        sync.WaitGroup
	snapshotEvery time.Duration
}

type logHead struct {
	seq uint64
	cid string
}

// Options tune [Open].
type Options struct {
	Logger *slog.Logger

	// IndexInBackground makes Open return as soon as the store is open and
	// the sender keys are loaded; the index is then filled on all cores
	// while the node already serves (Status says index_ready: false, List
	// answers from what is indexed, Show opens any record from the store).
	// A node with many records starts serving in seconds this way.
	IndexInBackground bool

	// SnapshotEvery is how often the running node brings its index snapshot
	// (SnapshotFile) up to date, if the store changed; 0 means
	// DefaultSnapshotEvery. Close brings it up to date too.
	SnapshotEvery time.Duration
}

// Open starts a node from an initialised home: it opens the store and builds
// the in-memory index by opening every envelope the node may read.
func Open(h *Home, opt Options) (*Node, error) {
	lg := opt.Logger
	if lg == nil {
		lg = slog.Default()
	}
	if exposed, mode, err := h.Exposed(); err != nil {
		lg.Warn("could not check the home directory's mode", "dir", h.Dir, "err", err)
	} else if exposed {
		lg.Warn("the home directory is open to its group or to others: it holds the node's key and API token",
			"dir", h.Dir, "mode", fmt.Sprintf("%04o", mode), "hint", "chmod 700 "+h.Dir)
	}
	chain, err := loadRosterChain(h.Dir)
	if err != nil {
		return nil, err
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
	n := &Node{home: h, store: st, index: ix, cases: newCaseTable(h.Identity.PeerID()), screening: newScreening(), keys: newSenderKeys(), log: lg, chain: chain, heads: map[string]logHead{}, started: time.Now()}
	n.ent = receive.NewEntitlement(rosterViews{n})
	n.publishSeconds = newPublishSeconds()
	n.own = newOwnRecords(h.Identity.DeriveKey(digestKeyLabel))
	n.cat = receive.NewCatalogue(st, n.ent, h.Identity.PeerID())
	au, err := openAudit(h, st, lg)
	if err != nil {
		st.Close()
		return nil, err
	}
	n.auditLog = au
	n.indexDone, n.closing = make(chan struct{}), make(chan struct{})
	n.snapshotEvery = opt.SnapshotEvery
	if n.snapshotEvery <= 0 {
		n.snapshotEvery = DefaultSnapshotEvery
	}
	go n.applyInBackground(n.cases, n.screening) // facts.go
	if err := n.openRestored(); err != nil {
		au.close()
		st.Close()
		return nil, err
	}
	if err := n.loadSenderKeys(); err != nil {
		au.close()
		st.Close()
		return nil, err
	}
	if opt.IndexInBackground {
		go func() {
			defer close(n.indexDone)
			if err := n.buildIndex(); err != nil {
				lg.Error("index rebuild failed", "err", err)
				return
			}
			n.afterIndexed() // facets.go
			n.startSnapshots()
			lg.Info("index ready", "records", ix.Live(), "took", time.Since(n.started).Round(time.Millisecond))
		}()
		stats, err := st.Stats()
		if err != nil {
			lg.Error("failed to read the store's counts", "err", err)
		}
		stored := stats.Records
		lg.Info("node open", "peer_id", h.Identity.PeerID(), "name", h.Config.Name, "records", stored, "index", "building in the background",
			"roster_version", n.rosterVersion(), "took", time.Since(n.started).Round(time.Millisecond))
		return n, nil
	}
	err = n.buildIndex()
	close(n.indexDone)
	if err != nil {
		au.close()
		st.Close()
		return nil, err
	}
	n.afterIndexed() // facets.go
	n.startSnapshots()
	lg.Info("node open", "peer_id", h.Identity.PeerID(), "name", h.Config.Name, "records", ix.Len(),
		"roster_version", n.rosterVersion(), "took", time.Since(n.started).Round(time.Millisecond))
	return n, nil
}

// IndexReady reports whether the index holds every stored record.
func (n *Node) IndexReady() bool {
	select {
	case <-n.indexDone:
		return true
	default:
		return false
	}
}

// WaitIndexed waits until the index holds every stored record.
func (n *Node) WaitIndexed(ctx context.Context) error {
	select {
	case <-n.indexDone:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops networking, brings the index snapshot up to date (so that the
// next start opens few envelopes) and closes the store.
func (n *Node) Close() error {
	if n.net != nil {
		n.net.close()
	}
	n.closeOnce.Do(func() { close(n.closing) })
	<-n.indexDone // a background rebuild stops at its next envelope
	n.snapWG.Wait()
	if err := n.writeSnapshot(closeMergeMax); err != nil {
		n.log.Warn("could not write the index snapshot", "err", err)
	}
	return errors.Join(n.auditLog.close(), n.store.Close())
}

// buildIndex fills the index from the snapshot and what was stored after
// it, or, if the snapshot cannot be used, by opening every envelope (and
// writes a new snapshot as it goes). Either runs under a soft memory limit
// (loadgc.go).
func (n *Node) buildIndex() error {
	restore := func() {}
	if fi, err := os.Stat(filepath.Join(n.home.Dir, SnapshotFile)); err == nil {
		restore = limitHeapForLoad(fi.Size()) // loadgc.go
	}
	defer func() {
		// The case table and screening index apply their queues in the
		// background; the load ends when they are drained.
		go func() {
			n.cases.queue.settle()
			n.screening.queue.settle()
			restore()
		}()
	}()
	ok, err := n.indexFromSnapshot()
	if err != nil {
		return err
	}
	if !ok {
		// A rebuild has no snapshot to size its limit by: it takes the
		// size of the snapshot it is about to write, from the store's count.
		restore()
		if st, err := n.store.Stats(); err == nil {
			restore = limitHeapForLoad(int64(st.Records) * rebuildSnapshotBytesPerRecord) // loadgc.go
		}
		err = n.indexAll()
	}
	if err == nil {
		select {
		case <-n.closing: // cut short
		default:
			n.indexOK.Store(true)
		}
	}
	return err
}

// startSnapshots starts the timer that keeps the snapshot up to date.
func (n *Node) startSnapshots() {
	select {
	case <-n.closing:
		return
	default:
	}
	n.snapWG.Add(1)
	go n.snapshotLoop(n.snapshotEvery)
}

// Home is the node's home.
func (n *Node) Home() *Home { return n.home }

// PeerID is this node's peer ID.
func (n *Node) PeerID() string { return n.home.Identity.PeerID() }

// errClosing stops a background rebuild when the node closes.
var errClosing = errors.New("node is closing")

// loadSenderKeys opens every senderkey record this node may read (they are
// few: one per author, group and epoch), so that group records open. The
// store lists them (Entry.Control); a store written before it did is read
// in full once to list them.
func (n *Node) loadSenderKeys() error {
	load := func(cid string, raw []byte) bool {
		env, err := share.Decode(raw)
		if err != nil {
			// The store checked it on the way in: a stored envelope that no
			// longer decodes is damage, not "not a sender key".
			n.log.Error("stored envelope does not decode", "cid", cid, "err", err)
			return false
		}
		if env.Header.Kind != share.KindSenderKey {
			return false
		}
		if _, err := n.openEnvelope(env, cid); err != nil {
			n.log.Debug("sender key not for this node", "cid", cid, "err", err)
		}
		return true
	}
	if !n.store.NeedsControlIndex() {
		return n.store.Controls(func(e store.Envelope) error {
			load(e.CID, e.Envelope)
			return nil
		})
	}
	n.log.Info("listing the store's sender keys (once, for a store written by an older version)")
	var cids []string
	err := n.store.Envelopes(func(e store.Envelope) error {
		if load(e.CID, e.Envelope) {
			cids = append(cids, e.CID)
		}
		return nil
	})
	if err == nil {
		err = n.store.MarkControl(cids)
	}
	if err != nil {
		return fmt.Errorf("failed to read the store: %w", err)
	}
	return nil
}

// indexAll opens every stored envelope with this node's keys and loads the
// index, on all cores: opening is the dominant cost of a start. It writes
// what it opens to a new index snapshot as it goes (snapshot.go).
func (n *Node) indexAll() error {
	st, err := n.store.Stats()
	if err != nil {
		return fmt.Errorf("failed to read the store: %w", err)
	}
	n.index.Reserve(st.Records)
	// The snapshot covers the store up to the change read before the walk:
	// a record stored during the walk is opened again at the next start (its
	// facts, applied twice, leave one copy), one retracted then is left out.
	snap, snapSeq := n.newRebuildSnapshot()
	var unopenedMu sync.Mutex
	var unopened []snapUnopened
	jobs := make(chan store.Envelope, 256)
	rows := make(chan recordFacts, 256)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range jobs {
				env, err := share.Decode(e.Envelope)
				if err == nil && env.Header.Kind == share.KindSenderKey {
					continue
				}
				f, err := n.openEntry(e, env, err)
				if err != nil {
					// Not ours to read (sealed to a key we do not hold): it
					// stays in the store for relaying to those who may.
					// Anything else is damage, and says so.
					if !errors.Is(err, crypto.ErrNotRecipient) && !errors.Is(err, ErrNoSenderKey) {
						n.log.Error("stored envelope does not open", "cid", e.CID, "err", err)
					}
					n.unreadable.Add(1)
					if snap != nil {
						unopenedMu.Lock()
						unopened = append(unopened, snapUnopened{CID: e.CID, Retry: errors.Is(err, ErrNoSenderKey)})
						unopenedMu.Unlock()
					}
					continue
				}
				rows <- f
			}
		}()
	}
	go func() {
		err := n.store.Envelopes(func(e store.Envelope) error {
			select {
			case <-n.closing:
				return errClosing
			case jobs <- e:
				return nil
			}
		})
		close(jobs)
		wg.Wait()
		close(rows)
		errc <- err
	}()
	batch := make([]recordFacts, 0, index.MaxTxnRows)
	var insertErr error
	apply := func() {
		if snap != nil {
			for i := range batch {
				if err := snap.fact(&batch[i]); err != nil {
					n.log.Warn("could not write the index snapshot", "err", err)
					snap.abort()
					snap = nil
					break
				}
			}
		}
		if err := n.applyFacts(batch); err != nil && insertErr == nil {
			insertErr = err
		}
		batch = batch[:0]
	}
	for f := range rows {
		batch = append(batch, f)
		if len(batch) == index.MaxTxnRows {
			apply()
		}
	}
	if err := <-errc; errors.Is(err, errClosing) {
		if snap != nil {
			snap.abort()
		}
		return nil
	} else if err != nil {
		if snap != nil {
			snap.abort()
		}
		return fmt.Errorf("failed to read the store: %w", err)
	}
	apply()
	if insertErr != nil {
		if snap != nil {
			snap.abort()
		}
		return insertErr
	}
	n.commitRebuildSnapshot(snap, snapSeq, unopened)
	if c := n.unreadable.Load(); c > 0 {
		n.log.Info("envelopes held for relaying but not readable by this node", "count", c)
	}
	return n.indexStubs()
}

// indexStubs lists retracted records as stubs (header facts, no body), if
// this node was entitled to read them.
func (n *Node) indexStubs() error {
	var stubRows []index.Row
	err := n.store.Stubs(func(s store.Stub) error {
		if row, ok := n.stubRow(s); ok {
			stubRows = append(stubRows, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The rebuild read every page of the store; the node need not keep them mapped.
	n.store.ReleasePages()
	return n.index.Insert(stubRows)
}

// openEntry verifies and opens one stored envelope into its facts.
func (n *Node) openEntry(e store.Envelope, env *share.Envelope, decodeErr error) (recordFacts, error) {
	if decodeErr != nil {
		return recordFacts{}, decodeErr
	}
	plain, err := n.openEnvelope(env, e.CID)
	if err != nil {
		return recordFacts{}, err
	}
	return n.factsOfPlain(e.CID, env, plain)
}

// stubRow makes the index row of a retracted record from its stub envelope.
// A record suppressed on arrival by a pending retraction has a stub without
// an envelope: without its header, this node cannot tell whether it may hold
// it, so it is not listed.
func (n *Node) stubRow(s store.Stub) (index.Row, bool) {
	if len(s.Envelope) == 0 {
		return index.Row{}, false
	}
	env, err := share.Decode(s.Envelope)
	if err != nil {
		n.log.Error("stored retraction stub does not decode", "cid", s.CID, "err", err)
		return index.Row{}, false
	}
	return n.retractedRow(s.CID, &env.Header, s.RetractedBy, s.Reason)
}

// retractedRow is the index row of the retracted record cid with header h,
// retracted by the retraction record by (empty if unknown), if this node may
// hold it.
func (n *Node) retractedRow(cid string, h *share.Header, by, reason string) (index.Row, bool) {
	if !n.ent.MayHold(h, n.PeerID()) {
		return index.Row{}, false
	}
	return index.Row{
		CID: cid, Kind: h.Kind, Author: h.Author, AuthorName: n.memberName(h.Author), Log: h.Log, Seq: h.Seq,
		TLP: h.TLP, Audience: h.Audience, Caveats: h.Caveats, Created: time.UnixMilli(h.Created).UTC(),
		RosterVersion: h.RosterVersion, Retracted: true, RetractedBy: by, RetractReason: reason,
	}, true
}

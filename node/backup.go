package node

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/ursic/ursic/node/store"
)

// A backup is a tar archive of what a home needs besides its keys (which an
// operator keeps apart): the store, the audit log and the roster chain. Its
// first member, backupManifest, says what it is and whose it is.
//
//	URSIC-BACKUP.json      {"format":"ursic-backup/1","peer_id":…,"created":…}
//	store.db               a consistent copy of the store (bbolt's online backup)
//	audit.log              the audit log, copied after the store (so it holds every line the
//	                       store's anchor names, and perhaps more)
//	genesis.pin, roster.json, rosters/vNNNNNN.json   the roster chain
//	taxii-partners.json, taxii-added.log, inbox/ID.{json,age}   a liaison's partners, the dates its
//	                       TAXII server first served each object, and its inbox (sealed), if any
const (
	backupManifest = "URSIC-BACKUP.json"
	backupFormat   = "ursic-backup/1"
)

// metaRestored in the store's meta bucket marks a node restored from a
// backup that has not yet caught up with its own logs from its peers.
const metaRestored = "node.restored"

// ErrRestoring is returned by Publish and Retract while a node restored from
// a backup has not yet fetched its own logs back from its peers: a sequence
// number it would write now might be one its peers already hold, which
// would look like equivocation.
var ErrRestoring = errors.New("this node was restored from a backup and is still fetching its own records back from its peers")

type manifest struct {
	Format  string    `json:"format"`
	PeerID  string    `json:"peer_id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// Backup writes a backup of the running node to w (see backupManifest) and
// returns the bytes of the store copy in it.
func (n *Node) Backup(w io.Writer) (int64, error) {
	written, err := writeBackup(w, n.home.Dir, manifest{Format: backupFormat, PeerID: n.PeerID(), Name: n.home.Config.Name, Created: time.Now().UTC()},
		n.store, n.auditLog.snapshot)
	if err == nil {
		n.audit("export", fmt.Sprintf("backup of the store, %d bytes, with the audit log and the roster chain", written))
	}
	return written, err
}

// BackupOffline writes a backup of a home whose node is not running.
func BackupOffline(h *Home, w io.Writer) (int64, error) {
	st, err := store.Open(filepath.Join(h.Dir, StoreFile))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	return writeBackup(w, h.Dir, manifest{Format: backupFormat, PeerID: h.Identity.PeerID(), Name: h.Config.Name, Created: time.Now().UTC()}, st,
		func() ([]byte, error) { return readOptional(filepath.Join(h.Dir, AuditFile)) })
}

func writeBackup(w io.Writer, dir string, m manifest, st *store.Store, audit func() ([]byte, error)) (int64, error) {
	tw := tar.NewWriter(w)
	mb, err := json.Marshal(m)
	if err != nil {
		return 0, err
	}
	if err := tarFile(tw, backupManifest, mb); err != nil {
		return 0, err
	}
	// The store first, then the audit log: the log then holds at least
	// every line the copied store's anchor names.
	written, err := st.BackupTar(tw, StoreFile)
	if err != nil {
		return written, err
	}
	al, err := audit()
	if err != nil {
		return written, err
	}
	if err := tarFile(tw, AuditFile, al); err != nil {
		return written, err
	}
	files, err := homeFiles(dir)
	if err != nil {
		return written, err
	}
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return written, err
		}
		if err := tarFile(tw, name, b); err != nil {
			return written, err
		}
	}
	return written, tw.Close()
}

// The liaison's files in a home (package taxii names the same files; it
// imports node, so node cannot import it).
const (
	taxiiPartnersFile = "taxii-partners.json"
	taxiiLedgerFile   = "taxii-added.log"
)

var inboxFile = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}\.(json|age)$`)

// homeFiles lists the files of a home a backup holds besides the store and
// the audit log — the roster chain and a liaison's files — slash-separated.
func homeFiles(dir string) ([]string, error) {
	var out []string
	inbox, err := os.ReadDir(filepath.Join(dir, InboxDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range inbox {
		if inboxFile.MatchString(e.Name()) {
			out = append(out, InboxDir+"/"+e.Name())
		}
	}
	for _, name := range []string{GenesisPinFile, RosterFile, taxiiPartnersFile, taxiiLedgerFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			out = append(out, name)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, RosterDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if rosterVersionFile.MatchString(e.Name()) {
			out = append(out, RosterDir+"/"+e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

var rosterVersionFile = regexp.MustCompile(`^v[0-9]{6,}\.json$`)

func tarFile(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now().UTC(), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func readOptional(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// RestoreOptions tune [Restore].
type RestoreOptions struct {
	// Force replaces a store the home holds already.
	Force bool
}

// RestoreReport says what a restore wrote.
type RestoreReport struct {
	PeerID       string    `json:"peer_id"`
	Created      time.Time `json:"backup_created"`
	StoreBytes   int64     `json:"store_bytes"`
	RosterFiles  int       `json:"roster_versions"`
	AuditRestore bool      `json:"audit_log"`
}

// Restore rebuilds the store, the audit log and the roster chain of the home
// h, which holds the keys, from a backup. The backup must be this node's
// (its peer ID is checked against the home's). A home that has a store
// already is refused unless opt.Force. The restored store is marked: the
// node fetches its own logs back from its peers before it publishes again,
// so that it never writes a sequence number they already hold.
func Restore(h *Home, r io.Reader, opt RestoreOptions) (RestoreReport, error) {
	var rep RestoreReport
	dir, self := h.Dir, h.Identity.PeerID()
	if _, err := os.Stat(filepath.Join(dir, StoreFile)); err == nil {
		if !opt.Force {
			return rep, fmt.Errorf("%s holds a store already: add --force to replace it (stop the node first)", dir)
		}
		// A running node holds the store's lock: never swap a file under it.
		st, err := store.Open(filepath.Join(dir, StoreFile), store.WithLockTimeout(200*time.Millisecond))
		if err != nil {
			return rep, fmt.Errorf("cannot replace the store: %w", err)
		}
		if err := st.Close(); err != nil {
			return rep, err
		}
	}
	tmp, err := os.MkdirTemp(dir, ".restore-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	var m *manifest
	var got []string
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("not a readable backup: %w", err)
		}
		name := h.Name
		if m == nil && name != backupManifest {
			return rep, fmt.Errorf("not an URSIC backup: it starts with %q, not %s (a backup written by an older version is a bare store: copy it to %s by hand)", name, backupManifest, StoreFile)
		}
		if !allowedBackupMember(name) || h.Typeflag != tar.TypeReg {
			return rep, fmt.Errorf("the backup holds %q, which no backup holds: refused", name)
		}
		if name == backupManifest {
			var mm manifest
			b, err := io.ReadAll(io.LimitReader(tr, 1<<16))
			if err != nil {
				return rep, err
			}
			if err := json.Unmarshal(b, &mm); err != nil || mm.Format != backupFormat {
				return rep, fmt.Errorf("not an URSIC backup of format %s", backupFormat)
			}
			if mm.PeerID != self {
				return rep, fmt.Errorf("the backup is of node %s (%s), this home is %s: refused", mm.PeerID, mm.Name, self)
			}
			m = &mm
			continue
		}
		dst := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return rep, err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return rep, err
		}
		n, err := io.Copy(f, tr)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return rep, err
		}
		if name == StoreFile {
			rep.StoreBytes = n
		}
		got = append(got, name)
	}
	if m == nil || !contains(got, StoreFile) {
		return rep, errors.New("the backup holds no store")
	}
	// The store must open and check before anything of the home is replaced.
	st, err := store.Open(filepath.Join(tmp, StoreFile))
	if err != nil {
		return rep, fmt.Errorf("the backup's store does not open: %w", err)
	}
	if err := st.Check(); err != nil {
		st.Close()
		return rep, fmt.Errorf("the backup's store is damaged: %w", err)
	}
	if err := st.PutMeta(metaRestored, []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
		st.Close()
		return rep, err
	}
	if err := st.Close(); err != nil {
		return rep, err
	}
	if pin, err := os.ReadFile(filepath.Join(dir, GenesisPinFile)); err == nil && contains(got, GenesisPinFile) {
		theirs, err := os.ReadFile(filepath.Join(tmp, GenesisPinFile))
		if err != nil {
			return rep, err
		}
		if !bytes.Equal(bytes.TrimSpace(pin), bytes.TrimSpace(theirs)) {
			return rep, fmt.Errorf("the backup's genesis roster %s is not the one this home pins (%s): refused", strings.TrimSpace(string(theirs)), strings.TrimSpace(string(pin)))
		}
	}
	// Replace: rosters first (a whole directory), then the audit log, the
	// store last, each by rename.
	if contains(got, RosterFile) {
		old := filepath.Join(dir, RosterDir)
		if err := os.RemoveAll(old); err != nil {
			return rep, err
		}
		if err := os.Rename(filepath.Join(tmp, RosterDir), old); err != nil && !errors.Is(err, os.ErrNotExist) {
			return rep, err
		}
		for _, name := range []string{RosterFile, GenesisPinFile} {
			if contains(got, name) {
				if err := os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
					return rep, err
				}
			}
		}
		for _, name := range got {
			if strings.HasPrefix(name, RosterDir+"/") {
				rep.RosterFiles++
			}
		}
	}
	for _, name := range []string{taxiiPartnersFile, taxiiLedgerFile} {
		if contains(got, name) {
			if err := os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
				return rep, err
			}
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, InboxDir)); err == nil {
		if err := os.RemoveAll(filepath.Join(dir, InboxDir)); err != nil {
			return rep, err
		}
		if err := os.Rename(filepath.Join(tmp, InboxDir), filepath.Join(dir, InboxDir)); err != nil {
			return rep, err
		}
	}
	if contains(got, AuditFile) {
		if err := os.Rename(filepath.Join(tmp, AuditFile), filepath.Join(dir, AuditFile)); err != nil {
			return rep, err
		}
		rep.AuditRestore = true
	}
	// The index snapshot (never in a backup: the start rebuilds it) covered
	// the store being replaced.
	if err := os.Remove(filepath.Join(dir, SnapshotFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return rep, err
	}
	if err := os.Rename(filepath.Join(tmp, StoreFile), filepath.Join(dir, StoreFile)); err != nil {
		return rep, err
	}
	rep.PeerID, rep.Created = m.PeerID, m.Created
	return rep, syncDir(dir)
}

func allowedBackupMember(name string) bool {
	switch name {
	case backupManifest, StoreFile, AuditFile, GenesisPinFile, RosterFile, taxiiPartnersFile, taxiiLedgerFile:
		return true
	}
	dir, file, ok := strings.Cut(name, "/")
	return ok && (dir == RosterDir && rosterVersionFile.MatchString(file) || dir == InboxDir && inboxFile.MatchString(file))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// openRestored notes, at start, a store restored from a backup: the node
// fetches its own logs back from its peers before it publishes. A node with
// no other member on its roster has nobody to fetch from and nobody who could
// hold its later records, so it is done at once.
func (n *Node) openRestored() error {
	v, err := n.store.GetMeta(metaRestored)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(n.rosterPeers()) == 0 {
		n.log.Info("restored from a backup; no other member on the roster, so nothing to fetch back")
		return n.store.DeleteMeta(metaRestored)
	}
	n.restoring.Store(true)
	n.restoredHeads = map[string]map[string]uint64{}
	n.restoreFails = map[string]int{}
	n.log.Warn("RESTORED from a backup: fetching this node's own records back from its peers; publishing waits until then",
		"restored", string(v))
	n.audit("restore", "store restored from a backup made before "+string(v)+"; catching up before publishing")
	return nil
}

// restoreProgress is called after a pull from peer p whose Hello named
// heads hs of this node's own logs (pulled: the pull completed). The node
// waits for a head only while the peer that named it may still serve it: a
// completed pull that did not reach a head the peer named shows that it will
// not (the head is dropped, and logged), and a peer whose pulls failed
// maxRestoreFails times in a row is not waited for. The restore ends once
// every connected peer has completed a pull since the restore (or is not
// waited for) and this node holds every head still waited for. Peers that
// are offline, or that name what they do not serve, may hold more: the
// restore ends with what the reachable peers serve (SECURITY.md).
//
// Waiting for every head any peer ever named let one member keep a restored
// node from publishing for as long as it liked, across restarts; ending at
// the first completed pull let a member that answered first, with nothing,
// end it before a peer holding the node's later records was asked.
func (n *Node) restoreProgress(p string, hs []logHeadSeen, pulled bool) {
	if !n.restoring.Load() {
		return
	}
	n.restoreMu.Lock()
	defer n.restoreMu.Unlock()
	named := n.restoredHeads[p]
	if named == nil {
		named = map[string]uint64{}
	}
	for _, h := range hs {
		named[h.log] = max(named[h.log], h.seq)
	}
	n.restoredHeads[p] = named
	if !pulled {
		n.restoreFails[p] = max(n.restoreFails[p], 0) + 1
		if n.restoreFails[p] >= maxRestoreFails {
			if n.restoreFails[p] == maxRestoreFails {
				n.log.Warn("restoring: pulls from a peer keep failing; not waiting for the heads of this node's logs it names",
					"peer", p, "name", n.memberName(p), "failures", n.restoreFails[p])
			}
			delete(n.restoredHeads, p)
		}
		return
	}
	n.restoreFails[p] = -1 // completed since the restore
	for log, seq := range named {
		if ours, _, err := n.store.Head(n.PeerID(), log); err == nil && ours < seq {
			n.log.Warn("restoring: a peer named a head of this node's log that it did not serve; not waiting for it",
				"peer", p, "name", n.memberName(p), "log", log, "named", seq, "held", ours)
		}
	}
	delete(n.restoredHeads, p) // what it served is held now
	for _, pi := range n.Peers() {
		if f := n.restoreFails[pi.PeerID]; f >= 0 && f < maxRestoreFails {
			return // a connected peer not pulled from yet
		}
	}
	for _, named := range n.restoredHeads {
		for log, seq := range named {
			if ours, _, err := n.store.Head(n.PeerID(), log); err != nil || ours < seq {
				return
			}
		}
	}
	if err := n.store.DeleteMeta(metaRestored); err != nil {
		n.log.Error("failed to clear the restore mark", "err", err)
		return
	}
	n.restoring.Store(false)
	n.log.Info("restore complete: this node holds its own records as its connected peers serve them; publishing again")
	n.audit("restore", "caught up with its own logs from its peers")
}

// maxRestoreFails is how many pulls in a row may fail from a peer before a
// restoring node stops waiting for the heads of its own logs that the peer
// named.
const maxRestoreFails = 3

type logHeadSeen struct {
	log string
	seq uint64
}

// checkNotRestoring is the guard of Publish and Retract.
func (n *Node) checkNotRestoring() error {
	if n.restoring.Load() {
		return ErrRestoring
	}
	return nil
}

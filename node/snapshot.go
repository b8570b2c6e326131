package node

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/fxamacker/cbor/v2"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/screen"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// The index snapshot: what a start would compute by opening every envelope
// (the facts of each readable record, factsOf), kept in one file sealed with
// age to a symmetric key derived from this node's secret seed
// (crypto.LocalKey), so that a start opens only the envelopes stored after
// it. Nothing in it is at rest in the clear: the file is encrypted as it is
// written (age's streaming format, 64 KiB chunks, each authenticated).
//
// The key is secret, not the node's public recipient, because the snapshot's
// facts reach the index without the signature checks a rebuild makes: a
// file that opens must be one this node wrote. Sealed to the public
// recipient (as snapshots were before 2026-11-30), anyone who can write the
// home directory could make the node list a record nobody signed. Such a
// file does not open now, and the node rebuilds.
//
// A snapshot names the store state it covers: the store's ID and a number
// of the store's change sequence (node/store/changes.go) with the CID of
// that change and the sequence's running hash up to it (so a copy of the
// store put back that then went another way is told apart, even where it
// lists the same CID under that number). At start the node reads the changes after that number:
// records stored since are opened, records retracted since are left out.
// Anything the change sequence does not describe — another roster, another
// name for this node, a sender key gone, another software format — makes
// the snapshot stale, and the node rebuilds from the store as if it were
// missing. So does a file that does not authenticate to its end, and the
// log says why. A rebuild writes a new snapshot as it goes; Close and a
// background timer bring it up to date by merging the changes into it.
//
// Plaintext layout, inside age: snapshotMagic, then CBOR items: a
// snapHeader, any number of snapItems holding a fact or an unopened
// envelope, and a last snapItem holding a snapTrailer with the counts. The
// trailer must be followed by the end of the stream.

// SnapshotFile is the index snapshot, in the home directory. It is safe to
// delete: the next start rebuilds the index from the store and writes it
// again.
const SnapshotFile = "index.snapshot"

// snapshotFormat is the version of the plaintext layout. A snapshot of
// another format is stale (rebuilt), never converted. 2 (2026-11-30): the
// header holds the store's running hash (Chain).
const snapshotFormat = 2

const snapshotMagic = "ursic index snapshot\n"

// closeMergeMax is the most changes Close merges into the snapshot: about a
// second of opening envelopes on two cores. Beyond it the next start opens
// them, and writes a new snapshot in the background.
const closeMergeMax = 5000

// periodicMergeMin is the fewest changes the periodic merge writes a new
// snapshot for.
const periodicMergeMin = 1000

// DefaultSnapshotEvery is how often a running node brings its snapshot up to
// date, if the store changed by at least periodicMergeMin records.
const DefaultSnapshotEvery = 10 * time.Minute

// snapHeader names what a snapshot covers. Every field is checked at start.
type snapHeader struct {
	Format     int      `cbor:"1,keyasint"`
	PeerID     string   `cbor:"2,keyasint"`
	StoreID    string   `cbor:"3,keyasint"`
	Seq        uint64   `cbor:"4,keyasint"`  // the store change it covers up to
	SeqCID     string   `cbor:"5,keyasint"`  // the CID of that change ("" for 0)
	Roster     string   `cbor:"6,keyasint"`  // hash of the current roster ("" for none): names and entitlement come from it
	Name       string   `cbor:"7,keyasint"`  // this node's name (the AuthorName of its own rows)
	SenderKeys []string `cbor:"8,keyasint"`  // the sender keys held, sorted (senderKeyName)
	Written    int64    `cbor:"9,keyasint"`  // Unix ms, for the log
	Chain      []byte   `cbor:"10,keyasint"` // the store's running hash at Seq (store.ChainNext)
}

// snapItem is one item after the header: exactly one field is set.
type snapItem struct {
	Fact     *snapFact     `cbor:"1,keyasint,omitempty"`
	Unopened *snapUnopened `cbor:"2,keyasint,omitempty"`
	End      *snapTrailer  `cbor:"3,keyasint,omitempty"`
}

// snapUnopened is an envelope held that this node could not open. Retry is
// set when it lacked only a sender key: a start that holds more sender keys
// than the snapshot tries it again.
type snapUnopened struct {
	CID   string `cbor:"1,keyasint"`
	Retry bool   `cbor:"2,keyasint,omitempty"`
}

// snapTrailer counts the items, so that a stream cut at an item boundary
// cannot pass for a whole one (age catches a cut at a chunk boundary too).
type snapTrailer struct {
	Facts    uint64 `cbor:"1,keyasint"`
	Unopened uint64 `cbor:"2,keyasint"`
}

// snapFact is recordFacts on disk. Times are Unix ms (nil for none).
type snapFact struct {
	Row     snapRow      `cbor:"1,keyasint"`
	Case    *snapCase    `cbor:"2,keyasint,omitempty"`
	Subject *snapSubject `cbor:"3,keyasint,omitempty"`
	Own     []byte       `cbor:"4,keyasint,omitempty"`
}

type snapRow struct {
	_             struct{} `cbor:",toarray"`
	CID           string
	Kind          string
	Author        string
	AuthorName    string
	Log           string
	Seq           uint64
	TLP           string
	Audience      []string
	Caveats       []string
	Created       *int64
	RosterVersion uint64
	Title         string
	ValidUntil    *int64
	ReviewDue     *int64
	Text          string
}

type snapCase struct {
	_           struct{} `cbor:",toarray"`
	Kind        string
	Facet       bool
	Author      string
	Created     int64
	Month       int32
	Category    string
	TechAreas   []string
	Outcome     string
	Mitigations []string
	Ref         string
	Link        string
}

type snapSubject struct {
	_            struct{} `cbor:",toarray"`
	Names        []screen.SubjectName
	ROR          string
	Jurisdiction string
	Severity     string
	Mitigation   string
}

func msOf(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}

func timeOfMS(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return time.UnixMilli(*ms).UTC()
}

func toSnapFact(f *recordFacts) snapFact {
	r := &f.Row
	s := snapFact{Row: snapRow{
		CID: r.CID, Kind: r.Kind, Author: r.Author, AuthorName: r.AuthorName, Log: r.Log, Seq: r.Seq,
		TLP: r.TLP, Audience: r.Audience, Caveats: r.Caveats, Created: msOf(r.Created), RosterVersion: r.RosterVersion,
		Title: r.Title, ValidUntil: msOf(r.ValidUntil), ReviewDue: msOf(r.ReviewDue), Text: r.Text,
	}, Own: f.Own}
	if c := f.Case; c != nil {
		s.Case = &snapCase{Kind: c.Kind, Facet: c.Facet, Author: c.Author, Created: c.Created, Month: c.Month,
			Category: c.Category, TechAreas: c.TechAreas, Outcome: c.Outcome, Mitigations: c.Mitigations, Ref: c.Ref, Link: c.Link}
	}
	if j := f.Subject; j != nil {
		s.Subject = &snapSubject{Names: j.Names, ROR: j.ROR, Jurisdiction: j.Jurisdiction, Severity: j.Severity, Mitigation: j.Mitigation}
	}
	return s
}

func (s *snapFact) facts() recordFacts {
	r := &s.Row
	f := recordFacts{Row: index.Row{
		CID: r.CID, Kind: r.Kind, Author: r.Author, AuthorName: r.AuthorName, Log: r.Log, Seq: r.Seq,
		TLP: r.TLP, Audience: r.Audience, Caveats: r.Caveats, Created: timeOfMS(r.Created), RosterVersion: r.RosterVersion,
		Title: r.Title, ValidUntil: timeOfMS(r.ValidUntil), ReviewDue: timeOfMS(r.ReviewDue), Text: r.Text,
	}, Own: s.Own}
	if c := s.Case; c != nil {
		f.Case = &caseFacts{Kind: c.Kind, Facet: c.Facet, Author: c.Author, Created: c.Created, Month: c.Month,
			Category: c.Category, TechAreas: c.TechAreas, Outcome: c.Outcome, Mitigations: c.Mitigations, Ref: c.Ref, Link: c.Link}
	}
	if j := s.Subject; j != nil {
		f.Subject = &screen.Subject{CID: r.CID, Names: j.Names, ROR: j.ROR, Jurisdiction: j.Jurisdiction, Severity: j.Severity, Mitigation: j.Mitigation}
	}
	return f
}

// snapDecMode reads a snapshot's plaintext. The file authenticated under
// this node's secret key, so these limits guard against a bug rather than an
// attacker; the fuzz target holds the reader to them anyway.
var snapDecMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		MaxNestedLevels:   8,
		MaxArrayElements:  65536,
		MaxMapPairs:       16,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		UTF8:              cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("node: snapshot decoding options: %v", err))
	}
	return dm
}()

// errSnapshotDamaged wraps every reason a snapshot's content does not parse.
var errSnapshotDamaged = errors.New("index snapshot damaged")

// snapReader reads a snapshot's plaintext: the header first (by
// newSnapReader), then items until next returns io.EOF, which it does only
// after a trailer whose counts match and the end of the stream.
type snapReader struct {
	dec             *cbor.Decoder
	hdr             snapHeader
	facts, unopened uint64
	done            bool
}

func newSnapReader(r io.Reader) (*snapReader, error) {
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(r, magic); err != nil {
		return nil, fmt.Errorf("%w: no header: %v", errSnapshotDamaged, err)
	}
	if string(magic) != snapshotMagic {
		return nil, fmt.Errorf("%w: not an index snapshot", errSnapshotDamaged)
	}
	sr := &snapReader{dec: snapDecMode.NewDecoder(r)}
	if err := sr.dec.Decode(&sr.hdr); err != nil {
		return nil, fmt.Errorf("%w: header: %v", errSnapshotDamaged, err)
	}
	return sr, nil
}

// snapItemFrame is a snapItem with its fact left undecoded: the first pass
// over a file checks its framing and counts without building the facts.
type snapItemFrame struct {
	Fact     cbor.RawMessage `cbor:"1,keyasint,omitempty"`
	Unopened *snapUnopened   `cbor:"2,keyasint,omitempty"`
	End      *snapTrailer    `cbor:"3,keyasint,omitempty"`
}

// skim reads the rest of the file as next does, but decodes only the
// framing, counts and trailer. It returns nil at a complete end.
func (sr *snapReader) skim() error {
	for !sr.done {
		var fr snapItemFrame
		if err := sr.dec.Decode(&fr); err != nil {
			return sr.decodeErr(err)
		}
		it := snapItem{Unopened: fr.Unopened, End: fr.End}
		if fr.Fact != nil {
			// Counted here; its fields are checked when the second pass
			// decodes it, and a failure then rebuilds.
			it.Fact = &snapFact{Row: snapRow{CID: "-"}}
		}
		if _, err := sr.check(it); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
	}
	return nil
}

func (sr *snapReader) decodeErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: cut short after %d facts", errSnapshotDamaged, sr.facts)
	}
	// age's authentication failures come here too: damage all the same.
	return fmt.Errorf("%w: item %d: %v", errSnapshotDamaged, sr.facts+sr.unopened+1, err)
}

// next returns the next fact or unopened envelope, or io.EOF at a complete
// end. Any other error wraps errSnapshotDamaged.
func (sr *snapReader) next() (snapItem, error) {
	if sr.done {
		return snapItem{}, io.EOF
	}
	var it snapItem
	if err := sr.dec.Decode(&it); err != nil {
		return snapItem{}, sr.decodeErr(err)
	}
	return sr.check(it)
}

// check counts an item read, and at the trailer checks the counts and the
// end of the stream.
func (sr *snapReader) check(it snapItem) (snapItem, error) {
	set := 0
	for _, b := range []bool{it.Fact != nil, it.Unopened != nil, it.End != nil} {
		if b {
			set++
		}
	}
	if set != 1 {
		return snapItem{}, fmt.Errorf("%w: item %d holds %d things", errSnapshotDamaged, sr.facts+sr.unopened+1, set)
	}
	switch {
	case it.Fact != nil:
		if it.Fact.Row.CID == "" {
			return snapItem{}, fmt.Errorf("%w: a fact without a CID", errSnapshotDamaged)
		}
		sr.facts++
		return it, nil
	case it.Unopened != nil:
		if it.Unopened.CID == "" {
			return snapItem{}, fmt.Errorf("%w: an unopened envelope without a CID", errSnapshotDamaged)
		}
		sr.unopened++
		return it, nil
	}
	if it.End.Facts != sr.facts || it.End.Unopened != sr.unopened {
		return snapItem{}, fmt.Errorf("%w: the trailer counts %d facts and %d unopened, the file holds %d and %d",
			errSnapshotDamaged, it.End.Facts, it.End.Unopened, sr.facts, sr.unopened)
	}
	var extra cbor.RawMessage
	if err := sr.dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return snapItem{}, fmt.Errorf("%w: data after the trailer", errSnapshotDamaged)
	}
	sr.done = true
	return snapItem{}, io.EOF
}

// snapshotKeyLabel names the node's local key for its index snapshot.
const snapshotKeyLabel = "index-snapshot/v1"

// snapshotKey is the key the snapshot is sealed with: derived from the
// node's secret seed, so that only this node can write a file that opens.
func snapshotKey(id *crypto.Identity) *crypto.LocalKey { return id.LocalKey(snapshotKeyLabel) }

// openSnapshotFile opens f (from its start) through age with this node's
// snapshot key. A file sealed any other way — to the node's public
// recipient (a forgery, or a snapshot from before 2026-11-30), or by
// another node — does not open.
func openSnapshotFile(f *os.File, id *crypto.Identity) (*snapReader, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	ar, err := age.Decrypt(bufio.NewReaderSize(f, 1<<20), snapshotKey(id).Identity())
	if err != nil {
		return nil, fmt.Errorf("%w: not sealed with this node's snapshot key (another node's file, one from before snapshots were authenticated, or a forgery): %v", errSnapshotDamaged, err)
	}
	return newSnapReader(ar)
}

// snapWriter writes a snapshot to a temporary file beside its place and
// renames it there on commit, so that a crash at any step leaves the old
// snapshot, the new one or none, never a part.
type snapWriter struct {
	f               *os.File
	tmp, path       string
	bw              *bufio.Writer
	aw              io.WriteCloser
	enc             *cbor.Encoder
	facts, unopened uint64
}

// snapTempPrefix names the temporary files of writes in progress; a start
// removes any left by a crash.
const snapTempPrefix = SnapshotFile + ".tmp-"

func newSnapWriter(dir string, id *crypto.Identity, hdr snapHeader) (*snapWriter, error) {
	r := snapshotKey(id).Recipient()
	f, err := os.CreateTemp(dir, snapTempPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("create index snapshot: %w", err)
	}
	w := &snapWriter{f: f, tmp: f.Name(), path: filepath.Join(dir, SnapshotFile), bw: bufio.NewWriterSize(f, 1<<20)}
	if w.aw, err = age.Encrypt(w.bw, r); err != nil {
		w.abort()
		return nil, err
	}
	w.enc = cbor.NewEncoder(w.aw)
	if _, err := io.WriteString(w.aw, snapshotMagic); err != nil {
		w.abort()
		return nil, err
	}
	if err := w.enc.Encode(hdr); err != nil {
		w.abort()
		return nil, err
	}
	return w, nil
}

func (w *snapWriter) fact(f *recordFacts) error {
	sf := toSnapFact(f)
	w.facts++
	return w.enc.Encode(snapItem{Fact: &sf})
}

func (w *snapWriter) writeUnopened(u snapUnopened) error {
	w.unopened++
	return w.enc.Encode(snapItem{Unopened: &u})
}

// snapStep, if set (by the crash test), is called before each step of a
// commit, so that a kill can land between any two.
var snapStep func(step string)

func (w *snapWriter) step(name string) {
	if snapStep != nil {
		snapStep(name)
	}
}

// commit ends the stream and puts the file in place: trailer, age's last
// chunk, fsync, rename, fsync of the directory.
func (w *snapWriter) commit() error {
	w.step("trailer")
	err := w.enc.Encode(snapItem{End: &snapTrailer{Facts: w.facts, Unopened: w.unopened}})
	if err == nil {
		err = w.aw.Close()
	}
	if err == nil {
		w.step("flush")
		err = w.bw.Flush()
	}
	if err == nil {
		w.step("fsync")
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		w.step("rename")
		err = os.Rename(w.tmp, w.path)
	}
	if err == nil {
		w.step("dirsync")
		err = syncDir(filepath.Dir(w.path))
	}
	if err != nil {
		os.Remove(w.tmp)
		return fmt.Errorf("write index snapshot: %w", err)
	}
	return nil
}

func (w *snapWriter) abort() {
	w.f.Close()
	os.Remove(w.tmp)
}

// senderKeyName names a sender key in a snapshot's header.
func senderKeyName(k senderKeyID) string { return fmt.Sprintf("%s/%s/%d", k.author, k.group, k.epoch) }

// senderKeyNames lists the sender keys held now, sorted.
func (n *Node) senderKeyNames() []string {
	n.keys.mu.RLock()
	out := make([]string, 0, len(n.keys.keys))
	for k := range n.keys.keys {
		out = append(out, senderKeyName(k))
	}
	n.keys.mu.RUnlock()
	slices.Sort(out)
	return out
}

// snapHeaderNow is the header of a snapshot covering the store up to head.
func (n *Node) snapHeaderNow(head store.ChangeHead) (snapHeader, error) {
	seq := head.Seq
	h := snapHeader{Format: snapshotFormat, PeerID: n.PeerID(), StoreID: n.store.ID(), Seq: seq, Chain: head.Chain,
		Name: n.home.Config.Name, SenderKeys: n.senderKeyNames(), Written: time.Now().UnixMilli()}
	if r := n.Roster(); r != nil {
		h.Roster = r.Hash()
	}
	if seq > 0 {
		c, err := n.store.ChangeAt(seq)
		if err != nil {
			return h, err
		}
		h.SeqCID = c.CID
	}
	return h, nil
}

// snapshotStale says why a snapshot with this header cannot stand for the
// store, or "" if it can.
func (n *Node) snapshotStale(h snapHeader) (string, error) {
	switch {
	case h.Format != snapshotFormat:
		return fmt.Sprintf("from another version of the software (format %d, this one reads %d)", h.Format, snapshotFormat), nil
	case h.PeerID != n.PeerID():
		return "from another node", nil
	case h.StoreID != n.store.ID():
		return "from another store", nil
	case h.Name != n.home.Config.Name:
		return "stale: this node's name changed", nil
	}
	var roster string
	if r := n.Roster(); r != nil {
		roster = r.Hash()
	}
	if h.Roster != roster {
		return "stale: the roster changed", nil
	}
	complete, err := n.store.ChangesComplete()
	if err != nil {
		return "", err
	}
	if !complete {
		return "stale: a version that does not list its changes wrote to the store (a downgrade?)", nil
	}
	seq, err := n.store.Seq()
	if err != nil {
		return "", err
	}
	if seq < h.Seq {
		return fmt.Sprintf("stale: the store is behind it (change %d, the snapshot covers %d; restored from a backup?)", seq, h.Seq), nil
	}
	if h.Seq > 0 {
		c, err := n.store.ChangeAt(h.Seq)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Sprintf("stale: the store no longer lists the changes after it (change %d)", h.Seq), nil
		}
		if err == nil && c.CID != h.SeqCID {
			return fmt.Sprintf("stale: store changed beyond it (change %d is not the one it covers)", h.Seq), nil
		}
		if err != nil {
			return "", err
		}
	}
	held := n.senderKeyNames()
	for _, k := range h.SenderKeys {
		if _, ok := slices.BinarySearch(held, k); !ok {
			return "stale: it was written with a sender key this node no longer holds", nil
		}
	}
	return "", nil
}

// removeSnapshot deletes the snapshot file, saying so if it fails.
func (n *Node) removeSnapshot() {
	if err := os.Remove(filepath.Join(n.home.Dir, SnapshotFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		n.log.Warn("could not delete the index snapshot", "err", err)
	}
}

// removeSnapshotTemps deletes temporary files that a write cut short (a
// crash) left in the home directory.
func removeSnapshotTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), snapTempPrefix) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// snapshotChanges reads the store's changes after since: the CIDs stored
// (in order) and the CIDs dropped or stubbed, up to head. chain is the
// store's running hash the snapshot recorded at since; same is false if,
// folded over the changes read, it is not the store's running hash at head:
// the store's history up to since is not the one the snapshot covers,
// though it may list the same CID at since (a copy of the store put back,
// which then went another way).
func (n *Node) snapshotChanges(since uint64, chain []byte) (puts []string, dropped map[string]bool, head store.ChangeHead, same bool, err error) {
	dropped = map[string]bool{}
	head, err = n.store.Changes(since, func(c store.Change) error {
		chain = store.ChainNext(chain, c)
		if c.Op == store.OpDrop {
			dropped[c.CID] = true
		} else {
			puts = append(puts, c.CID)
		}
		return nil
	})
	return puts, dropped, head, err == nil && bytes.Equal(chain, head.Chain), err
}

// staleHistory is what the log says of a snapshot whose running hash does
// not fold to the store's.
const staleHistory = "stale: the store's history is not the one it covers (a copy of the store put back?)"

// openStored opens one stored envelope by CID into its facts. ok is false
// for an envelope no longer held (retracted since) or a sender key (loaded
// apart); unopened is set for one this node cannot open.
func (n *Node) openStored(cid string) (f recordFacts, ok bool, unopened *snapUnopened, err error) {
	raw, err := n.store.Get(cid)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrRetracted) {
		return f, false, nil, nil
	}
	if err != nil {
		return f, false, nil, err
	}
	env, derr := share.Decode(raw)
	if derr == nil && env.Header.Kind == share.KindSenderKey {
		return f, false, nil, nil
	}
	f, oerr := n.openEntry(store.Envelope{CID: cid, Envelope: raw}, env, derr)
	if oerr != nil {
		if !errors.Is(oerr, crypto.ErrNotRecipient) && !errors.Is(oerr, ErrNoSenderKey) {
			n.log.Error("stored envelope does not open", "cid", cid, "err", oerr)
		}
		return f, false, &snapUnopened{CID: cid, Retry: errors.Is(oerr, ErrNoSenderKey)}, nil
	}
	return f, true, nil, nil
}

// openCIDs opens the stored envelopes cids on all cores, and calls fact
// with each one's facts and unopened with each one this node cannot open,
// from one goroutine. Envelopes no longer held are skipped.
func (n *Node) openCIDs(cids []string, fact func(recordFacts) error, unopened func(snapUnopened) error) error {
	type result struct {
		f   recordFacts
		ok  bool
		un  *snapUnopened
		err error
	}
	jobs := make(chan string, 256)
	results := make(chan result, 256)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cid := range jobs {
				f, ok, un, err := n.openStored(cid)
				results <- result{f, ok, un, err}
			}
		}()
	}
	stop := make(chan struct{})
	go func() {
		defer close(jobs)
		for _, c := range cids {
			select {
			case jobs <- c:
			case <-stop:
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	var first error
	for r := range results {
		err := r.err
		if err == nil && r.un != nil {
			err = unopened(*r.un)
		}
		if err == nil && r.ok {
			err = fact(r.f)
		}
		if err != nil && first == nil {
			first = err
			close(stop)
		}
	}
	return first
}

// indexFromSnapshot fills the index from the snapshot and the envelopes
// stored after it. It returns false, having said why in the log, when the
// snapshot cannot be used: the caller then rebuilds from the store. An
// error is the store's.
func (n *Node) indexFromSnapshot() (bool, error) {
	path := filepath.Join(n.home.Dir, SnapshotFile)
	removeSnapshotTemps(n.home.Dir)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		n.log.Info("index snapshot missing: rebuilding the index from the store", "file", path)
		return false, nil
	}
	if err != nil {
		n.log.Warn("index snapshot unreadable: rebuilding the index from the store", "file", path, "err", err)
		return false, nil
	}
	defer f.Close()
	// First pass: the whole file authenticates and parses to its trailer,
	// before anything of it reaches the index.
	sr, err := openSnapshotFile(f, n.home.Identity)
	if err == nil {
		err = sr.skim()
	}
	if err != nil {
		n.log.Warn("index snapshot damaged: rebuilding the index from the store", "file", path, "err", err)
		n.removeSnapshot()
		return false, nil
	}
	hdr, facts := sr.hdr, sr.facts
	why, err := n.snapshotStale(hdr)
	if err != nil {
		return false, err
	}
	if why != "" {
		n.log.Warn("index snapshot "+why+": rebuilding the index from the store", "file", path)
		n.removeSnapshot()
		return false, nil
	}
	puts, dropped, head, same, err := n.snapshotChanges(hdr.Seq, hdr.Chain)
	if errors.Is(err, store.ErrNotFound) {
		n.log.Warn("index snapshot stale: store changed beyond it (its changes were pruned): rebuilding the index from the store", "file", path)
		n.removeSnapshot()
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !same {
		n.log.Warn("index snapshot "+staleHistory+": rebuilding the index from the store", "file", path)
		n.removeSnapshot()
		return false, nil
	}
	upto := head.Seq
	retry := len(n.senderKeyNames()) > len(hdr.SenderKeys)
	n.index.Reserve(int(facts) + len(puts)) // no doubling of the list view while loading
	// Second pass: apply. The file authenticated a moment ago through the
	// same open descriptor, so a failure here is the disk's; the caller's
	// rebuild then runs over what was applied (applying a record's facts
	// twice leaves one copy).
	if sr, err = openSnapshotFile(f, n.home.Identity); err != nil {
		n.log.Error("index snapshot unreadable on the second pass: rebuilding the index from the store", "err", err)
		return false, nil
	}
	// Decoding (one goroutine) runs beside applying (this one), and each
	// batch's screening subjects beside its index rows: on two cores a
	// start from the snapshot is bounded by the index's own inserts.
	var retries []string
	loaded := 0
	batches := make(chan []recordFacts, 2)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		b := make([]recordFacts, 0, index.MaxTxnRows)
		for {
			it, err := sr.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				readErr <- err
				return
			}
			if it.Unopened != nil {
				switch {
				case dropped[it.Unopened.CID]:
				case it.Unopened.Retry && retry:
					retries = append(retries, it.Unopened.CID)
				default:
					n.unreadable.Add(1)
				}
				continue
			}
			if dropped[it.Fact.Row.CID] {
				continue
			}
			b = append(b, it.Fact.facts())
			if len(b) == index.MaxTxnRows {
				batches <- b
				b = make([]recordFacts, 0, index.MaxTxnRows)
			}
		}
		batches <- b
		readErr <- nil
	}()
	var applyErr error
	for b := range batches {
		if applyErr == nil {
			applyErr = n.applyFacts(b)
		}
		loaded += len(b)
	}
	if err := <-readErr; err != nil {
		n.log.Error("index snapshot unreadable on the second pass: rebuilding the index from the store", "err", err)
		return false, nil
	}
	if applyErr != nil {
		return false, applyErr
	}
	select {
	case <-n.closing:
		return true, nil
	default:
	}
	batch := make([]recordFacts, 0, index.MaxTxnRows)
	opened := 0
	err = n.openCIDs(slices.DeleteFunc(slices.Concat(retries, puts), func(c string) bool { return dropped[c] }),
		func(rf recordFacts) error {
			opened++
			batch = append(batch, rf)
			if len(batch) == index.MaxTxnRows {
				err := n.applyFacts(batch)
				batch = batch[:0]
				return err
			}
			return nil
		},
		func(snapUnopened) error { n.unreadable.Add(1); return nil })
	if err != nil {
		return false, fmt.Errorf("failed to read the store: %w", err)
	}
	if err := n.applyFacts(batch); err != nil {
		return false, err
	}
	if err := n.indexStubs(); err != nil {
		return false, err
	}
	n.snapSeq.Store(hdr.Seq)
	n.log.Info("index loaded from snapshot", "file", path, "records", loaded, "covers_change", hdr.Seq,
		"changes_since", upto-hdr.Seq, "opened", opened, "written", time.UnixMilli(hdr.Written).UTC().Format(time.RFC3339))
	return true, nil
}

// writeSnapshot brings the snapshot up to date with the store: it merges
// the changes since the snapshot on disk into a new one (the old one's facts
// less what was retracted since, plus the envelopes stored since, opened).
// It does nothing if the index is not complete, if there is no snapshot to
// merge into (the next start rebuilds and writes one), or if nothing changed.
//
// maxChanges bounds the merge: with more changes than that since the
// snapshot, it leaves the snapshot as it is (Close must not open a million
// envelopes; the next start opens them and writes a new one).
func (n *Node) writeSnapshot(maxChanges uint64) error {
	n.snapMu.Lock()
	defer n.snapMu.Unlock()
	if !n.indexOK.Load() {
		return nil
	}
	seq, err := n.store.Seq()
	if err != nil {
		return err
	}
	s := n.snapSeq.Load()
	if s == seq {
		return nil
	}
	if seq-s > maxChanges {
		n.log.Info("index snapshot left as it is: the next start opens what changed since", "changes_since", seq-s)
		return nil
	}
	path := filepath.Join(n.home.Dir, SnapshotFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		n.log.Debug("no index snapshot to bring up to date: the next start writes one")
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sr, err := openSnapshotFile(f, n.home.Identity)
	if err != nil {
		n.log.Warn("index snapshot damaged: deleted; the next start rebuilds the index", "err", err)
		n.removeSnapshot()
		return nil
	}
	why, err := n.snapshotStale(sr.hdr)
	if err != nil {
		return err
	}
	if why != "" {
		n.log.Info("index snapshot " + why + ": deleted; the next start rebuilds the index")
		n.removeSnapshot()
		n.snapSeq.Store(0)
		return nil
	}
	puts, dropped, head, same, err := n.snapshotChanges(sr.hdr.Seq, sr.hdr.Chain)
	if err != nil {
		return err
	}
	if !same {
		n.log.Info("index snapshot " + staleHistory + ": deleted; the next start rebuilds the index")
		n.removeSnapshot()
		n.snapSeq.Store(0)
		return nil
	}
	upto := head.Seq
	hdr, err := n.snapHeaderNow(head)
	if err != nil {
		return err
	}
	start := time.Now()
	w, err := newSnapWriter(n.home.Dir, n.home.Identity, hdr)
	if err != nil {
		return err
	}
	var retries []string
	for {
		it, err := sr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			w.abort()
			n.log.Warn("index snapshot damaged: deleted; the next start rebuilds the index", "err", err)
			n.removeSnapshot()
			return nil
		}
		switch {
		case it.Unopened != nil && dropped[it.Unopened.CID]:
		case it.Unopened != nil && it.Unopened.Retry:
			retries = append(retries, it.Unopened.CID)
		case it.Unopened != nil:
			err = w.writeUnopened(*it.Unopened)
		case dropped[it.Fact.Row.CID]:
		default:
			w.facts++
			err = w.enc.Encode(it)
		}
		if err != nil {
			w.abort()
			return err
		}
	}
	err = n.openCIDs(slices.DeleteFunc(slices.Concat(retries, puts), func(c string) bool { return dropped[c] }),
		func(rf recordFacts) error { return w.fact(&rf) }, w.writeUnopened)
	if err != nil {
		w.abort()
		return err
	}
	if err := w.commit(); err != nil {
		return err
	}
	n.snapSeq.Store(upto)
	// The changes since the previous snapshot stay listed, so that it too
	// still loads (a copy put back, a write whose rename was lost); the
	// store's list stays as long as two periods of changes.
	if err := n.store.PruneChanges(sr.hdr.Seq); err != nil {
		n.log.Warn("could not prune the store's change list", "err", err)
	}
	n.log.Info("index snapshot written", "records", w.facts, "covers_change", upto, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// snapshotLoop brings the snapshot up to date every interval while the
// node runs, if the store changed. It never holds a lock that publishing or
// syncing waits on: the merge reads the store in chunks.
func (n *Node) snapshotLoop(every time.Duration) {
	defer n.snapWG.Done()
	// A start that opened many changes after the snapshot writes a new one
	// at once, so that the next start need not open them again.
	if seq, err := n.store.Seq(); err == nil && seq-n.snapSeq.Load() > closeMergeMax {
		if err := n.writeSnapshot(math.MaxUint64); err != nil {
			n.log.Warn("could not write the index snapshot", "err", err)
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-n.closing:
			return
		case <-t.C:
			// A merge rewrites the whole file (about 1.2 KiB a record), so a
			// few changes wait: a start opens a thousand in a fraction of a
			// second, and Close merges them anyway.
			if seq, err := n.store.Seq(); err != nil || seq-n.snapSeq.Load() < periodicMergeMin {
				continue
			}
			if err := n.writeSnapshot(math.MaxUint64); err != nil {
				n.log.Warn("could not write the index snapshot", "err", err)
			}
		}
	}
}

// newRebuildSnapshot starts the snapshot a rebuild writes as it opens the
// store, covering the store up to its latest change now. It returns nil
// (having logged why) if it cannot.
func (n *Node) newRebuildSnapshot() (*snapWriter, uint64) {
	// The rebuild reads the whole store, whoever wrote it.
	if err := n.store.MarkChangesComplete(); err != nil {
		n.log.Warn("could not start an index snapshot", "err", err)
		return nil, 0
	}
	head, err := n.store.ChangeHead()
	if err != nil {
		n.log.Warn("could not start an index snapshot", "err", err)
		return nil, 0
	}
	seq := head.Seq
	hdr, err := n.snapHeaderNow(head)
	if err != nil {
		n.log.Warn("could not start an index snapshot", "err", err)
		return nil, 0
	}
	removeSnapshotTemps(n.home.Dir)
	w, err := newSnapWriter(n.home.Dir, n.home.Identity, hdr)
	if err != nil {
		n.log.Warn("could not start an index snapshot", "err", err)
		return nil, 0
	}
	return w, seq
}

// commitRebuildSnapshot ends the snapshot a complete rebuild wrote.
func (n *Node) commitRebuildSnapshot(w *snapWriter, seq uint64, unopened []snapUnopened) {
	if w == nil {
		return
	}
	for _, u := range unopened {
		if err := w.writeUnopened(u); err != nil {
			w.abort()
			n.log.Warn("could not write the index snapshot", "err", err)
			return
		}
	}
	if err := w.commit(); err != nil {
		n.log.Warn("could not write the index snapshot", "err", err)
		return
	}
	// No change is pruned here: the next merge prunes those before this
	// snapshot (see writeSnapshot).
	n.snapSeq.Store(seq)
	n.log.Info("index snapshot written", "records", w.facts, "covers_change", seq)
}

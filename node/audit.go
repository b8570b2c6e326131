package node

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/store"
)

// AuditFile is the node's local audit log: one JSON object a line, each
// naming the hash of the line before it and signed by the node, so that a
// line removed, changed, added or reordered is detected by `ursic audit
// verify`. The sequence number and hash of its last line are anchored in the
// store (see [store.Store.SetAuditHead]) before an append returns, so that
// truncating or deleting the file shows too. It records what happened
// (publish, retract, roster change, a user opening a record, a backup) by
// CID, never a record's content. An offline backup (`ursic backup` with the
// node stopped) is not recorded: it opens only the store, without the node's
// key.
const AuditFile = "audit.log"

// auditDomain separates audit signatures from every other use of the key.
const auditDomain = "ursic-audit/v1\n"

// auditTamperEvent is the event of the line a node appends when it finds its
// audit log altered at start. The line stays as signed evidence: verify
// reports it for ever after, and the chain resumes after it instead of
// continuing silently from the altered end.
const auditTamperEvent = "audit-tampered"

// AuditEntry is one line of the audit log. The line is the canonical JSON of
// the entry (these fields, in this order, as encoding/json writes them), and
// the signature covers that encoding without "sig"; a line that differs from
// the canonical encoding of what it decodes to (an added field, a changed
// spelling) fails verification.
type AuditEntry struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Event  string    `json:"event"`
	Detail string    `json:"detail"`
	Prev   string    `json:"prev"` // hex sha-256 of the previous line ("" for the first)
	Sig    string    `json:"sig,omitempty"`
}

// AuditReport is what checking the audit log against its anchor found.
type AuditReport = apiwire.AuditReport

type auditLog struct {
	mu   sync.Mutex
	f    *os.File
	id   *crypto.Identity
	st   *store.Store
	seq  uint64
	prev string

	tampered bool // the log is altered, found now or recorded earlier
	failing  error
}

// openAudit opens the audit log and checks it against the head anchored in
// the store. An altered log is never rewritten: the node logs the finding
// loudly, appends a signed audit-tampered line naming it, and reports the
// log as tampered in its status. An append that was written but not yet
// anchored when the node stopped (the line is there, the anchor one behind)
// is anchored now; an incomplete last line, written when the node stopped
// mid-append, is removed, since it was never acknowledged.
func openAudit(h *Home, st *store.Store, lg *slog.Logger) (*auditLog, error) {
	path := filepath.Join(h.Dir, AuditFile)
	anchor, anchored, err := st.AuditHead()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("failed to open the audit log: %w", err)
	}
	fail := func(err error) (*auditLog, error) { f.Close(); return nil, err }
	data, err := readAll(f, path)
	if err != nil {
		return fail(err)
	}
	var ap *apiwire.AuditHead
	if anchored {
		ap = &apiwire.AuditHead{Seq: anchor.Seq, Hash: anchor.Hash}
	}
	// A missing file was just created empty above; deleted is told apart by the anchor.
	c := checkAudit(data, ap, h.Identity.PeerID(), false)
	a := &auditLog{f: f, id: h.Identity, st: st, seq: c.lastSeq, prev: c.report.Head.Hash}
	switch {
	case len(c.fresh) > 0:
		a.tampered = true
		for _, p := range c.fresh {
			lg.Error("AUDIT LOG TAMPERED: the audit log does not match the head anchored in the store; it is kept as it is, and the chain resumes after a signed audit-tampered line", "problem", p)
		}
		if c.torn > 0 {
			// Never merge the next line into an altered last line: end it,
			// and chain the finding to it as it stands.
			if _, err := f.Write([]byte("\n")); err != nil {
				return fail(fmt.Errorf("failed to write the audit log: %w", err))
			}
			a.seq, a.prev = a.seq+1, lineHash(data[len(data)-c.torn:])
		}
		if err := a.append(auditTamperEvent, strings.Join(c.fresh, "; ")); err != nil {
			return fail(err)
		}
	case c.torn > 0:
		// Kept in the node's log, in case it was not a crash that wrote it.
		lg.Warn("audit log: removing an incomplete last line (the node stopped while appending it; it was never acknowledged)",
			"bytes", c.torn, "content", string(data[len(data)-c.torn:][:min(c.torn, 4096)]))
		if err := f.Truncate(int64(len(data) - c.torn)); err != nil {
			return fail(fmt.Errorf("failed to remove the incomplete last line of the audit log: %w", err))
		}
	}
	if len(c.report.Recorded) > 0 {
		a.tampered = true
		lg.Error("AUDIT LOG TAMPERED: the audit log records alterations found at an earlier start", "recorded", c.report.Recorded)
	}
	// Anchor what the file holds beyond the anchor (an append whose anchor a
	// crash cut off), or anchor a log written before anchoring existed.
	if a.seq > 0 && (!anchored || anchor.Seq != a.seq || anchor.Hash != a.prev) && len(c.fresh) == 0 {
		if anchored {
			lg.Info("audit log: anchoring lines written after the last anchor", "anchored_seq", anchor.Seq, "seq", a.seq)
		}
		if err := st.SetAuditHead(store.AuditHead{Seq: a.seq, Hash: a.prev}); err != nil {
			return fail(err)
		}
	}
	return a, nil
}

func readAll(f *os.File, path string) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("failed to read the audit log: %w", err)
	}
	data := make([]byte, fi.Size())
	if _, err := f.ReadAt(data, 0); err != nil && fi.Size() > 0 {
		return nil, fmt.Errorf("failed to read the audit log %s: %w", path, err)
	}
	return data, nil
}

// append adds one signed line, syncs it, then anchors it in the store; it
// returns only when both are durable. Lines are written whole with one
// write, so a crash leaves at most an incomplete last line that was never
// acknowledged (removed at the next start) or a complete line one ahead of
// the anchor (anchored at the next start).
func (a *auditLog) append(event, detail string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failing != nil {
		// A failed write may have left part of a line: appending after it
		// would break the chain. The next start sorts it out.
		return fmt.Errorf("audit log not written since an earlier failure: %w", a.failing)
	}
	e := AuditEntry{Seq: a.seq + 1, Time: time.Now().UTC(), Event: event, Detail: detail, Prev: a.prev}
	unsigned, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("failed to encode an audit line: %w", err)
	}
	e.Sig = base64.StdEncoding.EncodeToString(a.id.Sign(append([]byte(auditDomain), unsigned...)))
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("failed to encode an audit line: %w", err)
	}
	line = append(line, '\n')
	if _, err := a.f.Write(line); err != nil {
		a.failing = err
		return fmt.Errorf("failed to write the audit log: %w", err)
	}
	if err := a.f.Sync(); err != nil {
		a.failing = err
		return fmt.Errorf("failed to sync the audit log: %w", err)
	}
	hash := lineHash(line)
	if err := a.st.SetAuditHead(store.AuditHead{Seq: e.Seq, Hash: hash}); err != nil {
		// The line is durable; the next start anchors it.
		a.failing = err
		return err
	}
	a.seq, a.prev = e.Seq, hash
	return nil
}

func (a *auditLog) close() error { return a.f.Close() }

// snapshot returns the log's bytes as they are between two appends.
func (a *auditLog) snapshot() ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return readAll(a.f, a.f.Name())
}

// verify checks the file as it is now against the anchor, holding off appends.
func (a *auditLog) verify(peerID string) (AuditReport, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	data, err := readAll(a.f, a.f.Name())
	if err != nil {
		return AuditReport{}, err
	}
	anchor, ok, err := a.st.AuditHead()
	if err != nil {
		return AuditReport{}, err
	}
	var ap *apiwire.AuditHead
	if ok {
		ap = &apiwire.AuditHead{Seq: anchor.Seq, Hash: anchor.Hash}
	}
	return checkAudit(data, ap, peerID, true).report, nil
}

func lineHash(line []byte) string {
	h := sha256.Sum256(bytes.TrimRight(line, "\n"))
	return hex.EncodeToString(h[:])
}

// auditCheck is what checkAudit found, with what openAudit needs to go on.
type auditCheck struct {
	report  AuditReport
	fresh   []string // problems not yet recorded by an audit-tampered line
	lastSeq uint64   // sequence number of the last complete line
	torn    int      // bytes of an incomplete last line (no newline)
}

// checkAudit checks the bytes of an audit log against the anchored head
// (nil: none). Each line must be the canonical encoding of a signed entry,
// numbered one after the line before and naming its hash; the anchored line
// must be there, unchanged. Problems at or before the last audit-tampered
// line were found and recorded at an earlier start.
//
// With allSigs false, signatures are checked only on lines after the
// anchored one (all of them if the anchor is missing or not found): the
// anchored hash pins the anchored line's bytes, its prev pins the line
// before, and so on back to the first, so an anchored prefix that chains
// correctly is byte for byte what the node signed. That keeps a start cheap
// on a long log; `ursic audit verify` checks every signature anyway.
func checkAudit(data []byte, anchor *apiwire.AuditHead, peerID string, allSigs bool) auditCheck {
	var c auditCheck
	c.report.Anchor = anchor
	body := data
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
		c.torn = len(data) - (i + 1)
		body = data[:i+1]
	}
	var lines [][]byte
	if len(body) > 0 {
		lines = bytes.Split(body[:len(body)-1], []byte("\n"))
	}
	type problem struct {
		line int
		msg  string
	}
	var problems []problem
	lastTamper := -1
	prevHash, prevSeq := "", uint64(0)
	anchorAt := -1
	hashes := make([]string, len(lines))
	for i, raw := range lines {
		hashes[i] = lineHash(raw)
		if anchor != nil && hashes[i] == anchor.Hash {
			anchorAt = i
		}
	}
	for i, raw := range lines {
		e, err := decodeAuditLine(raw, peerID, allSigs || anchorAt < 0 || i > anchorAt)
		switch {
		case err != nil:
			problems = append(problems, problem{i, fmt.Sprintf("line %d: %v", i+1, err)})
			prevSeq++
		default:
			if e.Seq != prevSeq+1 {
				problems = append(problems, problem{i, fmt.Sprintf("line %d: sequence %d after %d (a line was removed, added or reordered)", i+1, e.Seq, prevSeq)})
			}
			if e.Prev != prevHash {
				problems = append(problems, problem{i, fmt.Sprintf("line %d: does not name the hash of line %d (a line before it was removed, changed or reordered)", i+1, i)})
			}
			if e.Event == auditTamperEvent {
				lastTamper = i
				c.report.Recorded = append(c.report.Recorded, fmt.Sprintf("line %d, %s: %s", i+1, e.Time.Format(time.RFC3339), e.Detail))
			}
			prevSeq = e.Seq
		}
		prevHash = hashes[i]
	}
	c.lastSeq = prevSeq
	c.report.Lines = len(lines)
	c.report.Head = apiwire.AuditHead{Seq: prevSeq, Hash: prevHash}
	for _, p := range problems {
		c.report.Problems = append(c.report.Problems, p.msg)
		if p.line > lastTamper {
			c.fresh = append(c.fresh, p.msg)
		}
	}
	if anchor != nil && anchorAt < 0 {
		var msg string
		switch {
		case len(data) == 0:
			msg = fmt.Sprintf("the audit log is empty or was deleted, but the store anchors line %d", anchor.Seq)
		case uint64(len(lines)) < anchor.Seq:
			msg = fmt.Sprintf("the audit log was truncated: the store anchors line %d, the file holds %d complete lines", anchor.Seq, len(lines))
		default:
			msg = fmt.Sprintf("line %d, anchored in the store (sha-256 %.12s…), is missing or changed", anchor.Seq, anchor.Hash)
		}
		c.report.Problems = append(c.report.Problems, msg)
		c.fresh = append(c.fresh, msg)
	}
	if c.torn > 0 && len(c.fresh) > 0 {
		msg := fmt.Sprintf("the file ends in %d bytes without a newline", c.torn)
		c.report.Problems = append(c.report.Problems, msg)
	}
	return c
}

// decodeAuditLine decodes one line strictly and checks that it is the
// canonical encoding of an entry, and, if checkSig, correctly signed.
func decodeAuditLine(raw []byte, peerID string, checkSig bool) (AuditEntry, error) {
	var e AuditEntry
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, fmt.Errorf("not an audit entry (%v): an unsigned field was added or the line was changed", err)
	}
	canonical, err := json.Marshal(e)
	if err != nil {
		return e, fmt.Errorf("not an audit entry: %w", err)
	}
	if !bytes.Equal(canonical, raw) {
		return e, errors.New("not in canonical form: the line was changed or something was added to it")
	}
	sig, err := base64.StdEncoding.DecodeString(e.Sig)
	if err != nil || e.Sig == "" {
		return e, errors.New("missing or malformed signature")
	}
	if !checkSig {
		return e, nil
	}
	e.Sig = ""
	unsigned, err := json.Marshal(e)
	if err != nil {
		return e, fmt.Errorf("not an audit entry: %w", err)
	}
	if err := crypto.Verify(peerID, append([]byte(auditDomain), unsigned...), sig); err != nil {
		return e, fmt.Errorf("signature does not verify (the line was changed, or written by another key): %w", err)
	}
	return e, nil
}

// ErrAuditLocked is returned by [VerifyAudit] when the node runs and holds
// the store: ask the running node instead ([Node.VerifyAudit]).
var ErrAuditLocked = store.ErrLocked

// VerifyAudit checks a stopped node's audit log in dir against the head
// anchored in its store, changing neither. It fails with an error wrapping
// [ErrAuditLocked] while the node runs.
func VerifyAudit(dir, peerID string) (AuditReport, error) {
	anchor, ok, err := store.ReadAuditHead(filepath.Join(dir, StoreFile), 200*time.Millisecond)
	if err != nil {
		return AuditReport{}, err
	}
	data, err := os.ReadFile(filepath.Join(dir, AuditFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return AuditReport{}, fmt.Errorf("failed to read the audit log: %w", err)
	}
	var ap *apiwire.AuditHead
	if ok {
		ap = &apiwire.AuditHead{Seq: anchor.Seq, Hash: anchor.Hash}
	}
	return checkAudit(data, ap, peerID, true).report, nil
}

// VerifyAudit checks the running node's audit log against the head anchored
// in its store.
func (n *Node) VerifyAudit() (AuditReport, error) { return n.auditLog.verify(n.PeerID()) }

// AuditTampered reports whether the node found its audit log altered.
func (n *Node) AuditTampered() bool {
	n.auditLog.mu.Lock()
	defer n.auditLog.mu.Unlock()
	return n.auditLog.tampered
}

// audit appends one line to the audit log. A failure does not undo the
// operation it records, but it is logged as an error every time.
func (n *Node) audit(event, detail string) {
	if err := n.auditLog.append(event, detail); err != nil {
		n.log.Error("audit log write failed: the operation went ahead unrecorded", "event", event, "detail", detail, "err", err)
	}
}

func auditCIDs(entries []store.Entry) string {
	cids := make([]string, len(entries))
	for i, e := range entries {
		cids[i] = e.CID
	}
	return strings.Join(cids, " ")
}

// stubOf returns the stub envelope (header and signature) of a stored record.
func (n *Node) stubOf(cid string) ([]byte, error) {
	env, err := n.stored(cid)
	if err != nil {
		return nil, err
	}
	return env.Stub().Encode()
}

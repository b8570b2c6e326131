package node

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/store"
)

// AuditFile is the node's local audit log: one JSON object a line, each
// naming the hash of the line before it and signed by the node, so that a
// line removed, changed or reordered is detected by `ursic audit verify`.
// It records what happened (publish, retract, roster change, a user opening
// a record, a backup) by CID, never a record's content. An offline backup
// (`ursic backup` with the node stopped) is not recorded: it opens only the
// store, without the node's key.
const AuditFile = "audit.log"

// auditDomain separates audit signatures from every other use of the key.
const auditDomain = "ursic-audit/v1\n"

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Event  string    `json:"event"`
	Detail string    `json:"detail"`
	Prev   string    `json:"prev"` // hex sha-256 of the previous line ("" for the first)
	Sig    string    `json:"sig,omitempty"`
}

type auditLog struct {
	mu   sync.Mutex
	f    *os.File
	id   *crypto.Identity
	seq  uint64
	prev string
}

func openAudit(h *Home) (*auditLog, error) {
	path := filepath.Join(h.Dir, AuditFile)
	entries, lastHash, err := readAudit(path)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("failed to open the audit log: %w", err)
	}
	a := &auditLog{f: f, id: h.Identity, prev: lastHash}
	if len(entries) > 0 {
		a.seq = entries[len(entries)-1].Seq
	}
	return a, nil
}

// append adds one signed line. A failure to write the audit log is logged
// by the caller's logger but does not undo the operation it records.
func (a *auditLog) append(event, detail string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e := AuditEntry{Seq: a.seq + 1, Time: time.Now().UTC(), Event: event, Detail: detail, Prev: a.prev}
	unsigned, _ := json.Marshal(e)
	e.Sig = base64.StdEncoding.EncodeToString(a.id.Sign(append([]byte(auditDomain), unsigned...)))
	line, _ := json.Marshal(e)
	line = append(line, '\n')
	if _, err := a.f.Write(line); err != nil {
		return
	}
	a.f.Sync()
	a.seq = e.Seq
	a.prev = lineHash(line)
}

func lineHash(line []byte) string {
	h := sha256.Sum256(bytes.TrimRight(line, "\n"))
	return hex.EncodeToString(h[:])
}

func readAudit(path string) ([]AuditEntry, string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	var out []AuditEntry
	var last string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, "", fmt.Errorf("audit log line %d is not JSON: %w", len(out)+1, err)
		}
		out = append(out, e)
		last = lineHash(sc.Bytes())
	}
	return out, last, sc.Err()
}

// VerifyAudit checks a home's audit log: every line signed by the node, each
// naming the hash of the one before, sequence numbers without gaps. It
// returns the number of lines checked.
func VerifyAudit(dir, peerID string) (int, error) {
	path := filepath.Join(dir, AuditFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	prev := ""
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return 0, nil
	}
	for i, l := range lines {
		var e AuditEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			return i, fmt.Errorf("line %d: not JSON: %w", i+1, err)
		}
		if e.Seq != uint64(i+1) {
			return i, fmt.Errorf("line %d: sequence %d, expected %d (a line was removed or reordered)", i+1, e.Seq, i+1)
		}
		if e.Prev != prev {
			return i, fmt.Errorf("line %d: does not follow line %d (the chain is broken)", i+1, i)
		}
		sig, err := base64.StdEncoding.DecodeString(e.Sig)
		if err != nil {
			return i, fmt.Errorf("line %d: bad signature encoding", i+1)
		}
		e.Sig = ""
		unsigned, _ := json.Marshal(e)
		if err := crypto.Verify(peerID, append([]byte(auditDomain), unsigned...), sig); err != nil {
			return i, fmt.Errorf("line %d: %w", i+1, err)
		}
		prev = lineHash([]byte(l))
	}
	return len(lines), nil
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

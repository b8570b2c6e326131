package node_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/store"
)

// auditedNode is a node with a few audit lines: three publishes and a show.
func auditedNode(t *testing.T) *testNode {
	t.Helper()
	tn := startNode(t, "Test University")
	cids := tn.mustPublish(node.PublishOptions{}, example(t, "indicator-green.json"))
	tn.mustPublish(node.PublishOptions{}, edit(t, example(t, "indicator-green.json"), func(m map[string]any) { m["title"] = "second" }))
	tn.mustPublish(node.PublishOptions{}, edit(t, example(t, "indicator-green.json"), func(m map[string]any) { m["title"] = "third" }))
	tn.show(cids[0])
	return tn
}

func (tn *testNode) auditPath() string { return filepath.Join(tn.dir, node.AuditFile) }

func (tn *testNode) auditLines() [][]byte {
	tn.t.Helper()
	b, err := os.ReadFile(tn.auditPath())
	if err != nil {
		tn.t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	return lines[:len(lines)-1] // after the last newline: nothing
}

func (tn *testNode) writeAudit(lines [][]byte) {
	tn.t.Helper()
	if err := os.WriteFile(tn.auditPath(), bytes.Join(lines, nil), 0o600); err != nil {
		tn.t.Fatal(err)
	}
}

// verifyStopped runs the offline check, as `ursic audit verify` does with the node stopped.
func (tn *testNode) verifyStopped() node.AuditReport {
	tn.t.Helper()
	r, err := node.VerifyAudit(tn.dir, peerIDOf(tn.t, tn.dir))
	if err != nil {
		tn.t.Fatalf("VerifyAudit: %v", err)
	}
	return r
}

func wantProblem(t *testing.T, r node.AuditReport, mention string) {
	t.Helper()
	if r.Intact() {
		t.Fatalf("report says intact, want tampering (%q): %+v", mention, r)
	}
	if !strings.Contains(strings.Join(append(r.Problems, r.Recorded...), "\n"), mention) {
		t.Errorf("problems %q, want one mentioning %q", r.Problems, mention)
	}
}

// TestAuditTampering alters a stopped node's audit log each way an intruder
// could and checks that verify reports it, that the next start marks the node
// tampered without rewriting the evidence, and that the finding stays.
func TestAuditTampering(t *testing.T) {
	tests := []struct {
		name    string
		alter   func(tn *testNode, lines [][]byte)
		mention string
		// atStart is what the start records, if not mention: a start checks
		// signatures only after the anchored line, whose hash pins the rest.
		atStart string
	}{
		{"truncate", func(tn *testNode, lines [][]byte) { tn.writeAudit(lines[:2]) }, "truncated", ""},
		{"truncate to nothing", func(tn *testNode, lines [][]byte) { tn.writeAudit(nil) }, "deleted", ""},
		{"delete the file", func(tn *testNode, lines [][]byte) {
			if err := os.Remove(tn.auditPath()); err != nil {
				t.Fatal(err)
			}
		}, "deleted", ""},
		{"append a field to a line", func(tn *testNode, lines [][]byte) {
			lines[1] = bytes.Replace(lines[1], []byte(`}`+"\n"), []byte(`,"note":"unsigned"}`+"\n"), 1)
			tn.writeAudit(lines)
		}, "line 2: not an audit entry", ""},
		{"append a field to the last line", func(tn *testNode, lines [][]byte) {
			last := len(lines) - 1
			lines[last] = bytes.Replace(lines[last], []byte(`}`+"\n"), []byte(`,"note":"unsigned"}`+"\n"), 1)
			tn.writeAudit(lines)
		}, "not an audit entry", ""},
		{"re-encode a line", func(tn *testNode, lines [][]byte) {
			lines[0] = bytes.Replace(lines[0], []byte(`,"event"`), []byte(`, "event"`), 1)
			tn.writeAudit(lines)
		}, "line 1: not in canonical form", ""},
		{"edit a line", func(tn *testNode, lines [][]byte) {
			lines[2] = bytes.Replace(lines[2], []byte(`"event":"publish"`), []byte(`"event":"publisx"`), 1)
			tn.writeAudit(lines)
		}, "line 3: signature does not verify", "line 4: does not name the hash of line 3"},
		{"edit a line and re-chain the rest", func(tn *testNode, lines [][]byte) {
			lines[1] = bytes.Replace(lines[1], []byte(`"event":"publish"`), []byte(`"event":"publisx"`), 1)
			for i := 2; i < len(lines); i++ {
				var e map[string]any
				if err := json.Unmarshal(lines[i], &e); err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(bytes.TrimSuffix(lines[i-1], []byte("\n")))
				lines[i] = bytes.Replace(lines[i], []byte(`"prev":"`+e["prev"].(string)+`"`), []byte(`"prev":"`+hex.EncodeToString(sum[:])+`"`), 1)
			}
			tn.writeAudit(lines)
		}, "line 2: signature does not verify", ""},
		{"remove a middle line", func(tn *testNode, lines [][]byte) {
			tn.writeAudit(append(lines[:1:1], lines[2:]...))
		}, "line 2: sequence 3 after 1", ""},
		{"truncate mid-line", func(tn *testNode, lines [][]byte) {
			tn.writeAudit(append(lines[:3:3], lines[3][:40]))
		}, "truncated", ""},
		{"append an unsigned line", func(tn *testNode, lines [][]byte) {
			tn.writeAudit(append(lines, []byte(`{"seq":5,"event":"publish"}`+"\n")))
		}, "line 5", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := auditedNode(t)
			if r, err := tn.n.VerifyAudit(); err != nil || r.Lines != 4 || !r.Intact() {
				t.Fatalf("before: %+v, want 4 intact lines", r)
			}
			tn.close()
			tt.alter(tn, tn.auditLines())
			altered, _ := os.ReadFile(tn.auditPath())

			r, err := node.VerifyAudit(tn.dir, peerIDOf(t, tn.dir))
			if err != nil {
				t.Fatal(err)
			}
			wantProblem(t, r, tt.mention)

			// The next start keeps the altered lines as they are, says the
			// log is tampered, and records the finding in a signed line.
			tn.open()
			if !tn.status().AuditTampered || !tn.n.AuditTampered() {
				t.Error("status after a start on an altered log: audit_tampered is false")
			}
			now, _ := os.ReadFile(tn.auditPath())
			if !bytes.HasPrefix(now, altered) {
				t.Errorf("the start rewrote the altered log:\nbefore %q\nafter  %q", altered, now)
			}
			if !bytes.Contains(now[len(altered):], []byte(`"event":"audit-tampered"`)) {
				t.Errorf("no audit-tampered line after the altered log: %q", now[len(altered):])
			}
			// The chain resumes after the finding: new lines are anchored and
			// verify on their own, and the finding stays on record.
			tn.mustPublish(node.PublishOptions{}, edit(t, example(t, "indicator-green.json"), func(m map[string]any) { m["title"] = "after" }))
			r, err = tn.n.VerifyAudit()
			if err != nil {
				t.Fatal(err)
			}
			atStart := tt.atStart
			if atStart == "" {
				atStart = tt.mention
			}
			if len(r.Recorded) != 1 || !strings.Contains(r.Recorded[0], atStart) {
				t.Errorf("recorded %q, want the finding naming %q", r.Recorded, atStart)
			}
			// verify still checks every signature of the altered lines.
			wantProblem(t, r, tt.mention)
			tn.reopen()
			if !tn.status().AuditTampered {
				t.Error("after a second restart: audit_tampered is false, want the recorded finding to keep it")
			}
			if n := bytes.Count(mustRead(t, tn.auditPath()), []byte(`"event":"audit-tampered"`)); n != 1 {
				t.Errorf("%d audit-tampered lines after a second restart, want the one finding only", n)
			}
		})
	}
}

// TestAuditCleanRestart: a restart continues the chain, the anchor follows
// every append, and a line written but not anchored before a crash, or an
// incomplete last line, is not mistaken for tampering.
func TestAuditCleanRestart(t *testing.T) {
	tn := auditedNode(t)
	tn.reopen()
	if tn.status().AuditTampered {
		t.Fatal("audit_tampered after a clean restart")
	}
	tn.mustPublish(node.PublishOptions{}, edit(t, example(t, "indicator-green.json"), func(m map[string]any) { m["title"] = "after restart" }))
	r, err := tn.n.VerifyAudit()
	if err != nil {
		t.Fatal(err)
	}
	if !r.Intact() || r.Lines != 5 || r.Anchor == nil || *r.Anchor != r.Head || r.Head.Seq != 5 {
		t.Fatalf("after a restart and a publish: %+v, want 5 intact lines anchored at the last", r)
	}

	// A crash after the line was synced but before its anchor: the file is
	// one line ahead of the anchor.
	lines := tn.auditLines()
	tn.close()
	pid := peerIDOf(t, tn.dir)
	st, err := store.Open(filepath.Join(tn.dir, node.StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(bytes.TrimSuffix(lines[3], []byte("\n")))
	if err := st.SetAuditHead(store.AuditHead{Seq: 4, Hash: hex.EncodeToString(sum[:])}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if r := tn.verifyStopped(); !r.Intact() || r.Anchor.Seq != 4 || r.Head.Seq != 5 {
		t.Fatalf("a line beyond the anchor: %+v; want intact, anchor 4, head 5", r)
	}
	// A crash in the middle of a write leaves an incomplete last line.
	f, err := os.OpenFile(tn.auditPath(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"seq":6,"time":"2026-11-`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if r, err := node.VerifyAudit(tn.dir, pid); err != nil || !r.Intact() || r.Anchor.Seq != 4 {
		t.Fatalf("an incomplete unacknowledged last line: %+v, %v; want intact", r, err)
	}
	tn.open()
	if tn.status().AuditTampered {
		t.Fatal("audit_tampered after a start with an incomplete last line")
	}
	if r, err := tn.n.VerifyAudit(); err != nil || *r.Anchor != r.Head || r.Head.Seq != 5 {
		t.Fatalf("after the start: %+v, %v; want the line beyond the anchor anchored", r, err)
	}
	tn.mustPublish(node.PublishOptions{}, edit(t, example(t, "indicator-green.json"), func(m map[string]any) { m["title"] = "after crash" }))
	if r, err := tn.n.VerifyAudit(); err != nil || !r.Intact() || r.Lines != 6 {
		t.Fatalf("after the incomplete line was removed: %+v, %v; want 6 intact lines", r, err)
	}
	if _, err := node.VerifyAudit(tn.dir, pid); !errors.Is(err, node.ErrAuditLocked) {
		t.Errorf("offline verify of a running node: err = %v, want ErrAuditLocked", err)
	}
}

func peerIDOf(t *testing.T, dir string) string {
	t.Helper()
	h, err := node.LoadHome(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	return h.Identity.PeerID()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

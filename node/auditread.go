package node

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// RecentAudit returns up to limit of the audit log's last entries, newest
// first, without their signatures (GET /v1/audit/recent, the console's audit
// page). It reads; [Node.VerifyAudit] is what checks the log.
func (n *Node) RecentAudit(limit int) ([]AuditEntry, error) {
	data, err := n.auditLog.snapshot()
	if err != nil {
		return nil, fmt.Errorf("failed to read the audit log: %w", err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	out := []AuditEntry{}
	for i := len(lines) - 1; i >= 0 && len(out) < limit; i-- {
		if len(lines[i]) == 0 {
			continue
		}
		var e AuditEntry
		if err := json.Unmarshal(lines[i], &e); err != nil {
			out = append(out, AuditEntry{Event: "unreadable-line", Detail: fmt.Sprintf("line %d is not an audit entry; run `ursic audit verify`", i+1)})
			continue
		}
		e.Sig = ""
		out = append(out, e)
	}
	return out, nil
}

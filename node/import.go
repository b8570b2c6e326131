package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/ursic/ursic/node/apiwire"
	"strings"

	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/policy/guard"
)

// ImportOptions are the operator's choices for a STIX import.
type ImportOptions = apiwire.ImportOptions

// Import outcomes, one per object of a bundle.
const (
	ImportPublished    = apiwire.ImportPublished
	ImportWouldPublish = apiwire.ImportWouldPublish
	ImportRefused      = apiwire.ImportRefused
	ImportSkipped      = apiwire.ImportSkipped
)

// ImportResult is what happened to one object of a partner's bundle.
type ImportResult struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	Outcome  string          `json:"outcome"`
	CID      string          `json:"cid,omitempty"`
	TLP      string          `json:"tlp,omitempty"`
	Reason   string          `json:"reason,omitempty"`
	Findings []guard.Finding `json:"-"`
}

// ImportSTIX turns a partner's STIX bundle into records of this node: each
// supported object becomes a draft record with the partner as provenance,
// at the TLP of its source (never lower), and goes through [Node.Check] and
// [Node.Publish] — the guardrails included — one object at a time, so that
// one refusal does not hold back the rest. A bundle that cannot be read at
// all is an error; everything else is a result per object.
func (n *Node) ImportSTIX(ctx context.Context, bundle []byte, opt ImportOptions) ([]ImportResult, error) {
	items, err := liaison.Import(bundle, liaison.ImportOptions{Partner: opt.Partner, Self: n.PeerID()})
	if err != nil {
		return nil, err
	}
	pub := PublishOptions{ConfirmPersonalData: opt.ConfirmPersonalData}
	out := make([]ImportResult, len(items))
	published := 0
	for i, it := range items {
		r := ImportResult{ID: it.ID, Type: it.Type}
		if it.Level.Valid() {
			r.TLP = it.Level.String()
		}
		switch {
		case it.Skipped != "":
			r.Outcome, r.Reason = ImportSkipped, it.Skipped
		case it.Refused != nil:
			r.Outcome, r.Reason = ImportRefused, it.Refused.Error()
		case it.Record != nil && n.importedAs(it.ID) != "":
			r.Outcome, r.Reason = ImportSkipped, "already imported as "+n.importedAs(it.ID)+" (retract it to import a newer version)"
		case opt.DryRun:
			if _, err := n.Check(it.Record, pub); err != nil {
				r.Outcome, r.Reason, r.Findings = ImportRefused, err.Error(), findingsOf(err)
			} else {
				r.Outcome = ImportWouldPublish
			}
		default:
			if err := ctx.Err(); err != nil {
				return out[:i], err
			}
			err := n.Publish(ctx, [][]byte{it.Record}, pub, func(p Published) error {
				r.CID = p.CID
				return nil
			})
			if err != nil {
				r.Outcome, r.Reason, r.Findings = ImportRefused, err.Error(), findingsOf(err)
			} else {
				r.Outcome = ImportPublished
				published++
			}
		}
		out[i] = r
	}
	if !opt.DryRun {
		n.audit("import", fmt.Sprintf("STIX bundle of %d objects, %d published", len(items), published))
	}
	return out, nil
}

// importedAs is the CID of a live record of this node imported from the
// partner object id, "" if there is none: its provenance names the id.
func (n *Node) importedAs(id string) string {
	_, uuid, ok := strings.Cut(id, "--")
	if !ok {
		return ""
	}
	rows, _, err := n.index.List(index.Query{Text: strings.ReplaceAll(uuid, "-", " "), Author: n.PeerID(), IncludeExpired: true})
	if err != nil {
		return ""
	}
	for _, r := range rows {
		if body, err := n.bodyOf(r.CID); err == nil && bytes.Contains(body, []byte("("+id+")")) {
			return r.CID
		}
	}
	return ""
}

func findingsOf(err error) []guard.Finding {
	var re *RecordError
	if errors.As(err, &re) {
		return re.Findings
	}
	return nil
}

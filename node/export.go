package node

import (
	"fmt"
	"time"

	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/policy"
)

// ExportObjects returns the STIX objects of every record this node may let
// leave through the liaison (policy.MayExport: CLEAR and GREEN), created or
// retracted at or after since (zero: all), ordered by date added. A
// retracted record is only its revoked version, never its body. The fixed
// objects (TLP markings, extension definition) are not included: see
// [liaison.FixedObjects].
func (n *Node) ExportObjects(since time.Time) ([]liaison.Object, error) {
	var rows []index.Row
	for _, level := range []policy.Level{policy.Clear, policy.Green} {
		rs, _, err := n.index.List(index.Query{TLP: level.String(), IncludeExpired: true})
		if err != nil {
			return nil, err
		}
		rows = append(rows, rs...)
	}
	// Opening a body is a stanza unwrap and a decryption: done on every core.
	objs := make([][]liaison.Object, len(rows))
	errs := make([]error, len(rows))
	parallel(len(rows), func(i int) { objs[i], errs[i] = n.exportRow(rows[i], since) })
	var out []liaison.Object
	for i := range rows {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, objs[i]...)
	}
	liaison.SortObjects(out)
	return out, nil
}

// exportRow maps one index row, if it may leave and is new enough.
func (n *Node) exportRow(r index.Row, since time.Time) ([]liaison.Object, error) {
	if !liaison.Exported(r.Kind) {
		return nil, nil
	}
	level, err := policy.ParseLevel(r.TLP)
	if err != nil {
		return nil, nil // fail closed: an unreadable level never leaves
	}
	aud, err := policy.ParseAudience(r.Audience)
	if err != nil {
		return nil, nil
	}
	if !policy.MayExport(policy.Policy{Level: level, Audience: aud, Caveats: r.Caveats}) {
		return nil, nil
	}
	src := liaison.Source{CID: r.CID, Kind: r.Kind, Author: r.Author, AuthorName: r.AuthorName, TLP: level.String(), Created: r.Created, MayName: n.mayNameInExport}
	if r.Author == n.PeerID() {
		src.AuthorName, src.AuthorROR = n.home.Config.Name, n.home.Config.ROR
	}
	if r.Retracted {
		src.RetractedAt = r.Created.Add(time.Millisecond)
		if by, ok := n.index.Get(r.RetractedBy); ok && by.Created.After(r.Created) {
			src.RetractedAt = by.Created
		}
		if !since.IsZero() && src.RetractedAt.Before(since) {
			return nil, nil
		}
	} else {
		if !since.IsZero() && r.Created.Before(since) {
			return nil, nil
		}
		if src.Body, err = n.bodyOf(r.CID); err != nil {
			return nil, fmt.Errorf("export %s: %w", r.CID, err)
		}
	}
	return liaison.Export(src)
}

// ExportSTIX writes one STIX 2.1 bundle of what may leave (see
// [Node.ExportObjects]) and records the export in the audit log.
func (n *Node) ExportSTIX(since time.Time) ([]byte, error) {
	objs, err := n.ExportObjects(since)
	if err != nil {
		return nil, err
	}
	b, err := liaison.Bundle(objs)
	if err != nil {
		return nil, err
	}
	n.audit("export", fmt.Sprintf("STIX bundle of %d objects", len(objs)))
	return b, nil
}

// mayNameInExport reports whether an exported record may name the record
// cid: only if this node holds it and it may leave itself
// (policy.MayExportRef).
func (n *Node) mayNameInExport(cid string) bool {
	var target *policy.Policy
	if r, ok := n.index.Get(cid); ok {
		level, err1 := policy.ParseLevel(r.TLP)
		aud, err2 := policy.ParseAudience(r.Audience)
		if err1 == nil && err2 == nil {
			target = &policy.Policy{Level: level, Audience: aud, Caveats: r.Caveats}
		}
	}
	return policy.MayExportRef(target)
}

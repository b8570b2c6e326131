package index

import (
	"strings"
	"time"
)

// Query selects rows for List. Empty fields do not filter.
type Query struct {
	Kind   string
	TLP    string // compared case-insensitively
	Author string // peer ID
	// Text keeps rows that hold every word of it, as part of one of their words,
	// case-insensitively (see words). Retracted rows never match a Text.
	Text string
	// IncludeExpired also lists rows whose ValidUntil is before Now; they are hidden otherwise.
	IncludeExpired bool
	// Now is the time expiry is judged at; zero means time.Now().
	Now time.Time
	// Limit caps the rows returned (≤ 0: no cap); Offset skips that many matching rows first.
	Limit, Offset int
	// Since keeps rows created at or after it.
	Since time.Time
}

// List returns the rows matching q, newest first (Created descending, then CID ascending), and
// the number of rows matching q before Limit and Offset. Retraction stubs are listed with their
// header fields, except stubs for records the node never held (they have no kind).
func (x *Index) List(q Query) ([]Row, int, error) {
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	nowMS := now.UnixMilli()

	v := x.view
	v.mu.RLock()
	defer v.mu.RUnlock()

	// A value never inserted matches nothing; look codes up without adding them.
	var kind, tlp, author uint32
	for _, f := range []struct {
		q    string
		d    dict
		code *uint32
	}{{q.Kind, v.kinds, &kind}, {lower(q.TLP), v.tlps, &tlp}, {q.Author, v.authors, &author}} {
		if f.q == "" {
			continue
		}
		c, ok := f.d[f.q]
		if !ok {
			return nil, 0, nil
		}
		*f.code = c
	}
	text := v.words.matching(q.Text)
	if text != nil && text.count() == 0 {
		return nil, 0, nil
	}
	since := uint64(0)
	if !q.Since.IsZero() {
		since = descending(q.Since.UnixMilli())
	}

	var (
		rows  []Row
		total int
	)
	for i := range v.entries {
		e := &v.entries[i]
		if since != 0 && e.created > since {
			break // newest first: every row after this one is older still
		}
		if e.kind == 0 || // a stub for a record never held
			(kind != 0 && uint32(e.kind) != kind) ||
			(tlp != 0 && uint32(e.tlp) != tlp) ||
			(author != 0 && e.author != author) ||
			(!q.IncludeExpired && e.validUntil <= nowMS) ||
			(text != nil && (!text.has(e.ord) || e.r.retraction != nil)) {
			continue
		}
		total++
		if total > q.Offset && (q.Limit <= 0 || len(rows) < q.Limit) {
			rows = append(rows, e.r.row())
		}
	}
	return rows, total, nil
}

// WithPrefix returns up to max CIDs of rows (retraction stubs included) that
// begin with prefix. It scans every row: for a person's abbreviated CID, not
// for a hot path.
func (x *Index) WithPrefix(prefix string, max int) []string {
	v := x.view
	v.mu.RLock()
	defer v.mu.RUnlock()
	var out []string
	for _, e := range v.entries {
		if strings.HasPrefix(e.r.cid, prefix) {
			out = append(out, e.r.cid)
			if len(out) >= max {
				break
			}
		}
	}
	return out
}

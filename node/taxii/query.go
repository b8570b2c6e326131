package taxii

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Page sizes: a request without limit gets DefaultLimit objects, and no
// page is larger than MaxLimit.
const (
	DefaultLimit = 1000
	MaxLimit     = 1000
)

// Query is a TAXII 2.1 objects, manifest or versions request's filters
// (TAXII 2.1 §3.4–3.5).
type Query struct {
	AddedAfter   time.Time // zero: no filter; objects added strictly after it
	Limit        int
	After        *Cursor // from next: continue after this entry
	IDs          []string
	Types        []string
	Versions     []string // "last" (default), "first", "all", or STIX timestamps
	SpecVersions []string
}

// Cursor is the position a next token names: the last entry of the page
// before.
type Cursor struct {
	DateAdded time.Time
	ID        string
	Version   string
}

// ErrQuery is a request whose parameters cannot be read (400).
var ErrQuery = errors.New("invalid query")

// known are the parameters a request may carry; anything else is an error
// rather than a filter silently ignored.
var known = []string{"added_after", "limit", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]"}

// ParseQuery reads the query parameters of a request.
func ParseQuery(q url.Values) (Query, error) {
	out := Query{Limit: DefaultLimit}
	for k, vs := range q {
		if !slices.Contains(known, k) {
			return out, fmt.Errorf("%w: unknown parameter %q (known: %s)", ErrQuery, k, strings.Join(known, ", "))
		}
		if len(vs) != 1 {
			return out, fmt.Errorf("%w: parameter %q given %d times; separate values with commas", ErrQuery, k, len(vs))
		}
	}
	if v := q.Get("added_after"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return out, fmt.Errorf("%w: added_after %q is not a timestamp", ErrQuery, v)
		}
		out.AddedAfter = t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return out, fmt.Errorf("%w: limit %q is not a positive integer", ErrQuery, v)
		}
		out.Limit = min(n, MaxLimit)
	}
	if v := q.Get("next"); v != "" {
		c, err := parseCursor(v)
		if err != nil {
			return out, err
		}
		out.After = &c
	}
	list := func(k string) []string {
		v := q.Get(k)
		if v == "" {
			return nil
		}
		return strings.Split(v, ",")
	}
	out.IDs, out.Types, out.SpecVersions = list("match[id]"), list("match[type]"), list("match[spec_version]")
	out.Versions = list("match[version]")
	for _, v := range out.Versions {
		switch v {
		case "last", "first", "all":
		default:
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				return out, fmt.Errorf("%w: match[version] %q is not last, first, all or a timestamp", ErrQuery, v)
			}
		}
	}
	if len(out.Versions) == 0 {
		out.Versions = []string{"last"}
	}
	return out, nil
}

func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.DateAdded.UnixNano(), 10) + "|" + c.ID + "|" + c.Version))
}

func parseCursor(s string) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 512 {
		return Cursor{}, fmt.Errorf("%w: next %q is not a token this server gave", ErrQuery, s)
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 {
		return Cursor{}, fmt.Errorf("%w: next %q is not a token this server gave", ErrQuery, s)
	}
	ns, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: next %q is not a token this server gave", ErrQuery, s)
	}
	return Cursor{DateAdded: time.Unix(0, ns).UTC(), ID: parts[1], Version: parts[2]}, nil
}

// Entry is one version of one object in a collection.
type Entry struct {
	ID        string
	Type      string
	Version   string // STIX timestamp
	DateAdded time.Time
	JSON      []byte
}

func (e Entry) cursor() Cursor { return Cursor{DateAdded: e.DateAdded, ID: e.ID, Version: e.Version} }

func (e Entry) before(c Cursor) bool {
	if x := e.DateAdded.Compare(c.DateAdded); x != 0 {
		return x < 0
	}
	if e.ID != c.ID {
		return e.ID < c.ID
	}
	return e.Version <= c.Version
}

// Select applies q to a collection's entries: the id, type, spec_version
// and version filters, added_after, then the page after q.After of at most
// q.Limit entries, ordered by date added, id and version. more says
// whether entries are left after the page.
func Select(all []Entry, q Query) (page []Entry, more bool) {
	var kept []Entry
	byID := map[string][]int{}
	for _, e := range all {
		if len(q.IDs) > 0 && !slices.Contains(q.IDs, e.ID) {
			continue
		}
		if len(q.Types) > 0 && !slices.Contains(q.Types, e.Type) {
			continue
		}
		if len(q.SpecVersions) > 0 && !slices.Contains(q.SpecVersions, "2.1") {
			continue // every object here is STIX 2.1
		}
		byID[e.ID] = append(byID[e.ID], len(kept))
		kept = append(kept, e)
	}
	chosen := make([]bool, len(kept))
	for _, idx := range byID {
		first, last := idx[0], idx[0]
		for _, i := range idx {
			if kept[i].Version < kept[first].Version {
				first = i
			}
			if kept[i].Version > kept[last].Version {
				last = i
			}
		}
		for _, v := range q.Versions {
			switch v {
			case "all":
				for _, i := range idx {
					chosen[i] = true
				}
			case "first":
				chosen[first] = true
			case "last":
				chosen[last] = true
			default:
				for _, i := range idx {
					if sameTime(kept[i].Version, v) {
						chosen[i] = true
					}
				}
			}
		}
	}
	var sel []Entry
	for i, e := range kept {
		if !chosen[i] || (!q.AddedAfter.IsZero() && !e.DateAdded.After(q.AddedAfter)) {
			continue
		}
		if q.After != nil && e.before(*q.After) {
			continue
		}
		sel = append(sel, e)
	}
	slices.SortFunc(sel, func(a, b Entry) int {
		if c := a.DateAdded.Compare(b.DateAdded); c != 0 {
			return c
		}
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return strings.Compare(a.Version, b.Version)
	})
	if len(sel) > q.Limit {
		return sel[:q.Limit], true
	}
	return sel, false
}

func sameTime(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339Nano, a)
	tb, err2 := time.Parse(time.RFC3339Nano, b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}

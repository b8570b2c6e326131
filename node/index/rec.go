package index

import (
	"encoding/binary"
	"math"
	"strings"
	"time"
)

// rec is a row as the index holds it. The strings that repeat from record to record (author,
// author name, log, kind, TLP, audience, caveats) are held once, in a source or a tags shared by
// every rec that has them, so a rec is its CID, its title and a few numbers: about 112 bytes
// beside its CID and title, where a Row is 400.
//
// A rec is never changed once it is in the index; a change replaces it.
type rec struct {
	cid        string
	title      string // empty for a retraction stub
	src        *source
	tags       *tags
	retraction *retraction // nil unless retracted

	seq                            uint64
	created, validUntil, reviewDue int64 // unix milliseconds, or noTime
	ord                            uint32
}

// noTime stands for the zero time.Time in a rec.
const noTime = math.MinInt64

// source is who wrote a record, in which log, under which roster version. The roster
// version is here, interned, rather than in rec: an author's records carry few versions, and
// without its 8 bytes a rec fits the 96-byte size class instead of 112 (16 bytes a record at
// 1,000,000; 2026-11-29).
type source struct {
	author, authorName, log string
	rosterVersion           uint64
}

// tags are a record's kind and policy tags.
type tags struct {
	kind, tlp         string
	audience, caveats []string
}

type retraction struct {
	by, reason string
}

// interner hands out one source and one tags for each distinct value. Its maps are guarded by
// the index's writer lock.
type interner struct {
	sources map[source]*source
	tags    map[string]*tags
}

func newInterner() interner {
	return interner{sources: map[source]*source{}, tags: map[string]*tags{}}
}

// rec makes the rec of r, sharing the strings it has in common with earlier rows. Its ord is
// left for the caller.
func (in *interner) rec(r *Row) *rec {
	x := &rec{
		cid:        r.CID,
		title:      strings.Clone(r.Title),
		src:        in.source(r.Author, r.AuthorName, r.Log, r.RosterVersion),
		tags:       in.tagsOf(r.Kind, lower(r.TLP), r.Audience, r.Caveats),
		seq:        r.Seq,
		created:    millis(r.Created),
		validUntil: millis(r.ValidUntil),
		reviewDue:  millis(r.ReviewDue),
	}
	if !r.CIDIsCopy {
		x.cid = strings.Clone(r.CID) // r.CID may be a slice of a larger buffer
	}
	if r.Retracted {
		x.retraction = &retraction{by: r.RetractedBy, reason: r.RetractReason}
	}
	return x
}

func (in *interner) source(author, name, log string, rosterVersion uint64) *source {
	k := source{author, name, log, rosterVersion}
	if s, ok := in.sources[k]; ok {
		return s
	}
	s := &source{strings.Clone(author), strings.Clone(name), strings.Clone(log), rosterVersion}
	in.sources[*s] = s
	return s
}

func (in *interner) tagsOf(kind, tlp string, audience, caveats []string) *tags {
	// The key: every string with its length before it, the two lists with their lengths.
	var b []byte
	for _, s := range []string{kind, tlp} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, list := range [][]string{audience, caveats} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, s := range list {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	k := string(b)
	if t, ok := in.tags[k]; ok {
		return t
	}
	t := &tags{kind: strings.Clone(kind), tlp: strings.Clone(tlp), audience: cloneAll(audience), caveats: cloneAll(caveats)}
	in.tags[k] = t
	return t
}

func cloneAll(s []string) []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strings.Clone(v)
	}
	return out
}

// row is the Row of r.
func (r *rec) row() Row {
	out := Row{
		CID: r.cid, Kind: r.tags.kind, Author: r.src.author, AuthorName: r.src.authorName, Log: r.src.log,
		Seq: r.seq, TLP: r.tags.tlp, Audience: r.tags.audience, Caveats: r.tags.caveats,
		Created: timeOf(r.created), RosterVersion: r.src.rosterVersion, Title: r.title,
		ValidUntil: timeOf(r.validUntil), ReviewDue: timeOf(r.reviewDue),
	}
	if r.retraction != nil {
		out.Retracted, out.RetractedBy, out.RetractReason = true, r.retraction.by, r.retraction.reason
	}
	return out
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return noTime
	}
	return t.UnixMilli()
}

func timeOf(ms int64) time.Time {
	if ms == noTime {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

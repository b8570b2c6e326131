package node

import (
	"encoding/json"

	"github.com/ursic/ursic/node/index"
	"github.com/ursic/ursic/node/screen"
	"github.com/ursic/ursic/share"
)

// A record's body is read once when the node opens it (readBody): the
// index's text and title, the screening subject of an indicator and the
// case table's summary all come from one scan, index.ScanBodyFunc. Each used
// to parse the body on its own — the scan, then encoding/json three times
// (screen.SubjectOf, summarise, share.Record.Title) — which cost about 20 µs
// of a 1 KiB indicator's time in sync, at start and at publish (2026-11-30).
//
// The results must be exactly those of the separate decoders, which stay as
// the reference (readBodySlowly): encoding/json matches member names without
// regard to case, lets the last of two equal members win, and fails on a
// value of the wrong type. The scan takes none of that on: whenever a body
// is not valid JSON, or one of the members read is odd — met twice, of an
// unexpected type or null, or with a name encoding/json could fold into a
// member's name — the body is read by the reference decoders instead. A
// body that Envelope.Open accepted never is odd in those ways.

// bodyFacts is what the node reads of a record's body.
type bodyFacts struct {
	text       index.BodyText
	title      string          // the index row's title
	subject    *screen.Subject // an indicator's subject; nil if none or not an indicator
	summary    parsedCase      // the case table's reading, if summarised
	summarised bool            // for the kinds the case table reads (caseFactsOf)
}

// readBody reads the body of a record of kind, with CID cid, in one scan.
func readBody(cid, kind string, body []byte) bodyFacts {
	m := new(bodyMembers)
	text := index.ScanBodyFunc(body, m.visit)
	if m.odd || !json.Valid(body) {
		return readBodySlowly(cid, kind, body, text)
	}
	f := bodyFacts{text: text, title: text.Title}
	if f.title == "" || !titled(kind) {
		f.title = share.TitleOf(kind, &m.title)
	}
	if kind == share.KindIndicator {
		f.subject = &screen.Subject{CID: cid, Names: m.names, ROR: m.ror, Jurisdiction: m.jurisdiction,
			Severity: m.severity, Mitigation: m.mitigation}
	}
	if summarised(kind) {
		f.summary, f.summarised = caseOf(kind, &m.cases), true
	}
	return f
}

// readBodySlowly reads a body with the reference decoders: the index's text
// as scanned, and the rest with encoding/json, one decode each.
func readBodySlowly(cid, kind string, body []byte, text index.BodyText) bodyFacts {
	f := bodyFacts{text: text, title: text.Title}
	if f.title == "" || !titled(kind) {
		f.title = (&share.Record{Kind: kind, Body: body}).Title()
	}
	if kind == share.KindIndicator {
		if subj, err := screen.SubjectOf(cid, body); err == nil {
			f.subject = &subj
		} // else: nothing to screen
	}
	if summarised(kind) {
		f.summary, f.summarised = summarise(kind, body), true
	}
	return f
}

// titled reports whether a record of kind has a title of its own in its
// body; others' titles are made from their members (share.TitleOf).
func titled(kind string) bool { return kind == share.KindIndicator || kind == share.KindMethod }

// summarised reports whether the case table reads records of kind.
func summarised(kind string) bool { return hasFacet(kind) || kind == share.KindFacet }

// bodyMembers collects, from the scan's visits, the members of a body that
// the reference decoders read (screen.SubjectOf's, summarise's and
// share.Record.Title's), and whether any of them is odd.
type bodyMembers struct {
	odd bool

	title share.TitleMembers
	cases caseMembers
	// The screening subject's.
	names                    []screen.SubjectName
	jurisdiction, ror        string
	severity, mitigation     string
	top, subj, ids, nameSeen uint32 // bits of the members met in each object, by their index in its names
}

// The member names read in each object, as the reference decoders name
// them. A member's bit in bodyMembers' masks is 1<<its index here.
var (
	topNames     = []string{"title", "ref", "outcome", "period", "target", "record_kind", "reason_category", "tactic", "category", "link", "severity", "suggested_mitigation", "tech_areas", "mitigations", "subject"}
	subjectNames = []string{"names", "jurisdiction", "ids"}
	idsNames     = []string{"ror"}
	nameNames    = []string{"value", "lang", "type"}
)

// visit is an index.Visitor.
func (m *bodyMembers) visit(path []index.Step, kind byte, s []byte) {
	if m.odd {
		return
	}
	switch len(path) {
	case 0: // the body
		m.odd = kind != '{'
	case 1: // a member of the body
		m.topMember(path[0].Key, kind, s)
	case 2:
		switch string(path[0].Key) {
		case "tech_areas", "mitigations":
			if kind != '"' {
				m.odd = true
			} else if string(path[0].Key) == "tech_areas" {
				m.cases.TechAreas = append(m.cases.TechAreas, string(s))
			} else {
				m.cases.Mitigations = append(m.cases.Mitigations, string(s))
			}
		case "subject":
			switch i := m.member(&m.subj, subjectNames, path[1].Key); i {
			case 0: // names
				m.expect(kind, '[')
				m.names = []screen.SubjectName{}
			case 1:
				m.jurisdiction = m.str(kind, s)
			case 2: // ids
				m.expect(kind, '{')
			}
		}
	case 3:
		if string(path[0].Key) != "subject" {
			return
		}
		switch string(path[1].Key) {
		case "ids":
			if m.member(&m.ids, idsNames, path[2].Key) == 0 {
				m.ror = m.str(kind, s)
			}
		case "names":
			m.expect(kind, '{')
			m.names = append(m.names, screen.SubjectName{})
			m.nameSeen = 0
		}
	case 4:
		if string(path[0].Key) != "subject" || string(path[1].Key) != "names" {
			return
		}
		if len(m.names) == 0 { // not JSON: the names' element was not an object
			m.odd = true
			return
		}
		n := &m.names[len(m.names)-1]
		switch m.member(&m.nameSeen, nameNames, path[3].Key) {
		case 0:
			n.Value = m.str(kind, s)
		case 1:
			n.Lang = m.str(kind, s)
		case 2:
			n.Type = m.str(kind, s)
		}
	}
}

// topMember reads one member of the body.
func (m *bodyMembers) topMember(key []byte, kind byte, s []byte) {
	switch m.member(&m.top, topNames, key) {
	case 0:
		m.title.Title = m.str(kind, s)
	case 1:
		m.title.Ref = m.str(kind, s)
		m.cases.Ref = m.title.Ref
	case 2:
		m.title.Outcome = m.str(kind, s)
		m.cases.Outcome = m.title.Outcome
	case 3:
		m.title.Period = m.str(kind, s)
		m.cases.Period = m.title.Period
	case 4:
		m.title.Target = m.str(kind, s)
	case 5:
		m.title.RecordKind = m.str(kind, s)
		m.cases.RecordKind = m.title.RecordKind
	case 6:
		m.cases.ReasonCategory = m.str(kind, s)
	case 7:
		m.cases.Tactic = m.str(kind, s)
	case 8:
		m.cases.Category = m.str(kind, s)
	case 9:
		m.cases.Link = m.str(kind, s)
	case 10:
		m.severity = m.str(kind, s)
	case 11:
		m.mitigation = m.str(kind, s)
	case 12:
		m.expect(kind, '[')
		m.cases.TechAreas = []string{}
	case 13:
		m.expect(kind, '[')
		m.cases.Mitigations = []string{}
	case 14: // subject
		m.expect(kind, '{')
	}
}

// member returns the index in names of the member key of an object whose
// members met so far are the bits of seen, and notes it; or -1 if the
// object's reader does not read key. A second member of the same name, or
// a name encoding/json would fold into one of names, makes the body odd.
func (m *bodyMembers) member(seen *uint32, names []string, key []byte) int {
	for i, name := range names {
		if string(key) == name {
			if *seen&(1<<i) != 0 {
				m.odd = true
			}
			*seen |= 1 << i
			return i
		}
	}
	for _, name := range names {
		if foldable(key, name) {
			m.odd = true
		}
	}
	return -1
}

// str is a string member's value; any other kind makes the body odd.
func (m *bodyMembers) str(kind byte, s []byte) string {
	m.expect(kind, '"')
	return string(s)
}

func (m *bodyMembers) expect(kind, want byte) {
	if kind != want {
		m.odd = true
	}
}

// foldable reports whether encoding/json might match the member key to a
// field named name: it matches names without regard to case, by Unicode
// folding (so "K", U+212A, matches "k"). This errs towards yes: any
// non-ASCII key, and any key equal to name once both are lower-cased and
// stripped of '_' and '-' (as encoding/json/v2's case-insensitive matching
// does).
func foldable(key []byte, name string) bool {
	i, j := 0, 0
	for {
		for i < len(key) && (key[i] == '_' || key[i] == '-') {
			i++
		}
		for j < len(name) && (name[j] == '_' || name[j] == '-') {
			j++
		}
		if i == len(key) || j == len(name) {
			return i == len(key) && j == len(name)
		}
		c := key[i]
		if c >= 0x80 {
			return true
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[j] {
			return false
		}
		i, j = i+1, j+1
	}
}

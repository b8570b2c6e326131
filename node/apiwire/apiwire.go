// Package apiwire holds the request and response types of the node's local
// API (docs/API.md), so that a client of the API needs nothing from the node
// itself. It imports only the standard library.
//
// Rules for changing a type here: the JSON names are the API. Never rename or
// retype a field; a new field must be optional (omitempty, or a zero value
// that reads as before), so that an older CLI still understands a newer node.
package apiwire

import (
	"encoding/json"
	"fmt"
	"time"
)

// Error is the body of every failed API call, and the error the client returns.
type Error struct {
	Status   int       `json:"-"`
	Message  string    `json:"error"`
	Hint     string    `json:"hint,omitempty"`
	Line     int       `json:"line,omitempty"`
	Findings []Finding `json:"findings,omitempty"`
}

func (e *Error) Error() string {
	if e.Line > 0 && e.Message != "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return e.Message
}

// Finding is one guardrail finding, structured so a console can show it live.
type Finding struct {
	Path      string `json:"path"`
	Rule      string `json:"rule"`
	Severity  string `json:"severity"` // "refuse" or "flag"
	Message   string `json:"message"`
	Principle string `json:"principle"`
	// Offset is the character offset (from 0) of Phrase in the string at
	// Path; absent when the finding is about a field's name or a whole value.
	Offset *int   `json:"offset,omitempty"`
	Phrase string `json:"phrase,omitempty"`
	Advice string `json:"advice,omitempty"`
	// Text is the whole finding as one line, in the language asked for.
	Text string `json:"text,omitempty"`
}

// PublishEvent is one line of the publish response stream: a durable record,
// the final summary, or an error that stopped the stream part-way.
type PublishEvent struct {
	Index int    `json:"index"`
	CID   string `json:"cid,omitempty"`
	// Existing marks a record this node had published already (the same
	// body and policy): CID is that record's, and nothing new was written.
	Existing bool   `json:"existing,omitempty"`
	Done     bool   `json:"done,omitempty"`
	Count    int    `json:"count,omitempty"`
	Error    *Error `json:"error,omitempty"`
}

// PublishOptions are the query parameters of POST /v1/publish and /v1/check.
type PublishOptions struct {
	TLP                 string
	Audience            []string
	Caveats             []string
	ConfirmPersonalData bool
	// Again publishes a record even if this node published the same body
	// with the same policy before (by default that record's CID is reported).
	Again bool
}

// CheckResult answers POST /v1/check: what publishing the record would do.
type CheckResult struct {
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
	Findings   []Finding `json:"findings"`
	Recipients []string  `json:"recipients,omitempty"`
	TLP        string    `json:"tlp,omitempty"`
	Audience   []string  `json:"audience,omitempty"`
}

// ListOptions are the query parameters of GET /v1/records.
type ListOptions struct {
	Kind, TLP, Author, Text string
	All                     bool // include expired indicators
	Limit, Offset           int
}

// ListResult is the body of GET /v1/records.
type ListResult struct {
	Records []RecordView `json:"records"`
	Total   int          `json:"total"`
	// Complete is false while the node, just started, is still opening its
	// stored records: the list holds those indexed so far.
	Complete bool `json:"complete"`
}

// RecordView is a record as the API and CLI show it.
type RecordView struct {
	CID           string          `json:"cid"`
	Kind          string          `json:"kind"`
	Author        string          `json:"author"`
	AuthorName    string          `json:"author_name,omitempty"`
	TLP           string          `json:"tlp"`
	Audience      []string        `json:"audience"`
	Caveats       []string        `json:"caveats,omitempty"`
	Created       time.Time       `json:"created"`
	Title         string          `json:"title"`
	Retracted     bool            `json:"retracted"`
	RetractedBy   string          `json:"retracted_by,omitempty"`
	RetractReason string          `json:"retract_reason,omitempty"`
	Log           string          `json:"log"`
	Seq           uint64          `json:"seq"`
	RosterVersion uint64          `json:"roster_version"`
	ValidUntil    string          `json:"valid_until,omitempty"`
	ReviewDue     string          `json:"review_due,omitempty"`
	Expired       bool            `json:"expired,omitempty"`
	ReviewOverdue bool            `json:"review_overdue,omitempty"`
	Handling      *Handling       `json:"handling,omitempty"`
	Body          json.RawMessage `json:"body,omitempty"`
}

// Handling says what a reader may do with a record, from its TLP.
type Handling struct {
	Reshare    string `json:"reshare"`
	Exportable bool   `json:"exportable_to_partners"`
	Facet      bool   `json:"secretariat_facet"`
}

// RetractRequest is the body of POST /v1/records/{cid}/retract.
type RetractRequest struct {
	Reason string `json:"reason"`
}

// RetractResult names the retraction record.
type RetractResult struct {
	CID        string `json:"cid"`
	Retraction string `json:"retraction"`
}

// Status is a summary of the node for `ursic status` (GET /v1/status).
type Status struct {
	PeerID         string    `json:"peer_id"`
	Name           string    `json:"name"`
	Role           string    `json:"role"`
	Records        int       `json:"records"`   // records this node can read now (not retracted)
	Envelopes      int       `json:"envelopes"` // envelopes held, including control records and those kept only for relaying
	Retracted      int       `json:"retracted"`
	Logs           int       `json:"logs"`
	RosterVersion  uint64    `json:"roster_version"`
	PeersConnected int       `json:"peers_connected"`
	Equivocations  int       `json:"equivocations"`
	IndexReady     bool      `json:"index_ready"`          // false while a start still opens stored records
	Unreadable     int64     `json:"unreadable"`           // envelopes held for relaying that this node cannot open
	Rejected       int64     `json:"rejected_from_peers"`  // envelopes and messages refused
	RefusedPeers   int64     `json:"refused_at_handshake"` // connections refused by the roster gate
	Addrs          []string  `json:"addrs,omitempty"`
	Started        time.Time `json:"started"`
	API            string    `json:"api"`
	// AuditTampered is true when the node found its audit log altered
	// (truncated, deleted, a line changed or added) against the head
	// anchored in its store, at this start or an earlier one.
	AuditTampered bool `json:"audit_tampered,omitempty"`
	// RosterFork lists the peers that hold another valid roster of a
	// version this node holds (a roster fork): an alarm.
	RosterFork []RosterFork `json:"roster_fork,omitempty"`
	// Restoring is true while a node restored from a backup fetches its own
	// records back from its peers; it publishes nothing until then.
	Restoring bool `json:"restoring,omitempty"`
}

// RosterFork is one peer on another branch of the roster chain.
type RosterFork struct {
	Peer    string    `json:"peer"`
	Name    string    `json:"name,omitempty"` // on this node's roster
	Version uint64    `json:"version"`
	Ours    string    `json:"ours"`
	Theirs  string    `json:"theirs"`
	Since   time.Time `json:"since"`
}

// Card is a node's public member card: what others need to admit it to the
// roster and to seal records to it.
type Card struct {
	Name      string   `json:"name"`
	Role      string   `json:"role"`
	PeerID    string   `json:"peer_id"`
	Recipient string   `json:"recipient"`
	Addrs     []string `json:"addrs"`
}

// PeerInfo is one connected peer (GET /v1/peers).
type PeerInfo struct {
	PeerID string    `json:"peer_id"`
	Name   string    `json:"name"`
	Role   string    `json:"role"`
	Addrs  []string  `json:"addrs"`
	Since  time.Time `json:"since"`
}

// AuditHead names one line of the audit log: its sequence number and the
// hex SHA-256 of the line.
type AuditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// AuditReport is what checking the audit log against the head anchored in
// the store found (GET /v1/audit/verify, `ursic audit verify`).
type AuditReport struct {
	Lines  int        `json:"lines"`            // complete lines in the file
	Head   AuditHead  `json:"head"`             // its last line
	Anchor *AuditHead `json:"anchor,omitempty"` // the head anchored in the store, if any
	// Problems are the alterations found in the file now, oldest first.
	Problems []string `json:"problems,omitempty"`
	// Recorded are alterations the node found at an earlier start and wrote
	// into the log as signed "audit-tampered" lines; they stay evidence.
	Recorded []string `json:"recorded,omitempty"`
}

// Intact reports whether the log shows no alteration, now or recorded.
func (r AuditReport) Intact() bool { return len(r.Problems) == 0 && len(r.Recorded) == 0 }

// ImportOptions are the query parameters of POST /v1/import/stix and
// POST /v1/inbox/{id}/accept.
type ImportOptions struct {
	// Partner names who sent the bundle (provenance); if empty, the name of
	// the identity that created its objects.
	Partner string
	// DryRun checks every object on the publish path and stores nothing.
	DryRun              bool
	ConfirmPersonalData bool
}

// Import outcomes, one per object of a bundle.
const (
	ImportPublished    = "published"
	ImportWouldPublish = "would-publish"
	ImportRefused      = "refused"
	ImportSkipped      = "skipped"
)

// ImportResult is what became of one object of a partner's bundle.
type ImportResult struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Outcome string `json:"outcome"`
	CID     string `json:"cid,omitempty"`
	TLP     string `json:"tlp,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// ImportResults is the body answering an import or an inbox accept.
type ImportResults struct {
	Results []ImportResult `json:"results"`
}

// InboxObject is one STIX object a partner posted to the inbox.
type InboxObject struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Version   string    `json:"version"` // modified, else created (STIX timestamp)
	DateAdded time.Time `json:"date_added"`
}

// InboxItem is one accepted POST of a partner.
type InboxItem struct {
	ID       string         `json:"id"`
	Partner  string         `json:"partner"`
	Received time.Time      `json:"received"`
	State    string         `json:"state"`
	Objects  []InboxObject  `json:"objects"`
	Decided  time.Time      `json:"decided,omitzero"`
	Results  []ImportResult `json:"results,omitempty"`
}

// InboxShowResult is the body of GET /v1/inbox/{id}.
type InboxShowResult struct {
	Item    InboxItem         `json:"item"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

// ConsoleSignIn answers POST /v1/console/signin: a one-time link that opens
// a web console session (single use, valid until Expires).
type ConsoleSignIn struct {
	URL     string    `json:"url"`
	Expires time.Time `json:"expires"`
}

// RosterSignResult answers POST /v1/roster/sign: the proposal signed by this
// node, how many valid executive signatures it now has, and how many the
// current roster requires before it can be applied.
type RosterSignResult struct {
	Roster     json.RawMessage `json:"roster"`
	Signatures int             `json:"signatures"`
	Needed     int             `json:"needed"`
}

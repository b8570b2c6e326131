package apiwire

import "time"

// The bodies of POST /v1/screen and GET /v1/digest (docs/SCREENING.md).

// ScreenResult is what screening a list found.
type ScreenResult struct {
	File     string `json:"file,omitempty"`
	Format   string `json:"format"`             // xlsx, csv or lines
	Encoding string `json:"encoding,omitempty"` // of a text list
	// Note says what was read other than rows, such as a title above the
	// header row that was skipped.
	Note     string      `json:"note,omitempty"`
	Rows     []ScreenRow `json:"rows"`
	Screened int         `json:"screened"` // rows that could be screened
	Hits     int         `json:"hits"`     // hits over all rows
	// Complete is false while the node, just started, is still opening its
	// stored records: indicators not yet opened cannot match.
	Complete bool `json:"complete"`
}

// ScreenRow is one row of the list and the indicators it matched, best
// first.
type ScreenRow struct {
	Row     int         `json:"row"` // data rows from 1; a header row is not counted
	Name    string      `json:"name"`
	ROR     string      `json:"ror,omitempty"`
	Country string      `json:"country,omitempty"`
	Note    string      `json:"note,omitempty"`
	Hits    []ScreenHit `json:"hits"`
}

// ScreenHit is one indicator a row matched.
type ScreenHit struct {
	CID        string  `json:"cid"`
	Matched    string  `json:"matched"` // the subject's name that matched
	How        string  `json:"how"`     // ror, exact, normalised, acronym or fuzzy
	Score      float64 `json:"score"`
	TLP        string  `json:"tlp"`
	Severity   string  `json:"severity"`
	Expired    bool    `json:"expired"`
	Title      string  `json:"title,omitempty"`
	ValidUntil string  `json:"valid_until,omitempty"`
	Mitigation string  `json:"suggested_mitigation,omitempty"`
}

// Digest is what changed on a node between Since and Until.
type Digest struct {
	Node  string    `json:"node"` // the node's name
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// New counts the records created in the period, by kind and TLP.
	New []DigestCount `json:"new"`
	// Records are the records created in the period, newest first
	// (retractions and trend reports are listed apart).
	Records     []DigestItem `json:"records"`
	Retractions []DigestItem `json:"retractions"`
	// Expiring are indicators whose valid_until falls within 30 days;
	// Review are those whose review_due does (or has passed).
	Expiring []DigestItem  `json:"expiring"`
	Review   []DigestItem  `json:"review"`
	Trends   []DigestItem  `json:"trends"`
	Alarms   []DigestAlarm `json:"alarms"`
	// Complete is false while the node, just started, is still opening its
	// stored records.
	Complete bool `json:"complete"`
}

// DigestCount is how many records of one kind and TLP.
type DigestCount struct {
	Kind  string `json:"kind"`
	TLP   string `json:"tlp"`
	Count int    `json:"count"`
}

// DigestItem is one record as the digest names it: never its body.
type DigestItem struct {
	CID     string    `json:"cid"`
	Kind    string    `json:"kind"`
	TLP     string    `json:"tlp"`
	Title   string    `json:"title"`
	Author  string    `json:"author,omitempty"` // the author's name on the roster
	Created time.Time `json:"created"`
	// Date is the date the item is listed for: valid_until for Expiring,
	// review_due for Review.
	Date string `json:"date,omitempty"`
}

// DigestAlarm is something the operator must look at.
type DigestAlarm struct {
	Kind    string `json:"kind"` // "fork", "audit" or "equivocation"
	Message string `json:"message"`
}

package api

import (
	"fmt"

	"github.com/ursic/ursic/policy/guard"
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
// Message, Principle and Advice are in the language the request asked for
// (Accept-Language: ja or en); Text is the whole finding as one line.
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
	Text   string `json:"text,omitempty"`
}

func findingsOf(fs []guard.Finding, lang guard.Lang) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		sev := "flag"
		if f.Severity == guard.Refuse {
			sev = "refuse"
		}
		af := Finding{Path: f.Path, Rule: f.Rule, Severity: sev, Message: f.Message, Principle: f.Principle,
			Phrase: f.Phrase, Advice: f.Advice, Text: f.Text(lang)}
		if lang == guard.Japanese && f.MessageJA != "" {
			af.Message, af.Principle, af.Advice = f.MessageJA, f.PrincipleJA, f.AdviceJA
		}
		if f.Offset >= 0 {
			off := f.Offset
			af.Offset = &off
		}
		out = append(out, af)
	}
	return out
}

// PublishEvent is one line of the publish response stream: a durable record,
// the final summary, or an error that stopped the stream part-way.
type PublishEvent struct {
	Index int    `json:"index"`
	CID   string `json:"cid,omitempty"`
	Done  bool   `json:"done,omitempty"`
	Count int    `json:"count,omitempty"`
	Error *Error `json:"error,omitempty"`
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

// RetractRequest is the body of POST /v1/records/{cid}/retract.
type RetractRequest struct {
	Reason string `json:"reason"`
}

// RetractResult names the retraction record.
type RetractResult struct {
	CID        string `json:"cid"`
	Retraction string `json:"retraction"`
}

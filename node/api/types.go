package api

import (
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/policy/guard"
)

// The wire types live in package apiwire, so that the client needs nothing
// from the node; these names keep the server's code short.
type (
	// Error is the body of every failed API call.
	Error = apiwire.Error
	// Finding is one guardrail finding.
	Finding = apiwire.Finding
	// PublishEvent is one line of the publish response stream.
	PublishEvent = apiwire.PublishEvent
	// CheckResult answers POST /v1/check.
	CheckResult = apiwire.CheckResult
	// ListResult is the body of GET /v1/records.
	ListResult = apiwire.ListResult
	// RetractRequest is the body of POST /v1/records/{cid}/retract.
	RetractRequest = apiwire.RetractRequest
	// RetractResult names the retraction record.
	RetractResult = apiwire.RetractResult
	// RosterSignResult answers POST /v1/roster/sign.
	RosterSignResult = apiwire.RosterSignResult
)

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

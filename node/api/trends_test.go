package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
)

// TestTrendEndpoints: the trend and similar endpoints answer bad input with
// a status, a message and a hint, and a member may not publish a report.
func TestTrendEndpoints(t *testing.T) {
	a := startAPI(t) // a member
	tests := []struct {
		method, path, body string
		status             int
		message, hint      string
	}{
		{"GET", "/v1/trends/table?by=category,nationality", "", 400, `"nationality" is not a dimension`, "dimensions are"},
		{"GET", "/v1/trends/table?from=2026-11-15", "", 400, "not a whole calendar month", "whole calendar month"},
		{"GET", "/v1/trends/table?k=2", "", 400, "k = 2", "may only be raised"},
		{"GET", "/v1/trends/table?p=x", "", 400, "not a whole number", ""},
		{"POST", "/v1/trends/publish", `{"period":"2026-Q4"}`, 403, "only the secretariat", "members read"},
		{"POST", "/v1/trends/publish", `{"period":"2026-Q4","colour":"red"}`, 400, "unknown field", ""},
		{"GET", "/v1/similar", "", 400, "needs a category", "reason_category"},
	}
	for _, tt := range tests {
		status, body, _ := a.do(tt.method, tt.path, a.token, []byte(tt.body))
		var e api.Error
		json.Unmarshal(body, &e)
		if status != tt.status || !strings.Contains(e.Message, tt.message) || !strings.Contains(e.Hint, tt.hint) {
			t.Errorf("%s %s: %d %s, want %d with %q and hint %q", tt.method, tt.path, status, body, tt.status, tt.message, tt.hint)
		}
	}

	// A member's GET /v1/trends lists the reports it received: none yet.
	reps, err := api.TrendReports(context.Background(), a.client())
	if err != nil || len(reps) != 0 {
		t.Errorf("reports: %v, %v", reps, err)
	}
	status, body, _ := a.do("GET", "/v1/trends", a.token, nil)
	if status != 200 || strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("GET /v1/trends at a member: %d %s", status, body)
	}
	s, err := api.Similar(context.Background(), a.client(), node.SimilarOptions{Category: "talent_recruitment"})
	if err != nil || s.Readable.Records != 0 || s.Consortium.Report != nil || len(s.Consortium.Outcomes) != 4 {
		t.Errorf("similar: %+v, %v", s, err)
	}
	for o, v := range s.Consortium.Outcomes {
		if v != nil {
			t.Errorf("outcome %s = %d without a report, want null", o, *v)
		}
	}
	_, err = api.PublishTrend(context.Background(), a.client(), api.TrendPublishRequest{Period: "2026-Q4"})
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status != 403 {
		t.Errorf("PublishTrend at a member: %v", err)
	}
}

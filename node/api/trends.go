package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/policy"
)

// The secretariat's picture and the 相場感 view:
//
//	GET  /v1/trends            the table (secretariat) or the reports received (anyone else)
//	GET  /v1/trends/table      ?from=&to=&by=&k=&m=&p=: the aggregated table, suppression applied
//	GET  /v1/trends/reports    the trend reports received, newest first
//	POST /v1/trends/publish    TrendPublishRequest: publish a report (secretariat only)
//	GET  /v1/similar           ?category=&tech_area=: the 相場感 of a category

// TrendPublishRequest is the body of POST /v1/trends/publish.
type TrendPublishRequest struct {
	Period string   `json:"period"`
	By     []string `json:"by,omitempty"`
	TLP    string   `json:"tlp,omitempty"`
	K      int      `json:"k,omitempty"`
	M      int      `json:"m,omitempty"`
	P      int      `json:"p,omitempty"`
}

// TrendPublishResult is the answer of POST /v1/trends/publish.
type TrendPublishResult struct {
	CID string `json:"cid"`
}

func (s *Server) handleTrends() {
	s.handle("GET /v1/trends", true, s.trends)
	s.handle("GET /v1/trends/table", true, s.trendTable)
	s.handle("GET /v1/trends/reports", true, s.trendReports)
	s.handle("POST /v1/trends/publish", true, s.publishTrend)
	s.handle("GET /v1/similar", true, s.similar)
}

func (s *Server) trends(w http.ResponseWriter, r *http.Request) {
	if s.node.Home().Config.Role == string(policy.RoleSecretariat) {
		s.trendTable(w, r)
		return
	}
	s.trendReports(w, r)
}

func trendOptions(q url.Values) (node.TrendOptions, error) {
	opt := node.TrendOptions{From: q.Get("from"), To: q.Get("to"), By: splitList(q["by"])}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"k", &opt.K}, {"m", &opt.M}, {"p", &opt.P}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return opt, fmt.Errorf("query parameter %s=%q is not a whole number", p.name, v)
			}
			*p.dst = n
		}
	}
	return opt, nil
}

func (s *Server) trendTable(w http.ResponseWriter, r *http.Request) {
	opt, err := trendOptions(r.URL.Query())
	if err != nil {
		writeError(w, &Error{Status: 400, Message: err.Error()})
		return
	}
	t, err := s.node.Trends(opt)
	if err != nil {
		writeError(w, trendError(err))
		return
	}
	writeJSON(w, 200, t)
}

func (s *Server) trendReports(w http.ResponseWriter, r *http.Request) {
	reps, err := s.node.TrendReports()
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, 200, reps)
}

func (s *Server) publishTrend(w http.ResponseWriter, r *http.Request) {
	var req TrendPublishRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, &Error{Status: 400, Message: "invalid trend publish request: " + err.Error()})
		return
	}
	c, err := s.node.PublishTrend(r.Context(), node.TrendPublishOptions{Period: req.Period, By: req.By, TLP: req.TLP, K: req.K, M: req.M, P: req.P})
	if err != nil {
		writeError(w, trendError(err))
		return
	}
	s.published.WithLabelValues("trend").Inc()
	writeJSON(w, 200, TrendPublishResult{CID: c})
}

func (s *Server) similar(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	res, err := s.node.Similar(node.SimilarOptions{Category: q.Get("category"), TechArea: q.Get("tech_area")})
	if err != nil {
		writeError(w, &Error{Status: 400, Message: err.Error(), Hint: "a category is an indicator's reason_category or a method's tactic, e.g. --category talent_recruitment"})
		return
	}
	writeJSON(w, 200, res)
}

// trendError gives a trend error its status and a hint a user can act on.
func trendError(err error) *Error {
	e := &Error{Status: 400, Message: err.Error()}
	switch {
	case errors.Is(err, policy.ErrWeakDisclosure):
		e.Hint = fmt.Sprintf("k and m may only be raised above %d and %d, and p only lowered below %d%%",
			policy.DefaultThresholds.K, policy.DefaultThresholds.M, policy.DefaultThresholds.P)
	case errors.Is(err, policy.ErrBadPeriod):
		e.Hint = "a period is a whole calendar month (2026-11) or quarter (2026-Q4), so that reports cannot be differenced into smaller windows"
	case errors.Is(err, policy.ErrUnknownDimension):
		e.Hint = "dimensions are " + strings.Join(policy.Dimensions(), ", ") + "; totals are taken over the last one"
	case errors.Is(err, node.ErrNotSecretariat):
		e.Status = http.StatusForbidden
		e.Hint = "members read the secretariat's reports with `ursic trends`, and their own 相場感 with `ursic similar`"
	case errors.Is(err, node.ErrReportLevel), errors.Is(err, policy.ErrUnknownLevel):
		e.Hint = "use --tlp green or --tlp amber: a report goes to every member, and TLP:RED is for named nodes only"
	case errors.Is(err, context.Canceled):
		e.Status = 499
	default:
		e.Status = http.StatusUnprocessableEntity
	}
	return e
}

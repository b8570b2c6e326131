package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ursic/ursic/node/digest"
)

// digest answers GET /v1/digest?since=RFC3339: what changed since then
// (default: the last 24 hours), titles and CIDs only.
func (s *Server) digest(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	since := now.Add(-24 * time.Hour)
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeError(w, &Error{Status: 400, Message: fmt.Sprintf("query parameter since=%q is not an RFC 3339 time", v)})
			return
		}
		since = t
	}
	d, err := s.node.Digest(since, now)
	if err != nil {
		writeError(w, &Error{Status: 400, Message: err.Error()})
		return
	}
	writeJSON(w, 200, d)
}

// mailDigest answers POST /v1/digest/mail: mail the digest now, as the
// schedule would, to check the relay settings.
func (s *Server) mailDigest(w http.ResponseWriter, r *http.Request) {
	if err := s.node.MailDigest(r.Context(), time.Now()); err != nil {
		writeError(w, &Error{Status: http.StatusBadGateway, Message: err.Error(), Hint: "check the \"digest\" section of config.json (see docs/SCREENING.md)"})
		return
	}
	writeJSON(w, 200, map[string]bool{"sent": true})
}

// Digest returns what changed on the node since a time.
func (c *Client) Digest(ctx context.Context, since time.Time) (*digest.Digest, error) {
	var d digest.Digest
	if err := c.do(ctx, "GET", "/v1/digest?since="+url.QueryEscape(since.Format(time.RFC3339)), nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// MailDigest asks the node to mail the digest now.
func (c *Client) MailDigest(ctx context.Context) error {
	return c.do(ctx, "POST", "/v1/digest/mail", nil, nil)
}

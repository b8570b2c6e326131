package api

import (
	"fmt"
	"net/http"
	"time"
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

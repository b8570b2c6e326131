package api

import (
	"fmt"
	"net/http"
	"time"
)

// STIXMediaType is the media type of a STIX 2.1 bundle.
const STIXMediaType = "application/stix+json;version=2.1"

// exportSTIX answers GET /v1/export/stix[?since=RFC3339] with one bundle of
// what may leave through the liaison.
func (s *Server) exportSTIX(w http.ResponseWriter, r *http.Request) {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeError(w, &Error{Status: 400, Message: fmt.Sprintf("query parameter since=%q is not an RFC 3339 time", v), Hint: "e.g. --since 2026-11-01T00:00:00Z"})
			return
		}
		since = t
	}
	b, err := s.node.ExportSTIX(since)
	if err != nil {
		writeError(w, internal(err))
		return
	}
	w.Header().Set("Content-Type", STIXMediaType)
	w.WriteHeader(200)
	w.Write(b)
}

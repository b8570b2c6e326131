package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/console"
)

// consoleSignIn mints a one-time sign-in link for the web console (`ursic
// console`). The link is on the address the caller reached the API at.
func (s *Server) consoleSignIn(w http.ResponseWriter, r *http.Request) {
	token, expires := s.console.MintSignIn()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: console.Prefix + "signin", RawQuery: url.Values{"token": {token}}.Encode()}
	writeJSON(w, 200, apiwire.ConsoleSignIn{URL: u.String(), Expires: expires.UTC()})
}

// recentAudit answers GET /v1/audit/recent?limit=N (default 100, at most
// 1000): the audit log's last entries, newest first.
func (s *Server) recentAudit(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, &Error{Status: 400, Message: fmt.Sprintf("query parameter limit=%q is not a whole number from 1 to 1000", v)})
			return
		}
		limit = n
	}
	entries, err := s.node.RecentAudit(limit)
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, 200, entries)
}

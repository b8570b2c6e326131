package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/liaison"
)

// ImportResult answers POST /v1/import/stix: one result per object of the
// bundle, in order.
type ImportResult struct {
	Results []node.ImportResult `json:"results"`
}

// importSTIX runs a partner's bundle through the node's publish path.
func (s *Server) importSTIX(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	opt := node.ImportOptions{Partner: q.Get("partner")}
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"dry_run", &opt.DryRun}, {"confirm_personal_data", &opt.ConfirmPersonalData}} {
		if v := q.Get(f.name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				writeError(w, &Error{Status: 400, Message: fmt.Sprintf("query parameter %s=%q is not true or false", f.name, v)})
				return
			}
			*f.dst = b
		}
	}
	data, err := readBody(w, r, liaison.MaxBundleSize)
	if err != nil {
		writeError(w, bodyError(err, &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("bundle larger than %d MiB", liaison.MaxBundleSize>>20)}))
		return
	}
	res, err := s.node.ImportSTIX(r.Context(), data, opt)
	if errors.Is(err, liaison.ErrBadBundle) {
		writeError(w, &Error{Status: 422, Message: err.Error()})
		return
	}
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, 200, ImportResult{Results: res})
}

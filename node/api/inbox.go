package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ursic/ursic/node"
)

// InboxShowResult answers GET /v1/inbox/{id}: the item and, while it is
// pending, the objects the partner posted.
type InboxShowResult struct {
	Item    node.InboxItem    `json:"item"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

func inboxError(err error) *Error {
	if errors.Is(err, node.ErrInboxItem) {
		return &Error{Status: 404, Message: err.Error(), Hint: "`ursic inbox list` shows the items"}
	}
	return internal(err)
}

func (s *Server) inboxList(w http.ResponseWriter, r *http.Request) {
	items, err := s.node.InboxList()
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, 200, items)
}

func (s *Server) inboxShow(w http.ResponseWriter, r *http.Request) {
	item, objs, err := s.node.InboxShow(r.PathValue("id"))
	if err != nil {
		writeError(w, inboxError(err))
		return
	}
	writeJSON(w, 200, InboxShowResult{Item: item, Objects: objs})
}

func (s *Server) inboxAccept(w http.ResponseWriter, r *http.Request) {
	var opt node.ImportOptions
	q := r.URL.Query()
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
	res, err := s.node.InboxAccept(r.Context(), r.PathValue("id"), opt)
	if err != nil {
		writeError(w, inboxError(err))
		return
	}
	writeJSON(w, 200, ImportResult{Results: res})
}

func (s *Server) inboxReject(w http.ResponseWriter, r *http.Request) {
	if err := s.node.InboxReject(r.PathValue("id")); err != nil {
		writeError(w, inboxError(err))
		return
	}
	writeJSON(w, 200, map[string]bool{"ok": true})
}

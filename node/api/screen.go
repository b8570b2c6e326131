package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/screen"
)

// screen answers POST /v1/screen?name=FILE&all=BOOL: the body is the list
// file as it is on disk (xlsx, CSV in UTF-8 or Shift_JIS, or one name a
// line), name its file name (its extension tells CSV from plain text).
func (s *Server) screen(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var opt node.ScreenOptions
	if v := q.Get("all"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, &Error{Status: 400, Message: fmt.Sprintf("query parameter all=%q is not true or false", v)})
			return
		}
		opt.All = b
	}
	data, err := readBody(w, r, screen.MaxFileSize)
	if err != nil {
		writeError(w, bodyError(err, &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("list larger than %d MiB", screen.MaxFileSize>>20), Hint: "split the list into parts"}))
		return
	}
	res, err := s.node.Screen(r.Context(), q.Get("name"), data, opt)
	if err != nil {
		writeError(w, screenError(err))
		return
	}
	writeJSON(w, 200, res)
}

// screenError turns a list that cannot be read into an error with a hint.
func screenError(err error) *Error {
	e := &Error{Status: http.StatusUnprocessableEntity, Message: err.Error()}
	switch {
	case errors.Is(err, screen.ErrEncoding):
		e.Hint = "save the list from Excel as \"CSV UTF-8 (comma delimited)\" or as .xlsx"
	case errors.Is(err, screen.ErrNoNameColumn):
		e.Hint = "add a header cell \"name\" (or 組織名, 名称, organisation) above the names, or remove the header row"
	case errors.Is(err, screen.ErrEmpty):
		e.Hint = "give one organisation a line, or a CSV or .xlsx with a name column"
	case errors.Is(err, screen.ErrTooManyRows):
		e.Hint = "screen the list in parts"
	case errors.Is(err, screen.ErrFormat):
		e.Hint = "give an .xlsx workbook, a CSV file, or plain text with one name a line"
	case errors.Is(err, context.Canceled):
		e.Status = 499
	}
	return e
}

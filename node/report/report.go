// Package report writes the CSV reports officers take to committees, as
// Excel in a Japanese locale opens them: UTF-8 with a byte order mark, the
// document's highest TLP alone on the first line, the TLP of each row in its
// own column, CRLF line ends. Start with [WriteCSV]; [ScreenCSV] is the
// screening report that `ursic screen --csv` and the console both write.
package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/policy"
)

// utf8BOM makes Excel in a Japanese locale read a CSV file as UTF-8 (it
// reads one without it as Shift_JIS).
const utf8BOM = "\uFEFF"

// TLPLabel is a TLP level as FIRST writes it: "TLP:AMBER+STRICT". An empty
// level is "" (a row that carries no shared information).
func TLPLabel(tlp string) string {
	if tlp == "" {
		return ""
	}
	if l, err := policy.ParseLevel(tlp); err == nil {
		tlp = l.String()
	}
	return "TLP:" + strings.ToUpper(tlp)
}

// HighestTLP is the most restricted of the levels given, TLP:CLEAR if none.
func HighestTLP(tlps []string) string {
	hi := policy.Clear
	for _, t := range tlps {
		if l, err := policy.ParseLevel(t); err == nil && l > hi {
			hi = l
		}
	}
	return TLPLabel(hi.String())
}

// WriteCSV writes a report: the byte order mark, highest alone on the first
// line, then the header and the rows.
func WriteCSV(w io.Writer, highest string, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return fmt.Errorf("failed to write the report: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{highest}); err != nil {
		return fmt.Errorf("failed to write the report: %w", err)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("failed to write the report: %w", err)
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("failed to write the report: %w", err)
	}
	return nil
}

// ScreenCSV writes a screening result: one line per hit, or per row without
// hits.
func ScreenCSV(w io.Writer, res *apiwire.ScreenResult) error {
	var tlps []string
	var rows [][]string
	for _, r := range res.Rows {
		if len(r.Hits) == 0 {
			rows = append(rows, []string{strconv.Itoa(r.Row), r.Name, TLPLabel("clear"), "", "", "", "", "", "", "", "", r.Note})
			continue
		}
		for _, h := range r.Hits {
			tlps = append(tlps, h.TLP)
			rows = append(rows, []string{
				strconv.Itoa(r.Row), r.Name, TLPLabel(h.TLP), h.CID, h.Matched, h.How, strconv.FormatFloat(h.Score, 'f', 2, 64),
				h.Severity, strconv.FormatBool(h.Expired), h.Title, h.Mitigation, r.Note,
			})
		}
	}
	header := []string{"row", "name", "tlp", "cid", "matched", "how", "score", "severity", "expired", "title", "suggested_mitigation", "note"}
	return WriteCSV(w, HighestTLP(tlps), header, rows)
}

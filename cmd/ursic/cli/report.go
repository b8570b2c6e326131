package cli

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/ursic/ursic/policy"
)

// utf8BOM makes Excel in a Japanese locale read a CSV file as UTF-8 (it
// reads one without it as Shift_JIS).
const utf8BOM = "\uFEFF"

// tlpLabel is a TLP level as FIRST writes it: "TLP:AMBER+STRICT". An empty
// level is "" (a row that carries no shared information).
func tlpLabel(tlp string) string {
	if tlp == "" {
		return ""
	}
	if l, err := policy.ParseLevel(tlp); err == nil {
		tlp = l.String()
	}
	return "TLP:" + strings.ToUpper(tlp)
}

// highestTLP is the most restricted of the levels given, TLP:CLEAR if none.
func highestTLP(tlps []string) string {
	hi := policy.Clear
	for _, t := range tlps {
		if l, err := policy.ParseLevel(t); err == nil && l > hi {
			hi = l
		}
	}
	return tlpLabel(hi.String())
}

// writeReportCSV writes a committee report: UTF-8 with a byte order mark,
// the document's highest TLP alone on the first line, then the header and
// the rows, with CRLF line ends as Excel writes them.
func writeReportCSV(w io.Writer, highest string, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{highest}); err != nil {
		return err
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

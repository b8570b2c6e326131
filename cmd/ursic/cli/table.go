package cli

import (
	"bytes"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// table lays out tab-separated lines in columns, as text/tabwriter does,
// but measures text as a terminal draws it: a Japanese character, full-width
// letter or ideograph takes two columns, a combining mark none.
// text/tabwriter counts every rune as one column, so a title in Japanese
// pushed the rest of its line out of line with the header.
//
// Cells ended by a tab form the columns; what follows a line's last tab is
// written as it is. Each column is as wide as its widest cell plus a gap
// of two spaces.
type table struct {
	w   io.Writer
	buf bytes.Buffer
}

func newTable(w io.Writer) *table { return &table{w: w} }

func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the buffered lines in columns.
func (t *table) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	lines := strings.SplitAfter(text, "\n")
	var widths []int
	cells := make([][]string, len(lines))
	for i, l := range lines {
		cells[i] = strings.Split(strings.TrimSuffix(l, "\n"), "\t")
		for j, c := range cells[i][:len(cells[i])-1] {
			if j == len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], displayWidth(c))
		}
	}
	var out strings.Builder
	for i, l := range lines {
		if l == "" {
			continue
		}
		row := cells[i]
		for j, c := range row[:len(row)-1] {
			out.WriteString(c)
			out.WriteString(strings.Repeat(" ", widths[j]-displayWidth(c)+2))
		}
		out.WriteString(row[len(row)-1])
		if strings.HasSuffix(l, "\n") {
			out.WriteByte('\n')
		}
	}
	_, err := io.WriteString(t.w, out.String())
	return err
}

// displayWidth is how many terminal columns s takes: two for East Asian
// wide and full-width characters, none for combining marks and zero-width
// format characters, one for the rest.
func displayWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// clip shortens s to at most n terminal columns, ending it with "…" when
// it had to cut.
func clip(s string, n int) string {
	if displayWidth(s) <= n {
		return s
	}
	w := 0
	for i, r := range s {
		rw := runeWidth(r)
		if w+rw > n-1 {
			return s[:i] + "…"
		}
		w += rw
	}
	return s
}

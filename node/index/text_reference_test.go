package index

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// scanBodyReference is ScanBody as it was before it reported values to a
// visitor (2026-11-30): the reference the scan is compared with
// (TestScanBodyMatchesReference, FuzzScanBodyMatchesReference).
func scanBodyReference(body json.RawMessage) BodyText {
	var (
		out       BodyText
		b         strings.Builder
		inObject  []bool // one per open container: true for an object, false for an array
		expectKey bool   // the next string is an object key
		key       string // the last key read in the top-level object
	)
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{':
			inObject = append(inObject, true)
			expectKey = true
		case '[':
			inObject = append(inObject, false)
			expectKey = false
		case '}', ']':
			if len(inObject) > 0 {
				inObject = inObject[:len(inObject)-1]
			}
			expectKey = false
		case ',':
			expectKey = len(inObject) > 0 && inObject[len(inObject)-1]
		case ':':
			expectKey = false
		case '"':
			// The string ends at the first quote not escaped.
			j, escaped := i+1, false
			for ; j < len(body) && body[j] != '"'; j++ {
				if body[j] == '\\' {
					escaped = true
					j++
				}
			}
			if j >= len(body) {
				out.Text = strings.ToLower(b.String()) // unterminated: not JSON
				return out
			}
			s := string(body[i+1 : j])
			if (escaped || !utf8.ValidString(s)) && json.Unmarshal(body[i:j+1], &s) != nil {
				s = "" // a malformed escape: not JSON
			}
			top := len(inObject) == 1 && inObject[0]
			switch {
			case expectKey:
				if top {
					key = s
				}
			case s != "":
				if top {
					switch key {
					case "title":
						out.Title = s
					case "valid_until":
						out.ValidUntil = s
					case "review_due":
						out.ReviewDue = s
					}
				}
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(s)
			}
			i = j
		}
	}
	out.Text = strings.ToLower(b.String())
	return out
}

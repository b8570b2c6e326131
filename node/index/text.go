package index

import (
	"encoding/json"
	"strings"
)

// SearchText returns the lower-cased string values of a record's JSON body (titles, summaries,
// narratives, names, …), one per line, in document order. Object keys, numbers and booleans are
// left out.
//
// It scans the bytes rather than decoding into maps: at start the node indexes every record, and
// json.Unmarshal was a fifth of Insert's time. Bodies reach the index already validated by
// share.ParseRecord; for anything else the scan stays in bounds and returns what it found.
func SearchText(body json.RawMessage) string {
	var (
		b         strings.Builder
		inObject  []bool // one per open container: true for an object, false for an array
		expectKey bool   // the next string is an object key
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
				return strings.ToLower(b.String()) // unterminated: not JSON
			}
			if !expectKey && j > i+1 {
				s := string(body[i+1 : j])
				if escaped && json.Unmarshal(body[i:j+1], &s) != nil {
					s = "" // a malformed escape: not JSON
				}
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(s)
			}
			i = j
		}
	}
	return strings.ToLower(b.String())
}

package index

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// BodyText is what the node indexes of a record's JSON body, read in one pass.
type BodyText struct {
	// Text is the body's string values, lower-cased, one per line (see SearchText).
	Text string
	// Title, ValidUntil and ReviewDue are the body's top-level members of those names
	// ("title", "valid_until", "review_due") when they are strings, as written.
	Title, ValidUntil, ReviewDue string
}

// SearchText returns the lower-cased string values of a record's JSON body (titles, summaries,
// narratives, names, …), one per line, in document order. Object keys, numbers and booleans are
// left out.
func SearchText(body json.RawMessage) string { return ScanBody(body).Text }

// ScanBody reads a record's JSON body once for the index: its text and the top-level members
// the index keeps.
//
// It scans the bytes rather than decoding into maps or structs: at start the node indexes every
// record, and json.Unmarshal was a fifth of Insert's time. Bodies reach the index already
// validated by share.ParseRecord; for anything else the scan stays in bounds and returns what it
// found.
func ScanBody(body json.RawMessage) BodyText { return ScanBodyFunc(body, nil) }

// A Step is one level of the path from a body's top-level value down to a value in it: the
// container the value is in and, in an object, the name of its member.
type Step struct {
	// Key is the member's name, decoded, in an object; nil in an array. Its bytes may be the
	// body's own: they are valid only during the visit.
	Key     []byte
	InArray bool
}

// A Visitor is called by ScanBodyFunc for each value of a body, in document order. path is the
// path to the value (empty for the top-level value; path[0].Key is a top-level member's name);
// kind is the value's first byte — '{', '[', '"', 't', 'f', 'n' — or '0' for a number; s is a
// string's decoded bytes. Neither path nor s may be kept after the call.
type Visitor func(path []Step, kind byte, s []byte)

// ScanBodyFunc is ScanBody that also shows every value it passes to visit, so that a caller
// reading other members of the body (the node's case table and screening subject) need not
// parse it again. The paths and kinds are right for valid JSON only: for anything else the
// visits are whatever the scan met, and a caller must not rely on them (json.Valid tells).
// The BodyText is ScanBody's whatever visit does.
func ScanBodyFunc(body json.RawMessage, visit Visitor) BodyText {
	var (
		out         BodyText
		text        []byte // the string values, one per line, before lower-casing
		stack       []Step // one per open container
		expectKey   bool   // the next string is an object key
		expectValue = true // the next token starts a value
		key         []byte // the last key read in the top-level object
	)
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '{', '[':
			if visit != nil && expectValue {
				visit(stack, c, nil)
			}
			stack = append(stack, Step{InArray: c == '['})
			expectKey, expectValue = c == '{', c == '['
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey, expectValue = false, false
		case ',':
			inObject := len(stack) > 0 && !stack[len(stack)-1].InArray
			expectKey, expectValue = inObject, len(stack) > 0 && !inObject
		case ':':
			expectKey, expectValue = false, true
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
				out.Text = lowerText(text) // unterminated: not JSON
				return out
			}
			s := body[i+1 : j : j]
			if escaped || !utf8.Valid(s) {
				var d string
				if json.Unmarshal(body[i:j+1], &d) != nil {
					d = "" // a malformed escape: not JSON
				}
				s = []byte(d)
			}
			top := len(stack) == 1 && !stack[0].InArray
			switch {
			case expectKey:
				if len(stack) > 0 { // always, in fact: a key is expected only in an object
					stack[len(stack)-1].Key = s
				}
				if top {
					key = s
				}
			default:
				if visit != nil && expectValue {
					visit(stack, '"', s)
				}
				if len(s) == 0 {
					break
				}
				if top {
					switch string(key) {
					case "title":
						out.Title = string(s)
					case "valid_until":
						out.ValidUntil = string(s)
					case "review_due":
						out.ReviewDue = string(s)
					}
				}
				if len(text) > 0 {
					text = append(text, '\n')
				}
				text = append(text, s...)
			}
			expectValue = false
			i = j
		case ' ', '\t', '\n', '\r':
		default:
			if visit != nil && expectValue {
				if c == '-' || c >= '0' && c <= '9' {
					c = '0'
				}
				visit(stack, c, nil)
			}
			expectValue = false
		}
	}
	out.Text = lowerText(text)
	return out
}

// lowerText is strings.ToLower(string(text)), with one allocation when text is ASCII.
func lowerText(text []byte) string {
	for _, c := range text {
		if c >= utf8.RuneSelf {
			return strings.ToLower(string(text))
		}
	}
	for i, c := range text {
		if 'A' <= c && c <= 'Z' {
			text[i] = c + 'a' - 'A'
		}
	}
	return string(text)
}

package share

import (
	"encoding/json"
	"unicode/utf8"
)

// A record body is parsed every time a node opens a record, so the strict
// parse of [Record.Validate] and [ParseRecord] runs in one pass over the
// bytes here, without encoding/json's Decoder.Token (an interface value and
// a scanner step per byte, and a path string per member).
//
// fastParse only accepts. It returns the tree [jsonParser] would build —
// map[string]any, []any, json.Number as written, string, bool and nil — for
// exactly one JSON value followed by nothing but white space, and ok=false
// for anything else: invalid UTF-8, a syntax error, a duplicate member,
// nesting deeper than maxJSONDepth. The caller then runs jsonParser, whose
// errors (with their lines, columns and paths) are the ones users see. A
// refusal here can therefore only cost time; an acceptance jsonParser would
// not make, or a different tree, would be a bug, and
// FuzzFastParseMatchesParser compares the two on every input.
func fastParse(data []byte) (v any, ok bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	p := fastJSON{data: data, text: string(data)}
	v, ok = p.value(0)
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.off == len(p.data)
}

type fastJSON struct {
	data []byte
	// text is data as one string, copied once: a string without escapes is
	// a substring of it rather than an allocation of its own.
	text string
	off  int
}

// space skips JSON white space (RFC 8259 §2).
func (p *fastJSON) space() {
	for p.off < len(p.data) {
		switch p.data[p.off] {
		case ' ', '\t', '\n', '\r':
			p.off++
		default:
			return
		}
	}
}

// value parses the value at p.off, after white space. depth counts as in
// jsonParser.value: the top-level value is at 0, its members at 1.
func (p *fastJSON) value(depth int) (any, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	p.space()
	if p.off >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.off]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		start, escaped, ok := p.scanString()
		if !ok {
			return nil, false
		}
		if !escaped {
			if v, ok := internedValues[string(p.data[start+1:p.off-1])]; ok {
				return v, true
			}
		}
		return p.decodeString(start, escaped)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, false
}

func (p *fastJSON) literal(lit string) bool {
	if len(p.data)-p.off < len(lit) || string(p.data[p.off:p.off+len(lit)]) != lit {
		return false
	}
	p.off += len(lit)
	return true
}

func (p *fastJSON) object(depth int) (any, bool) {
	p.off++ // '{'
	m := map[string]any{}
	p.space()
	if p.off < len(p.data) && p.data[p.off] == '}' {
		p.off++
		return m, true
	}
	for {
		p.space()
		if p.off >= len(p.data) || p.data[p.off] != '"' {
			return nil, false
		}
		start, escaped, ok := p.scanString()
		if !ok {
			return nil, false
		}
		k, interned := internedKeys[string(p.data[start+1:p.off-1])]
		if !interned || escaped {
			if k, ok = p.decodeString(start, escaped); !ok {
				return nil, false
			}
		}
		if _, dup := m[k]; dup {
			return nil, false
		}
		p.space()
		if p.off >= len(p.data) || p.data[p.off] != ':' {
			return nil, false
		}
		p.off++
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v
		p.space()
		if p.off >= len(p.data) {
			return nil, false
		}
		switch p.data[p.off] {
		case ',':
			p.off++
		case '}':
			p.off++
			return m, true
		default:
			return nil, false
		}
	}
}

func (p *fastJSON) array(depth int) (any, bool) {
	p.off++ // '['
	a := []any{}
	p.space()
	if p.off < len(p.data) && p.data[p.off] == ']' {
		p.off++
		return a, true
	}
	for {
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		p.space()
		if p.off >= len(p.data) {
			return nil, false
		}
		switch p.data[p.off] {
		case ',':
			p.off++
		case ']':
			p.off++
			return a, true
		default:
			return nil, false
		}
	}
}

// scanString moves p.off past the string whose '"' is at p.off, and
// returns where it started and whether it has escapes: the string with its
// quotes is p.data[start:p.off].
func (p *fastJSON) scanString() (start int, escaped, ok bool) {
	start = p.off
	for i := start + 1; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '"':
			p.off = i + 1
			return start, escaped, true
		case c == '\\':
			escaped = true
			i++ // the escaped byte cannot end the string; decodeString checks the escape
		case c < 0x20:
			return 0, false, false
		}
	}
	return 0, false, false
}

// decodeString is the value of the string scanString just scanned. One
// without escapes (most of them) is its bytes, the input being valid UTF-8;
// one with escapes is decoded by encoding/json itself, so that \u escapes,
// surrogate pairs and lone surrogates (U+FFFD) come out exactly as
// jsonParser has them.
func (p *fastJSON) decodeString(start int, escaped bool) (string, bool) {
	if !escaped {
		return p.text[start+1 : p.off-1], true
	}
	var s string
	if err := json.Unmarshal(p.data[start:p.off], &s); err != nil {
		return "", false
	}
	return s, true
}

// The member names of the record schemas and their enumerated values: a
// member name is looked up here rather than allocated for every record
// opened, and an enumerated value is shared already boxed as an any.
// object and enum fill them while the package's variables are initialised;
// afterwards they are only read.
var (
	internedKeys   = map[string]string{}
	internedValues = map[string]any{}
)

func internKey(k string) { internedKeys[k] = k }

func internValue(v string) { internedValues[v] = v }

// number parses a number (RFC 8259 §6) and keeps it as written, as
// json.Decoder.UseNumber does.
func (p *fastJSON) number() (any, bool) {
	d, i := p.data, p.off
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		return nil, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			return nil, false
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return nil, false
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	n := json.Number(d[p.off:i])
	p.off = i
	return n, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

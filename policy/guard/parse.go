package guard

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// parseRecord reads a record's JSON into the tree the walker reads: keys in
// document order (duplicates kept, so a second "narrative" cannot hide the
// first), containers nested deeper than maxDepth skipped unread (jTooDeep),
// so depth costs no stack. It reads in one pass, without building Go maps.
func parseRecord(body []byte) (*jvalue, error) {
	p := &parser{b: body}
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return nil, fmt.Errorf("guard: record is not valid JSON: %w", err)
	}
	p.ws()
	if p.i != len(p.b) {
		return nil, errors.New("guard: record is not valid JSON: data after the first value")
	}
	return v, nil
}

type parser struct {
	b []byte
	i int
}

var errEnd = errors.New("unexpected end of input")

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: "+format, append([]any{p.i}, args...)...)
}

func (p *parser) value(depth int) (*jvalue, error) {
	if p.i >= len(p.b) {
		return nil, errEnd
	}
	switch c := p.b[p.i]; {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return &jvalue{kind: jTooDeep}, p.skip()
		}
		return p.container(depth)
	case c == '"':
		s, err := p.str()
		return &jvalue{kind: jString, str: s}, err
	case c == 't':
		return &jvalue{kind: jBool}, p.literal("true")
	case c == 'f':
		return &jvalue{kind: jBool}, p.literal("false")
	case c == 'n':
		return &jvalue{kind: jNull}, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return &jvalue{kind: jNumber}, p.number()
	default:
		return nil, p.errorf("unexpected %q", c)
	}
}

func (p *parser) container(depth int) (*jvalue, error) {
	object := p.b[p.i] == '{'
	v := &jvalue{kind: jArray}
	closing := byte(']')
	if object {
		v.kind, closing = jObject, '}'
	}
	p.i++
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == closing {
		p.i++
		return v, nil
	}
	for {
		p.ws()
		if object {
			if p.i >= len(p.b) || p.b[p.i] != '"' {
				return nil, p.errorf("object key is not a string")
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != ':' {
				return nil, p.errorf("missing ':' after an object key")
			}
			p.i++
			p.ws()
			v.keys = append(v.keys, k)
		}
		child, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.vals = append(v.vals, child)
		p.ws()
		if p.i >= len(p.b) {
			return nil, errEnd
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case closing:
			p.i++
			return v, nil
		default:
			return nil, p.errorf("unexpected %q", p.b[p.i])
		}
	}
}

// skip passes over a container without reading it, checking only that
// strings end and brackets balance.
func (p *parser) skip() error {
	var stack []byte
	for p.i < len(p.b) {
		switch c := p.b[p.i]; c {
		case '"':
			if _, err := p.str(); err != nil {
				return err
			}
			continue
		case '{', '[':
			stack = append(stack, c)
		case '}', ']':
			if len(stack) == 0 || (c == '}') != (stack[len(stack)-1] == '{') {
				return p.errorf("unbalanced %q", c)
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				p.i++
				return nil
			}
		}
		p.i++
	}
	return errEnd
}

func (p *parser) literal(word string) error {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return p.errorf("invalid literal")
	}
	p.i += len(word)
	return nil
}

func (p *parser) number() error {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return p.errorf("invalid number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return p.errorf("invalid number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return p.errorf("invalid number")
		}
	}
	if p.i == start {
		return p.errorf("invalid number")
	}
	return nil
}

// str reads a string; invalid UTF-8 becomes U+FFFD, as encoding/json does.
func (p *parser) str() (string, error) {
	p.i++ // the opening quote
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := string(p.b[start:p.i])
			p.i++
			if !utf8.ValidString(s) {
				s = string([]rune(s))
			}
			return s, nil
		}
		if c == '\\' {
			return p.strSlow(start)
		}
		if c < 0x20 {
			return "", p.errorf("control character in a string")
		}
		p.i++
	}
	return "", errEnd
}

func (p *parser) strSlow(start int) (string, error) {
	buf := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			s := string(buf)
			if !utf8.ValidString(s) {
				s = string([]rune(s))
			}
			return s, nil
		case c < 0x20:
			return "", p.errorf("control character in a string")
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			return "", errEnd
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(utf8.RuneError)
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if lo, err := p.hex4(); err == nil {
						if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
							r2 = d
						} else {
							p.i = save
						}
					} else {
						p.i = save
					}
				}
				r = r2
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.errorf("invalid escape \\%c", e)
		}
	}
	return "", errEnd
}

func (p *parser) hex4() (rune, error) {
	if len(p.b)-p.i < 4 {
		return 0, errEnd
	}
	n, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, p.errorf("invalid \\u escape")
	}
	p.i += 4
	return rune(n), nil
}

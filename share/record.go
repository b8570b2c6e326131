package share

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Record is one record as a user writes it (SPEC.md §6.1): its kind, its
// body and the policy it asks for.
type Record struct {
	Kind string
	// Body is the compact JSON object of the record's fields, "kind"
	// included and "policy" left out, members sorted by key: exactly the
	// plaintext [Seal] takes.
	Body json.RawMessage
	// Policy is the record's own "policy" member, nil if it has none.
	// Command-line flags override it.
	Policy *RecordPolicy
}

// RecordPolicy is the optional "policy" member of a record file. TLP is as
// written (case-insensitive, optional "TLP:" prefix).
type RecordPolicy struct {
	TLP      string   `json:"tlp,omitempty"`
	Audience []string `json:"audience,omitempty"`
	Caveats  []string `json:"caveats,omitempty"`
}

// maxJSONDepth bounds nesting in a record; the deepest valid record nests 4.
const maxJSONDepth = 16

// ParseRecord parses one record: a JSON object with a known user "kind" and
// an optional "policy". It checks JSON syntax (a [*SyntaxError] gives line,
// column and offset), refuses duplicate members and unknown or control
// kinds ([ErrUnknownKind], [ErrControlKind]) and extracts the policy. It does
// not check the kind's fields: call [Record.Validate] for that.
func ParseRecord(data []byte) (*Record, error) {
	if len(data) > MaxPlaintextSize {
		return nil, fmt.Errorf("%w: record is %d bytes, the limit is %d", ErrTooLarge, len(data), MaxPlaintextSize)
	}
	v, err := parseOne(data, "no record: the input is empty")
	if err != nil {
		return nil, err
	}
	return recordFromValue(v)
}

// parseOne parses data as exactly one JSON value, strictly (see
// [jsonParser]); empty is the message for input with no value at all. The
// single pass of fastParse accepts valid input; anything it refuses is
// parsed again by jsonParser, for the error and its position.
func parseOne(data []byte, empty string) (any, error) {
	if v, ok := fastParse(data); ok {
		return v, nil
	}
	p, err := newJSONParser(data)
	if err != nil {
		return nil, err
	}
	v, err := p.value("", 0)
	if err == io.EOF {
		return nil, &SyntaxError{Line: 1, Column: 1, Msg: empty}
	}
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	// jsonParser accepted what fastParse refused: a bug in fastParse, which
	// costs only time (FuzzFastParseMatchesParser looks for it).
	return v, nil
}

// ParseRecords parses a record file: one JSON object, or JSON Lines (one
// object a line; more generally, objects separated by white space). Errors
// say which record, and where, failed.
func ParseRecords(data []byte) ([]*Record, error) {
	p, err := newJSONParser(data)
	if err != nil {
		return nil, err
	}
	var out []*Record
	for n := 1; ; n++ {
		line := p.nextLine()
		v, err := p.value("", 0)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("record %d (line %d): %w", n, line, err)
		}
		r, err := recordFromValue(v)
		if err != nil {
			return nil, fmt.Errorf("record %d (line %d): %w", n, line, err)
		}
		if len(r.Body) > MaxPlaintextSize {
			return nil, fmt.Errorf("record %d (line %d): %w: the body is %d bytes, the limit is %d", n, line, ErrTooLarge, len(r.Body), MaxPlaintextSize)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, &SyntaxError{Line: 1, Column: 1, Msg: "no record: the input is empty"}
	}
	return out, nil
}

func recordFromValue(v any) (*Record, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &FieldError{Problem: "a record must be a JSON object, not " + jsonType(v)}
	}
	kind, err := kindOf(m)
	if err != nil {
		return nil, err
	}
	r := &Record{Kind: kind}
	if pv, ok := m["policy"]; ok {
		if r.Policy, err = policyOf(pv); err != nil {
			return nil, err
		}
		delete(m, "policy")
	}
	if r.Body, err = compactJSON(m); err != nil {
		return nil, err
	}
	return r, nil
}

func kindOf(m map[string]any) (string, error) {
	kv, ok := m["kind"]
	if !ok {
		return "", &FieldError{Path: "kind", Problem: "required: the record's kind, one of " + strings.Join(UserKinds(), ", ")}
	}
	kind, ok := kv.(string)
	if !ok {
		return "", &FieldError{Path: "kind", Problem: "must be a string, not " + jsonType(kv)}
	}
	switch {
	case isControlKind(kind):
		return "", fmt.Errorf("%w %q is written by nodes, not in record files (valid kinds: %s)", ErrControlKind, kind, strings.Join(UserKinds(), ", "))
	case !isUserKind(kind):
		return "", fmt.Errorf("%w %s (valid kinds: %s)", ErrUnknownKind, quote(kind), strings.Join(UserKinds(), ", "))
	}
	return kind, nil
}

func policyOf(v any) (*RecordPolicy, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &FieldError{Path: "policy", Problem: "must be an object, not " + jsonType(v)}
	}
	var p RecordPolicy
	for k, v := range m {
		path := "policy." + k
		switch k {
		case "tlp":
			s, ok := v.(string)
			if !ok {
				return nil, &FieldError{Path: path, Problem: "must be a string, not " + jsonType(v)}
			}
			p.TLP = s
		case "audience", "caveats":
			list, ok := v.([]any)
			if !ok {
				return nil, &FieldError{Path: path, Problem: "must be an array of strings, not " + jsonType(v)}
			}
			ss := make([]string, len(list))
			for i, e := range list {
				if ss[i], ok = e.(string); !ok {
					return nil, &FieldError{Path: fmt.Sprintf("%s[%d]", path, i), Problem: "must be a string, not " + jsonType(e)}
				}
			}
			if k == "audience" {
				p.Audience = ss
			} else {
				p.Caveats = ss
			}
		default:
			return nil, &FieldError{Path: path, Problem: "unknown field (valid: tlp, audience, caveats)"}
		}
	}
	return &p, nil
}

// compactJSON writes v with members sorted and no HTML escaping, so that an
// operator reading a body with the age CLI sees "<" and "&" as written.
func compactJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("share: failed to encode record: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkBody checks a plaintext against kind: what [Seal] and
// [Envelope.Open] require of a user record's body.
func checkBody(kind string, plain []byte) error {
	return (&Record{Kind: kind, Body: plain}).Validate()
}

// Title is a one-line title for lists: the record's title where it has
// one, else a description made from its fields.
func (r *Record) Title() string {
	// Only the members a title is made of are decoded (a struct, not a map:
	// this runs for every record a node opens).
	var m TitleMembers
	_ = json.Unmarshal(r.Body, &m) // best effort: a title for what parses
	return TitleOf(r.Kind, &m)
}

// TitleMembers are the members of a record's body that [Record.Title] makes
// a title of, for a reader that has them already (a node reads them in the
// same pass as the rest of the body).
type TitleMembers struct {
	Title      string `json:"title"`
	Ref        string `json:"ref"`
	Outcome    string `json:"outcome"`
	Period     string `json:"period"`
	Target     string `json:"target"`
	RecordKind string `json:"record_kind"`
}

// TitleOf is the title of a record of kind whose body has the members m:
// [Record.Title] without the decoding.
func TitleOf(kind string, m *TitleMembers) string {
	short := func(c string) string {
		if len(c) > 16 {
			return c[:8] + "…" + c[len(c)-6:]
		}
		return c
	}
	switch kind {
	case KindIndicator, KindMethod:
		if m.Title != "" {
			return m.Title
		}
	case KindSighting:
		return fmt.Sprintf("Sighting of %s: %s", short(m.Ref), m.Outcome)
	case KindTrend:
		return "Trend report " + m.Period
	case KindRetraction:
		return "Retraction of " + short(m.Target)
	case KindFacet:
		return fmt.Sprintf("Facet: %s %s", m.RecordKind, m.Period)
	}
	return "Untitled " + kind
}

// jsonParser reads JSON values strictly: it keeps numbers as written,
// refuses duplicate members and deep nesting, and reports positions.
type jsonParser struct {
	data []byte
	dec  *json.Decoder
}

func newJSONParser(data []byte) (*jsonParser, error) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, syntaxErrorAt(data, int64(off), "invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return &jsonParser{data: data, dec: dec}, nil
}

// nextLine is the line on which the next value starts.
func (p *jsonParser) nextLine() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) && strings.IndexByte(" \t\r\n", p.data[off]) >= 0 {
		off++
	}
	return 1 + bytes.Count(p.data[:off], []byte("\n"))
}

func (p *jsonParser) end() error {
	if _, err := p.dec.Token(); err != io.EOF {
		if err != nil {
			return p.syntaxError(err)
		}
		return syntaxErrorAt(p.data, p.dec.InputOffset(), "more than one JSON value; a record file with several records is JSON Lines")
	}
	return nil
}

// value reads the next value; io.EOF means there is none.
func (p *jsonParser) value(path string, depth int) (any, error) {
	tok, err := p.dec.Token()
	if err != nil {
		if err == io.EOF && depth == 0 {
			return nil, io.EOF
		}
		return nil, p.syntaxError(err)
	}
	if depth > maxJSONDepth {
		return nil, syntaxErrorAt(p.data, p.dec.InputOffset(), fmt.Sprintf("nested deeper than %d levels", maxJSONDepth))
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := map[string]any{}
			for p.dec.More() {
				kt, err := p.dec.Token()
				if err != nil {
					return nil, p.syntaxError(err)
				}
				k, _ := kt.(string)
				kp := joinPath(path, k)
				if _, dup := m[k]; dup {
					return nil, &FieldError{Path: kp, Problem: "duplicate field"}
				}
				if m[k], err = p.value(kp, depth+1); err != nil {
					return nil, err
				}
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, p.syntaxError(err)
			}
			return m, nil
		case '[':
			a := []any{}
			for i := 0; p.dec.More(); i++ {
				v, err := p.value(fmt.Sprintf("%s[%d]", path, i), depth+1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, p.syntaxError(err)
			}
			return a, nil
		}
		return nil, syntaxErrorAt(p.data, p.dec.InputOffset(), "unexpected "+t.String())
	default:
		return t, nil
	}
}

func (p *jsonParser) syntaxError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// json.Decoder.Token reports Offset relative to the value it was
		// reading; InputOffset is where it stopped, at the offending byte.
		return syntaxErrorAt(p.data, max(se.Offset, p.dec.InputOffset()), se.Error())
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return syntaxErrorAt(p.data, int64(len(p.data)), "unexpected end of input")
	}
	return syntaxErrorAt(p.data, p.dec.InputOffset(), err.Error())
}

func syntaxErrorAt(data []byte, off int64, msg string) *SyntaxError {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := 1 + bytes.Count(before, []byte("\n"))
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return &SyntaxError{Line: line, Column: col, Offset: off, Msg: msg}
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

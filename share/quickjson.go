package share

import (
	"bytes"
	"encoding/json"
)

// quickJSON parses one JSON document the way [jsonParser] does (numbers as
// json.Number, objects as map[string]any, arrays as []any) in one
// json.Decoder.Decode, which is several times cheaper than jsonParser's
// token by token walk: every record a node receives is validated, and that
// walk was a sixth of a bulk sync's CPU and much of its garbage.
//
// It answers only when it is sure the strict parser would accept data and
// build the same value: ok is false for anything a plain Decode would not
// judge the same way — a duplicate object member, a member name written
// with escapes (so compared only after unescaping), nesting near
// maxJSONDepth, trailing data, or any syntax error. The caller then runs
// jsonParser, which gives the precise error. data must be valid UTF-8
// (newJSONParser checks it). FuzzQuickJSON checks the two agree.
func quickJSON(data []byte) (v any, ok bool) {
	if !plainMembers(data) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) != 0 {
		return nil, false
	}
	return v, true
}

// plainMembers is a structural pre-scan for quickJSON: it reports whether no
// object in data repeats a member name, no member name has an escape, and
// containers nest less than maxJSONDepth-1 deep. It does not check syntax
// (Decode does); on input that is not JSON its answer only has to be safe,
// and a false is always safe.
func plainMembers(data []byte) bool {
	type level struct {
		object bool
		names  [][]byte        // member names of an object, as written
		seen   map[string]bool // the names, once there are many
	}
	var (
		stack   []level
		wantKey bool // the next string in the current object is a member name
	)
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			if len(stack) >= maxJSONDepth-2 {
				return false
			}
			stack = append(stack, level{object: c == '{'})
			wantKey = c == '{'
		case '}', ']':
			if len(stack) == 0 {
				return false
			}
			stack = stack[:len(stack)-1]
			wantKey = false
		case ',':
			wantKey = len(stack) > 0 && stack[len(stack)-1].object
		case '"':
			start := i + 1
			escaped := false
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					escaped = true
					i++
				}
			}
			if i >= len(data) {
				return false
			}
			if wantKey {
				if escaped {
					return false
				}
				top := &stack[len(stack)-1]
				name := data[start:i]
				if top.seen == nil && len(top.names) < 16 {
					for _, n := range top.names {
						if bytes.Equal(n, name) {
							return false
						}
					}
					top.names = append(top.names, name)
				} else {
					// Many members: a set, so a body of thousands of
					// members costs linear time, not quadratic.
					if top.seen == nil {
						top.seen = make(map[string]bool, 2*len(top.names))
						for _, n := range top.names {
							top.seen[string(n)] = true
						}
					}
					if top.seen[string(name)] {
						return false
					}
					top.seen[string(name)] = true
				}
				wantKey = false
			}
		}
	}
	return true
}

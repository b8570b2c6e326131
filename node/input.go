package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrEmptyInput is returned for an input that holds no record.
var ErrEmptyInput = errors.New("the input holds no record")

// SplitRecords splits a publish input into records. The input is either one
// JSON object (which may span lines) or JSON Lines: one object a line, blank
// lines ignored. A syntax error names its line and column.
func SplitRecords(data []byte) ([][]byte, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, ErrEmptyInput
	}
	// One value spanning the whole input: a single (perhaps pretty-printed) record.
	if json.Valid(trimmed) {
		return [][]byte{trimmed}, nil
	}
	lines := bytes.Split(data, []byte("\n"))
	firstLine := -1
	for i, l := range lines {
		if len(bytes.TrimSpace(l)) > 0 {
			firstLine = i
			break
		}
	}
	// If even the first line is not a complete JSON value, the input was meant
	// as one record: report the error against the whole input.
	if !json.Valid(bytes.TrimSpace(lines[firstLine])) {
		return nil, &RecordError{Err: syntaxError(data)}
	}
	var out [][]byte
	for i, l := range lines {
		l = bytes.TrimSpace(bytes.TrimSuffix(l, []byte("\r")))
		if len(l) == 0 {
			continue
		}
		if !json.Valid(l) {
			return nil, &RecordError{Line: i + 1, Err: syntaxError(l)}
		}
		out = append(out, l)
	}
	return out, nil
}

// syntaxError describes why data is not JSON, with line and column.
func syntaxError(data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := 1, 1
		for _, b := range data[:max(0, min(int(se.Offset)-1, len(data)))] {
			if b == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		return fmt.Errorf("malformed JSON at line %d, column %d: %v", line, col, se)
	}
	if err != nil {
		return fmt.Errorf("malformed JSON: %v", err)
	}
	return errors.New("malformed JSON: more than one value")
}

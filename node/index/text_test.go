package index

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/ursic/ursic/internal/corpus"
)

// corpusBodies returns every record body in the repository's corpora that this package can
// reach: each file, and each line of a .jsonl file.
func corpusBodies(t testing.TB) [][]byte {
	return corpus.Bodies(t, "../..", -1, nil)
}

// TestScanBodyMatchesReference: the scan that reports values to a visitor gives every corpus
// body, and the bodies of TestScanBody, the same BodyText as the scan before it did.
func TestScanBodyMatchesReference(t *testing.T) {
	bodies := append(corpusBodies(t), []byte(`{"title":"unterminated`), []byte(`{"title":1}{:"abc"}`),
		[]byte(`{"a" "Title" : "x", "title": "\ud800", "valid_until":"\x"}`), []byte(`["A",{"B":"ÄÖ"}]`), nil)
	for _, body := range bodies {
		if got, want := ScanBodyFunc(body, func([]Step, byte, []byte) {}), scanBodyReference(body); got != want {
			t.Errorf("ScanBodyFunc(%q) =\n%+v\nwant\n%+v", body, got, want)
		}
	}
}

// FuzzScanBodyMatchesReference: for any input, ScanBody gives what the reference scan gives,
// and on valid JSON the visits are the values encoding/json's tokenizer finds, in order.
func FuzzScanBodyMatchesReference(f *testing.F) {
	for _, b := range corpusBodies(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"a":[1,-2.5e3,true,false,null,{"b":{}},[]],"c\u0041":"\u00e9\ud83d\ude00","":""}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var got []string
		text := ScanBodyFunc(body, func(path []Step, kind byte, s []byte) { got = append(got, visitString(path, kind, s)) })
		if want := scanBodyReference(body); text != want {
			t.Fatalf("ScanBodyFunc(%q) =\n%+v\nwant\n%+v", body, text, want)
		}
		if !json.Valid(body) {
			return
		}
		want, err := tokenVisits(body)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("visits of %q:\n got %q\nwant %q", body, got, want)
		}
	})
}

// TestScanBodyFuncVisits: the visits of a body with every kind of value, nested.
func TestScanBodyFuncVisits(t *testing.T) {
	body := []byte(` {"a" : [1, -2.5e3, true, false, null, {"b": {}}, []], "c\u0041": "\u00e9", "d": {"e": ["f"]}} `)
	var got []string
	ScanBodyFunc(body, func(path []Step, kind byte, s []byte) { got = append(got, visitString(path, kind, s)) })
	want := []string{`{`, `.a [`, `.a[] 0`, `.a[] 0`, `.a[] t`, `.a[] f`, `.a[] n`, `.a[] {`, `.a[].b {`, `.a[] [`,
		`.cA "é"`, `.d {`, `.d.e [`, `.d.e[] "f"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("visits:\n got %q\nwant %q", got, want)
	}
	if w, _ := tokenVisits(body); !reflect.DeepEqual(w, want) {
		t.Errorf("tokenVisits:\n got %q\nwant %q", w, want)
	}
}

// visitString writes one visit as a line: the path, the kind, and a string's value.
func visitString(path []Step, kind byte, s []byte) string {
	var b strings.Builder
	for _, st := range path {
		if st.InArray {
			b.WriteString("[]")
		} else {
			b.WriteString("." + string(st.Key))
		}
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if kind == '"' {
		fmt.Fprintf(&b, "%q", s)
	} else {
		b.WriteByte(kind)
	}
	return b.String()
}

// tokenVisits is what a Visitor should see of a valid JSON body, found with json.Decoder.Token.
func tokenVisits(body []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var (
		out   []string
		stack []Step
	)
	// A string token is a key when the innermost container is an object expecting one.
	keyNext := []bool{}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack, keyNext = stack[:len(stack)-1], keyNext[:len(keyNext)-1]
			if len(keyNext) > 0 && !stack[len(stack)-1].InArray {
				keyNext[len(keyNext)-1] = true
			}
			continue
		}
		if s, ok := tok.(string); ok && len(keyNext) > 0 && keyNext[len(keyNext)-1] {
			stack[len(stack)-1].Key = []byte(s)
			keyNext[len(keyNext)-1] = false
			continue
		}
		var kind byte
		var s []byte
		switch v := tok.(type) {
		case json.Delim:
			kind = byte(v)
		case string:
			kind, s = '"', []byte(v)
		case json.Number:
			kind = '0'
		case bool:
			kind = 'f'
			if v {
				kind = 't'
			}
		case nil:
			kind = 'n'
		}
		out = append(out, visitString(stack, kind, s))
		if len(keyNext) > 0 && !stack[len(stack)-1].InArray {
			keyNext[len(keyNext)-1] = true // after this member's value, a key
		}
		if kind == '{' || kind == '[' {
			stack = append(stack, Step{InArray: kind == '['})
			keyNext = append(keyNext, kind == '{')
		}
	}
}

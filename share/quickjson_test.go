package share

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// strictParse is the token by token parse quickJSON stands in for.
func strictParse(data []byte) (any, error) {
	p, err := newJSONParser(data)
	if err != nil {
		return nil, err
	}
	v, err := p.value("", 0)
	if err != nil {
		return nil, err
	}
	return v, p.end()
}

var quickJSONCases = []struct {
	in   string
	fast bool // quickJSON answers (else it defers to the strict parser)
}{
	{`{"kind":"indicator","title":"t","n":1.50,"a":[1,{"b":null}],"e":[],"o":{}}`, true},
	{` {"a":"x\"y","b":"\u00e9\ud800"} `, true},
	{`{"a":1,"a":2}`, false},            // a duplicate member
	{`{"a":{"b":1,"b":1}}`, false},      // a duplicate member, nested
	{`{"a":{"b":1},"c":{"b":1}}`, true}, // the same name in two objects
	{`{"\u0061":1,"a":2}`, false},       // escaped name: compared after unescaping
	{`{"a":1} {"b":2}`, false},          // two values
	{`{"a":1,}`, false},                 // syntax
	{`{"a":01}`, false},                 // syntax
	{``, false},                         // empty
	{`{"a":"` + "\x01" + `"}`, false},   // control character
	{strings.Repeat(`[`, 14) + strings.Repeat(`]`, 14), true},
	{strings.Repeat(`[`, 15) + strings.Repeat(`]`, 15), false}, // near the depth limit
}

// TestQuickJSON: quickJSON answers for plain records, defers on everything
// the strict parser treats specially, and never disagrees with it.
func TestQuickJSON(t *testing.T) {
	many := make([]string, 40)
	for i := range many {
		many[i] = `"m` + strings.Repeat("x", i) + `":1`
	}
	cases := append(quickJSONCases[:len(quickJSONCases):len(quickJSONCases)],
		struct {
			in   string
			fast bool
		}{`{` + strings.Join(many, ",") + `}`, true},
		struct {
			in   string
			fast bool
		}{`{` + strings.Join(many, ",") + `,"m":2}`, false})
	for _, c := range cases {
		v, ok := quickJSON([]byte(c.in))
		if ok != c.fast {
			t.Errorf("quickJSON(%.40q) answered %v, want %v", c.in, ok, c.fast)
		}
		want, err := strictParse([]byte(c.in))
		if ok && (err != nil || !reflect.DeepEqual(v, want)) {
			t.Errorf("quickJSON(%.40q) = %#v; strict parser: %#v, %v", c.in, v, want, err)
		}
	}
}

// FuzzQuickJSON: whenever quickJSON answers, the strict parser accepts the
// same input and builds the same value.
func FuzzQuickJSON(f *testing.F) {
	for _, c := range quickJSONCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // newJSONParser refuses it before either parser runs
		}
		v, ok := quickJSON(data)
		if !ok {
			return
		}
		want, err := strictParse(data)
		if err != nil || !reflect.DeepEqual(v, want) {
			t.Fatalf("quickJSON(%q) = %#v; strict parser: %#v, %v", data, v, want, err)
		}
	})
}

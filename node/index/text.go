package index

import (
	"encoding/json"
	"slices"
	"strings"
)

// SearchText returns the lower-cased string values of a record's JSON body (titles, summaries,
// narratives, names, …), one per line, in a stable order: object members sorted by key, array
// elements in order. Keys, numbers and booleans are left out. A body that is not JSON gives "".
func SearchText(body json.RawMessage) string {
	if len(body) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return ""
	}
	var b strings.Builder
	appendStrings(&b, v)
	return strings.ToLower(b.String())
}

func appendStrings(b *strings.Builder, v any) {
	switch v := v.(type) {
	case string:
		if v == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(v)
	case []any:
		for _, e := range v {
			appendStrings(b, e)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			appendStrings(b, v[k])
		}
	}
}

package guard

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Encoded content. A node cannot vouch for what it cannot read, so:
//
//   - base64 or hex that decodes to text is read like any other text: if the
//     text is refused, so is the record;
//   - base64 or hex that decodes to something that is not text is held back
//     like a flag ("this node cannot check encoded content"); hex of the
//     length of a SHA-1, SHA-256 or SHA-512 digest is taken for a digest;
//   - ROT13 text is turned back and read when it spells a watched word.

// blob is a run of encoded text in a string.
type blob struct {
	i, j    int    // bytes of the original string
	text    string // the decoded text, if it is text
	binary  bool   // decoded, but not text
	encName string // "base64" or "hex"
}

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

// findBlobs returns the base64 and hex runs in s worth decoding.
func findBlobs(s string) []blob {
	if len(s) < 20 {
		return nil
	}
	var out []blob
	for i := 0; i < len(s); {
		if !isB64(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isB64(s[j]) {
			j++
		}
		k := j
		for k < len(s) && k-j < 2 && s[k] == '=' {
			k++
		}
		if j-i >= 20 && !inURL(s, i) {
			if b, ok := decodeBlob(s[i:k]); ok {
				b.i, b.j = i, k
				out = append(out, b)
			}
		}
		i = k
		if i == j && i < len(s) && !isB64(s[i]) {
			i++
		}
	}
	return out
}

// inURL reports whether position i is inside a URL or a path.
func inURL(s string, i int) bool {
	start := strings.LastIndexAny(s[:i], " \t\n\"'(<[")
	word := s[start+1 : i]
	return strings.Contains(word, "://") || strings.HasPrefix(word, "www.") || strings.Contains(word, "/") && !strings.Contains(word, " ")
}

func decodeBlob(run string) (blob, bool) {
	core := strings.TrimRight(run, "=")
	upper, lower, digit, sym := 0, 0, 0, 0
	hexOnly := true
	maxLowerRun, cur := 0, 0
	for i := 0; i < len(core); i++ {
		c := core[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper++
			cur = 0
		case c >= 'a' && c <= 'z':
			lower++
			cur++
			maxLowerRun = max(maxLowerRun, cur)
		case c >= '0' && c <= '9':
			digit++
			cur = 0
		default:
			sym++
			cur = 0
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			hexOnly = false
		}
	}
	if hexOnly && len(core) >= 32 && len(core)%2 == 0 && digit > 0 && upper+lower > 0 {
		raw, err := hex.DecodeString(core)
		if err != nil {
			return blob{}, false
		}
		if t, ok := asText(raw); ok {
			return blob{text: t, encName: "hex"}, true
		}
		switch len(core) {
		case 32, 40, 56, 64, 96, 128:
			return blob{}, false // a digest (MD5, SHA-1, SHA-2)
		}
		return blob{binary: true, encName: "hex"}, true
	}
	// A CID, an identifier in one case, or a word: not base64.
	if upper == 0 || lower == 0 || (digit == 0 && sym == 0 && !strings.HasSuffix(run, "=")) {
		return blob{}, false
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(run); err == nil {
			break
		}
	}
	if err != nil {
		return blob{}, false
	}
	if t, ok := asText(raw); ok {
		return blob{text: t, encName: "base64"}, true
	}
	// Random bytes in base64 rarely have long lower-case runs; identifiers
	// and camelCase words do.
	if maxLowerRun >= 6 || digit+sym < 2 {
		return blob{}, false
	}
	// Base58 (IPFS CIDv0, addresses) has no 0, O, I, l, + or /; random
	// base64 of this length almost always has one of them.
	if !strings.ContainsAny(core, "0OIl+/") {
		return blob{}, false
	}
	return blob{binary: true, encName: "base64"}, true
}

// asText reports whether b is UTF-8 text (mostly printable).
func asText(b []byte) (string, bool) {
	if len(b) == 0 || !utf8.Valid(b) {
		return "", false
	}
	s := string(b)
	bad, n := 0, 0
	for _, r := range s {
		n++
		if !unicode.IsPrint(r) && r != '\n' && r != '\t' && r != '\r' {
			bad++
		}
	}
	return s, bad*10 <= n
}

// rot13 rotates ASCII letters by 13.
func rot13(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+13)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+13)%26
		}
	}
	return string(b)
}

package screen

import (
	"errors"
	"fmt"
	"strings"
)

// ErrMalformedROR means a ROR id is not nine characters of the right form
// with a valid checksum.
var ErrMalformedROR = errors.New("malformed ROR id")

// crockford is the base-32 alphabet ROR ids are written in.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// ParseROR returns the bare, lower-case ROR id of s, which may be bare
// ("057zh3y96") or a URL ("https://ror.org/057zh3y96", "ror.org/…"). An empty
// s gives "". The last two digits are an ISO/IEC 7064 MOD 97-10 checksum of
// the first seven characters read as a base-32 number; a typo in an id is
// caught by it.
func ParseROR(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	id := strings.ToLower(s)
	for _, p := range []string{"https://", "http://"} {
		id = strings.TrimPrefix(id, p)
	}
	id = strings.TrimPrefix(id, "www.")
	id = strings.TrimPrefix(id, "ror.org/")
	id = strings.TrimSuffix(id, "/")
	if len(id) != 9 || id[0] != '0' {
		return "", fmt.Errorf("%w %q: want nine characters starting with 0 (e.g. 057zh3y96 or https://ror.org/057zh3y96)", ErrMalformedROR, s)
	}
	var n uint64
	for _, c := range id[:7] {
		v := strings.IndexRune(crockford, c)
		if v < 0 {
			return "", fmt.Errorf("%w %q: %q is not a ROR character", ErrMalformedROR, s, c)
		}
		n = n*32 + uint64(v)
	}
	if id[7] < '0' || id[7] > '9' || id[8] < '0' || id[8] > '9' {
		return "", fmt.Errorf("%w %q: it must end in two digits", ErrMalformedROR, s)
	}
	want := 98 - (n*100)%97
	if got := uint64(id[7]-'0')*10 + uint64(id[8]-'0'); got != want {
		return "", fmt.Errorf("%w %q: the checksum does not match (a character is mistyped)", ErrMalformedROR, s)
	}
	return id, nil
}

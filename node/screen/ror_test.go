package screen

import (
	"errors"
	"testing"
)

func TestParseROR(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"057zh3y96", "057zh3y96"},
		{"https://ror.org/057zh3y96", "057zh3y96"},
		{"HTTPS://ROR.ORG/057ZH3Y96/", "057zh3y96"},
		{"ror.org/02kpeqv85", "02kpeqv85"},
		{" 035t8zc32 ", "035t8zc32"},
		{"", ""},
	} {
		got, err := ParseROR(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseROR(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"057zh3y97", "57zh3y96", "157zh3y96", "057zh3yi6", "https://ror.org/", "0ilou0000", "not a ror"} {
		if got, err := ParseROR(in); !errors.Is(err, ErrMalformedROR) {
			t.Errorf("ParseROR(%q) = %q, %v; want ErrMalformedROR", in, got, err)
		}
	}
}

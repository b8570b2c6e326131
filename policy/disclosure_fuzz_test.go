package policy

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParsePeriod feeds arbitrary text to ParsePeriod and ParseRange,
// seeded from testdata/periods. A period that parses is one whole month or
// quarter, its String reads back to the same period, and anything else is
// ErrBadPeriod.
func FuzzParsePeriod(f *testing.F) {
	file, err := os.Open("testdata/periods/seeds.txt")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	seeds := 0
	for sc := bufio.NewScanner(file); sc.Scan(); seeds++ {
		f.Add(sc.Text())
	}
	if seeds == 0 {
		f.Fatal("no seeds in testdata/periods/seeds.txt")
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			if !errors.Is(err, ErrBadPeriod) {
				t.Fatalf("ParsePeriod(%q): %v is not ErrBadPeriod", s, err)
			}
			return
		}
		switch {
		case p.From == p.To: // a month
		case p.To == p.From+2 && int(p.From)%3 == 0: // a quarter
		default:
			t.Fatalf("ParsePeriod(%q) = %v..%v: neither a month nor a quarter", s, p.From, p.To)
		}
		again, err := ParsePeriod(p.String())
		if err != nil || again != p {
			t.Fatalf("ParsePeriod(%q).String() = %q reads back as %v, %v", s, p.String(), again, err)
		}
		if _, err := ParseRange(s, s); err != nil {
			t.Fatalf("ParseRange(%q, %q): %v", s, s, err)
		}
		if strings.TrimSpace(s) != s {
			t.Fatalf("ParsePeriod accepted surrounding space in %q", s)
		}
	})
}

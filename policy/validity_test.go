package policy

import (
	"testing"
	"time"
)

func TestExpired(t *testing.T) {
	now := time.Date(2026, 3, 31, 14, 59, 59, 0, time.UTC) // 23:59:59 JST on 31 March
	tests := []struct {
		validUntil string
		now        time.Time
		want       bool
	}{
		{"", now, false},
		{"2026-03-31", now, false},                 // valid through the day, in JST
		{"2026-03-31", now.Add(time.Second), true}, // 00:00 JST on 1 April
		{"2026-03-30", now, true},
		{"2027-01-01", now, false},
		{"2026-03-31T14:59:59Z", now, true}, // an instant expires at that instant
		{"2026-03-31T15:00:00Z", now, false},
		{"2026-03-31T23:59:59+09:00", now, true},
		{"2026-04-01T00:00:00+09:00", now, false},
		{"not a date", now, false},
		{"2026-13-01", now, false},
		{"31/03/2026", now, false},
	}
	for _, tt := range tests {
		t.Run(tt.validUntil+"@"+tt.now.Format(time.RFC3339), func(t *testing.T) {
			if got := Expired(tt.validUntil, tt.now); got != tt.want {
				t.Fatalf("Expired(%q, %v) = %v, want %v", tt.validUntil, tt.now, got, tt.want)
			}
		})
	}
}

func TestValidUntil(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" = error
	}{
		{"2026-03-31", "2026-03-31T15:00:00Z"},
		{"2026-03-31T12:00:00Z", "2026-03-31T12:00:00Z"},
		{"2026-03-31T12:00:00.5+09:00", "2026-03-31T03:00:00.5Z"},
		{"", ""},
		{"2026-03", ""},
		{"2026-02-30", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ValidUntil(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ValidUntil(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got.UTC().Format(time.RFC3339Nano) != tt.want {
				t.Fatalf("ValidUntil(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

package policy

import "testing"

func TestMayTakeStub(t *testing.T) {
	const alpha, mallory, bravo = "alpha", "mallory", "bravo"
	for _, tc := range []struct {
		name           string
		author, sender string
		retractors     []string
		want           bool
	}{
		{"the author's own stub", alpha, alpha, nil, true},
		{"a relay with the author's retraction", alpha, bravo, []string{alpha}, true},
		{"a relay with the author's among others", alpha, bravo, []string{mallory, alpha}, true},
		{"a relay without any retraction", alpha, mallory, nil, false},
		{"a relay with its own retraction", alpha, mallory, []string{mallory}, false},
		{"a relay with a third member's retraction", alpha, mallory, []string{bravo}, false},
		{"no author", "", "", []string{""}, false},
		{"no author, relayed", "", mallory, []string{""}, false},
	} {
		if got := MayTakeStub(tc.author, tc.sender, tc.retractors); got != tc.want {
			t.Errorf("%s: MayTakeStub(%q, %q, %q) = %v, want %v", tc.name, tc.author, tc.sender, tc.retractors, got, tc.want)
		}
	}
}

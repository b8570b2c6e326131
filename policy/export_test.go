package policy

import "testing"

func TestMayExport(t *testing.T) {
	for _, tc := range []struct {
		level Level
		want  bool
	}{{Clear, true}, {Green, true}, {Amber, false}, {AmberStrict, false}, {Red, false}, {0, false}, {Red + 1, false}} {
		if got := MayExport(Policy{Level: tc.level}); got != tc.want {
			t.Errorf("MayExport(%v) = %v, want %v", tc.level, got, tc.want)
		}
	}
}

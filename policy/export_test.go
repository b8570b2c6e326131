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

func TestMayExportRef(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target *Policy
		want   bool
	}{
		{"unknown", nil, false},
		{"clear", &Policy{Level: Clear}, true},
		{"green", &Policy{Level: Green}, true},
		{"green no-facet", &Policy{Level: Green, Caveats: []string{CaveatNoFacet}}, true},
		{"amber", &Policy{Level: Amber}, false},
		{"amber+strict", &Policy{Level: AmberStrict}, false},
		{"red", &Policy{Level: Red}, false},
		{"invalid", &Policy{}, false},
	} {
		if got := MayExportRef(tc.target); got != tc.want {
			t.Errorf("%s: MayExportRef = %v, want %v", tc.name, got, tc.want)
		}
	}
}

package node

import (
	"encoding/json"
	"testing"

	"github.com/ursic/ursic/share/sharetest"
)

// FuzzParseConfig: a config file never panics the parser, and one that
// parses is valid and survives a re-validation.
func FuzzParseConfig(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/config/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("parsed config fails validation: %v", err)
		}
	})
}

// FuzzSplitRecords: splitting a publish input never panics, and every
// record it returns is one complete JSON value.
func FuzzSplitRecords(f *testing.F) {
	sharetest.AddSeeds(f, "testdata/input/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := SplitRecords(data)
		if err != nil {
			return
		}
		if len(recs) == 0 {
			t.Fatal("no error and no record")
		}
		for i, r := range recs {
			if !json.Valid(r) {
				t.Fatalf("record %d is not JSON: %q", i, r)
			}
		}
	})
}

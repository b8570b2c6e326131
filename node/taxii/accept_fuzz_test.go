package taxii

import "testing"

// FuzzAcceptable: whatever an Accept header holds, acceptable does not
// panic, and adding the TAXII 2.1 media type as a range of its own makes
// any header acceptable.
func FuzzAcceptable(f *testing.F) {
	for _, s := range []string{"", "*/*", MediaType, "application/json", MediaType + ";q=0", "application/taxii+json;version=2.0", "a/b;q=x, */*;q=0.1", `text/plain;x="a,b"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		acceptable(accept)
		if !acceptable(accept + "," + MediaType) {
			t.Fatalf("%q plus %s is not acceptable", accept, MediaType)
		}
	})
}

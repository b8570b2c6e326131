package node

import (
	"strings"
	"testing"

	"github.com/ursic/ursic/share"
)

// TestCheckReaders: a publisher refuses to seal a body to more readers than
// age opens (SPEC.md §2.3), saying how many and what the limit is.
func TestCheckReaders(t *testing.T) {
	if err := checkReaders(make([]string, share.MaxReaders)); err != nil {
		t.Fatalf("%d readers: %v", share.MaxReaders, err)
	}
	err := checkReaders(make([]string, share.MaxReaders+1))
	if err == nil || !strings.Contains(err.Error(), "1025 readers") || !strings.Contains(err.Error(), "at most 1024") {
		t.Fatalf("%d readers: %v", share.MaxReaders+1, err)
	}
}

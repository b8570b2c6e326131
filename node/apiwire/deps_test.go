package apiwire

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

// TestDeps: the wire types are a leaf that any client can import.
func TestDeps(t *testing.T) {
	deptest.DepChecker{Package: "github.com/ursic/ursic/node/apiwire", StdOnly: true}.Check(t)
}

package deptest_test

import (
	"testing"

	"github.com/ursic/ursic/internal/deptest"
)

func TestMatches(t *testing.T) {
	tests := []struct {
		pattern, dep string
		want         bool
	}{
		{deptest.Node, "github.com/ursic/ursic/node", true},
		{deptest.Node, "github.com/ursic/ursic/node/apiwire", false},
		{deptest.Node + "/...", "github.com/ursic/ursic/node/apiwire", true},
		{deptest.Libp2p, "github.com/libp2p/go-libp2p", true},
		{deptest.Libp2p, "github.com/libp2p/go-libp2p/core/host", true},
		{deptest.Libp2p, "github.com/libp2p/go-libp2p-pubsub", false},
		{deptest.Bbolt, "go.etcd.io/bbolt/internal/common", true},
		{deptest.Share, "github.com/ursic/ursic/sharetest", false},
	}
	for _, tt := range tests {
		if got := deptest.Matches(tt.pattern, tt.dep); got != tt.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", tt.pattern, tt.dep, got, tt.want)
		}
	}
}

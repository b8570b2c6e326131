package api_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/ursic/ursic/node"
)

// newHome initialises a node home named name in a fresh directory and
// returns its directory; the caller may change its files before loading it.
func newHome(tb testing.TB, name string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: name}); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// loadHome loads the home in dir.
func loadHome(tb testing.TB, dir string) *node.Home {
	tb.Helper()
	h, err := node.LoadHome(dir, "")
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// openHome opens the node of h, logging to lg (the test's output if nil),
// and closes it when the test ends.
func openHome(tb testing.TB, h *node.Home, lg *slog.Logger) *node.Node {
	tb.Helper()
	if lg == nil {
		lg = slog.New(slog.NewTextHandler(tb.Output(), nil))
	}
	n, err := node.Open(h, node.Options{Logger: lg})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { n.Close() })
	return n
}

package node_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/ursic/ursic/node"
)

// TestInitMakesHomePrivate: init leaves the home 0700, also when the
// directory already existed with a wider mode.
func TestInitMakesHomePrivate(t *testing.T) {
	for _, existing := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "home")
		if existing {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
				t.Fatal(err)
			}
		}
		if _, err := node.Init(dir, node.InitOptions{Name: "Test University"}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o700 {
			t.Errorf("existing=%v: home mode %04o, want 0700", existing, m)
		}
	}
}

// syncBuffer is a log sink safe for the node's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOpenWarnsOfExposedHome: a node started from a home its group or
// others can read says so in its log, with the fix; a private one does not.
func TestOpenWarnsOfExposedHome(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := node.Init(dir, node.InitOptions{Name: "Test University"}); err != nil {
		t.Fatal(err)
	}
	open := func() string {
		t.Helper()
		var log syncBuffer
		h, err := node.LoadHome(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		n, err := node.Open(h, node.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
		return log.String()
	}
	if out := open(); strings.Contains(out, "home directory is open") {
		t.Errorf("warned about a 0700 home:\n%s", out)
	}
	for _, mode := range []os.FileMode{0o750, 0o705, 0o777} {
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		out := open()
		if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "home directory is open to its group or to others") || !strings.Contains(out, "chmod 700") {
			t.Errorf("mode %04o: no warning with the fix in the log:\n%s", mode, out)
		}
	}
}

// TestDamagedEnvelopeIsReported: a stored envelope that no longer decodes is
// logged as damage at start, not counted silently as "not ours to read".
func TestDamagedEnvelopeIsReported(t *testing.T) {
	tn := startNode(t, "Test University")
	tn.mustPublish(node.PublishOptions{}, example(t, "indicator-green.json"))
	tn.close()
	db, err := bolt.Open(filepath.Join(tn.dir, node.StoreFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("bodies"))
		k, _ := b.Cursor().First()
		if k == nil {
			return errors.New("no envelope stored")
		}
		return b.Put(k, []byte("not an envelope"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	h, err := node.LoadHome(tn.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(h, node.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if out := log.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "stored envelope does not open") {
		t.Errorf("no error logged for a damaged envelope:\n%s", out)
	}
}

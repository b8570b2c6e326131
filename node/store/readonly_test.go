package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOpenReadOnly: a read-only store reads what a node wrote, changes no
// byte of the file, refuses writes, and does not open while a node holds it.
func TestOpenReadOnly(t *testing.T) {
	s, path := openTemp(t)
	sk := entryAt("alice", "g/members", 1, "", "senderkey")
	sk.Control = true
	rec := entryAt("alice", "g/members", 2, sk.CID, "record")
	mustPut(t, s, sk, rec)

	if _, err := OpenReadOnly(path, 50*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("while the node holds the file: %v, want ErrLocked", err)
	}
	s.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := OpenReadOnly(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	var controls []string
	if err := ro.Controls(func(e Envelope) error { controls = append(controls, e.CID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(controls) != 1 || controls[0] != sk.CID || ro.NeedsControlIndex() {
		t.Fatalf("controls = %v (needs index %v), want [%s]", controls, ro.NeedsControlIndex(), sk.CID)
	}
	if got, err := ro.Get(rec.CID); err != nil || !bytes.Equal(got, rec.Envelope) {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if _, err := ro.Put(entryAt("alice", "g/members", 3, rec.CID, "more")); err == nil {
		t.Fatal("a read-only store accepted a Put")
	}
	ro.Close()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("OpenReadOnly changed the store file")
	}
	if _, err := OpenReadOnly(filepath.Join(t.TempDir(), "none.db"), 0); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing store: %v, want os.ErrNotExist", err)
	}
}

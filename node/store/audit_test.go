package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ursic/ursic/node/store"
)

func TestAuditHead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	if _, ok, err := store.ReadAuditHead(path, time.Second); ok || err != nil {
		t.Fatalf("ReadAuditHead of a missing store: ok %v, err %v; want no anchor", ok, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ReadAuditHead created the store file (stat: %v)", err)
	}
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.AuditHead(); ok || err != nil {
		t.Fatalf("AuditHead of a new store: ok %v, err %v; want no anchor", ok, err)
	}
	if err := s.SetAuditHead(store.AuditHead{}); !errors.Is(err, store.ErrInvalidEntry) {
		t.Errorf("SetAuditHead of an empty head: err = %v, want ErrInvalidEntry", err)
	}
	want := store.AuditHead{Seq: 42, Hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
	if err := s.SetAuditHead(want); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.AuditHead(); !ok || err != nil || got != want {
		t.Fatalf("AuditHead = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if _, _, err := store.ReadAuditHead(path, 50*time.Millisecond); !errors.Is(err, store.ErrLocked) {
		t.Errorf("ReadAuditHead while the store is open: err = %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := store.ReadAuditHead(path, time.Second); !ok || err != nil || got != want {
		t.Fatalf("ReadAuditHead after close = %+v, %v, %v; want %+v", got, ok, err, want)
	}
}

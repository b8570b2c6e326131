package taxii

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// LedgerFile records, in a home, when each object version first appeared in
// the read collection: its TAXII "date added". An object's date added is
// when this node began to serve it, not when its record was created, so
// that a record from another member that reaches this node late is still
// new to a partner polling with added_after. One line per version:
// "DATE-ADDED ID VERSION", appended, never rewritten.
const LedgerFile = "taxii-added.log"

type ledger struct {
	path string
	mu   sync.Mutex
	seen map[string]time.Time // id + " " + version → date added
	last time.Time            // the latest date added given
}

func openLedger(dir string) (*ledger, error) {
	l := &ledger{path: filepath.Join(dir, LedgerFile), seen: map[string]time.Time{}}
	f, err := os.Open(l.path)
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		at, key, ok := strings.Cut(sc.Text(), " ")
		t, err := time.Parse(time.RFC3339Nano, at)
		if !ok || err != nil {
			// A torn last line (a crash mid-append) is dropped: that
			// version is stamped again, later, which only repeats it.
			continue
		}
		l.seen[key] = t
		if t.After(l.last) {
			l.last = t
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", l.path, err)
	}
	return l, nil
}

// stamp sets each entry's DateAdded from the ledger, giving versions never
// seen before distinct dates after every date given so far (in the order
// of their own dates, then ids), and appends those to the file.
func (l *ledger) stamp(entries []Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var fresh []int
	for i := range entries {
		if t, ok := l.seen[entries[i].ID+" "+entries[i].Version]; ok {
			entries[i].DateAdded = t
		} else {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	slices.SortFunc(fresh, func(a, b int) int {
		if c := entries[a].DateAdded.Compare(entries[b].DateAdded); c != 0 {
			return c
		}
		return strings.Compare(entries[a].ID, entries[b].ID)
	})
	next := time.Now().UTC().Truncate(time.Microsecond)
	if !next.After(l.last) {
		next = l.last.Add(time.Microsecond)
	}
	var b strings.Builder
	for _, i := range fresh {
		entries[i].DateAdded = next
		key := entries[i].ID + " " + entries[i].Version
		l.seen[key] = next
		fmt.Fprintf(&b, "%s %s\n", next.Format(time.RFC3339Nano), key)
		l.last = next
		next = next.Add(time.Microsecond)
	}
	f, err := os.OpenFile(l.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package node

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/screen"
	"github.com/ursic/ursic/share"
)

// screening holds the subjects of the indicators this node has opened,
// indexed by name for Screen. Subjects are queued as the node applies the
// facts of records (at start, on publish and on sync) and indexed in
// batches (facts.go); whether a subject is still readable, and its TLP and
// validity, are read from the record index at screening time, so a
// retracted indicator never matches.
type screening struct {
	ix    *screen.Index
	queue *backlog[*screen.Subject]
}

func newScreening() *screening {
	ix := screen.NewIndex()
	return &screening{ix: ix, queue: newBacklog(func(subjs []*screen.Subject) {
		for _, s := range subjs {
			ix.Add(*s)
		}
	})}
}

// index returns the name index with every queued subject in it.
func (s *screening) index() *screen.Index {
	s.queue.settle()
	return s.ix
}

// noteAll queues the subjects of a batch of opened indicators.
func (s *screening) noteAll(batch []recordFacts) {
	var subjs []*screen.Subject
	for i := range batch {
		if subj := batch[i].Subject; subj != nil {
			subjs = append(subjs, subj)
		}
	}
	s.queue.push(subjs...)
}

// ScreenOptions tune [Node.Screen].
type ScreenOptions struct {
	All bool // include expired indicators (marked expired)
}

// ScreenResult is what screening a list found (apiwire.ScreenResult).
type ScreenResult = apiwire.ScreenResult

// ScreenRow is one row of a list and its hits (apiwire.ScreenRow).
type ScreenRow = apiwire.ScreenRow

// ScreenHit is one indicator a row matched (apiwire.ScreenHit).
type ScreenHit = apiwire.ScreenHit

// Screen matches a list of organisations (see screen.ParseList for the
// formats) against the indicators this node can read. Every screening is
// written to the audit log with the file's name and counts, never the names.
// An error means the list could not be read at all; rows that could not be
// screened carry a note instead.
func (n *Node) Screen(ctx context.Context, file string, data []byte, opt ScreenOptions) (*ScreenResult, error) {
	list, err := screen.ParseList(file, data)
	if err != nil {
		return nil, err
	}
	res := &ScreenResult{File: filepath.Base(file), Format: list.Format, Encoding: list.Encoding, Rows: make([]ScreenRow, len(list.Entries)), Complete: n.IndexReady()}
	if file == "" || file == "-" {
		res.File = ""
	}
	if list.Preamble > 0 {
		res.Note = fmt.Sprintf("%d row(s) above the header row were taken for a title and skipped", list.Preamble)
	}
	ix := n.screening.index()
	now := time.Now()
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= len(list.Entries) {
					return
				}
				res.Rows[k] = n.screenEntry(ix, list.Entries[k], now, opt)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	withHits := 0
	for _, r := range res.Rows {
		if len(r.Hits) > 0 {
			withHits++
		}
		res.Hits += len(r.Hits)
		if len(list.Entries[r.Row-1].Names) > 0 || r.ROR != "" {
			res.Screened++
		}
	}
	name := res.File
	if name == "" {
		name = "(standard input)"
	}
	n.audit("screen", fmt.Sprintf("file %q (%s): %d rows, %d screened, %d with hits, %d hits", name, list.Format, len(res.Rows), res.Screened, withHits, res.Hits))
	return res, nil
}

// screenEntry screens one row: every name it gives, and its ROR id.
func (n *Node) screenEntry(ix *screen.Index, e screen.Entry, now time.Time, opt ScreenOptions) ScreenRow {
	row := ScreenRow{Row: e.Row, Name: e.Name(), ROR: e.ROR, Country: e.Country, Hits: []ScreenHit{}}
	var notes []string
	if e.Note != "" {
		notes = append(notes, e.Note)
	}
	queries := make([]screen.Query, 0, max(1, len(e.Names)))
	generic := 0
	for _, name := range e.Names {
		for _, alt := range screen.Alternatives(name) {
			queries = append(queries, screen.Query{Name: alt, ROR: e.ROR, Country: e.Country})
		}
		if screen.Normalise(name).Generic() {
			generic++
		}
	}
	if len(e.Names) == 0 && e.ROR != "" {
		queries = append(queries, screen.Query{ROR: e.ROR, Country: e.Country})
	}
	if generic > 0 && generic == len(e.Names) {
		notes = append(notes, "the name is only generic words (such as University, Institute, 大学): matched by exact name and ROR id only")
	}
	best := map[string]int{} // CID → index in row.Hits
	hidden := 0
	for _, q := range queries {
		for _, h := range ix.Match(q) {
			r, ok := n.index.Get(h.Subject.CID)
			if !ok || r.Retracted || r.Kind != share.KindIndicator {
				continue
			}
			expired := !r.ValidUntil.IsZero() && r.ValidUntil.Before(now)
			if expired && !opt.All {
				hidden++
				continue
			}
			sh := ScreenHit{
				CID: r.CID, Matched: h.Matched, How: h.How, Score: h.Score, TLP: r.TLP,
				Severity: h.Subject.Severity, Expired: expired, Title: r.Title, Mitigation: h.Subject.Mitigation,
			}
			if !r.ValidUntil.IsZero() {
				sh.ValidUntil = r.ValidUntil.Format(time.DateOnly)
			}
			if k, ok := best[sh.CID]; ok {
				if sh.Score > row.Hits[k].Score {
					row.Hits[k] = sh
				}
				continue
			}
			best[sh.CID] = len(row.Hits)
			row.Hits = append(row.Hits, sh)
		}
	}
	sortHits(row.Hits)
	if hidden > 0 {
		notes = append(notes, fmt.Sprintf("%d expired indicator(s) also match; --all shows them", hidden))
	}
	row.Note = strings.Join(notes, "; ")
	return row
}

// sortHits puts the best hit first: score, then severity, then CID.
func sortHits(hs []ScreenHit) {
	rank := func(sev string) int {
		if i := slices.Index([]string{"critical", "high", "medium", "low"}, sev); i >= 0 {
			return i
		}
		return 4
	}
	slices.SortStableFunc(hs, func(a, b ScreenHit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(rank(a.Severity), rank(b.Severity)); c != 0 {
			return c
		}
		return strings.Compare(a.CID, b.CID)
	})
}

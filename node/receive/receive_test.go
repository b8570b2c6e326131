package receive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/ipfs/go-cid"
	"pgregory.net/rapid"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// views is a fixed set of roster versions.
type views map[uint64]*policy.Roster

func (v views) View(version uint64) *policy.Roster { return v[version] }

// identities are made once: generating keys is the slow part of a case.
var identities = func() []*crypto.Identity {
	out := make([]*crypto.Identity, 6)
	for i := range out {
		id, err := crypto.GenerateIdentity()
		if err != nil {
			panic(err)
		}
		out[i] = id
	}
	return out
}()

const indicator = `{"kind":"indicator","title":"t","indicator_type":"affiliation","subject":{"kind":"organisation","names":[{"value":"Example Institute","lang":"en","type":"official"}],"jurisdiction":"JP"},"reason_category":"export_control","summary":"s","tech_areas":["photonics"],"severity":"low","confidence":"low","valid_from":"2026-01-01"}`

// sealAt makes author's entry seq of the log to audience, at level and roster version.
func sealAt(t interface {
	Helper()
	Fatal(...any)
}, author *crypto.Identity, seq uint64, prev []byte, level string, audience []string, version uint64) []byte {
	t.Helper()
	rec, err := share.ParseRecord([]byte(indicator))
	if err != nil {
		t.Fatal(err)
	}
	var recips []age.Recipient
	r, err := crypto.ParseRecipient(author.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	recips = append(recips, r)
	env, err := share.Seal(author, share.Header{Kind: share.KindIndicator, Seq: seq, Prev: prev, Created: time.Now().UnixMilli(),
		RosterVersion: version, TLP: level, Audience: audience, Key: share.KeyRef{Direct: true}}, rec.Body, recips...)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := env.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func genView(t *rapid.T, label string) *policy.Roster {
	r := &policy.Roster{}
	for i, id := range identities {
		if i > 0 && rapid.IntRange(0, 5).Draw(t, label+" absent") == 0 {
			continue // not on this version
		}
		m := policy.Member{PeerID: id.PeerID(), Name: "n", Role: rapid.SampledFrom([]policy.Role{policy.RoleMember, policy.RoleMember, policy.RoleLiaison, policy.RoleSecretariat}).Draw(t, label+" role")}
		if i == 0 {
			m.Role = policy.RoleMember // the author
		}
		if rapid.Bool().Draw(t, label+" in lab") {
			m.Groups = []string{"lab"}
		}
		r.Members = append(r.Members, m)
	}
	r.Executive = []string{identities[0].PeerID()}
	return r
}

// A log interleaving levels and roster versions is served to each peer, and
// named in its Hello, exactly as policy.MayHold decides per envelope.
func TestCatalogueServesExactlyWhatMayBeHeld(t *testing.T) {
	author := identities[0]
	rapid.Check(t, func(t *rapid.T) {
		vs := views{1: genView(t, "v1"), 2: genView(t, "v2")}
		group := rapid.SampledFrom([]string{"members", "lab", "partners"}).Draw(t, "group")
		st, done := tempStore(t)
		defer done()
		ent := NewEntitlement(vs)
		self := author.PeerID()
		cat := NewCatalogue(st, ent, self)
		type entry struct {
			seq     uint64
			level   string
			version uint64
		}
		var entries []entry
		n := rapid.IntRange(1, 12).Draw(t, "entries")
		version := uint64(1)
		var prev []byte
		noteEach := rapid.Bool().Draw(t, "note as stored")
		for i := range n {
			if version == 1 && rapid.IntRange(0, 3).Draw(t, "roster change") == 0 {
				version = 2
			}
			level := rapid.SampledFrom([]string{"clear", "green", "amber", "amber+strict"}).Draw(t, "level")
			raw := sealAt(t, author, uint64(i+1), prev, level, []string{group}, version)
			c := share.CIDOf(raw)
			e := store.Entry{CID: c.String(), Author: self, Log: share.LogID([]string{group}), Seq: uint64(i + 1), Envelope: raw}
			if prev != nil {
				pc, _ := share.ParseCID(cidString(prev))
				e.Prev = pc.String()
			}
			if _, err := st.Put(e); err != nil {
				t.Fatal(err)
			}
			if noteEach {
				env, _ := share.Decode(raw)
				cat.Note(&env.Header)
			}
			prev = c.Bytes()
			entries = append(entries, entry{uint64(i + 1), level, version})
		}
		log := share.LogID([]string{group})
		for _, id := range identities {
			peer := id.PeerID()
			allowed, contig, err := cat.Filter(self, log, peer)
			if err != nil {
				t.Fatal(err)
			}
			if contig != uint64(n) {
				t.Fatalf("contig = %d, the store holds 1..%d", contig, n)
			}
			var want []uint64
			for _, e := range entries {
				lvl, _ := policy.ParseLevel(e.level)
				p := policy.Policy{Level: lvl, Audience: policy.Audience{Group: group}}
				may := policy.MayHold(vs[e.version], p, self, peer) && policy.MayHold(vs[e.version], p, self, self)
				if allowed(e.seq) != may {
					t.Fatalf("entry %d (%s, roster %d) to %s: served %v, policy.MayHold %v", e.seq, e.level, e.version, peer, allowed(e.seq), may)
				}
				if policy.MayHold(vs[e.version], p, self, peer) {
					want = append(want, e.seq)
				}
			}
			head, err := cat.HeadFor(self, log, peer)
			switch {
			case len(want) == 0 && !errors.Is(err, ErrNothingFor):
				t.Fatalf("Hello to %s names head %d (err %v) of a log it may hold nothing of", peer, head, err)
			case len(want) > 0 && (err != nil || head != slices.Max(want)):
				t.Fatalf("Hello to %s names head %d (err %v), want %d", peer, head, err, slices.Max(want))
			}
		}
	})
}

// tempStore opens a store in a new temporary directory, for one case of a
// property (rapid.T has no TempDir); done closes and removes it.
func tempStore(t *rapid.T) (st *store.Store, done func()) {
	dir, err := os.MkdirTemp("", "catalogue")
	if err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(filepath.Join(dir, "store.db"))
	if err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }
}

func cidString(b []byte) string {
	c, err := cid.Cast(b)
	if err != nil {
		panic(err)
	}
	return c.String()
}

// A stub's CID is the one the author's next header names, never the frame's
// hint; a stub nothing confirms waits (or is dropped); a contradicting hint
// is an error.
func TestConfirmStubs(t *testing.T) {
	author := identities[0]
	aud := []string{"members"}
	e1 := sealAt(t, author, 1, nil, "amber", aud, 1)
	e2 := sealAt(t, author, 2, share.CIDOf(e1).Bytes(), "amber", aud, 1)
	e3 := sealAt(t, author, 3, share.CIDOf(e2).Bytes(), "amber", aud, 1)
	env := func(raw []byte) *Envelope {
		d, err := share.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		return &Envelope{Raw: raw, Env: d, CID: share.CIDOf(raw).String()}
	}
	stub := func(raw []byte, hint string) *Envelope {
		d, err := share.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		s := d.Stub()
		b, err := s.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return &Envelope{Raw: b, Env: s, Stub: true, Hint: hint}
	}
	fake := share.CIDOf([]byte("made up")).String()
	for _, tc := range []struct {
		name        string
		recs        []*Envelope
		wantCIDs    []string // of kept entries, in order
		unconfirmed int
		wantErr     bool
	}{
		{"confirmed by the next envelope", []*Envelope{stub(e1, ""), env(e2)}, []string{share.CIDOf(e1).String(), share.CIDOf(e2).String()}, 0, false},
		{"confirmed by the next stub", []*Envelope{stub(e1, ""), stub(e2, ""), env(e3)}, []string{share.CIDOf(e1).String(), share.CIDOf(e2).String(), share.CIDOf(e3).String()}, 0, false},
		{"the hint is ignored when it agrees", []*Envelope{stub(e1, share.CIDOf(e1).String()), env(e2)}, []string{share.CIDOf(e1).String(), share.CIDOf(e2).String()}, 0, false},
		{"a contradicting hint is refused", []*Envelope{stub(e1, fake), env(e2)}, []string{share.CIDOf(e2).String()}, 0, true},
		{"a stub at the end waits", []*Envelope{env(e1), stub(e2, fake)}, []string{share.CIDOf(e1).String()}, 1, false},
		{"a stub followed by a later position stays a hole", []*Envelope{stub(e1, fake), env(e3)}, []string{share.CIDOf(e3).String()}, 0, false},
	} {
		keep, unconfirmed, err := ConfirmStubs(tc.recs)
		var got []string
		for _, k := range keep {
			got = append(got, k.CID)
		}
		if !slices.Equal(got, tc.wantCIDs) || len(unconfirmed) != tc.unconfirmed || (err != nil) != tc.wantErr {
			t.Errorf("%s: kept %v, %d unconfirmed, err %v; want %v, %d, error %v", tc.name, got, len(unconfirmed), err, tc.wantCIDs, tc.unconfirmed, tc.wantErr)
		}
	}
}

// Two stores of one log (a push and a pull of the same author's log) commit
// in one order and may note their entries in the other. Whatever the order of
// the notes, and however often one is repeated, the catalogue serves and
// names what a catalogue read afresh from the store does. A late note at the
// first hole once left the log served only up to it until a restart: a relay
// then served a stub without the retraction that vouches for it, and its
// peers could not pass the stub.
func TestCatalogueNotesOutOfOrder(t *testing.T) {
	notesOutOfOrder(t, false)
}

// TestCatalogueOwnLogNotedOutOfOrder: this node's own log, stored by two
// pulls side by side (a restore fetches its own logs back from every peer at
// once), noted in any order. Seq 1 of an own log once marked the log read
// without reading the store: a note of seq 1 after the notes of later
// entries (ignored while the log was unread) left them out for as long as
// the node ran, and the Hello named the log's head as 1.
func TestCatalogueOwnLogNotedOutOfOrder(t *testing.T) {
	notesOutOfOrder(t, true)
}

// notesOutOfOrder stores a log, notes its entries in any order and checks
// the catalogue against one read afresh from the store. own makes the log
// the node's own, and unread before the notes.
func notesOutOfOrder(t *testing.T, own bool) {
	self := identities[0].PeerID()
	log := share.LogID([]string{"members"})
	rapid.Check(t, func(t *rapid.T) {
		vs := views{1: genView(t, "v1")}
		st, done := tempStore(t)
		defer done()
		ent := NewEntitlement(vs)
		// A peer's log, read (empty) before anything of it is stored, so
		// that the notes are what keeps it up to date.
		peerAuthor := identities[1]
		cat := NewCatalogue(st, ent, self)
		if own {
			peerAuthor = identities[0]
		} else if _, err := cat.HeadFor(peerAuthor.PeerID(), log, self); !errors.Is(err, ErrNothingFor) {
			t.Fatalf("an empty log: %v", err)
		}
		n := rapid.IntRange(2, 10).Draw(t, "entries")
		var headers []*share.Header
		var prev []byte
		for i := range n {
			level := rapid.SampledFrom([]string{"clear", "green", "amber", "amber+strict"}).Draw(t, "level")
			raw := sealAt(t, peerAuthor, uint64(i+1), prev, level, []string{"members"}, 1)
			c := share.CIDOf(raw)
			e := store.Entry{CID: c.String(), Author: peerAuthor.PeerID(), Log: log, Seq: uint64(i + 1), Envelope: raw}
			if prev != nil {
				e.Prev = cidString(prev)
			}
			if _, err := st.Put(e); err != nil {
				t.Fatal(err)
			}
			env, err := share.Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			headers = append(headers, &env.Header)
			prev = c.Bytes()
		}
		order := rapid.Permutation(headers).Draw(t, "order of the notes")
		for _, h := range order {
			cat.Note(h)
			if rapid.IntRange(0, 3).Draw(t, "noted twice") == 0 {
				cat.Note(h)
			}
		}
		fresh := NewCatalogue(st, ent, self)
		for _, id := range identities {
			peer := id.PeerID()
			allowed, contig, err := cat.Filter(peerAuthor.PeerID(), log, peer)
			if err != nil {
				t.Fatal(err)
			}
			want, wantContig, err := fresh.Filter(peerAuthor.PeerID(), log, peer)
			if err != nil {
				t.Fatal(err)
			}
			if contig != wantContig || contig != uint64(n) {
				t.Fatalf("after notes in the order %v: served up to %d, the store holds 1..%d", seqs(order), contig, n)
			}
			for seq := uint64(1); seq <= uint64(n); seq++ {
				if allowed(seq) != want(seq) {
					t.Fatalf("after notes in the order %v: entry %d to %s served %v, read afresh %v", seqs(order), seq, peer, allowed(seq), want(seq))
				}
			}
			head, err := cat.HeadFor(peerAuthor.PeerID(), log, peer)
			wantHead, wantErr := fresh.HeadFor(peerAuthor.PeerID(), log, peer)
			if head != wantHead || !errors.Is(err, wantErr) {
				t.Fatalf("after notes in the order %v: Hello to %s names %d (%v), read afresh %d (%v)", seqs(order), peer, head, err, wantHead, wantErr)
			}
		}
	})
}

func seqs(hs []*share.Header) []uint64 {
	out := make([]uint64, len(hs))
	for i, h := range hs {
		out[i] = h.Seq
	}
	return out
}

// Finding (2026-11-30, insider against the relay path): a GetRange names
// any well-formed author and log, and the catalogue kept an entry for every
// log it was asked about, held or not. A member sending GetRanges for
// made-up logs at the stream rate (500 a second) grew the node by a map
// entry each (~250 bytes), for as long as it ran. Logs the store holds
// nothing of are now forgotten once answered; a log that is held is served
// as before, and one stored after it was asked about is read afresh.
func TestCatalogueForgetsUnknownLogs(t *testing.T) {
	author, other := identities[0], identities[1]
	vs := views{1: &policy.Roster{Executive: []string{author.PeerID()}, Members: []policy.Member{
		{PeerID: author.PeerID(), Name: "a", Role: policy.RoleMember},
		{PeerID: other.PeerID(), Name: "o", Role: policy.RoleMember},
	}}}
	st, err := store.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := share.LogID([]string{"members"})
	raw := sealAt(t, author, 1, nil, "amber", []string{"members"}, 1)
	if _, err := st.Put(store.Entry{CID: share.CIDOf(raw).String(), Author: author.PeerID(), Log: log, Seq: 1, Envelope: raw}); err != nil {
		t.Fatal(err)
	}
	cat := NewCatalogue(st, NewEntitlement(vs), other.PeerID())
	if head, err := cat.HeadFor(author.PeerID(), log, other.PeerID()); err != nil || head != 1 {
		t.Fatalf("the held log: head %d, %v", head, err)
	}
	// Made-up logs, of a real member and of a made-up author, the way a
	// GetRange names them.
	const asked = 1000
	for i := range asked {
		made := "p/" + strings.Repeat("a", 20) + fmt.Sprintf("%06d", i)
		made = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return 'a' + (r - '0')
			}
			return r
		}, made)
		if _, contig, err := cat.Filter(other.PeerID(), made, author.PeerID()); err != nil || contig != 0 {
			t.Fatalf("a made-up log: served up to %d, %v", contig, err)
		}
		if _, err := cat.HeadFor(identities[2+i%4].PeerID(), made, author.PeerID()); !errors.Is(err, ErrNothingFor) {
			t.Fatalf("a made-up log's head: %v", err)
		}
	}
	if n := cat.logsKept(); n > 1 {
		t.Errorf("after GetRanges of %d made-up logs the catalogue keeps %d logs; want the one held", 2*asked, n)
	}
	// A log asked about before anything of it was stored is read afresh.
	fresh := "g/lab"
	if _, err := cat.HeadFor(author.PeerID(), fresh, other.PeerID()); !errors.Is(err, ErrNothingFor) {
		t.Fatalf("an empty log: %v", err)
	}
	raw = sealAt(t, author, 1, nil, "amber", []string{"members"}, 1)
	env, err := share.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	env.Header.Log = fresh // only the header's log matters to the catalogue
	if _, err := st.Put(store.Entry{CID: share.CIDOf(raw).String(), Author: author.PeerID(), Log: fresh, Seq: 1, Envelope: raw}); err != nil {
		t.Fatal(err)
	}
	cat.Note(&env.Header)
	if _, contig, err := cat.Filter(author.PeerID(), fresh, other.PeerID()); err != nil || contig != 1 {
		t.Errorf("a log stored after it was asked about: served up to %d, %v; want 1", contig, err)
	}
}

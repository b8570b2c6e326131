package crypto

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"filippo.io/age"

	"github.com/ursic/ursic/internal/agecraft"
)

// counting counts the calls age makes to an identity.
type counting struct {
	id age.Identity
	n  *int
}

func (c counting) Unwrap(s []*age.Stanza) ([]byte, error) { *c.n++; return c.id.Unwrap(s) }

// TestOpenSKNotAloneDirect: a body that holds an X25519 stanza to this
// reader and an ursic-sk stanza is refused by every reader, also one that
// holds only an X25519 identity, which on its own would skip the ursic-sk
// stanza and open the file (SPEC.md §2.3, stanza rule 1).
func TestOpenSKNotAloneDirect(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	k, _ := NewGroupKey()
	for _, order := range []agecraft.Unlabelled{{x.Recipient(), k.Recipient()}, {k.Recipient(), x.Recipient()}} {
		sealed, err := Seal([]byte("both"), order)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := age.Decrypt(bytes.NewReader(sealed), x); err != nil {
			t.Fatalf("age itself does not open the file, so the test shows nothing: %v", err)
		} else if b, _ := io.ReadAll(r); string(b) != "both" {
			t.Fatalf("age opened %q", b)
		}
		for _, id := range []age.Identity{x, k.Identity()} {
			if got, err := Open(sealed, id); !errors.Is(err, ErrBadStanza) {
				t.Errorf("Open with %T = %q, %v; want ErrBadStanza", id, got, err)
			}
		}
	}
}

// TestOpenBoundedBeforeAnyIdentity: a body with more stanzas than its
// header has readers is refused before any identity sees it, so a hostile
// writer cannot make a reader pay an X25519 per extra stanza (SPEC.md §2.3,
// stanza rules 2 and 3).
func TestOpenBoundedBeforeAnyIdentity(t *testing.T) {
	ids := make([]*age.X25519Identity, 3)
	var rs []age.Recipient
	for i := range ids {
		ids[i], _ = age.GenerateX25519Identity()
		rs = append(rs, ids[i].Recipient())
	}
	sealed, err := Seal([]byte("three"), rs...)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	for _, bound := range []int{0, 1, 2} {
		if got, err := OpenBounded(sealed, bound, counting{ids[2], &calls}); !errors.Is(err, ErrBadStanza) {
			t.Errorf("OpenBounded(%d) = %q, %v; want ErrBadStanza", bound, got, err)
		}
	}
	if calls != 0 {
		t.Fatalf("the identity was tried %d times before the body was refused", calls)
	}
	for _, bound := range []int{3, MaxStanzas} {
		if got, err := OpenBounded(sealed, bound, counting{ids[2], &calls}); err != nil || string(got) != "three" {
			t.Fatalf("OpenBounded(%d) = %q, %v", bound, got, err)
		}
	}
	// The group-body bound: one stanza, in either form.
	k, _ := NewGroupKey()
	for _, r := range []age.Recipient{k.Recipient(), k.X25519Recipient()} {
		one, _ := Seal([]byte("one"), r)
		if got, err := OpenBounded(one, 1, k.Identity()); err != nil || string(got) != "one" {
			t.Fatalf("a one-stanza group body: %q, %v", got, err)
		}
	}
	two, _ := Seal([]byte("two"), k.X25519Recipient(), ids[0].Recipient())
	if got, err := OpenBounded(two, 1, k.Identity()); !errors.Is(err, ErrBadStanza) {
		t.Fatalf("an old-form group body with two stanzas: %q, %v; want ErrBadStanza", got, err)
	}
}

// TestMaxStanzasIsAgeLimit: age opens a file of MaxStanzas stanzas, to its
// last reader, and no file of one more, although it writes one. The
// readers cap of SPEC.md §2.3 (roster members, audiences, senderkey
// members) rests on this; if age changes, the cap must be revisited.
func TestMaxStanzasIsAgeLimit(t *testing.T) {
	if MaxStanzas != 1024 {
		t.Fatalf("MaxStanzas = %d; SPEC.md says 1,024", MaxStanzas)
	}
	var last *age.X25519Identity
	rs := make([]age.Recipient, MaxStanzas+1)
	for i := range rs {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		rs[i] = id.Recipient()
		if i == MaxStanzas-1 {
			last = id
		}
	}
	atCap, err := Seal([]byte("at the cap"), rs[:MaxStanzas]...)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Open(atCap, last); err != nil || string(got) != "at the cap" {
		t.Fatalf("a body of %d stanzas, opened by the last reader: %q, %v", MaxStanzas, got, err)
	}
	over, err := Seal([]byte("over"), rs...)
	if err != nil {
		t.Fatalf("age no longer writes %d stanzas: %v", len(rs), err)
	}
	if _, err := Open(over, last); err == nil {
		t.Fatalf("a body of %d stanzas opened: age's limit changed", len(rs))
	}
}

// FuzzOpenBounded opens arbitrary bytes with a bound: it never panics, and
// whatever opens has at most the bound's stanzas and no ursic-sk stanza
// beside another.
func FuzzOpenBounded(f *testing.F) {
	x, _ := age.GenerateX25519Identity()
	k, _ := NewGroupKey()
	for _, rs := range [][]age.Recipient{{x.Recipient()}, {x.Recipient(), k.X25519Recipient()}, {k.Recipient()}, {agecraft.Unlabelled{x.Recipient(), k.Recipient()}}} {
		b, err := Seal([]byte("seed"), rs...)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(1))
		f.Add(b, uint16(2))
	}
	f.Fuzz(func(t *testing.T, sealed []byte, bound uint16) {
		var seen stanzaCounter
		checked := counting{&seen, new(int)}
		_, err := OpenBounded(sealed, int(bound), checked, x, k.Identity())
		if err == nil && (seen.n > int(bound) || seen.skMixed || *checked.n != 1) {
			t.Fatalf("opened a body of %d stanzas with bound %d (ursic-sk among others: %v; %d checks)", seen.n, bound, seen.skMixed, *checked.n)
		}
	})
}

// stanzaCounter records what stanzas the file has and is never the reader
// (it always says "not mine").
type stanzaCounter struct {
	n       int
	skMixed bool // an ursic-sk stanza and another
}

func (s *stanzaCounter) Unwrap(st []*age.Stanza) ([]byte, error) {
	s.n = len(st)
	for _, x := range st {
		s.skMixed = s.skMixed || x.Type == SenderKeyStanzaType && len(st) > 1
	}
	return nil, age.ErrIncorrectIdentity
}

// benchWideBody is a body of MaxStanzas X25519 stanzas and its last reader:
// the most a hostile writer could make a reader unwrap.
func benchWideBody(b *testing.B) ([]byte, *age.X25519Identity) {
	rs := make([]age.Recipient, MaxStanzas)
	var last *age.X25519Identity
	for i := range rs {
		last, _ = age.GenerateX25519Identity()
		rs[i] = last.Recipient()
	}
	sealed, err := Seal([]byte("wide"), rs...)
	if err != nil {
		b.Fatal(err)
	}
	return sealed, last
}

// BenchmarkOpenWideBody is what a body of 1,024 stanzas costs the reader
// whose stanza is last: what any reader paid before the stanza rules.
func BenchmarkOpenWideBody(b *testing.B) {
	sealed, last := benchWideBody(b)
	for b.Loop() {
		if _, err := Open(sealed, last); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefuseWideBody is what the same body costs a reader whose header
// names two readers: it is refused before any X25519.
func BenchmarkRefuseWideBody(b *testing.B) {
	sealed, last := benchWideBody(b)
	for b.Loop() {
		if _, err := OpenBounded(sealed, 2, last); !errors.Is(err, ErrBadStanza) {
			b.Fatal(err)
		}
	}
}

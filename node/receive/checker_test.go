package receive

import (
	"errors"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// frameChecker checks for identities[1], in a consortium of identities 0–2,
// with an empty store.
func frameChecker() *Checker { return checkerOver(fakeStore{}) }

func checkerOver(st Holdings) *Checker {
	r := &policy.Roster{}
	for _, id := range identities[:3] {
		r.Members = append(r.Members, policy.Member{PeerID: id.PeerID(), Name: "n", Role: policy.RoleMember})
	}
	return NewChecker(identities[1].PeerID(), NewEntitlement(views{1: r}), st)
}

// fakeStore holds no envelope, or every one; every log's head is at head,
// and the positions in equivocated keep two copies.
type fakeStore struct {
	head        uint64
	equivocated map[uint64]bool
	holds       bool // every envelope
}

func (s fakeStore) Has(string) (bool, error)                    { return s.holds, nil }
func (s fakeStore) Head(string, string) (uint64, string, error) { return s.head, "", nil }
func (s fakeStore) Equivocated(_, _ string, seq uint64) (bool, error) {
	return s.equivocated[seq], nil
}

// validFrame is n entries of identities[0]'s log to members.
func validFrame(t testing.TB, n int) [][]byte {
	t.Helper()
	out := make([][]byte, n)
	var prev []byte
	for i := range out {
		out[i] = sealAt(t, identities[0], uint64(i+1), prev, "green", []string{"members"}, 1)
		prev = share.CIDOf(out[i]).Bytes()
	}
	return out
}

// reencode decodes raw, changes it with fn and encodes it again.
func reencode(t testing.TB, raw []byte, fn func(e *share.Envelope)) []byte {
	t.Helper()
	e, err := share.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	fn(e)
	out, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// forge flips a bit of raw's signature.
func forge(t testing.TB, raw []byte) []byte {
	return reencode(t, raw, func(e *share.Envelope) { e.Sig[7] ^= 0x10 })
}

// A frame with one forged signature among many: exactly that envelope is
// rejected, and remembered; every other one is accepted. Sizes below one
// chunk, of one batch a core, and of the wire's largest frame.
func TestCheckFrameOneForged(t *testing.T) {
	for _, n := range []int{1, 5, 40, share.MaxBatch} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			frame := validFrame(t, n)
			bad := n * 2 / 3
			frame[bad] = forge(t, frame[bad])
			c := frameChecker()
			out, errs := c.CheckFrame(frame, identities[0].PeerID(), nil)
			for i := range frame {
				switch {
				case i == bad && (!errors.Is(errs[i], share.ErrBadSignature) || out[i] != nil):
					t.Errorf("forged entry %d: %v, %v; want a bad signature", i, out[i], errs[i])
				case i != bad && (errs[i] != nil || out[i] == nil || out[i].CID != share.CIDOf(frame[i]).String()):
					t.Errorf("entry %d: %v, %v; want it accepted", i, out[i], errs[i])
				}
			}
			if _, err := c.Check(frame[bad], identities[0].PeerID(), nil); !errors.Is(err, ErrRejectedBefore) {
				t.Errorf("the forged envelope again: %v, want %v", err, ErrRejectedBefore)
			}
			if bad != 0 {
				if r, err := c.Check(frame[0], identities[0].PeerID(), nil); err != nil || r == nil {
					t.Errorf("a good envelope again: %v, %v", r, err)
				}
			}
		})
	}
}

func TestCheckFrameAllValid(t *testing.T) {
	frame := validFrame(t, 100)
	out, errs := frameChecker().CheckFrame(frame, identities[0].PeerID(), nil)
	for i := range frame {
		if errs[i] != nil || out[i] == nil {
			t.Fatalf("entry %d: %v, %v", i, out[i], errs[i])
		}
	}
}

func TestCheckFrameAllForged(t *testing.T) {
	frame := validFrame(t, 100)
	for i := range frame {
		frame[i] = forge(t, frame[i])
	}
	c := frameChecker()
	out, errs := c.CheckFrame(frame, identities[0].PeerID(), nil)
	for i := range frame {
		if !errors.Is(errs[i], share.ErrBadSignature) || out[i] != nil {
			t.Fatalf("entry %d: %v, %v; want a bad signature", i, out[i], errs[i])
		}
	}
	if _, err := c.Check(frame[42], identities[0].PeerID(), nil); !errors.Is(err, ErrRejectedBefore) {
		t.Errorf("a forged envelope again: %v, want %v", err, ErrRejectedBefore)
	}
}

// TestCheckFrameMatchesCheck: on random frames mixing valid envelopes,
// forged and swapped signatures, tampered bodies, stubs (good and forged),
// garbage and envelopes of an author outside the roster, each envelope gets
// from the frame exactly what Check gives it alone, in a fresh Checker. The
// store holds the log to past the frame, so that the push sieve (which
// reads the frame as a whole) leaves everything to the signature check.
func TestCheckFrameMatchesCheck(t *testing.T) {
	const pool = 60
	valid := validFrame(t, pool)
	outsider := sealAt(t, identities[4], 1, nil, "green", []string{"members"}, 1)
	kinds := []func(i int) []byte{
		func(i int) []byte { return valid[i] },
		func(i int) []byte { return forge(t, valid[i]) },
		func(i int) []byte {
			other, _ := share.Decode(valid[(i+1)%pool])
			return reencode(t, valid[i], func(e *share.Envelope) { e.Sig = other.Sig })
		},
		func(i int) []byte {
			return reencode(t, valid[i], func(e *share.Envelope) { e.Body[len(e.Body)-1] ^= 1 })
		},
		func(i int) []byte { return reencode(t, valid[i], func(e *share.Envelope) { e.Body = nil }) },
		func(i int) []byte {
			return reencode(t, valid[i], func(e *share.Envelope) { e.Body = nil; e.Sig[0] ^= 1 })
		},
		func(i int) []byte { return append(valid[i][:20:20], byte(i)) }, // garbage, unique
		func(i int) []byte { return outsider },
	}
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, pool).Draw(rt, "n")
		frame := make([][]byte, n)
		for i := range frame {
			frame[i] = kinds[rapid.IntRange(0, len(kinds)-1).Draw(rt, "kind")](i)
		}
		from := identities[0].PeerID()
		st := fakeStore{head: pool}
		out, errs := checkerOver(st).CheckFrame(frame, from, nil)
		for i, raw := range frame {
			r, err := checkerOver(st).Check(raw, from, nil)
			if fmt.Sprint(err) != fmt.Sprint(errs[i]) || (r == nil) != (out[i] == nil) {
				rt.Fatalf("entry %d: in the frame %v, %v; alone %v, %v", i, out[i], errs[i], r, err)
			}
			if r != nil && (r.CID != out[i].CID || r.Stub != out[i].Stub) {
				rt.Fatalf("entry %d: in the frame %+v, alone %+v", i, out[i], r)
			}
		}
	})
}

// Finding (2026-11-30, insider against the relay path): valid envelopes that
// could store nothing cost a signature check each, push after push — a
// member's own log at a far position (it signs what it likes), another
// member's log past this node's head, further copies of a position that
// keeps two already. The push sieve drops them before the signature check:
// past a gap (ErrPastGap, no fault), or a copy too many (ignored). What can
// be stored is checked as before, a forged one included.
func TestCheckFramePushSieve(t *testing.T) {
	frame := validFrame(t, 8) // seq 1..8 of identities[0]'s log
	from := identities[0].PeerID()
	forged := forge(t, frame[2])
	cases := []struct {
		name  string
		st    fakeStore
		push  [][]byte
		want  []error // nil: accepted; errNone: ignored without error
		asked *Asked
	}{
		{"past a gap", fakeStore{head: 2}, [][]byte{frame[4], frame[5], frame[7]}, []error{ErrPastGap, ErrPastGap, ErrPastGap}, nil},
		{"a run from the head", fakeStore{head: 2}, [][]byte{frame[4], frame[3], frame[2], frame[7]}, []error{nil, nil, nil, ErrPastGap}, nil},
		{"forged at the head", fakeStore{head: 2}, [][]byte{forged, frame[3]}, []error{share.ErrBadSignature, nil}, nil},
		{"a copy of a position with two", fakeStore{head: 8, equivocated: map[uint64]bool{3: true}}, [][]byte{frame[2], frame[3]}, []error{errNone, nil}, nil},
		{"a range answer is not sieved", fakeStore{head: 2}, [][]byte{frame[7]}, []error{nil}, &Asked{Author: from, Log: share.LogID([]string{"members"}), From: 8, To: 8}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs := checkerOver(c.st).CheckFrame(c.push, from, c.asked)
			for i, want := range c.want {
				switch {
				case want == errNone:
					if out[i] != nil || errs[i] != nil {
						t.Errorf("entry %d: %v, %v; want it ignored", i, out[i], errs[i])
					}
				case want == nil:
					if out[i] == nil || errs[i] != nil {
						t.Errorf("entry %d: %v, %v; want it accepted", i, out[i], errs[i])
					}
				case !errors.Is(errs[i], want) || out[i] != nil:
					t.Errorf("entry %d: %v, %v; want %v", i, out[i], errs[i], want)
				}
			}
		})
	}
}

var errNone = errors.New("ignored")

// A pushed envelope the store holds is looked up by its CID before it is
// decoded: a relay replaying what this node has (every envelope it relays
// is one) costs a hash and a lookup each, not a decode. Bytes that would
// not even decode show it: held, they are ignored; not held, refused.
func TestCheckHeldBeforeDecode(t *testing.T) {
	junk := []byte{0xa1, 0x61, 0x78, 0xff}
	from := identities[0].PeerID()
	if r, err := checkerOver(fakeStore{holds: true}).Check(junk, from, nil); r != nil || err != nil {
		t.Errorf("a held envelope pushed again: %v, %v; want it ignored undecoded", r, err)
	}
	if _, err := checkerOver(fakeStore{}).Check(junk, from, nil); err == nil {
		t.Errorf("the same bytes not held were accepted")
	}
}

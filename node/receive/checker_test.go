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
func frameChecker() *Checker {
	r := &policy.Roster{}
	for _, id := range identities[:3] {
		r.Members = append(r.Members, policy.Member{PeerID: id.PeerID(), Name: "n", Role: policy.RoleMember})
	}
	return NewChecker(identities[1].PeerID(), NewEntitlement(views{1: r}), func(string) (bool, error) { return false, nil })
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
// from the frame exactly what Check gives it alone, in a fresh Checker.
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
		out, errs := frameChecker().CheckFrame(frame, from, nil)
		for i, raw := range frame {
			r, err := frameChecker().Check(raw, from, nil)
			if fmt.Sprint(err) != fmt.Sprint(errs[i]) || (r == nil) != (out[i] == nil) {
				rt.Fatalf("entry %d: in the frame %v, %v; alone %v, %v", i, out[i], errs[i], r, err)
			}
			if r != nil && (r.CID != out[i].CID || r.Stub != out[i].Stub) {
				rt.Fatalf("entry %d: in the frame %+v, alone %+v", i, out[i], r)
			}
		}
	})
}

package crypto

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/ursic/ursic/internal/sigcraft"
)

// signer is a fixed key, so cases and fuzz inputs are reproducible.
type signer struct {
	seed []byte
	priv ed25519.PrivateKey
	id   string
}

func newSigner(n byte) signer {
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = n
	priv := ed25519.NewKeyFromSeed(seed)
	return signer{seed, priv, PeerIDFromPublicKey(priv.Public().(ed25519.PublicKey))}
}

var signers = []signer{newSigner(1), newSigner(2), newSigner(3)}

// sigCase is one signature and the verdict the rule (ZIP-215) reaches, and
// the one crypto/ed25519 (cofactorless RFC 8032) reaches.
type sigCase struct {
	name     string
	pub      []byte
	msg, sig []byte
	ok       bool // under the rule
	stdlib   bool // under crypto/ed25519
}

// edgeCases are the cases that separate verifiers ("Taming the many
// EdDSAs"), each with its verdict under the rule.
func edgeCases() []sigCase {
	s := signers[0]
	pub := s.priv.Public().(ed25519.PublicKey)
	msg := []byte("ursic verification rule")
	honest := ed25519.Sign(s.priv, msg)
	flipped := append([]byte(nil), honest...)
	flipped[5] ^= 1
	// A message for which crypto/ed25519 rejects the small-order key's
	// any-message signature (it accepts when 8 divides k).
	small := sigcraft.SmallOrderKey()
	var smallMsg []byte
	for i := 0; ; i++ {
		smallMsg = fmt.Appendf(nil, "small-order key %d", i)
		if !ed25519.Verify(small, smallMsg, sigcraft.AnyMessage()) {
			break
		}
	}
	return []sigCase{
		{"honest", pub, msg, honest, true, true},
		{"mixed-order R (cofactored only)", pub, msg, sigcraft.MixedR(s.seed, msg), true, false},
		{"non-canonical R", pub, msg, sigcraft.NonCanonicalR(s.seed, msg), true, false},
		{"small-order A", small, smallMsg, sigcraft.AnyMessage(), true, false},
		{"non-canonical identity A", sigcraft.NonCanonicalIdentity[:], msg, sigcraft.AnyMessage(), true, true},
		{"S + L", pub, msg, sigcraft.UnreducedS(honest), false, false},
		{"mixed-order R with S + L", pub, msg, sigcraft.UnreducedS(sigcraft.MixedR(s.seed, msg)), false, false},
		{"flipped bit", pub, msg, flipped, false, false},
		{"other message", pub, []byte("another"), honest, false, false},
		{"other key", signers[1].priv.Public().(ed25519.PublicKey), msg, honest, false, false},
		{"short signature", pub, msg, honest[:63], false, false},
	}
}

// TestVerificationRule checks each edge case's verdict alone, in a batch of
// its own, and among honest signatures in a batch; and that crypto/ed25519
// differs exactly where SPEC.md §2.4 says.
func TestVerificationRule(t *testing.T) {
	for _, c := range edgeCases() {
		t.Run(c.name, func(t *testing.T) {
			id := PeerIDFromPublicKey(c.pub)
			if err := Verify(id, c.msg, c.sig); (err == nil) != c.ok {
				t.Errorf("Verify: %v, want ok=%v", err, c.ok)
			}
			if got := len(c.sig) == 64 && ed25519.Verify(c.pub, c.msg, c.sig); got != c.stdlib {
				t.Errorf("crypto/ed25519 says %v, the spec says it says %v", got, c.stdlib)
			}
			alone := NewBatch(1)
			alone.Add(id, c.msg, c.sig)
			if err := alone.Verify()[0]; (err == nil) != c.ok {
				t.Errorf("batch of one: %v, want ok=%v", err, c.ok)
			}
			b := NewBatch(33)
			for i := range 33 {
				if i == 17 {
					b.Add(id, c.msg, c.sig)
					continue
				}
				m := fmt.Appendf(nil, "honest %d", i)
				b.Add(signers[i%3].id, m, ed25519.Sign(signers[i%3].priv, m))
			}
			for i, err := range b.Verify() {
				want := i != 17 || c.ok
				if (err == nil) != want {
					t.Errorf("batch entry %d: %v, want ok=%v", i, err, want)
				}
			}
		})
	}
}

func TestBatchBadPeerID(t *testing.T) {
	b := NewBatch(2)
	m := []byte("m")
	b.Add("not a peer id", m, ed25519.Sign(signers[0].priv, m))
	b.Add(signers[0].id, m, ed25519.Sign(signers[0].priv, m))
	errs := b.Verify()
	if !errors.Is(errs[0], ErrBadPeerID) || errs[1] != nil {
		t.Fatalf("got %v", errs)
	}
}

// entryKinds makes one batch entry of each kind for signer s over msg.
var entryKinds = []func(s signer, msg []byte) (string, []byte, []byte){
	func(s signer, msg []byte) (string, []byte, []byte) { return s.id, msg, ed25519.Sign(s.priv, msg) },
	func(s signer, msg []byte) (string, []byte, []byte) { return s.id, msg, sigcraft.MixedR(s.seed, msg) },
	func(s signer, msg []byte) (string, []byte, []byte) {
		return s.id, msg, sigcraft.NonCanonicalR(s.seed, msg)
	},
	func(s signer, msg []byte) (string, []byte, []byte) {
		return PeerIDFromPublicKey(sigcraft.SmallOrderKey()), msg, sigcraft.AnyMessage()
	},
	func(s signer, msg []byte) (string, []byte, []byte) {
		return s.id, msg, sigcraft.UnreducedS(ed25519.Sign(s.priv, msg))
	},
	func(s signer, msg []byte) (string, []byte, []byte) {
		sig := ed25519.Sign(s.priv, msg)
		sig[0] ^= 0x80
		return s.id, msg, sig
	},
	func(s signer, msg []byte) (string, []byte, []byte) {
		return s.id, append(msg, 0), ed25519.Sign(s.priv, msg)
	},
}

// TestBatchMatchesSingle: on random mixes of honest, crafted and broken
// signatures, the batch reaches the single check's verdict on every entry.
func TestBatchMatchesSingle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 80).Draw(t, "n")
		b := NewBatch(n)
		var want []error
		for i := range n {
			s := signers[rapid.IntRange(0, len(signers)-1).Draw(t, "signer")]
			kind := rapid.IntRange(0, len(entryKinds)-1).Draw(t, "kind")
			id, msg, sig := entryKinds[kind](s, fmt.Appendf(nil, "entry %d", i))
			b.Add(id, msg, sig)
			want = append(want, Verify(id, msg, sig))
		}
		got := b.Verify()
		if len(got) != n {
			t.Fatalf("%d verdicts for %d entries", len(got), n)
		}
		for i := range got {
			if (got[i] == nil) != (want[i] == nil) {
				t.Fatalf("entry %d: batch %v, single %v", i, got[i], want[i])
			}
		}
	})
}

// FuzzBatchMatchesSingle: entries made from fuzz bytes (arbitrary keys and
// signatures, and honest ones with bits flipped) get the same verdict in a
// batch as alone.
func FuzzBatchMatchesSingle(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6})
	f.Add(append(append([]byte{9}, sigcraft.SmallOrderKey()...), sigcraft.AnyMessage()...))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := NewBatch(8)
		var want []error
		add := func(id string, msg, sig []byte) {
			b.Add(id, msg, sig)
			want = append(want, Verify(id, msg, sig))
		}
		for i := 0; len(data) > 0 && i < 64; i++ {
			op := data[0]
			data = data[1:]
			s := signers[int(op)%len(signers)]
			msg := []byte{op, byte(i)}
			switch {
			case op < 128:
				_, m, sig := entryKinds[int(op)%len(entryKinds)](s, msg)
				if len(data) > 0 && op&8 != 0 { // flip a bit the fuzzer chose
					sig[int(data[0])%64] ^= 1 << (data[0] >> 5)
					data = data[1:]
				}
				add(s.id, m, sig)
			case len(data) >= 96: // an arbitrary key and signature
				add(PeerIDFromPublicKey(data[:32]), msg, append([]byte(nil), data[32:96]...))
				data = data[96:]
			}
		}
		for i, err := range b.Verify() {
			if (err == nil) != (want[i] == nil) {
				t.Fatalf("entry %d: batch %v, single %v", i, err, want[i])
			}
		}
	})
}

// BenchmarkVerify is the cost of one signature checked alone, by the rule
// and by crypto/ed25519 for comparison.
func BenchmarkVerify(b *testing.B) {
	s := signers[0]
	msg := make([]byte, 300) // about a header
	sig := ed25519.Sign(s.priv, msg)
	pub := s.priv.Public().(ed25519.PublicKey)
	b.Run("rule", func(b *testing.B) {
		for b.Loop() {
			if Verify(s.id, msg, sig) != nil {
				b.Fatal("bad")
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("bad")
			}
		}
	})
}

// BenchmarkBatch is the cost of a batch of n, per signature (ns/sig),
// including Add (hashing and decoding) and the fallback when one is bad.
func BenchmarkBatch(b *testing.B) {
	for _, bad := range []bool{false, true} {
		for _, n := range []int{1, 8, 64, 256} {
			msgs, sigs := make([][]byte, n), make([][]byte, n)
			for i := range n {
				msgs[i] = fmt.Appendf(make([]byte, 0, 300), "header %d %0280d", i, 0)
				sigs[i] = ed25519.Sign(signers[i%3].priv, msgs[i])
			}
			if bad {
				sigs[n/2] = append([]byte(nil), sigs[n/2]...)
				sigs[n/2][0] ^= 1
			}
			name := fmt.Sprintf("n=%d", n)
			if bad {
				name += "/one-bad"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					v := NewBatch(n)
					for i := range n {
						v.Add(signers[i%3].id, msgs[i], sigs[i])
					}
					for i, err := range v.Verify() {
						if (err == nil) != (!bad || i != n/2) {
							b.Fatal("wrong verdict")
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sig")
			})
		}
	}
}

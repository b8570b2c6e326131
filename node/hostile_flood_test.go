package node_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/ursic/ursic/share"
)

// badSigFrames are frames of share.MaxBatch envelopes of mallory's, each
// distinct (so no rejected-before memory helps) and each with a signature
// that does not verify.
func badSigFrames(tb testing.TB, b *attackBed, frames int) [][]byte {
	tb.Helper()
	good := b.adv.seal(tb, 1, nil, b.bravo)
	var out [][]byte
	k := uint64(0)
	for range frames {
		envs := make([][]byte, share.MaxBatch)
		for i := range envs {
			k++
			envs[i] = reencode(tb, good, func(e *share.Envelope) {
				binary.BigEndian.PutUint64(e.Sig[:8], k)
			})
		}
		out = append(out, frame(tb, &share.Message{Envelopes: &share.Envelopes{Envs: envs}}))
	}
	return out
}

// Finding: nothing followed from forged envelopes. Each costs the node a
// signature check (about 40 µs; 8 frames of 512 took 169 ms on this
// machine), the rejected-before memory does not help with envelopes that
// differ, and the stream rate (500 a second, 512 envelopes a frame) lets a
// member ask for far more than two cores do: one member kept the node's CPU
// busy for as long as it liked. Now a peer has a small budget of forged
// envelopes (bad signature, body not matching its digest: an honest node
// never sends one); past it, its streams are refused for a while.
func TestHostileForgedFloodBenched(t *testing.T) {
	b := newAttackBed(t)
	for _, f := range badSigFrames(t, b, 3) {
		b.adv.send(t, f)
	}
	// A valid envelope of mallory's after the flood is refused with its stream.
	valid := b.adv.seal(t, 1, nil, b.bravo)
	b.adv.push(t, valid)
	if b.bravo.holds(share.CIDOf(valid).String()) {
		t.Errorf("bravo still takes mallory's pushes after %d forged envelopes", 3*share.MaxBatch)
	}
	if m := metricsText(t, b.bravo); !strings.Contains(m, `ursic_rejected_total{reason="penalized"}`) {
		t.Errorf("bravo's /metrics does not count the refused streams:\n%s", m)
	}
	b.alphaReachesBravo(t, "after the flood")
}

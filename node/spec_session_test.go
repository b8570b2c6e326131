package node_test

// SPEC.md §11.3 and §11.4 read as a clean-room implementer reads them,
// checked on the wire: a roster member speaking /ursic/sync/1.0.0 by hand
// sends each request on a stream of its own and reads exactly what the
// honest node answers, byte for byte where the text gives the bytes.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// exchange opens a sync stream, writes raw, closes its side and reads the
// whole answer. reset reports that the stream ended in a reset rather than
// a close (§11.3: a refused first frame is reset without an answer).
func (a *adversary) exchange(t *testing.T, raw []byte) (answer []byte, reset bool) {
	t.Helper()
	s := a.stream(t)
	defer s.Close()
	if _, err := s.Write(raw); err != nil {
		t.Fatalf("write: %v", err)
	}
	s.CloseWrite()
	answer, err := io.ReadAll(s)
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the answer did not end within %v", fedWait)
	}
	return answer, err != nil
}

// frames splits an answer into its messages (§8: uvarint length, CBOR).
func frames(t *testing.T, b []byte) []*share.Message {
	t.Helper()
	var out []*share.Message
	r := bytes.NewReader(b)
	for r.Len() > 0 {
		m, err := share.ReadMessage(r, share.MaxFrameSize)
		if err != nil {
			t.Fatalf("answer frame %d: %v", len(out), err)
		}
		out = append(out, m)
	}
	return out
}

func TestSpecStreamAnswers(t *testing.T) {
	b := newAttackBed(t)
	alpha, bravo, adv := b.alpha, b.bravo, b.adv
	emptyEnvs, err := os.ReadFile(filepath.Join("..", "share", "testdata", "golden", "wire-envs-empty.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(emptyEnvs, []byte{0x0a, 0xa1, 0x64, 0x65, 0x6e, 0x76, 0x73, 0xa1, 0x61, 0x65, 0x80}) {
		t.Fatalf("wire-envs-empty.bin is not the frame §11.4 prints: % x", emptyEnvs)
	}

	// A RED record from alpha to bravo alone: bravo holds a log mallory may
	// not read. alphaReachesBravo (in newAttackBed) left an AMBER record in
	// alpha's g/members, which mallory, a member, may read.
	redLog := share.LogID([]string{bravo.peerID()})
	c := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{TLP: "red", Audience: []string{bravo.peerID()}})
	waitFor(t, liveWait, "bravo holds alpha's RED record", func() bool { return bravo.holds(c) })

	rangeOf := func(author, log string, from, to uint64) []byte {
		return frame(t, &share.Message{GetRange: &share.GetRange{Author: author, Log: log, From: from, To: to}})
	}

	t.Run("§11.4 a log it may not read is answered like one that does not exist", func(t *testing.T) {
		for _, req := range []struct{ what, author, log string }{
			{"alpha's RED log to bravo", alpha.peerID(), redLog},
			{"a log that does not exist", alpha.peerID(), "g/nosuch"},
			{"an author bravo never heard of", adv.id.PeerID(), redLog},
		} {
			got, reset := adv.exchange(t, rangeOf(req.author, req.log, 1, 100))
			if reset || !bytes.Equal(got, emptyEnvs) {
				t.Errorf("%s: answer % x (reset %v); §11.4 says exactly % x, closed", req.what, got, reset, emptyEnvs)
			}
		}
	})

	t.Run("§8.2 a log it may read is answered with its entries", func(t *testing.T) {
		// The same request shape as above, for a log mallory may read: the
		// answer is not empty, so the rows above can fail.
		got, reset := adv.exchange(t, rangeOf(alpha.peerID(), "g/members", 1, 100))
		ms := frames(t, got)
		if reset || len(ms) != 1 || ms[0].Envelopes == nil || len(ms[0].Envelopes.Envs) == 0 || ms[0].Envelopes.More {
			t.Fatalf("range of g/members: %d frame(s), reset %v; want one envs with entries and no m", len(ms), reset)
		}
		// §8.2: ascending, each position at most once, all inside the range.
		last := uint64(0)
		for i, raw := range ms[0].Envelopes.Envs {
			env, err := share.Decode(raw)
			if err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
			if s := env.Header.Seq; s <= last || s > 100 || env.Header.Log != "g/members" {
				t.Errorf("entry %d: seq %d of %s after seq %d", i, s, env.Header.Log, last)
			}
			last = env.Header.Seq
		}
	})

	t.Run("§11.3 hello is answered with exactly one hello", func(t *testing.T) {
		got, reset := adv.exchange(t, frame(t, &share.Message{Hello: &share.Hello{RosterVersion: b.genesis.Version, RosterHash: b.genesis.Hash(), Heads: []share.LogHead{}}}))
		ms := frames(t, got)
		if reset || len(ms) != 1 || ms[0].Hello == nil {
			t.Fatalf("%d frame(s), reset %v; want one hello", len(ms), reset)
		}
		// §8.2: the hello names no log of which mallory may hold nothing.
		for _, h := range ms[0].Hello.Heads {
			if h.Log == redLog {
				t.Errorf("bravo's hello to mallory names alpha's RED log to bravo")
			}
		}
	})

	t.Run("§11.3 getr is answered with exactly one rosters", func(t *testing.T) {
		got, reset := adv.exchange(t, frame(t, &share.Message{GetRosters: &share.GetRosters{From: 1}}))
		ms := frames(t, got)
		if reset || len(ms) != 1 || ms[0].Rosters == nil {
			t.Fatalf("%d frame(s), reset %v; want one rosters", len(ms), reset)
		}
	})

	t.Run("§11.3 a push is answered with nothing", func(t *testing.T) {
		got, reset := adv.exchange(t, frame(t, &share.Message{Envelopes: &share.Envelopes{Envs: [][]byte{}}}))
		if reset || len(got) != 0 {
			t.Fatalf("answer % x, reset %v; want nothing, closed", got, reset)
		}
	})

	t.Run("§11.3 a range that breaks §8.1 is malformed: reset unanswered", func(t *testing.T) {
		// share.EncodeMessage refuses to write these, so they are written
		// by hand: {"range": {"a", "l", "f", "t"}} with t < f, and with
		// t − f + 1 over 10,000.
		for what, g := range map[string]map[string]any{
			"t < f":    {"a": alpha.peerID(), "l": "g/members", "f": 5, "t": 4},
			"too long": {"a": alpha.peerID(), "l": "g/members", "f": 1, "t": share.MaxRange + 1},
			"f = 0":    {"a": alpha.peerID(), "l": "g/members", "f": 0, "t": 1},
		} {
			b, err := cbor.Marshal(map[string]any{"range": g})
			if err != nil {
				t.Fatal(err)
			}
			got, reset := adv.exchange(t, append(binary.AppendUvarint(nil, uint64(len(b))), b...))
			if !reset || len(got) != 0 {
				t.Errorf("%s: answer % x, reset %v; want no answer and a reset", what, got, reset)
			}
		}
	})

	t.Run("§11.3 a stream that opens with heads, rosters or err is reset unanswered", func(t *testing.T) {
		for what, m := range map[string]*share.Message{
			"heads":   {Heads: &share.Heads{Heads: []share.LogHead{}}},
			"rosters": {Rosters: &share.Rosters{}},
			"err":     {Error: &share.WireError{Code: "internal"}},
		} {
			got, reset := adv.exchange(t, frame(t, m))
			if !reset || len(got) != 0 {
				t.Errorf("%s: answer % x, reset %v; want no answer and a reset", what, got, reset)
			}
		}
	})
}

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// storedEnvelopes returns every envelope in p's store, read from a copy of
// the store file (the running node holds the lock on the original).
func storedEnvelopes(root string, p *peer) ([][]byte, error) {
	tmp, err := os.MkdirTemp(root, "store-copy-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, node.StoreFile)
	if err := copyFile(filepath.Join(p.dir, node.StoreFile), path, 0o600); err != nil {
		return nil, err
	}
	return readStore(path)
}

func readStore(path string) ([][]byte, error) {
	st, err := store.Open(path)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var envs [][]byte
	err = st.ForEach(func(e store.Entry) error {
		envs = append(envs, e.Envelope)
		return nil
	})
	return envs, err
}

// groupKeyFor opens the senderkey records among envs with the reader's
// identity and returns the group identities they hand out, by epoch: the
// same crypto.GroupKey identity the node's reader opens group records with
// (ursic-sk stanza first, X25519 for old records), so the floor measures
// the stanza records really carry.
func groupKeyFor(envs [][]byte, reader *crypto.Identity) (map[uint64]age.Identity, time.Duration, error) {
	keys := map[uint64]age.Identity{}
	var took time.Duration
	for _, raw := range envs {
		env, err := share.Decode(raw)
		if err != nil {
			return nil, 0, err
		}
		if env.Header.Kind != share.KindSenderKey {
			continue
		}
		t0 := time.Now()
		plain, err := env.Open(reader.AgeIdentity())
		if err != nil {
			return nil, 0, fmt.Errorf("senderkey record: %w", err)
		}
		b, err := share.ParseSenderKeyBody(plain)
		if err != nil {
			return nil, 0, err
		}
		id, err := b.Identity()
		if err != nil {
			return nil, 0, err
		}
		took += time.Since(t0)
		keys[b.Epoch] = id
	}
	if len(keys) == 0 {
		return nil, 0, errors.New("no senderkey record for the reader")
	}
	return keys, took, nil
}

// groupRecords returns the group-sealed record envelopes among envs.
func groupRecords(envs [][]byte) [][]byte {
	var out [][]byte
	for _, raw := range envs {
		env, err := share.Decode(raw)
		if err == nil && env.Header.Kind != share.KindSenderKey && !env.Header.Key.Direct {
			out = append(out, raw)
		}
	}
	return out
}

// floorBatch is how many signatures the node checks in one batch during a
// bulk sync: a range answer carries share.MaxBatch envelopes, and
// receive.Checker.CheckFrame splits a frame into one batch a core.
var floorBatch = share.MaxBatch / max(1, min(runtime.GOMAXPROCS(0), share.MaxBatch/16))

// openAll decodes, verifies and opens each envelope on this goroutine, as a
// reader does per received frame: share.Decode, the signatures of one
// core's share of a frame checked in one batch (share.VerifyBatch, as
// receive.Checker.CheckFrame does), then Envelope.Open (which, the envelope
// verified, unwraps the group key's stanza, decrypts and checks the record).
func openAll(envs [][]byte, keys map[uint64]age.Identity) error {
	decoded := make([]*share.Envelope, 0, floorBatch)
	for start := 0; start < len(envs); start += floorBatch {
		decoded = decoded[:0]
		for _, raw := range envs[start:min(start+floorBatch, len(envs))] {
			env, err := share.Decode(raw)
			if err != nil {
				return err
			}
			decoded = append(decoded, env)
		}
		if err := verifyAll(decoded); err != nil {
			return err
		}
		for _, env := range decoded {
			if _, err := env.Open(keys[env.Header.Key.Epoch]); err != nil {
				return err
			}
		}
	}
	return nil
}

// verifyAll checks envs in batches of floorBatch, as the node does.
func verifyAll(envs []*share.Envelope) error {
	for start := 0; start < len(envs); start += floorBatch {
		for _, err := range share.VerifyBatch(envs[start:min(start+floorBatch, len(envs))]) {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// cryptoFloor is records/s of decode + verify + open on one goroutine over
// up to sample of envs (evenly spaced), best of three passes; and the share
// of that time spent in Ed25519 verification alone (batched as the node
// batches, the body digest included).
func cryptoFloor(envs [][]byte, reader *crypto.Identity, sample int) (float64, float64, error) {
	keys, _, err := groupKeyFor(envs, reader)
	if err != nil {
		return 0, 0, err
	}
	recs := spread(groupRecords(envs), sample)
	if len(recs) == 0 {
		return 0, 0, errors.New("no group records")
	}
	best := time.Duration(1<<63 - 1)
	for range 3 {
		t0 := time.Now()
		if err := openAll(recs, keys); err != nil {
			return 0, 0, err
		}
		best = min(best, time.Since(t0))
	}
	bestVerify := time.Duration(1<<63 - 1)
	decoded := make([]*share.Envelope, len(recs))
	for i, raw := range recs {
		decoded[i], _ = share.Decode(raw)
	}
	for range 3 {
		t0 := time.Now()
		if err := verifyAll(decoded); err != nil {
			return 0, 0, err
		}
		bestVerify = min(bestVerify, time.Since(t0))
	}
	return float64(len(recs)) / best.Seconds(), float64(bestVerify) / float64(best), nil
}

// spread returns at most n elements of s, evenly spaced.
func spread(s [][]byte, n int) [][]byte {
	if n <= 0 || len(s) <= n {
		return s
	}
	out := make([][]byte, 0, n)
	for i := range n {
		out = append(out, s[i*len(s)/n])
	}
	return out
}

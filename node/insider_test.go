package node_test

// Insider tests: a member whose node is hostile (mallory, a raw libp2p host
// with a roster member's real key) tries each way a member could harm other
// members' records. Every test runs real nodes on loopback; each one names
// the attack it makes impossible.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/ipfs/go-cid"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/share"
)

// sealRecord makes an envelope by the adversary of any kind, sealed directly
// to readers at seq in its log to them (TLP:RED).
func (a *adversary) sealRecord(tb testing.TB, seq uint64, prev []byte, body []byte, readers ...*peerNode) []byte {
	tb.Helper()
	rec, err := share.ParseRecord(body)
	if err != nil {
		tb.Fatal(err)
	}
	var audience []string
	var recips []age.Recipient
	for _, r := range readers {
		audience = append(audience, r.peerID())
		rc, err := crypto.ParseRecipient(r.card.Recipient)
		if err != nil {
			tb.Fatal(err)
		}
		recips = append(recips, rc)
	}
	slices.Sort(audience)
	env, err := share.Seal(a.id, share.Header{
		Kind: rec.Kind, Seq: seq, Prev: prev, Created: time.Now().UnixMilli(), RosterVersion: 1,
		TLP: "red", Audience: audience, Key: share.KeyRef{Direct: true},
	}, rec.Body, recips...)
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := env.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// stubOf is raw without its body.
func stubOf(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	env, err := share.Decode(raw)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := env.Stub().Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// envelopeAt is the stored envelope c at p, decoded.
// missedByBravo has bravo stop hearing from alpha, and alpha publish two
// AMBER records in a row: the one bravo misses, and the next, whose header
// names the first as its predecessor. It returns their CIDs and envelopes.
func (b *attackBed) missedByBravo(t *testing.T) (missed, later string, rawMissed, rawLater []byte) {
	t.Helper()
	if err := b.bravo.n.SetBlocked([]string{b.alpha.peerID()}); err != nil {
		t.Fatal(err)
	}
	missed = b.alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	later = b.alpha.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{TLP: "amber"})
	rawMissed, _ = envelopeAt(t, b.alpha, missed)
	rawLater, _ = envelopeAt(t, b.alpha, later)
	return missed, later, rawMissed, rawLater
}

func envelopeAt(tb testing.TB, p *peerNode, c string) ([]byte, *share.Envelope) {
	tb.Helper()
	raw, err := p.n.Envelope(c)
	if err != nil {
		tb.Fatalf("%s: envelope %s: %v", p.name, c, err)
	}
	env, err := share.Decode(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return raw, env
}

func cidBytes(tb testing.TB, c string) []byte {
	tb.Helper()
	cc, err := share.ParseCID(c)
	if err != nil {
		tb.Fatal(err)
	}
	return cc.Bytes()
}

// readsIntact checks that p reads c and that c is not marked retracted.
func readsIntact(tb testing.TB, p *peerNode, c string) {
	tb.Helper()
	v, err := p.n.Show(c)
	if err != nil {
		tb.Fatalf("%s cannot read %s: %v", p.name, c, err)
	}
	if v.Retracted {
		tb.Fatalf("%s shows %s as retracted", p.name, c)
	}
}

// Finding: a member stripped the body off its own envelope, named another
// author's CID beside the stub, and every receiver dropped that author's
// record (or sender key) as "retracted by its author".
func TestInsiderForgedStubDeletesNothing(t *testing.T) {
	b := newAttackBed(t)
	alpha, bravo, adv := b.alpha, b.bravo, b.adv
	victim := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	waitFor(t, liveWait, "bravo reads alpha's record", func() bool { return bravo.canRead(victim) })
	_, env := envelopeAt(t, bravo, victim)
	key, err := cid.Cast(env.Header.Key.SenderKey)
	if err != nil {
		t.Fatalf("alpha's record names no sender key: %v", err)
	}
	for _, target := range []string{victim, key.String()} {
		// Mallory's own envelope, stripped, with the target's CID beside it.
		stub := stubOf(t, adv.seal(t, 1, nil, bravo))
		adv.send(t, frame(t, &share.Message{Envelopes: &share.Envelopes{
			Envs: [][]byte{stub}, Stubs: []share.StubCID{{Index: 0, CID: cidBytes(t, target)}},
		}}))
		// And the same with a successor whose signed prev names the target:
		// mallory vouches for its own log only, never for alpha's record.
		next := adv.seal(t, 2, cidBytes(t, target), bravo)
		adv.push(t, stub, next)
	}
	syncAll(alpha, bravo)
	readsIntact(t, bravo, victim)
	if !bravo.holds(key.String()) {
		t.Fatalf("bravo lost alpha's sender key")
	}
	// After a restart the epoch still opens: the sender key survived.
	bravo.stop()
	bravo.startNode()
	readsIntact(t, bravo, victim)
	waitFor(t, fedWait, "bravo reconnects to alpha", func() bool { return bravo.connectedTo(alpha) })
	b.alphaReachesBravo(t, "after the restart")
}

// Finding: on a receiver that missed an entry, a stub with a made-up CID
// became the log's head; every later entry then failed its predecessor check
// and the honest author was flagged for equivocation.
func TestInsiderMadeUpStubCIDFreezesNoLog(t *testing.T) {
	b := newAttackBed(t)
	bravo, adv := b.bravo, b.adv
	missed, later, rawMissed, rawLater := b.missedByBravo(t)
	fake := share.CIDOf([]byte("an entry that never existed")).Bytes()
	before := bravo.status()
	// Alone (nothing confirms it), then with the successor that contradicts it.
	adv.send(t, frame(t, &share.Message{Envelopes: &share.Envelopes{
		Envs: [][]byte{stubOf(t, rawMissed)}, Stubs: []share.StubCID{{Index: 0, CID: fake}},
	}}))
	adv.send(t, frame(t, &share.Message{Envelopes: &share.Envelopes{
		Envs: [][]byte{stubOf(t, rawMissed), rawLater}, Stubs: []share.StubCID{{Index: 0, CID: fake}},
	}}))
	if err := bravo.n.SetBlocked(nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "bravo reads both of alpha's records", func() bool {
		return bravo.canRead(missed) && bravo.canRead(later)
	})
	readsIntact(t, bravo, missed)
	if n := bravo.status().Equivocations; n != before.Equivocations {
		t.Errorf("bravo flagged %d equivocations; alpha never equivocated", n-before.Equivocations)
	}
	b.alphaReachesBravo(t, "after the attack")
}

// Finding: a retraction by one member, naming another member's record that
// the receiver did not hold yet, was kept by CID and later suppressed the
// real record on arrival.
func TestInsiderRetractionInAdvance(t *testing.T) {
	b := newAttackBed(t)
	alpha, bravo, adv := b.alpha, b.bravo, b.adv
	if err := bravo.n.SetBlocked([]string{alpha.peerID()}); err != nil {
		t.Fatal(err)
	}
	target := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	body, err := json.Marshal(map[string]string{"kind": "retraction", "target": target, "reason": "withdrawn by its author"})
	if err != nil {
		t.Fatal(err)
	}
	retraction := adv.sealRecord(t, 1, nil, body, bravo)
	adv.push(t, retraction)
	waitFor(t, liveWait, "bravo reads mallory's retraction", func() bool { return bravo.canRead(share.CIDOf(retraction).String()) })
	if err := bravo.n.SetBlocked(nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "bravo reads alpha's record", func() bool { return bravo.canRead(target) })
	readsIntact(t, bravo, target)

	// Alpha's own retraction still works, pending or not.
	if _, err := alpha.n.Retract(target, "superseded"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fedWait, "bravo applies alpha's retraction", func() bool {
		v, err := bravo.n.Show(target)
		return err == nil && v.Retracted
	})
}

// newLabConsortium is alpha and bravo (members) and a liaison, all in the
// custom group "lab"; alpha and bravo are the executives.
func newLabConsortium(t *testing.T) (alpha, bravo, liaison *peerNode, g *share.Roster) {
	t.Helper()
	alpha, bravo = newPeerHome(t, "alpha"), newPeerHome(t, "bravo")
	liaison = newPeerHome(t, "liaison")
	g = &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second)}
	liaison.card.Role = "liaison"
	for _, p := range []*peerNode{alpha, bravo, liaison} {
		g.Members = append(g.Members, share.RosterMember(*p.card))
	}
	g.Executive = []string{alpha.peerID(), bravo.peerID()}
	g.Groups = map[string][]string{"lab": {alpha.peerID(), bravo.peerID(), liaison.peerID()}}
	signAndInstall(t, g, []*peerNode{alpha, bravo}, alpha, bravo, liaison)
	return alpha, bravo, liaison, g
}

// signAndInstall has signers sign r and installs it in every home given.
func signAndInstall(t *testing.T, r *share.Roster, signers []*peerNode, homes ...*peerNode) {
	t.Helper()
	for _, p := range signers {
		if err := r.Sign(p.id); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range homes {
		if p.n != nil {
			if err := p.n.ApplyRoster(r); err != nil {
				t.Fatalf("%s: ApplyRoster: %v", p.name, err)
			}
			continue
		}
		if err := node.ApplyRosterOffline(p.dir, r); err != nil {
			t.Fatalf("%s: ApplyRosterOffline: %v", p.name, err)
		}
	}
}

// Finding: entitlement was decided per log from its first entry. GREEN then
// AMBER+STRICT to a group with a liaison sent the AMBER+STRICT envelope to
// the liaison, which then never received the later GREEN records; and a
// member who joined later received group envelopes of epochs before it.
func TestInsiderEntitlementPerEnvelope(t *testing.T) {
	alpha, bravo, liaison, g := newLabConsortium(t)
	startMesh(t, alpha, bravo, liaison)
	lab := node.PublishOptions{Audience: []string{"lab"}}
	green1 := alpha.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{TLP: "green", Audience: lab.Audience})
	strict := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{TLP: "amber+strict", Audience: lab.Audience})
	green2 := alpha.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{TLP: "green", Audience: lab.Audience})
	waitFor(t, fedWait, "bravo reads all three", func() bool {
		return bravo.canRead(green1) && bravo.canRead(strict) && bravo.canRead(green2)
	})
	waitFor(t, fedWait, "the liaison reads both GREEN records (liveness across the AMBER+STRICT entry)", func() bool {
		return liaison.canRead(green1) && liaison.canRead(green2)
	})
	syncAll(alpha, bravo, liaison)
	_, strictEnv := envelopeAt(t, alpha, strict)
	strictKey, err := cid.Cast(strictEnv.Header.Key.SenderKey)
	if err != nil {
		t.Fatal(err)
	}
	liaison.stop()
	assertNoTrace(t, liaison.dir, strict)
	assertNoTrace(t, liaison.dir, strictKey.String())

	// A member added later holds nothing written before it joined.
	delta := newPeerHome(t, "delta")
	next := g.Next()
	next.Members = append(next.Members, share.RosterMember(*delta.card))
	next.Groups = map[string][]string{"lab": {alpha.peerID(), bravo.peerID(), liaison.peerID(), delta.peerID()}}
	signAndInstall(t, next, []*peerNode{alpha, bravo}, alpha, bravo)
	if err := node.ApplyRosterOffline(delta.dir, g); err != nil {
		t.Fatal(err)
	}
	if err := node.ApplyRosterOffline(delta.dir, next); err != nil {
		t.Fatal(err)
	}
	delta.startNode()
	waitFor(t, fedWait, "delta connects", func() bool { return delta.connectedTo(alpha) && delta.connectedTo(bravo) })
	after := alpha.publish(sampleRecord(t, "indicator-clear.json"), node.PublishOptions{TLP: "green", Audience: lab.Audience})
	waitFor(t, fedWait, "delta reads what was written after it joined", func() bool { return delta.canRead(after) })
	syncAll(alpha, bravo, delta)
	delta.stop()
	for _, c := range []string{green1, strict, green2, strictKey.String()} {
		assertNoTrace(t, delta.dir, c)
	}
}

// Finding: publish decided recipients before it took its lock and stamped
// the roster version at seal time, so a long JSON Lines publish overlapping a
// removal sealed later batches to the removed member.
func TestInsiderPublishDuringRemoval(t *testing.T) {
	nodes, g := newConsortium(t, "alpha", "bravo", "charlie")
	alpha, bravo, charlie := nodes[0], nodes[1], nodes[2]
	alpha.startNode()
	var lines [][]byte
	for i := range 1500 {
		lines = append(lines, edit(t, sampleRecord(t, "indicator-amber.json"), func(m map[string]any) {
			m["title"] = fmt.Sprintf("record %d", i)
		}))
	}
	next := g.Next()
	next.Members = slices.DeleteFunc(slices.Clone(next.Members), func(m share.RosterMember) bool { return m.PeerID == charlie.peerID() })
	next.Executive = []string{alpha.peerID(), bravo.peerID()}
	for _, p := range []*peerNode{alpha, bravo} {
		if err := next.Sign(p.id); err != nil {
			t.Fatal(err)
		}
	}
	var (
		once    sync.Once
		applied = make(chan error, 1)
		cids    []string
	)
	err := alpha.n.Publish(context.Background(), lines, node.PublishOptions{}, func(p node.Published) error {
		cids = append(cids, p.CID)
		// The removal arrives while the publish is under way.
		once.Do(func() { go func() { applied <- alpha.n.ApplyRoster(next) }() })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-applied; err != nil {
		t.Fatal(err)
	}
	charlieRecipient := charlie.card.Recipient
	byVersion := map[uint64]int{}
	for _, c := range cids {
		_, env := envelopeAt(t, alpha, c)
		k, err := cid.Cast(env.Header.Key.SenderKey)
		if err != nil {
			t.Fatal(err)
		}
		_, skEnv := envelopeAt(t, alpha, k.String())
		plain, err := skEnv.Open(alpha.id.AgeIdentity())
		if err != nil {
			t.Fatal(err)
		}
		body, err := share.ParseSenderKeyBody(plain)
		if err != nil {
			t.Fatal(err)
		}
		hasCharlie := slices.Contains(body.Members, charlie.peerID())
		v := env.Header.RosterVersion
		byVersion[v]++
		if v != skEnv.Header.RosterVersion {
			t.Fatalf("record %s written under roster %d is sealed to a key of roster %d", c, v, skEnv.Header.RosterVersion)
		}
		if (v == 2) == hasCharlie {
			t.Fatalf("record %s written under roster %d: charlie (%s) among the key's members = %v", c, v, charlieRecipient, hasCharlie)
		}
	}
	if byVersion[1] == 0 || byVersion[2] == 0 {
		t.Fatalf("the removal did not overlap the publish: records by roster version %v", byVersion)
	}
	t.Logf("records by roster version: %v", byVersion)
}

// Finding: sender keys did not rotate when a member's age key changed (same
// peer ID, a new recipient in a later roster), so new group records stayed
// readable with the old, possibly compromised key.
func TestInsiderKeyChangeRotatesSenderKey(t *testing.T) {
	nodes, g := newConsortium(t, "alpha", "bravo")
	alpha, bravo := nodes[0], nodes[1]
	alpha.startNode()
	before := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	fresh, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	next := g.Next()
	for i, m := range next.Members {
		if m.PeerID == bravo.peerID() {
			next.Members[i].Recipient = fresh.Recipient().String()
		}
	}
	signAndInstall(t, next, []*peerNode{alpha, bravo}, alpha)
	after := alpha.publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	keyOf := func(c string) *share.Envelope {
		_, env := envelopeAt(t, alpha, c)
		k, err := cid.Cast(env.Header.Key.SenderKey)
		if err != nil {
			t.Fatal(err)
		}
		_, sk := envelopeAt(t, alpha, k.String())
		return sk
	}
	k1, k2 := keyOf(before), keyOf(after)
	if bytes.Equal(k1.Sig, k2.Sig) {
		t.Fatalf("the record after bravo's key change uses the same sender key")
	}
	if _, err := k2.Open(bravo.id.AgeIdentity()); err == nil {
		t.Errorf("bravo's old key opens the sender key made after it was replaced")
	}
	if _, err := k2.Open(fresh); err != nil {
		t.Errorf("bravo's new key does not open the new sender key: %v", err)
	}
}

// Finding: 60 copies pushed for one log position grew the store by 86 MiB in
// a second, and a lookup scanned every copy.
func TestInsiderEquivocationCopiesBounded(t *testing.T) {
	b := newAttackBed(t)
	bravo, adv := b.bravo, b.adv
	before := bravo.status()
	var copies []string
	for i := range 60 {
		body := edit(t, sampleRecord(t, "indicator-clear.json"), func(m map[string]any) {
			m["summary"] = fmt.Sprintf("copy %d %s", i, strings.Repeat("x", 1<<10))
		})
		raw := adv.sealRecord(t, 1, nil, body, bravo)
		copies = append(copies, share.CIDOf(raw).String())
		adv.push(t, raw)
	}
	waitFor(t, liveWait, "bravo flags the equivocation", func() bool { return bravo.status().Equivocations > before.Equivocations })
	syncAll(b.alpha, bravo)
	held := 0
	for _, c := range copies {
		if bravo.holds(c) {
			held++
		}
	}
	if held != 2 {
		t.Errorf("bravo holds %d of 60 copies for one position, want the first two", held)
	}
	if n := bravo.status().Equivocations - before.Equivocations; n != 1 {
		t.Errorf("bravo keeps %d equivocating copies, want 1 beside the entry", n)
	}
	b.alphaReachesBravo(t, "after the copies")
}

// Finding: the signature was checked before cheap checks, and rejected
// envelopes were not remembered, so a replayed bad frame cost full CPU each
// time.
func TestInsiderCheapChecksFirst(t *testing.T) {
	b := newAttackBed(t)
	alpha, bravo, adv := b.alpha, b.bravo, b.adv
	// Not for bravo and badly signed: refused as not entitled, before any
	// signature is looked at.
	notForBravo := reencode(t, adv.seal(t, 1, nil, alpha), func(e *share.Envelope) { e.Sig[3] ^= 0x10 })
	b.expectRejected(t, func() { adv.push(t, notForBravo) }, share.CIDOf(notForBravo).String())
	if !strings.Contains(bravo.log.String(), "not for this node") {
		t.Errorf("bravo did not refuse the envelope as not entitled (its log has no such line)")
	}
	// A bad signature, replayed: the second time it is known.
	bad := reencode(t, adv.seal(t, 1, nil, bravo), func(e *share.Envelope) { e.Sig[5] ^= 0x01 })
	b.expectRejected(t, func() { adv.push(t, bad) }, share.CIDOf(bad).String())
	b.expectRejected(t, func() { adv.push(t, bad) }, share.CIDOf(bad).String())
	if !strings.Contains(bravo.log.String(), "envelope rejected before") {
		t.Errorf("bravo checked the replayed envelope again (its log has no %q line)", "envelope rejected before")
	}
}

// The node's metrics name what an operator watches: peers, roster, index,
// records by kind and TLP, rejections by reason, sync lag, publish latency.
func TestMetricsAfterAttack(t *testing.T) {
	b := newAttackBed(t)
	bad := reencode(t, b.adv.seal(t, 1, nil, b.bravo), func(e *share.Envelope) { e.Sig[5] ^= 0x01 })
	b.expectRejected(t, func() { b.adv.push(t, bad) }, share.CIDOf(bad).String())
	for _, want := range []string{
		"ursic_peers_connected 2",
		"ursic_roster_version 1",
		"ursic_index_ready 1",
		`ursic_readable_records{kind="indicator",tlp="amber"}`,
		`ursic_rejected_total{reason="bad-signature"} 1`,
		"ursic_publish_batch_seconds_count 0",
		"ursic_handshake_refusals 0",
	} {
		name, _, _ := strings.Cut(want, " ")
		name, _, _ = strings.Cut(name, "{")
		found := false
		for _, line := range strings.Split(metricsText(t, b.bravo), "\n") {
			if strings.HasPrefix(line, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("bravo's /metrics has no line %q (%s)", want, name)
		}
	}
	if !strings.Contains(metricsText(t, b.alpha), "ursic_publish_batch_seconds_count 2") {
		t.Errorf("alpha's publish latency histogram did not count its two publishes:\n%s", metricsText(t, b.alpha))
	}
}

func metricsText(t *testing.T, p *peerNode) string {
	t.Helper()
	srv := api.NewServer(p.n, "token", nil)
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Host = "127.0.0.1"
	req.Header.Set("Authorization", "Bearer token")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec.Body.String()
}

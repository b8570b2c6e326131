package node_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/ursic/ursic/node"
)

// partitionRecords is how many records each publishing node writes on its
// side of the partition.
const partitionRecords = 3

// TestPartitionHeal: five members in a full mesh are split into {1,2} and
// {3,4,5} (each side's gates refuse the other side and drop its
// connections). Both sides publish AMBER records to the members; each side
// then holds its own side's records and none of the other's. When the
// partition heals, all five converge to the same records within a bounded
// time.
func TestPartitionHeal(t *testing.T) {
	nodes, _ := newConsortium(t, "p1", "p2", "p3", "p4", "p5")
	startMesh(t, nodes...)
	left, right := nodes[:2], nodes[2:]

	common := nodes[0].publish(sampleRecord(t, "indicator-amber.json"), node.PublishOptions{})
	for _, p := range nodes {
		waitFor(t, fedWait, p.name+" reads the record published before the partition", func() bool { return p.canRead(common) })
	}

	partition(t, left, right)
	partition(t, right, left)
	for _, p := range nodes {
		want := len(left) - 1
		if slices.Contains(right, p) {
			want = len(right) - 1
		}
		waitFor(t, fedWait, p.name+" connected only to its own side", func() bool { return len(p.n.Peers()) == want })
	}

	// Both sides publish: p1 on the left; p3 and p5 on the right.
	publishSome := func(p *peerNode) []string {
		var out []string
		for i := range partitionRecords {
			rec := edit(t, sampleRecord(t, "indicator-amber.json"), func(m map[string]any) {
				m["title"] = fmt.Sprintf("Published by %s during the partition, %d", p.name, i)
			})
			out = append(out, p.publish(rec, node.PublishOptions{TLP: "amber"}))
		}
		return out
	}
	leftCIDs := publishSome(nodes[0])
	rightCIDs := append(publishSome(nodes[2]), publishSome(nodes[4])...)

	sides := []struct {
		nodes       []*peerNode
		own, others []string
	}{{left, leftCIDs, rightCIDs}, {right, rightCIDs, leftCIDs}}
	for _, side := range sides {
		for _, p := range side.nodes {
			for _, c := range side.own {
				waitFor(t, fedWait, p.name+" reads its side's record "+c, func() bool { return p.canRead(c) })
			}
		}
	}
	// A sync round on each side: an absence now is the partition's doing.
	syncAll(nodes...)
	for _, side := range sides {
		for _, p := range side.nodes {
			for _, c := range side.others {
				if p.holds(c) {
					t.Errorf("%s holds %s, published across the partition", p.name, c)
				}
			}
			if got, want := listed(t, p), append([]string{common}, side.own...); !sameSet(got, want) {
				t.Errorf("%s lists %v during the partition, want %v", p.name, got, want)
			}
		}
	}

	// Heal: lift every block; redial brings the mesh back and sync runs.
	for _, p := range nodes {
		if err := p.n.SetBlocked(nil); err != nil {
			t.Fatal(err)
		}
	}
	all := append(append([]string{common}, leftCIDs...), rightCIDs...)
	for _, p := range nodes {
		waitFor(t, fedWait, p.name+" converges after the heal", func() bool { return sameSet(listed(t, p), all) })
	}
	for _, p := range nodes {
		waitFor(t, fedWait, p.name+" reconnected to every member", func() bool { return len(p.n.Peers()) == len(nodes)-1 })
	}
	// Every node holds the same envelopes (records and sender keys alike).
	syncAll(nodes...)
	want := nodes[0].status()
	for _, p := range nodes[1:] {
		if st := p.status(); st.Envelopes != want.Envelopes || st.Logs != want.Logs {
			t.Errorf("%s holds %d envelopes in %d logs, %s %d in %d", p.name, st.Envelopes, st.Logs, nodes[0].name, want.Envelopes, want.Logs)
		}
	}
}

// partition makes every node of side refuse every node of other.
func partition(t *testing.T, side, other []*peerNode) {
	t.Helper()
	var ids []string
	for _, o := range other {
		ids = append(ids, o.peerID())
	}
	for _, p := range side {
		if err := p.n.SetBlocked(ids); err != nil {
			t.Fatalf("%s: SetBlocked: %v", p.name, err)
		}
	}
}

// listed is the CIDs of every record p lists, sorted.
func listed(t *testing.T, p *peerNode) []string {
	t.Helper()
	recs, total, err := p.n.List(node.ListOptions{All: true, Limit: 10_000})
	if err != nil {
		t.Fatalf("%s: List: %v", p.name, err)
	}
	if total != len(recs) {
		t.Fatalf("%s: List returned %d of %d", p.name, len(recs), total)
	}
	return slices.Sorted(func(yield func(string) bool) {
		for _, r := range recs {
			if !yield(r.CID) {
				return
			}
		}
	})
}

func sameSet(a, b []string) bool {
	set := func(s []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	return len(a) == len(b) && maps.Equal(set(a), set(b))
}

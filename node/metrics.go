package node

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ursic/ursic/node/receive"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// rejectionReason names the reason of a rejected envelope, for /metrics.
func rejectionReason(err error) string {
	switch {
	case errors.Is(err, receive.ErrRejectedBefore):
		return "rejected-before"
	case errors.Is(err, receive.ErrNotAsked):
		return "not-asked"
	case errors.Is(err, receive.ErrNotEntitled):
		return "not-entitled"
	case errors.Is(err, share.ErrBadSignature):
		return "bad-signature"
	case errors.Is(err, share.ErrBodyMismatch):
		return "body-mismatch"
	case errors.Is(err, store.ErrInvalidEntry), errors.Is(err, store.ErrGap), errors.Is(err, store.ErrPrevMismatch):
		return "log-rule"
	}
	return "malformed"
}

// Metrics returns the node's Prometheus collectors; the API registers them
// on /metrics. Each reads the node when scraped.
func (n *Node) Metrics() []prometheus.Collector {
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	return []prometheus.Collector{
		gauge("ursic_peers_connected", "Roster peers connected now.", func() float64 { return float64(len(n.Peers())) }),
		gauge("ursic_roster_version", "The roster version this node runs under (0: no roster).", func() float64 { return float64(n.rosterVersion()) }),
		gauge("ursic_index_ready", "1 once the index holds every stored record (after a start).", func() float64 { return b2f(n.IndexReady()) }),
		gauge("ursic_restoring", "1 while a node restored from a backup fetches its own records back.", func() float64 { return b2f(n.restoring.Load()) }),
		gauge("ursic_equivocations", "Equivocating envelopes kept as evidence.", func() float64 {
			st, err := n.store.Stats()
			if err != nil {
				return 0
			}
			return float64(st.Equivocations)
		}),
		gauge("ursic_audit_head_seq", "Sequence number of the last audit-log line.", func() float64 {
			h, ok, err := n.store.AuditHead()
			if err != nil || !ok {
				return 0
			}
			return float64(h.Seq)
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "ursic_signature_checks_total",
			Help: "Envelope signatures checked since start: what peers' envelopes cost the cores."}, func() float64 {
			if n.net == nil {
				return 0
			}
			return float64(n.net.checker.SignatureChecks())
		}),
		gauge("ursic_handshake_refusals", "Connections refused by the roster gate since start.", func() float64 {
			if n.net == nil {
				return 0
			}
			return float64(n.net.stats.refusedAtHandshake.Load())
		}),
		&recordsByKind{n: n},
		&peerStats{n: n},
		n.publishSeconds,
	}
}

var (
	descRecords  = prometheus.NewDesc("ursic_readable_records", "Records this node can read (not retracted), by kind and TLP.", []string{"kind", "tlp"}, nil)
	descRejected = prometheus.NewDesc("ursic_rejected_total", "Envelopes and messages from peers refused since start, by reason.", []string{"reason"}, nil)
	descLag      = prometheus.NewDesc("ursic_sync_lag_entries", "Entries a peer's last Hello offered beyond what this node held after pulling from it.", []string{"peer", "name"}, nil)
)

type recordsByKind struct{ n *Node }

func (c *recordsByKind) Describe(ch chan<- *prometheus.Desc) { ch <- descRecords }
func (c *recordsByKind) Collect(ch chan<- prometheus.Metric) {
	for k, v := range c.n.index.CountsByKindAndTLP() {
		ch <- prometheus.MustNewConstMetric(descRecords, prometheus.GaugeValue, float64(v), k[0], k[1])
	}
}

type peerStats struct{ n *Node }

func (c *peerStats) Describe(ch chan<- *prometheus.Desc) { ch <- descRejected; ch <- descLag }
func (c *peerStats) Collect(ch chan<- prometheus.Metric) {
	nw := c.n.net
	if nw == nil {
		return
	}
	nw.stats.mu.Lock()
	defer nw.stats.mu.Unlock()
	for r, v := range nw.stats.reasons {
		ch <- prometheus.MustNewConstMetric(descRejected, prometheus.CounterValue, float64(v), r)
	}
	for p, v := range nw.stats.lag {
		ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, float64(v), p, c.n.memberName(p))
	}
}

// newPublishSeconds is the histogram of the time from a publish batch's
// start to its durable commit.
func newPublishSeconds() prometheus.Histogram {
	return prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "ursic_publish_batch_seconds", Help: "Time to check, seal, sign and durably store one publish batch (up to 256 records).",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	})
}

func (n *Node) observePublish(start time.Time) { n.publishSeconds.Observe(time.Since(start).Seconds()) }

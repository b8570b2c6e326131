package api

import (
	"cmp"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ursic/ursic/docs"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/config"
	"github.com/ursic/ursic/node/console"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/policy/guard"
	"github.com/ursic/ursic/share"
)

// MaxPublishBody caps one publish request (about 250,000 records of 1 KiB).
const MaxPublishBody = 256 << 20

// Server serves one node's local API.
type Server struct {
	node  *node.Node
	token string
	log   *slog.Logger
	mux   *http.ServeMux
	hosts map[string]bool // Host header values (lower case, no port) answered besides loopback
	// console is the web console under /console/ (package console).
	console *console.Console

	published *prometheus.CounterVec
	rejected  *prometheus.CounterVec
	requests  *prometheus.HistogramVec
}

// NewServer makes the API handler for n, protected by token.
func NewServer(n *node.Node, token string, lg *slog.Logger) *Server {
	if lg == nil {
		lg = slog.Default()
	}
	reg := prometheus.NewRegistry()
	s := &Server{
		node: n, token: token, log: lg, mux: http.NewServeMux(), hosts: allowedHosts(n.Home().Config),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ursic_published_records_total", Help: "Records published by this node."}, []string{"kind"}),
		rejected:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ursic_publish_rejected_total", Help: "Publish requests refused, by reason."}, []string{"reason"}),
		requests:  prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ursic_api_request_seconds", Help: "Local API latency.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"route"}),
	}
	reg.MustRegister(n.Metrics()...)
	reg.MustRegister(s.published, s.rejected, s.requests, collectors.NewGoCollector(), prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ursic_records", Help: "Records stored on this node."}, func() float64 {
		st, err := n.Status()
		if err != nil {
			return 0
		}
		return float64(st.Records)
	}), prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ursic_roster_fork", Help: "1 while a connected peer holds another valid roster of a version this node holds (a roster fork; see ursic status), else 0."}, func() float64 {
		if len(n.RosterForks()) > 0 {
			return 1
		}
		return 0
	}), prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ursic_roster_fork_peers", Help: "Peers on another branch of the roster chain."}, func() float64 {
		return float64(len(n.RosterForks()))
	}), prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ursic_audit_tampered", Help: "1 if the node found its audit log altered against the head anchored in its store."}, func() float64 {
		if n.AuditTampered() {
			return 1
		}
		return 0
	}))
	s.handle("GET /healthz", false, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]bool{"ok": true}) })
	s.handle("GET /v1/status", true, s.status)
	s.handle("GET /v1/card", true, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, s.node.Home().Card()) })
	s.handle("POST /v1/publish", true, s.publish)
	s.handle("POST /v1/check", true, s.check)
	s.handle("GET /v1/records", true, s.list)
	s.handle("GET /v1/records/{cid}", true, s.show)
	s.handle("POST /v1/records/{cid}/retract", true, s.retract)
	s.handle("GET /v1/peers", true, s.peers)
	s.handle("GET /v1/roster", true, s.getRoster)
	s.handle("POST /v1/roster", true, s.applyRoster)
	s.handle("POST /v1/roster/sign", true, s.signRoster)
	s.handle("GET /v1/backup", true, s.backup)
	s.handle("GET /v1/audit/verify", true, s.verifyAudit)
	s.handle("GET /v1/openapi.yaml", true, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(docs.OpenAPI)
	})
	s.handle("GET /v1/export/stix", true, s.exportSTIX)
	s.handle("POST /v1/import/stix", true, s.importSTIX)
	s.handle("GET /v1/inbox", true, s.inboxList)
	s.handle("GET /v1/inbox/{id}", true, s.inboxShow)
	s.handle("POST /v1/inbox/{id}/accept", true, s.inboxAccept)
	s.handle("POST /v1/inbox/{id}/reject", true, s.inboxReject)
	s.handleTrends() // trends.go
	s.handle("POST /v1/screen", true, s.screen)
	s.handle("GET /v1/digest", true, s.digest)
	s.handle("POST /v1/digest/mail", true, s.mailDigest)
	s.mux.Handle("GET /metrics", s.auth(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	s.console = console.New(console.Options{API: s, Token: token, Log: lg})
	s.mux.Handle(console.Prefix, s.console)
	s.handle("POST /v1/console/signin", true, s.consoleSignIn)
	s.handle("GET /v1/audit/recent", true, s.recentAudit)
	return s
}

// ServeHTTP answers a request whose Host is allowed (see [Server.AllowHost]).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The API answers JSON, YAML, tar and text to programs; a browser led to
	// one of its URLs must never render or sniff an answer as a page, even
	// one that echoes the request's path or Host. The console sets its own,
	// looser policy for its pages.
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	if !s.AllowHost(r.Host) {
		writeError(w, &Error{Status: http.StatusMisdirectedRequest,
			Message: fmt.Sprintf("this node's API does not answer to Host %q", r.Host),
			Hint:    "reach it as localhost or 127.0.0.1; if this name is the node's own, add it to \"api_hosts\" in config.json"})
		return
	}
	if h, pattern := s.mux.Handler(r); pattern == "" {
		// The mux's own answers are plain text; the API answers JSON.
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		e := &Error{Status: rec.Code, Message: fmt.Sprintf("no API endpoint %s %s", r.Method, r.URL.Path), Hint: "docs/API.md lists the endpoints"}
		if rec.Code == http.StatusMethodNotAllowed {
			e.Message = fmt.Sprintf("%s does not answer %s", r.URL.Path, r.Method)
			w.Header().Set("Allow", rec.Header().Get("Allow"))
			e.Hint = "allowed: " + rec.Header().Get("Allow")
		}
		writeError(w, e)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// allowedHosts is the Host allowlist beside loopback: the host the API is
// bound to (unless a wildcard) and the config's api_hosts.
func allowedHosts(cfg *config.Config) map[string]bool {
	hosts := map[string]bool{}
	if h, _, err := net.SplitHostPort(cfg.API); err == nil {
		if ip := net.ParseIP(h); ip == nil || !ip.IsUnspecified() {
			hosts[strings.ToLower(h)] = true
		}
	}
	for _, h := range cfg.APIHosts {
		hosts[strings.ToLower(strings.Trim(h, "[]"))] = true
	}
	return hosts
}

// AllowHost reports whether the API answers a request carrying this Host
// header. It answers loopback names and addresses (localhost, 127.0.0.0/8,
// ::1), the address it is bound to and the config's api_hosts, and nothing
// else: a web page that rebinds its own DNS name to 127.0.0.1 sends its own
// name as Host and is refused.
func (s *Server) AllowHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "" {
		return false
	}
	return config.IsLoopback(host) || s.hosts[host]
}

func (s *Server) peers(w http.ResponseWriter, r *http.Request) {
	ps := s.node.Peers()
	out := make([]apiwire.PeerInfo, len(ps))
	for i, p := range ps {
		out[i] = apiwire.PeerInfo(p) // fails to compile if the node's type drifts from the wire type
	}
	writeJSON(w, 200, out)
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request) {
	rep, err := s.node.VerifyAudit()
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, 200, rep)
}

func (s *Server) handle(pattern string, auth bool, h http.HandlerFunc) {
	route := pattern
	var handler http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h(w, r)
		s.requests.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
	if auth {
		handler = s.auth(handler)
	}
	s.mux.Handle(pattern, handler)
}

// auth lets a request through only with the API token. It fails closed: a
// server made with an empty token (an emptied api.token) answers no one,
// where a plain comparison would let "Bearer " with nothing after it in.
func (s *Server) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || s.token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
			writeError(w, &Error{Status: http.StatusUnauthorized, Message: "missing or wrong API token", Hint: "send Authorization: Bearer TOKEN with the token in the home's api.token (the CLI reads it from there; check --home)"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	st, err := s.node.Status()
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, 200, st)
}

func publishOptions(r *http.Request) (node.PublishOptions, error) {
	q := r.URL.Query()
	opt := node.PublishOptions{TLP: q.Get("tlp"), Audience: splitList(q["audience"]), Caveats: splitList(q["caveat"])}
	if v := q.Get("confirm_personal_data"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return opt, fmt.Errorf("query parameter confirm_personal_data=%q is not true or false", v)
		}
		opt.ConfirmPersonalData = b
	}
	if v := q.Get("again"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return opt, fmt.Errorf("query parameter again=%q is not true or false", v)
		}
		opt.Again = b
	}
	return opt, nil
}

func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// publish reads a record or JSON Lines, checks them all, then streams one
// JSON line per record as each becomes durable.
func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	opt, err := publishOptions(r)
	if err != nil {
		writeError(w, &Error{Status: 400, Message: err.Error()})
		return
	}
	data, err := readBody(w, r, MaxPublishBody)
	if err != nil {
		writeError(w, bodyError(err, &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("publish input larger than %d MiB", MaxPublishBody>>20), Hint: "split the file and publish the parts"}))
		return
	}
	records, err := node.SplitRecords(data)
	if err != nil {
		s.rejected.WithLabelValues("parse").Inc()
		writeError(w, recordError(err, requestLang(r)))
		return
	}
	enc := json.NewEncoder(w)
	flusher, _ := w.(http.Flusher)
	started := false
	count := 0
	err = s.node.Publish(r.Context(), records, opt, func(p node.Published) error {
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		count++
		if err := enc.Encode(PublishEvent{Index: p.Index, CID: p.CID, Existing: p.Existing}); err != nil {
			return err
		}
		if flusher != nil && p.BatchEnd {
			flusher.Flush()
		}
		return nil
	})
	if err != nil {
		e := recordError(err, requestLang(r))
		s.rejected.WithLabelValues(rejectReason(err)).Inc()
		if !started {
			writeError(w, e)
			return
		}
		enc.Encode(PublishEvent{Index: count, Error: e})
		return
	}
	s.published.WithLabelValues("all").Add(float64(count))
	if !started {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(http.StatusOK)
	}
	enc.Encode(PublishEvent{Index: count, Done: true, Count: count})
}

func rejectReason(err error) string {
	switch {
	case errors.Is(err, guard.ErrRefused):
		return "guardrail_refused"
	case errors.Is(err, guard.ErrNeedsConfirmation):
		return "needs_confirmation"
	case errors.Is(err, share.ErrUnknownKind):
		return "unknown_kind"
	default:
		return "invalid"
	}
}

// requestLang is the language a request asks messages in: Japanese when
// Accept-Language names Japanese first, English otherwise.
func requestLang(r *http.Request) guard.Lang {
	return guard.ParseLang(r.Header.Get("Accept-Language"))
}

// recordError turns a node error into an API error with a hint a user can
// act on. A guardrail error's message is its first finding in full, in lang.
func recordError(err error, lang guard.Lang) *Error {
	e := &Error{Status: http.StatusUnprocessableEntity, Message: err.Error()}
	var re *node.RecordError
	if errors.As(err, &re) {
		e.Line = re.Line
		e.Message = re.Err.Error()
		e.Findings = findingsOf(re.Findings, lang)
	}
	var ge *guard.GuardrailError
	if errors.As(err, &ge) {
		e.Message = ge.Text(lang)
	}
	ja := lang == guard.Japanese
	switch {
	case errors.Is(err, guard.ErrNeedsConfirmation) && ja:
		e.Hint = "個人情報を含む可能性があります（findings を参照）。必要な場合は confirm_personal_data=true（CLI では --confirm-personal-data）を付けて再実行してください"
	case errors.Is(err, guard.ErrNeedsConfirmation):
		e.Hint = "the record may carry personal data (see findings); if it must, repeat with confirm_personal_data=true (the CLI's --confirm-personal-data)"
	case errors.Is(err, guard.ErrRefused) && ja:
		e.Hint = "指摘された語句を削除または書き換えてください。この規則は確認によって解除できません"
	case errors.Is(err, guard.ErrRefused):
		e.Hint = "remove or rewrite the phrase named above; this rule cannot be overridden"
	case errors.Is(err, share.ErrUnknownKind):
		e.Hint = "a record's \"kind\" is one of: " + strings.Join(share.UserKinds(), ", ")
	case errors.Is(err, policy.ErrUnknownLevel):
		e.Hint = "TLP levels are clear, green, amber, amber+strict and red"
	case errors.Is(err, node.ErrRestoring):
		e.Status = http.StatusConflict
		e.Hint = "the node publishes again once its peers have given back its own records; /v1/status says restoring until then"
	case errors.Is(err, context.Canceled):
		e.Status = 499
	}
	return e
}

func (s *Server) check(w http.ResponseWriter, r *http.Request) {
	opt, err := publishOptions(r)
	if err != nil {
		writeError(w, &Error{Status: 400, Message: err.Error()})
		return
	}
	data, err := readBody(w, r, 1<<20)
	if err != nil {
		writeError(w, bodyError(err, &Error{Status: http.StatusRequestEntityTooLarge, Message: "record larger than 1 MiB"}))
		return
	}
	d, err := s.node.Check(data, opt)
	if err != nil {
		e := recordError(err, requestLang(r))
		writeJSON(w, 200, CheckResult{OK: false, Error: e.Message, Findings: e.Findings})
		return
	}
	writeJSON(w, 200, CheckResult{OK: true, Findings: findingsOf(d.Findings, requestLang(r)), Recipients: d.Recipients, TLP: d.Policy.Level.String(), Audience: d.Policy.Audience.Strings()})
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	opt := node.ListOptions{Kind: q.Get("kind"), TLP: q.Get("tlp"), Author: q.Get("author"), Text: q.Get("q")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"limit", &opt.Limit}, {"offset", &opt.Offset}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeError(w, &Error{Status: 400, Message: fmt.Sprintf("query parameter %s=%q is not a non-negative integer", p.name, v)})
				return
			}
			*p.dst = n
		}
	}
	if v := q.Get("all"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, &Error{Status: 400, Message: fmt.Sprintf("query parameter all=%q is not true or false", v)})
			return
		}
		opt.All = b
	}
	recs, total, err := s.node.List(opt)
	if err != nil {
		writeError(w, &Error{Status: 400, Message: err.Error()})
		return
	}
	if recs == nil {
		recs = []node.RecordView{}
	}
	writeJSON(w, 200, ListResult{Records: recs, Total: total, Complete: s.node.IndexReady()})
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	v, err := s.node.Show(r.PathValue("cid"))
	if err != nil {
		status := 400
		if errors.Is(err, node.ErrNotFound) {
			status = 404
		}
		writeError(w, &Error{Status: status, Message: err.Error()})
		return
	}
	writeJSON(w, 200, v)
}

func (s *Server) retract(w http.ResponseWriter, r *http.Request) {
	var req RetractRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, &Error{Status: 400, Message: "invalid retract request: " + err.Error()})
		return
	}
	by, err := s.node.Retract(r.PathValue("cid"), req.Reason)
	if err != nil {
		e := &Error{Status: 422, Message: err.Error()}
		switch {
		case errors.Is(err, node.ErrNotFound):
			e.Status = 404
		case errors.Is(err, node.ErrRestoring):
			e = recordError(err, requestLang(r))
		}
		writeError(w, e)
		return
	}
	writeJSON(w, 200, RetractResult{CID: r.PathValue("cid"), Retraction: by})
}

func (s *Server) getRoster(w http.ResponseWriter, r *http.Request) {
	ro := s.node.Roster()
	if ro == nil {
		writeError(w, &Error{Status: 404, Message: "this node has no roster: it is a consortium of one", Hint: "install one with `ursic roster apply ROSTER.json`"})
		return
	}
	b, err := ro.Marshal()
	if err != nil {
		writeError(w, internal(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func (s *Server) applyRoster(w http.ResponseWriter, r *http.Request) {
	data, err := readBody(w, r, 16<<20)
	if err != nil {
		writeError(w, bodyError(err, &Error{Status: http.StatusRequestEntityTooLarge, Message: "roster larger than 16 MiB"}))
		return
	}
	ro, err := share.ParseRoster(data)
	if err != nil {
		writeError(w, &Error{Status: 400, Message: err.Error()})
		return
	}
	if err := s.node.ApplyRoster(ro); err != nil {
		writeError(w, &Error{Status: 422, Message: err.Error()})
		return
	}
	writeJSON(w, 200, map[string]any{"version": ro.Version, "hash": ro.Hash()})
}

// signRoster signs a proposed next roster version with the node's identity
// and answers the signed document with its signature count.
func (s *Server) signRoster(w http.ResponseWriter, r *http.Request) {
	data, err := readBody(w, r, 16<<20)
	if err != nil {
		writeError(w, bodyError(err, &Error{Status: http.StatusRequestEntityTooLarge, Message: "roster larger than 16 MiB"}))
		return
	}
	ro, err := share.ParseRoster(data)
	if err != nil {
		writeError(w, &Error{Status: 400, Message: err.Error(), Hint: "send the roster document that `ursic roster propose` wrote"})
		return
	}
	signed, valid, need, err := s.node.SignRoster(ro)
	if err != nil {
		writeError(w, &Error{Status: 422, Message: err.Error(), Hint: "sign on an executive node whose installed roster is the version just before the proposal (`ursic roster show`)"})
		return
	}
	b, err := signed.Marshal()
	if err != nil {
		writeError(w, internal(err))
		return
	}
	writeJSON(w, 200, RosterSignResult{Roster: b, Signatures: valid, Needed: need})
}

// backup streams a backup: a tar archive of the store (bbolt's online backup,
// ciphertext only), the audit log and the roster chain; restore it into the
// node's home, which holds the keys.
func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-tar")
	if _, err := s.node.Backup(w); err != nil {
		s.log.Error("backup failed", "err", err)
	}
}

// readBody reads a request's body, at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
}

// bodyError is tooLarge when err says the body passed its cap, and
// otherwise says the body could not be read (a client that stalled past the
// server's read timeout, or went away): telling a stalled client its body
// was too large would send it looking for the wrong problem.
func bodyError(err error, tooLarge *Error) *Error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge
	}
	return &Error{Status: http.StatusBadRequest, Message: "failed to read the request body: " + err.Error(), Hint: "send the whole body without pausing; the API stops reading a request after " + DefaultReadTimeout.String()}
}

func internal(err error) *Error {
	return &Error{Status: http.StatusInternalServerError, Message: err.Error()}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, e *Error) {
	if e.Status == 0 {
		e.Status = http.StatusInternalServerError
	}
	writeJSON(w, e.Status, e)
}

// Listen says where and how the API is served.
type Listen struct {
	Addr string // HOST:PORT
	// CertFile and KeyFile, both set, make the API serve HTTPS.
	CertFile, KeyFile string
	// ReadTimeout bounds reading one request, headers and body
	// ([DefaultReadTimeout] if zero); IdleTimeout bounds how long a
	// keep-alive connection waits for its next request ([DefaultIdleTimeout]
	// if zero). Tests shorten them.
	ReadTimeout, IdleTimeout time.Duration
}

// Connection limits of the local API. Without them a client (no token
// needed) that sends a request's headers and then stalls its body, or
// keeps a connection open after one request, holds a connection and a
// goroutine for ever; enough of them exhaust the node's file descriptors.
const (
	// DefaultReadTimeout is time enough to send the largest publish
	// ([MaxPublishBody]) at about 1 MB/s.
	DefaultReadTimeout = 5 * time.Minute
	DefaultIdleTimeout = 2 * time.Minute
	// ReadHeaderTimeout bounds the headers alone.
	ReadHeaderTimeout = 10 * time.Second
	// MaxHeaderBytes caps a request's headers; the API's requests carry a
	// token and a few short headers.
	MaxHeaderBytes = 64 << 10
)

// ListenOf returns how a home's config says to serve the API.
func ListenOf(dir string, cfg *config.Config) Listen {
	return Listen{Addr: cfg.API, CertFile: config.Path(dir, cfg.APITLSCert), KeyFile: config.Path(dir, cfg.APITLSKey)}
}

// ErrOffLoopback is returned by [Serve] for an address off loopback without
// TLS: the bearer token would cross the network in the clear.
var ErrOffLoopback = config.ErrAPIOffLoopback

// Serve runs the API as l says until ctx ends. ready, if not nil, is called
// with the bound address once the listener is open. It refuses an address
// off loopback unless TLS is configured.
func Serve(ctx context.Context, h http.Handler, l Listen, ready func(net.Addr)) error {
	tlsOn := l.CertFile != "" && l.KeyFile != ""
	host, _, err := net.SplitHostPort(l.Addr)
	if err != nil {
		return fmt.Errorf("local API address %q is not HOST:PORT: %w", l.Addr, err)
	}
	if !tlsOn && !config.IsLoopback(host) {
		return fmt.Errorf("local API address %s: %w", l.Addr, ErrOffLoopback)
	}
	var tlsCfg *tls.Config
	if tlsOn {
		cert, err := tls.LoadX509KeyPair(l.CertFile, l.KeyFile)
		if err != nil {
			return fmt.Errorf("failed to load the local API's certificate and key (keys \"api_tls_cert\", \"api_tls_key\"): %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", l.Addr)
	if err != nil {
		return fmt.Errorf("failed to listen for the local API on %s: %w", l.Addr, err)
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	srv := &http.Server{Handler: h, TLSConfig: tlsCfg, ReadHeaderTimeout: ReadHeaderTimeout, MaxHeaderBytes: MaxHeaderBytes,
		ReadTimeout: cmp.Or(l.ReadTimeout, DefaultReadTimeout), IdleTimeout: cmp.Or(l.IdleTimeout, DefaultIdleTimeout)}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
		return nil
	case err := <-errc:
		return err
	}
}

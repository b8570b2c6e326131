// Package taxii serves a node's liaison collections over TAXII 2.1 to
// partner networks: discovery, one API root, a read collection of
// everything the node may export (CLEAR and GREEN only) and an inbox
// collection partners write to, whose objects wait, sealed, for an
// operator (`ursic inbox`). Partners authenticate with a credential from
// [AddPartner].
//
// Start with [New] and [Serve].
package taxii

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/liaison"
)

// Media types (TAXII 2.1 §1.6).
const (
	MediaType     = "application/taxii+json;version=2.1"
	STIXMediaType = "application/stix+json;version=2.1"
)

// MaxContentLength is the largest request body the API root accepts.
const MaxContentLength = liaison.MaxBundleSize

// Collection ids (UUIDv5 in the namespace of docs/STIX.md of
// "taxii:collection:export" and "taxii:collection:inbox"); the aliases
// "export" and "inbox" name them too. They are TAXII ids, not STIX ones:
// no uuid-check reads them, and partners have them in their
// configuration, so they stayed version 5 when STIX ids became version 4
// (docs/STIX.md §2).
const (
	ExportCollection = "0c1edbdc-57c2-54da-8ac9-39143e700a8e"
	InboxCollection  = "a6cdbf3f-0182-58da-8c83-3110ac1ecbe8"
)

// Paths.
const (
	DiscoveryPath = "/taxii2/"
	APIRootPath   = "/taxii2/api/"
)

// Server is the TAXII 2.1 handler of one node.
type Server struct {
	node     *node.Node
	partners *partners
	log      *slog.Logger
	mux      *http.ServeMux

	cacheMu  sync.Mutex
	cacheKey [3]int
	cache    []Entry
	ledger   *ledger // opened with the first build of the collection

	statusMu sync.Mutex
	statuses map[string]statusEntry
	order    []string
}

type statusEntry struct {
	partner string
	status  Status
}

// maxStatuses bounds the status resources kept in memory (oldest dropped).
const maxStatuses = 10000

// New makes the TAXII handler of n, with partners from n's home.
func New(n *node.Node, lg *slog.Logger) *Server {
	if lg == nil {
		lg = slog.Default()
	}
	s := &Server{node: n, partners: &partners{dir: n.Home().Dir}, log: lg, mux: http.NewServeMux(), statuses: map[string]statusEntry{}}
	const coll = APIRootPath + "collections/{collection}/"
	allowed := map[string][]string{} // path pattern → its methods
	var paths []string
	for _, r := range []struct {
		pattern string
		h       func(w http.ResponseWriter, r *http.Request, p Partner)
	}{
		{"GET " + DiscoveryPath + "{$}", s.discovery},
		{"GET " + APIRootPath + "{$}", s.apiRoot},
		{"GET " + APIRootPath + "collections/{$}", s.collections},
		{"GET " + coll + "{$}", s.collection},
		{"GET " + coll + "objects/{$}", s.getObjects},
		{"POST " + coll + "objects/{$}", s.addObjects},
		{"GET " + coll + "objects/{id}/{$}", s.getObject},
		{"DELETE " + coll + "objects/{id}/{$}", s.deleteObject},
		{"GET " + coll + "objects/{id}/versions/{$}", s.versions},
		{"GET " + coll + "manifest/{$}", s.manifest},
		{"GET " + APIRootPath + "status/{id}/{$}", s.status},
	} {
		s.mux.Handle(r.pattern, s.authed(r.h))
		method, path, _ := strings.Cut(r.pattern, " ")
		if allowed[path] == nil {
			paths = append(paths, path)
		}
		allowed[path] = append(allowed[path], method)
	}
	// Any other method on a TAXII resource is 405 with Allow, as a TAXII
	// error message (the catch-all below would call it 404). The
	// credential is checked first, so that nothing answers a stranger
	// but 401.
	for _, path := range paths {
		allow := strings.Join(allowed[path], ", ")
		if slices.Contains(allowed[path], "GET") {
			allow += ", HEAD"
		}
		s.mux.Handle(path, s.authed(func(w http.ResponseWriter, r *http.Request, _ Partner) {
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, "method not allowed", r.Method+" is not allowed here; allowed: "+allow)
		}))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not found", "no TAXII resource at "+r.URL.Path+"; discovery is at "+DiscoveryPath)
	})
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Error is a TAXII error message (TAXII 2.1 §3.6.1).
type Error struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	HTTPStatus  string `json:"http_status"`
}

func writeError(w http.ResponseWriter, status int, title, desc string) {
	writeTAXII(w, status, Error{Title: title, Description: desc, HTTPStatus: fmt.Sprint(status)})
}

func writeTAXII(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// acceptable reports whether an Accept header admits the TAXII 2.1 media
// type (a missing header does). A range with q=0 admits nothing (RFC 9110
// §12.4.2): "application/taxii+json;version=2.1;q=0" refuses it.
func acceptable(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if q, ok := params["q"]; ok {
			if w, err := strconv.ParseFloat(q, 64); err != nil || w <= 0 {
				continue
			}
		}
		switch mt {
		case "*/*", "application/*":
			return true
		case "application/taxii+json":
			if v, ok := params["version"]; !ok || v == "2.1" {
				return true
			}
		}
	}
	return false
}

// authed checks the credential and the Accept header before h.
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, p Partner)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var user, cred string
		authz := r.Header.Get("Authorization")
		if tok, ok := strings.CutPrefix(authz, "Bearer "); ok {
			cred = strings.TrimSpace(tok)
		} else if tok, ok := strings.CutPrefix(authz, "Token "); ok { // taxii2-client's TokenAuth
			cred = strings.TrimSpace(tok)
		} else if u, p, ok := r.BasicAuth(); ok {
			user, cred = u, p
		}
		p, ok, err := s.partners.authenticate(user, cred)
		if err != nil {
			s.log.Error("taxii: cannot read partners", "err", err)
			writeError(w, http.StatusInternalServerError, "internal error", "")
			return
		}
		if cred == "" || !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="URSIC TAXII", charset="UTF-8"`)
			writeError(w, http.StatusUnauthorized, "authentication required", "send the partner credential as a Bearer token, or as the Basic-auth password with the partner's name as the user")
			return
		}
		if !acceptable(r.Header.Get("Accept")) {
			writeError(w, http.StatusNotAcceptable, "not acceptable", "this server answers "+MediaType)
			return
		}
		h(w, r, p)
	})
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) discovery(w http.ResponseWriter, r *http.Request, _ Partner) {
	root := baseURL(r) + APIRootPath
	writeTAXII(w, 200, map[string]any{
		"title":       "URSIC liaison (" + s.node.Home().Config.Name + ")",
		"description": "Research-security indicators and methods that URSIC shares with partner networks: TLP:CLEAR and TLP:GREEN only.",
		"default":     root,
		"api_roots":   []string{root},
	})
}

func (s *Server) apiRoot(w http.ResponseWriter, r *http.Request, _ Partner) {
	writeTAXII(w, 200, map[string]any{
		"title":              "URSIC liaison",
		"versions":           []string{MediaType},
		"max_content_length": MaxContentLength,
	})
}

// CollectionInfo is a TAXII collection resource.
type CollectionInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Alias       string   `json:"alias,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types"`
}

// granted are the collections partner p sees.
func granted(p Partner) []CollectionInfo {
	out := []CollectionInfo{{ID: ExportCollection, Alias: "export", Title: "URSIC shared records",
		Description: "Every record this node may share with partners: TLP:CLEAR and TLP:GREEN indicators, methods and trend reports.",
		CanRead:     true, MediaTypes: []string{STIXMediaType}}}
	if p.Write {
		out = append(out, CollectionInfo{ID: InboxCollection, Alias: "inbox", Title: "Inbox for " + p.Name,
			Description: "Post STIX 2.1 objects for URSIC; they wait for an operator. You read back only your own.",
			CanRead:     true, CanWrite: true, MediaTypes: []string{STIXMediaType}})
	}
	return out
}

// collectionOf finds the collection named in the path among those granted.
func collectionOf(w http.ResponseWriter, r *http.Request, p Partner) (CollectionInfo, bool) {
	id := r.PathValue("collection")
	for _, c := range granted(p) {
		if c.ID == id || c.Alias == id {
			return c, true
		}
	}
	writeError(w, http.StatusNotFound, "collection not found", "no collection "+id+" for this partner")
	return CollectionInfo{}, false
}

func (s *Server) collections(w http.ResponseWriter, r *http.Request, p Partner) {
	writeTAXII(w, 200, map[string]any{"collections": granted(p)})
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request, p Partner) {
	if c, ok := collectionOf(w, r, p); ok {
		writeTAXII(w, 200, c)
	}
}

// entries are the objects of a collection as partner p may read them.
func (s *Server) entries(c CollectionInfo, p Partner) ([]Entry, error) {
	if c.ID == InboxCollection {
		objs, err := s.node.InboxObjects(p.Name)
		if err != nil {
			return nil, err
		}
		out := make([]Entry, len(objs))
		for i, o := range objs {
			out[i] = Entry{ID: o.ID, Type: o.Type, Version: o.Version, DateAdded: o.DateAdded, JSON: o.JSON}
		}
		return out, nil
	}
	return s.exportEntries()
}

// exportEntries are the read collection's objects, made again whenever the
// node's store changes (its envelope and retraction counts move on every
// publish, receipt and retraction).
func (s *Server) exportEntries() ([]Entry, error) {
	st, err := s.node.Status()
	if err != nil {
		return nil, err
	}
	key := [3]int{st.Envelopes, st.Retracted, st.Records}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	if s.cache != nil && key == s.cacheKey {
		return s.cache, nil
	}
	objs, err := s.node.ExportObjects(time.Time{})
	if err != nil {
		return nil, err
	}
	objs = append(liaison.FixedObjects(), objs...)
	if s.ledger == nil {
		if s.ledger, err = openLedger(s.node.Home().Dir); err != nil {
			return nil, err
		}
	}
	seen := map[string]int{}
	var out []Entry
	for _, o := range objs {
		e := Entry{ID: o.ID, Type: o.Type, Version: stixTime(o.Modified), DateAdded: o.DateAdded, JSON: o.JSON}
		if i, ok := seen[o.ID]; ok { // a member's identity, once per record
			if e.Version > out[i].Version {
				out[i] = e
			}
			continue
		}
		seen[o.ID] = len(out)
		out = append(out, e)
	}
	if err := s.ledger.stamp(out); err != nil {
		return nil, fmt.Errorf("taxii: failed to record dates added: %w", err)
	}
	s.cache, s.cacheKey = out, key
	return out, nil
}

func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// page answers a query over a collection: the entries, whether more are
// left, and the date-added headers.
func (s *Server) page(w http.ResponseWriter, r *http.Request, p Partner, fixed func(*Query)) (CollectionInfo, []Entry, bool, bool) {
	c, ok := collectionOf(w, r, p)
	if !ok {
		return c, nil, false, false
	}
	q, err := ParseQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad request", err.Error())
		return c, nil, false, false
	}
	if fixed != nil {
		fixed(&q)
	}
	all, err := s.entries(c, p)
	if err != nil {
		s.log.Error("taxii: cannot list a collection", "collection", c.Alias, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error", "")
		return c, nil, false, false
	}
	sel, more := Select(all, q)
	s.log.Info("taxii: served", "partner", p.Name, "collection", c.Alias, "path", r.URL.Path, "objects", len(sel))
	if len(sel) > 0 {
		w.Header().Set("X-TAXII-Date-Added-First", taxiiTime(sel[0].DateAdded))
		w.Header().Set("X-TAXII-Date-Added-Last", taxiiTime(sel[len(sel)-1].DateAdded))
	}
	return c, sel, more, true
}

func taxiiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// envelope is a TAXII envelope resource.
type envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next,omitempty"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

func envelopeOf(sel []Entry, more bool) envelope {
	env := envelope{More: more}
	for _, e := range sel {
		env.Objects = append(env.Objects, e.JSON)
	}
	if more {
		env.Next = sel[len(sel)-1].cursor().String()
	}
	return env
}

func (s *Server) getObjects(w http.ResponseWriter, r *http.Request, p Partner) {
	if _, sel, more, ok := s.page(w, r, p, nil); ok {
		writeTAXII(w, 200, envelopeOf(sel, more))
	}
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request, p Partner) {
	id := r.PathValue("id")
	_, sel, more, ok := s.page(w, r, p, func(q *Query) { q.IDs = []string{id} })
	if !ok {
		return
	}
	if len(sel) == 0 {
		writeError(w, http.StatusNotFound, "object not found", "no object of that id in this collection matches")
		return
	}
	writeTAXII(w, 200, envelopeOf(sel, more))
}

func (s *Server) versions(w http.ResponseWriter, r *http.Request, p Partner) {
	id := r.PathValue("id")
	if r.URL.Query().Has("match[version]") {
		writeError(w, http.StatusBadRequest, "bad request", "the versions endpoint takes no match[version]")
		return
	}
	_, sel, more, ok := s.page(w, r, p, func(q *Query) { q.IDs, q.Versions = []string{id}, []string{"all"} })
	if !ok {
		return
	}
	if len(sel) == 0 {
		writeError(w, http.StatusNotFound, "object not found", "no object of that id in this collection")
		return
	}
	res := struct {
		More     bool     `json:"more"`
		Next     string   `json:"next,omitempty"`
		Versions []string `json:"versions"`
	}{More: more}
	for _, e := range sel {
		res.Versions = append(res.Versions, e.Version)
	}
	if more {
		res.Next = sel[len(sel)-1].cursor().String()
	}
	writeTAXII(w, 200, res)
}

// ManifestRecord is one entry of a manifest (TAXII 2.1 §5.3.1).
type ManifestRecord struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type"`
}

func (s *Server) manifest(w http.ResponseWriter, r *http.Request, p Partner) {
	_, sel, more, ok := s.page(w, r, p, nil)
	if !ok {
		return
	}
	res := struct {
		More    bool             `json:"more"`
		Next    string           `json:"next,omitempty"`
		Objects []ManifestRecord `json:"objects,omitempty"`
	}{More: more}
	for _, e := range sel {
		res.Objects = append(res.Objects, ManifestRecord{ID: e.ID, DateAdded: taxiiTime(e.DateAdded), Version: e.Version, MediaType: STIXMediaType})
	}
	if more {
		res.Next = sel[len(sel)-1].cursor().String()
	}
	writeTAXII(w, 200, res)
}

// Status is a TAXII status resource (TAXII 2.1 §4.3.1).
type Status struct {
	ID               string          `json:"id"`
	Status           string          `json:"status"`
	RequestTimestamp string          `json:"request_timestamp"`
	TotalCount       int             `json:"total_count"`
	SuccessCount     int             `json:"success_count"`
	Successes        []StatusDetails `json:"successes,omitempty"`
	FailureCount     int             `json:"failure_count"`
	Failures         []StatusDetails `json:"failures,omitempty"`
	PendingCount     int             `json:"pending_count"`
}

// StatusDetails is one object's outcome.
type StatusDetails struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Message string `json:"message,omitempty"`
}

// contentTypeOK reports whether a POST body is TAXII 2.1 JSON.
func contentTypeOK(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/taxii+json" && params["version"] == "2.1"
}

func (s *Server) addObjects(w http.ResponseWriter, r *http.Request, p Partner) {
	c, ok := collectionOf(w, r, p)
	if !ok {
		return
	}
	if !c.CanWrite {
		writeError(w, http.StatusForbidden, "forbidden", "collection "+c.Alias+" is read-only")
		return
	}
	if !contentTypeOK(r.Header.Get("Content-Type")) {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported media type", "post an envelope as "+MediaType)
		return
	}
	if r.ContentLength > MaxContentLength {
		writeError(w, http.StatusRequestEntityTooLarge, "request too large", fmt.Sprintf("max_content_length is %d bytes", MaxContentLength))
		return
	}
	received := time.Now().UTC()
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxContentLength))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "request too large", fmt.Sprintf("max_content_length is %d bytes", MaxContentLength))
		return
	}
	objs, err := ParseEnvelope(data)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "unprocessable envelope", err.Error())
		return
	}
	st := Status{ID: newStatusID(), Status: "complete", RequestTimestamp: taxiiTime(received), TotalCount: len(objs)}
	var keep []json.RawMessage
	var metas []node.InboxObject
	adms := liaison.Admit(objs)
	// A status names each object by id (TAXII 2.1 §4.3.1): an envelope
	// holding something without one cannot be answered object by object.
	for i, a := range adms {
		if a.ID == "" {
			writeError(w, http.StatusUnprocessableEntity, "unprocessable envelope", fmt.Sprintf("object %d is not a STIX object with an id; nothing was kept", i))
			return
		}
	}
	for i, a := range adms {
		if a.Err != nil {
			st.Failures = append(st.Failures, StatusDetails{ID: a.ID, Version: a.Version, Message: a.Err.Error()})
			continue
		}
		// Each object gets its own date added, in order, so that paging
		// over the inbox has a total order even within one POST.
		metas = append(metas, node.InboxObject{ID: a.ID, Type: a.Type, Version: a.Version, DateAdded: received.Add(time.Duration(i) * time.Microsecond)})
		keep = append(keep, objs[i])
	}
	if len(keep) > 0 {
		if _, err := s.node.InboxAdd(p.Name, keep, metas); err != nil {
			s.log.Error("taxii: cannot keep posted objects", "partner", p.Name, "err", err)
			writeError(w, http.StatusInternalServerError, "internal error", "the objects were not kept")
			return
		}
		for _, m := range metas {
			st.Successes = append(st.Successes, StatusDetails{ID: m.ID, Version: m.Version, Message: "waiting for an operator"})
		}
	}
	st.SuccessCount, st.FailureCount = len(st.Successes), len(st.Failures)
	s.keepStatus(p.Name, st)
	s.log.Info("taxii: objects posted", "partner", p.Name, "kept", st.SuccessCount, "refused", st.FailureCount)
	writeTAXII(w, http.StatusAccepted, st)
}

// ParseEnvelope reads a posted TAXII envelope's objects.
func ParseEnvelope(data []byte) ([]json.RawMessage, error) {
	var env struct {
		Objects *[]json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("not a TAXII envelope: %w", err)
	}
	if env.Objects == nil || len(*env.Objects) == 0 {
		return nil, errors.New("the envelope has no objects")
	}
	if len(*env.Objects) > liaison.MaxBundleObjects {
		return nil, fmt.Errorf("the envelope has %d objects, the limit is %d", len(*env.Objects), liaison.MaxBundleObjects)
	}
	return *env.Objects, nil
}

func newStatusID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (s *Server) keepStatus(partner string, st Status) {
	s.statusMu.Lock()
	defer s.statusMu.Unlock()
	s.statuses[st.ID] = statusEntry{partner: partner, status: st}
	s.order = append(s.order, st.ID)
	if len(s.order) > maxStatuses {
		delete(s.statuses, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, p Partner) {
	s.statusMu.Lock()
	e, ok := s.statuses[r.PathValue("id")]
	s.statusMu.Unlock()
	if !ok || e.partner != p.Name {
		writeError(w, http.StatusNotFound, "status not found", "no status "+r.PathValue("id")+" for this partner")
		return
	}
	writeTAXII(w, 200, e.status)
}

func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, p Partner) {
	c, ok := collectionOf(w, r, p)
	if !ok {
		return
	}
	if !c.CanWrite {
		writeError(w, http.StatusForbidden, "forbidden", "collection "+c.Alias+" is read-only")
		return
	}
	q, err := ParseQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad request", err.Error())
		return
	}
	var versions []string
	for _, v := range q.Versions {
		if v == "all" {
			versions = nil
			break
		}
		if v != "last" && v != "first" {
			versions = append(versions, v)
		}
	}
	n, err := s.node.InboxDelete(p.Name, r.PathValue("id"), versions)
	if err != nil {
		s.log.Error("taxii: cannot delete", "partner", p.Name, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error", "")
		return
	}
	if n == 0 {
		writeError(w, http.StatusNotFound, "object not found", "no object of that id of yours waits in the inbox")
		return
	}
	w.WriteHeader(http.StatusOK)
}

// Serve runs the TAXII server of cfg until ctx ends: TLS with cfg's
// certificate and key, or plain HTTP on a loopback address only. ready,
// if not nil, gets the bound address.
func Serve(ctx context.Context, h http.Handler, cfg node.TAXIIConfig, ready func(net.Addr)) error {
	host, _, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return fmt.Errorf("taxii listen %q: %w", cfg.Listen, err)
	}
	var tlsCfg *tls.Config
	if cfg.Cert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.Cert, cfg.Key)
		if err != nil {
			return fmt.Errorf("taxii: failed to load the TLS certificate: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	} else if !node.IsLoopback(host) {
		return fmt.Errorf("taxii: %s is not loopback, and TLS needs taxii.cert and taxii.key", cfg.Listen)
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("failed to listen for TAXII on %s: %w", cfg.Listen, err)
	}
	if tlsCfg != nil {
		l = tls.NewListener(l, tlsCfg)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	if ready != nil {
		ready(l.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
		return nil
	case err := <-errc:
		return err
	}
}

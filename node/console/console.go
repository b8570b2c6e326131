// Package console serves the node's web console under /console/: an inbox,
// record pages, a publish form with live guardrail feedback, peers and roster,
// and the audit log, in Japanese and English. It is for research-security
// officers, who should not have to write JSON or read peer IDs.
//
// The console talks to the node only through the local API handler it is
// given (in-process, with the API token), so it sees exactly what `ursic`
// sees. Start with [New]; the API mounts the result at /console/ and mints
// sign-in links with [Console.MintSignIn].
//
// Sign-in: `ursic console` asks the API (token-protected) for a one-time
// link, valid for [SignInTTL] and good for one use. Opening it sets a session
// cookie (HttpOnly, SameSite=Strict, Secure under TLS). Every POST carries the
// session's CSRF token. A session ends on sign-out, after [IdleTimeout]
// without a request, or [MaxSessionAge] after sign-in. Sessions live in
// memory: restarting the node signs everyone out.
package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/ursic/ursic/node/apiwire"
)

// Prefix is where the console is served.
const Prefix = "/console/"

// SignInTTL is how long a sign-in link is valid.
const SignInTTL = 2 * time.Minute

// IdleTimeout ends a session that has made no request for this long.
const IdleTimeout = 30 * time.Minute

// MaxSessionAge ends a session this long after sign-in however busy it is:
// a session cookie taken once (a shared machine, a browser profile copied)
// and kept busy by a script would otherwise last until the node restarts.
const MaxSessionAge = 12 * time.Hour

// Cookie names.
const (
	sessionCookie = "ursic_session"
	langCookie    = "ursic_lang"
	seenCookie    = "ursic_seen" // when the officer last opened the inbox (unix ms)
)

//go:embed templates/*.html static/*
var assets embed.FS

// Options configure a console.
type Options struct {
	// API is the node's local API handler; the console calls it in-process
	// with Token, as the CLI calls it over HTTP.
	API   http.Handler
	Token string
	Log   *slog.Logger
	// Now is the clock (time.Now if nil); tests move it to expire links and
	// sessions without waiting.
	Now func() time.Time
}

// Console is the web console's handler.
type Console struct {
	api   http.Handler
	token string
	log   *slog.Logger
	now   func() time.Time
	mux   *http.ServeMux
	pages map[string]*pageTemplate

	mu       sync.Mutex
	signins  map[string]time.Time // one-time sign-in token → expiry
	sessions map[string]*session  // session ID → session
}

type session struct {
	csrf      string
	started   time.Time // sign-in; see MaxSessionAge
	lastSeen  time.Time
	prevVisit time.Time             // the inbox visit before this session began
	screen    *apiwire.ScreenResult // the last list screened, for its CSV (guarded by Console.mu)
}

// New makes a console over the API handler in o.
func New(o Options) *Console {
	c := &Console{api: o.API, token: o.Token, log: o.Log, now: o.Now, mux: http.NewServeMux(),
		signins: map[string]time.Time{}, sessions: map[string]*session{}}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.pages = parsePages()
	static, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	c.mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", staticHandler(static)))
	c.mux.HandleFunc("GET /console/signin", c.signIn)
	c.mux.HandleFunc("GET /console/lang", c.setLang)
	c.mux.HandleFunc("GET /console/{$}", c.authed(func(w http.ResponseWriter, r *http.Request, s *session) {
		http.Redirect(w, r, "/console/inbox", http.StatusSeeOther)
	}))
	c.mux.HandleFunc("POST /console/signout", c.authedPost(c.signOut))
	c.mux.HandleFunc("GET /console/inbox", c.authed(c.inbox))
	c.mux.HandleFunc("GET /console/records/{cid}", c.authed(c.record))
	c.mux.HandleFunc("POST /console/records/{cid}/retract", c.authedPost(c.retract))
	c.mux.HandleFunc("GET /console/publish", c.authed(c.publishForm))
	c.mux.HandleFunc("POST /console/publish", c.authedPost(c.publish))
	c.mux.HandleFunc("POST /console/check", c.authedPost(c.check))
	c.mux.HandleFunc("GET /console/peers", c.authed(c.peers))
	for path, h := range map[string]handler{"proposal": c.rosterProposal, "sign": c.rosterSign, "download": c.rosterDownload, "apply": c.rosterApply} {
		c.mux.HandleFunc("POST /console/peers/"+path, c.authedUploadOf(MaxRosterUpload, "prop.toolarge", "prop.none", h))
	}
	c.mux.HandleFunc("GET /console/audit", c.authed(c.audit))
	c.mux.HandleFunc("GET /console/trends", c.authed(c.trends))
	c.mux.HandleFunc("GET /console/similar", c.authed(c.similar))
	c.mux.HandleFunc("GET /console/screen", c.authed(c.screenForm))
	c.mux.HandleFunc("POST /console/screen", c.authedUpload(MaxUpload, c.screenUpload))
	c.mux.HandleFunc("GET /console/screen.csv", c.authed(c.screenCSV))
	return c
}

func staticHandler(fsys fs.FS) http.Handler {
	h := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// ServeHTTP serves the console. The API in front of it has already checked
// the Host header against its allowlist.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if _, pattern := c.mux.Handler(r); pattern == "" {
		c.fail(w, r, http.StatusNotFound, "err.notfound", nil)
		return
	}
	c.mux.ServeHTTP(w, r)
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// MintSignIn makes a one-time sign-in token, valid for [SignInTTL]; the link
// is /console/signin?token=TOKEN on the API's address.
func (c *Console) MintSignIn() (token string, expires time.Time) {
	token = randomToken()
	now := c.now()
	expires = now.Add(SignInTTL)
	c.mu.Lock()
	defer c.mu.Unlock()
	for t, exp := range c.signins {
		if !now.Before(exp) {
			delete(c.signins, t)
		}
	}
	c.signins[token] = expires
	return token, expires
}

// redeem uses up a sign-in token: true once, if it is valid and unexpired.
func (c *Console) redeem(token string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.signins[token]
	if !ok {
		return false
	}
	delete(c.signins, token) // single use, even when expired
	return c.now().Before(exp)
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if !c.redeem(r.URL.Query().Get("token")) {
		c.fail(w, r, http.StatusForbidden, "err.signin", nil)
		return
	}
	id := randomToken()
	s := &session{csrf: randomToken(), started: c.now(), lastSeen: c.now()}
	if ck, err := r.Cookie(cookieName(r, seenCookie)); err == nil {
		s.prevVisit = parseMillis(ck.Value)
	}
	c.mu.Lock()
	for k, old := range c.sessions {
		if c.expired(old, c.now()) {
			delete(c.sessions, k)
		}
	}
	c.sessions[id] = s
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName(r, sessionCookie), Value: id, Path: Prefix, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	c.log.Info("console session started")
	// A page, not a redirect: a SameSite=Strict cookie set while following a
	// link from another site (a terminal, a mail client) is not sent on the
	// redirect that follows, but it is sent on a same-site navigation.
	c.render(w, r, http.StatusOK, "signedin", nil, nil)
}

// session returns the request's live session and marks it used.
func (c *Console) session(r *http.Request) *session {
	ck, err := r.Cookie(cookieName(r, sessionCookie))
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sessions[ck.Value]
	if !ok {
		return nil
	}
	now := c.now()
	if c.expired(s, now) {
		delete(c.sessions, ck.Value)
		return nil
	}
	s.lastSeen = now
	return s
}

// expired reports whether s has ended by now: idle too long, or too old.
func (c *Console) expired(s *session, now time.Time) bool {
	return now.Sub(s.lastSeen) > IdleTimeout || now.Sub(s.started) > MaxSessionAge
}

type handler func(w http.ResponseWriter, r *http.Request, s *session)

func (c *Console) authed(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := c.session(r)
		if s == nil {
			c.fail(w, r, http.StatusUnauthorized, "err.nosession", nil)
			return
		}
		h(w, r, s)
	}
}

// authedPost also requires the session's CSRF token, from the form field
// "csrf" or the header X-CSRF-Token.
func (c *Console) authedPost(h handler) http.HandlerFunc {
	return c.authed(func(w http.ResponseWriter, r *http.Request, s *session) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = r.PostFormValue("csrf")
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) != 1 {
			c.fail(w, r, http.StatusForbidden, "err.csrf", nil)
			return
		}
		h(w, r, s)
	})
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, s *session) {
	if ck, err := r.Cookie(cookieName(r, sessionCookie)); err == nil {
		c.mu.Lock()
		delete(c.sessions, ck.Value)
		c.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName(r, sessionCookie), Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	c.render(w, r, http.StatusOK, "signedout", nil, nil)
}

// setLang switches the language (a cookie) and goes back to next, a console
// path. It changes nothing on the node, so it is a plain link.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.URL.Query().Get("to")
	if l != "ja" && l != "en" {
		l = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: Prefix, MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		next = "/console/inbox"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// langOf is the page language: the switch's cookie, else the first of
// Japanese or English in Accept-Language (by q-value), else English.
func langOf(r *http.Request) string {
	if ck, err := r.Cookie(langCookie); err == nil && (ck.Value == "ja" || ck.Value == "en") {
		return ck.Value
	}
	best, bestQ := "en", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (base == "ja" || base == "en") && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// call sends one request to the API in-process and decodes its JSON answer
// into out. A failed call returns the API's *apiwire.Error.
func (c *Console) call(ctx context.Context, lang, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("console: bad API request %s %s: %w", method, path, err)
	}
	req.Host = "127.0.0.1"
	req.RemoteAddr = "127.0.0.1:0"
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept-Language", lang)
	rec := httptest.NewRecorder()
	c.api.ServeHTTP(rec, req)
	res := rec.Result()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("console: failed to read the API's answer: %w", err)
	}
	if res.StatusCode >= 400 {
		e := &apiwire.Error{Status: res.StatusCode}
		if err := json.Unmarshal(data, e); err != nil || e.Message == "" {
			e.Message = fmt.Sprintf("the node answered %d", res.StatusCode)
		}
		return e
	}
	if out == nil {
		return nil
	}
	if w, ok := out.(*[]byte); ok {
		*w = data
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("console: failed to decode the API's answer to %s %s: %w", method, path, err)
	}
	return nil
}

// apiError returns the API error inside err, or wraps err as one.
func apiError(err error) *apiwire.Error {
	var e *apiwire.Error
	if errors.As(err, &e) {
		return e
	}
	return &apiwire.Error{Status: http.StatusInternalServerError, Message: err.Error()}
}

// cookieName gives a node's cookies its port: browsers do not tell ports
// apart in cookies, and an officer may run several nodes on one machine (the
// demo runs five), each with its own sessions.
func cookieName(r *http.Request, base string) string {
	if _, port, err := net.SplitHostPort(r.Host); err == nil && port != "" {
		return base + "_" + port
	}
	return base
}

func parseMillis(s string) time.Time {
	var ms int64
	if _, err := fmt.Sscanf(s, "%d", &ms); err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

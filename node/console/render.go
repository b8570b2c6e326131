package console

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ursic/ursic/node/apiwire"
)

// pageTemplate is one page: the layout and the page's own "content".
type pageTemplate struct{ t *template.Template }

var pageNames = []string{"signedin", "signedout", "error", "inbox", "record", "publish", "peers", "audit", "trends", "similar", "screen"}

var funcs = template.FuncMap{
	"tlpClass": func(level string) string { return strings.ReplaceAll(strings.ToLower(level), "+", "-") },
	"tlpName":  func(level string) string { return "TLP:" + strings.ToUpper(level) },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

func parsePages() map[string]*pageTemplate {
	out := map[string]*pageTemplate{}
	for _, name := range pageNames {
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html"))
		out[name] = &pageTemplate{t: t}
	}
	return out
}

// page is what every template is given.
type page struct {
	Lang     string
	CSRF     string
	Here     string // this page's path and query, for the language switch
	SignedIn bool
	Name     string // the page's name, for the navigation
	Error    *errorView
	Notice   string
	Data     any
}

// errorView is an error in the page's language: the node's message (in
// Japanese when the node gave it in Japanese), and its hint.
type errorView struct {
	Lead    string
	Message string
	Hint    string
}

// T is the text of key in the page's language.
func (p *page) T(key string) string { return msg(p.Lang, key) }

// Field is the label of a record field.
func (p *page) Field(name string) string { return fieldLabel(p.Lang, name) }

// Value is the label of a controlled-vocabulary value.
func (p *page) Value(v string) string { return valueLabel(p.Lang, v) }

// Audience is the label of an audience (a group or a peer ID).
func (p *page) Audience(a string) string { return audienceLabel(p.Lang, a) }

// Title is what the inbox and the record page show as a record's title.
// The node writes the titles of the records it makes itself in English
// ("Retraction of bafy…", "Trend report 2026-Q4", "Sighting of bafy…:
// declined"); on a Japanese page they are said in Japanese. A retracted
// record has lost its title: its short CID stands in, so that the inbox
// row still has something to click.
func (p *page) Title(kind, title, cid string) string {
	if title == "" {
		if len(cid) > 20 {
			return cid[:12] + "…" + cid[len(cid)-6:]
		}
		return cid
	}
	if p.Lang != "ja" {
		return title
	}
	switch {
	case kind == "retraction" && strings.HasPrefix(title, "Retraction of "):
		return "撤回通知：" + strings.TrimPrefix(title, "Retraction of ")
	case kind == "trend" && strings.HasPrefix(title, "Trend report "):
		return "傾向レポート " + strings.TrimPrefix(title, "Trend report ")
	case kind == "facet" && strings.HasPrefix(title, "Facet: "):
		if k, period, ok := strings.Cut(strings.TrimPrefix(title, "Facet: "), " "); ok {
			return "ファセット：" + kindLabel(p.Lang, k) + " " + period
		}
	case kind == "sighting" && strings.HasPrefix(title, "Sighting of "):
		if ref, outcome, ok := strings.Cut(strings.TrimPrefix(title, "Sighting of "), ": "); ok {
			return "遭遇報告：" + ref + "（" + valueLabel(p.Lang, outcome) + "）"
		}
	}
	return title
}

// Event is the label of an audit event: in Japanese its name with the
// event as the node writes it (which `ursic audit` and the log show), in
// English the event itself.
func (p *page) Event(e string) string {
	key := "audit.event." + e
	if _, ok := messages[key]; !ok || p.Lang != "ja" {
		return e
	}
	return msg(p.Lang, key) + "（" + e + "）"
}

// Kind is the label of a record kind.
func (p *page) Kind(k string) string { return kindLabel(p.Lang, k) }

// Time formats an instant for reading, in the node's time zone and naming
// it: a node on a server kept in UTC showed 03:27 to an officer for whom it
// was 12:27 JST, with nothing to say which.
func (p *page) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}

// Date shows the date of an RFC 3339 time.
func (p *page) Date(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Local().Format("2006-01-02")
	}
	if s == "" {
		return "—"
	}
	return s
}

// Other is the language the switch offers.
func (p *page) Other() string {
	if p.Lang == "ja" {
		return "en"
	}
	return "ja"
}

// SwitchURL switches the language and comes back here.
func (p *page) SwitchURL() string {
	return "/console/lang?" + url.Values{"to": {p.Other()}, "next": {p.Here}}.Encode()
}

func (c *Console) newPage(r *http.Request, s *session, name string) *page {
	p := &page{Lang: langOf(r), Here: r.URL.RequestURI(), Name: name}
	if s != nil {
		p.SignedIn = true
		p.CSRF = s.csrf
	}
	return p
}

// render writes the page name with data; s is nil for a page shown signed
// out.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, s *session, data any) {
	c.renderPage(w, status, c.withData(c.newPage(r, s, name), data))
}

func (c *Console) withData(p *page, data any) *page {
	p.Data = data
	return p
}

func (c *Console) renderPage(w http.ResponseWriter, status int, p *page) {
	var buf bytes.Buffer
	if err := c.pages[p.Name].t.Execute(&buf, p); err != nil {
		c.log.Error("console: failed to render a page", "page", p.Name, "err", err)
		http.Error(w, "console: failed to render the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows an error page: the console's own message (key) or the node's
// error (apiErr).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, status int, key string, apiErr *apiwire.Error) {
	p := c.newPage(r, nil, "error")
	p.Error = errorOf(p.Lang, key, apiErr)
	if key == "err.signin" || key == "err.nosession" {
		p.Error.Hint = p.T("err.signinhint")
	}
	c.renderPage(w, status, p)
}

func errorOf(lang, key string, e *apiwire.Error) *errorView {
	if e == nil {
		return &errorView{Lead: msg(lang, key)}
	}
	v := &errorView{Lead: msg(lang, "err.node"), Message: e.Message, Hint: e.Hint}
	if v.Hint != "" {
		v.Hint = msg(lang, "err.hint") + " " + v.Hint
	}
	return v
}

package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ursic/ursic/node/apiwire"
)

// PageSize is how many records an inbox page shows.
const PageSize = 50

type inboxRow struct {
	apiwire.RecordView
	New bool
}

type inboxData struct {
	Kinds, Levels              []string
	Kind, TLP, Author, Q       string
	Expired                    bool
	Rows                       []inboxRow
	Total, From, To, NewCount  int
	PrevURL, NextURL, ClearURL string
	Complete                   bool
	Authors                    []string // member names, suggested for the author filter
}

// unknownAuthor begins the node's answer to an author filter that names no
// member (node.ErrUnknownAuthor).
const unknownAuthor = "no member by that name or peer ID"

func (c *Console) inbox(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "inbox")
	q := r.URL.Query()
	d := &inboxData{Kinds: []string{"indicator", "method", "sighting", "trend"}, Levels: []string{"clear", "green", "amber", "amber+strict", "red"},
		Kind: q.Get("kind"), TLP: q.Get("tlp"), Author: strings.TrimSpace(q.Get("author")), Q: strings.TrimSpace(q.Get("q")), Expired: q.Get("expired") == "1", Complete: true}
	offset, _ := strconv.Atoi(q.Get("offset"))
	offset = max(offset, 0)
	filters := url.Values{}
	api := url.Values{"limit": {strconv.Itoa(PageSize)}, "offset": {strconv.Itoa(offset)}}
	for _, f := range []struct{ ui, api, v string }{{"kind", "kind", d.Kind}, {"tlp", "tlp", d.TLP}, {"author", "author", d.Author}, {"q", "q", d.Q}} {
		if f.v != "" {
			filters.Set(f.ui, f.v)
			api.Set(f.api, f.v)
		}
	}
	if d.Expired {
		filters.Set("expired", "1")
		api.Set("all", "true")
	}
	if ro, err := c.roster(r, p.Lang); err == nil && ro != nil {
		for _, m := range ro.Members {
			d.Authors = append(d.Authors, m.Name)
		}
		sort.Strings(d.Authors)
	}
	var res apiwire.ListResult
	if err := c.call(r.Context(), p.Lang, "GET", "/v1/records?"+api.Encode(), nil, &res); err != nil {
		e := apiError(err)
		if d.Author != "" && strings.HasPrefix(e.Message, unknownAuthor) {
			// The node's message is English and names a CLI command; an
			// officer who typed 「京都」 needs to know what the filter takes.
			names := d.Authors
			if st, err := c.self(r, p.Lang); err == nil && len(names) == 0 {
				names = []string{st.Name} // no roster yet: this node is the only author
			}
			p.Error = &errorView{Lead: msg(p.Lang, "inbox.noauthor"), Message: strings.Join(names, ", ")}
		} else {
			p.Error = errorOf(p.Lang, "", e)
		}
		c.renderPage(w, http.StatusOK, c.withData(p, d))
		return
	}
	d.Total, d.Complete = res.Total, res.Complete
	for _, rv := range res.Records {
		row := inboxRow{RecordView: rv, New: !s.prevVisit.IsZero() && rv.Created.After(s.prevVisit)}
		if row.New {
			d.NewCount++
		}
		d.Rows = append(d.Rows, row)
	}
	if len(d.Rows) > 0 {
		d.From, d.To = offset+1, offset+len(d.Rows)
	}
	pageURL := func(off int) string {
		v := url.Values{}
		for k, vs := range filters {
			v[k] = vs
		}
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		if len(v) == 0 {
			return "/console/inbox"
		}
		return "/console/inbox?" + v.Encode()
	}
	if offset > 0 {
		d.PrevURL = pageURL(max(offset-PageSize, 0))
	}
	if offset+len(d.Rows) < d.Total {
		d.NextURL = pageURL(offset + PageSize)
	}
	d.ClearURL = "/console/inbox"
	http.SetCookie(w, &http.Cookie{Name: cookieName(r, seenCookie), Value: strconv.FormatInt(c.now().UnixMilli(), 10), Path: Prefix, MaxAge: 400 * 24 * 3600, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	c.renderPage(w, http.StatusOK, c.withData(p, d))
}

type recordData struct {
	apiwire.RecordView
	Fields   []fieldView
	Handling string
	Mine     bool
	Reason   string
	Received receivedBy
}

// self returns this node's status (its peer ID and name).
func (c *Console) self(r *http.Request, lang string) (apiwire.Status, error) {
	var st apiwire.Status
	err := c.call(r.Context(), lang, "GET", "/v1/status", nil, &st)
	return st, err
}

func (c *Console) record(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "record")
	switch {
	case r.URL.Query().Get("published") == "1":
		p.Notice = p.T("pub.done")
	case r.URL.Query().Get("retracted") == "1":
		p.Notice = p.T("rec.retractdone")
	}
	c.showRecord(w, r, p, http.StatusOK, "")
}

func (c *Console) showRecord(w http.ResponseWriter, r *http.Request, p *page, status int, reason string) {
	var v apiwire.RecordView
	if err := c.call(r.Context(), p.Lang, "GET", "/v1/records/"+url.PathEscape(r.PathValue("cid")), nil, &v); err != nil {
		e := apiError(err)
		p.Name = "error"
		p.Error = errorOf(p.Lang, "", e)
		c.renderPage(w, e.Status, p)
		return
	}
	d := &recordData{RecordView: v, Reason: reason}
	if v.Handling != nil {
		d.Handling = v.Handling.Reshare
		if h, ok := handlingJA[v.TLP]; ok && p.Lang == "ja" {
			d.Handling = h
		}
	}
	if st, err := c.self(r, p.Lang); err == nil {
		d.Mine = st.PeerID == v.Author
	}
	if len(v.Body) > 0 {
		d.Fields = fieldsOf(p.Lang, v.Body)
	}
	d.Received = c.receivedBy(r, p.Lang, v)
	c.renderPage(w, status, c.withData(p, d))
}

func (c *Console) retract(w http.ResponseWriter, r *http.Request, s *session) {
	cid := r.PathValue("cid")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	body, err := json.Marshal(apiwire.RetractRequest{Reason: reason})
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "", apiError(err))
		return
	}
	p := c.newPage(r, s, "record")
	if err := c.call(r.Context(), p.Lang, "POST", "/v1/records/"+url.PathEscape(cid)+"/retract", body, nil); err != nil {
		p.Error = errorOf(p.Lang, "", apiError(err))
		c.showRecord(w, r, p, http.StatusUnprocessableEntity, reason)
		return
	}
	http.Redirect(w, r, "/console/records/"+url.PathEscape(cid)+"?retracted=1", http.StatusSeeOther)
}

// rosterDoc is the part of the roster the console shows.
type rosterDoc struct {
	Version   uint64              `json:"version"`
	Threshold int                 `json:"threshold"`
	Executive []string            `json:"executive"`
	Members   []rosterMember      `json:"members"`
	Groups    map[string][]string `json:"groups"`
	Created   time.Time           `json:"created"`
}

type rosterMember struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	PeerID string `json:"peer_id"`
}

// roster returns the node's roster, nil for a consortium of one.
func (c *Console) roster(r *http.Request, lang string) (*rosterDoc, error) {
	var ro rosterDoc
	if err := c.call(r.Context(), lang, "GET", "/v1/roster", nil, &ro); err != nil {
		if e := apiError(err); e.Status == http.StatusNotFound {
			return nil, nil
		}
		return nil, err
	}
	return &ro, nil
}

type memberRow struct {
	rosterMember
	Executive bool
	Connected bool
	Self      bool
	Groups    []string
}

type peersData struct {
	Status    apiwire.Status
	Peers     []apiwire.PeerInfo
	Roster    *rosterDoc
	Members   []memberRow
	Executive bool          // this node is an executive of the installed roster
	Proposal  *proposalView // a proposal loaded on the page
}

func (c *Console) peers(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "peers")
	if v := r.URL.Query().Get("applied"); v != "" {
		p.Notice = p.T("prop.applied") + " " + v
	}
	c.showPeers(w, r, p, http.StatusOK, nil, false)
}

// showPeers renders the peers and roster page; with a proposal (a roster
// document), also what it would change and its signatures.
func (c *Console) showPeers(w http.ResponseWriter, r *http.Request, p *page, status int, proposal []byte, signed bool) {
	d := &peersData{}
	var err error
	if d.Status, err = c.self(r, p.Lang); err == nil {
		err = c.call(r.Context(), p.Lang, "GET", "/v1/peers", nil, &d.Peers)
	}
	if err == nil {
		d.Roster, err = c.roster(r, p.Lang)
	}
	if err != nil {
		p.Error = errorOf(p.Lang, "", apiError(err))
		c.renderPage(w, http.StatusOK, c.withData(p, d))
		return
	}
	if d.Roster != nil {
		connected := map[string]bool{}
		for _, pi := range d.Peers {
			connected[pi.PeerID] = true
		}
		for _, m := range d.Roster.Members {
			row := memberRow{rosterMember: m, Connected: connected[m.PeerID], Self: m.PeerID == d.Status.PeerID}
			for _, e := range d.Roster.Executive {
				row.Executive = row.Executive || e == m.PeerID
			}
			for g, ids := range d.Roster.Groups {
				for _, id := range ids {
					if id == m.PeerID {
						row.Groups = append(row.Groups, g)
					}
				}
			}
			sort.Strings(row.Groups)
			d.Members = append(d.Members, row)
			d.Executive = d.Executive || (row.Self && row.Executive)
		}
		sort.Slice(d.Members, func(i, j int) bool { return d.Members[i].Name < d.Members[j].Name })
	}
	if proposal != nil {
		d.Proposal, err = c.proposalOf(r, p.Lang, d.Status.PeerID, proposal)
		if err != nil {
			p.Error = errorOf(p.Lang, "", apiError(err))
			status = http.StatusUnprocessableEntity
		} else {
			d.Proposal.Signed = signed
		}
	}
	c.renderPage(w, status, c.withData(p, d))
}

// AuditLine is one entry of GET /v1/audit/recent.
type AuditLine struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Event  string    `json:"event"`
	Detail string    `json:"detail"`
}

type auditData struct {
	Report  apiwire.AuditReport
	Entries []AuditLine
}

func (c *Console) audit(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "audit")
	d := &auditData{}
	err := c.call(r.Context(), p.Lang, "GET", "/v1/audit/verify", nil, &d.Report)
	if err == nil {
		err = c.call(r.Context(), p.Lang, "GET", "/v1/audit/recent?limit=100", nil, &d.Entries)
	}
	if err != nil {
		p.Error = errorOf(p.Lang, "", apiError(err))
	}
	c.renderPage(w, http.StatusOK, c.withData(p, d))
}

// fieldView is one record field laid out for reading.
type fieldView struct {
	Label string
	Text  string
	Long  bool
	Items []fieldView // an array
	Sub   []fieldView // an object
}

// readingOrder puts a record's fields in the order a reader wants them;
// fields not listed follow in alphabetical order.
var readingOrder = []string{"title", "subject", "kind", "value", "names", "summary", "narrative", "indicator_type", "reason_category", "tactic", "period",
	"severity", "confidence", "valid_from", "valid_until", "review_due", "tech_areas", "asset_type", "ref", "when", "outcome", "note",
	"observed_indicators", "orgs_involved", "detection", "mitigations", "lessons", "suggested_mitigation", "basis"}

var longFields = map[string]bool{"summary": true, "narrative": true, "detection": true, "lessons": true, "suggested_mitigation": true, "note": true}

func fieldsOf(lang string, body json.RawMessage) []fieldView {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return []fieldView{{Label: "?", Text: string(body), Long: true}}
	}
	delete(m, "kind")
	delete(m, "title") // the page's heading
	return objectFields(lang, m)
}

func objectFields(lang string, m map[string]any) []fieldView {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		for i, o := range readingOrder {
			if o == k {
				return i
			}
		}
		return len(readingOrder)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	out := make([]fieldView, 0, len(keys))
	for _, k := range keys {
		f := valueView(lang, m[k])
		f.Label = fieldLabel(lang, k)
		f.Long = longFields[k]
		out = append(out, f)
	}
	return out
}

func valueView(lang string, v any) fieldView {
	switch x := v.(type) {
	case map[string]any:
		return fieldView{Sub: objectFields(lang, x)}
	case []any:
		f := fieldView{}
		for _, e := range x {
			f.Items = append(f.Items, valueView(lang, e))
		}
		return f
	case string:
		return fieldView{Text: valueLabel(lang, x)}
	case nil:
		return fieldView{Text: "—"}
	default:
		return fieldView{Text: fmt.Sprint(x)}
	}
}

package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/node/report"
)

// MaxUpload caps a list uploaded to the screening page.
const MaxUpload = 8 << 20

// trendCell is one cell of GET /v1/trends/table: counts when published,
// else Suppressed and the reason (never a zero).
type trendCell struct {
	Dims       map[string]string `json:"dims"`
	Records    *int              `json:"records"`
	Members    *int              `json:"members"`
	Suppressed bool              `json:"suppressed"`
	Reason     string            `json:"reason"`
}

// trendTable is the answer of GET /v1/trends/table.
type trendTable struct {
	K      int         `json:"k"`
	M      int         `json:"m"`
	P      int         `json:"p"`
	From   *string     `json:"from"`
	To     *string     `json:"to"`
	By     []string    `json:"by"`
	Cells  []trendCell `json:"cells"`
	Totals []trendCell `json:"totals"`
}

// trendReport is one report of GET /v1/trends/reports: published cells only.
type trendReport struct {
	CID         string `json:"cid"`
	Author      string `json:"author"`
	AuthorName  string `json:"author_name"`
	Created     string `json:"created"`
	TLP         string `json:"tlp"`
	Period      string `json:"period"`
	Suppression struct {
		K int `json:"k"`
		M int `json:"m"`
		P int `json:"p"`
	} `json:"suppression"`
	By     []string    `json:"by"`
	Cells  []trendCell `json:"table"`
	Totals []trendCell `json:"totals"`
}

// similarResult is the answer of GET /v1/similar.
type similarResult struct {
	Category string `json:"category"`
	TechArea string `json:"tech_area"`
	Readable struct {
		Records     int               `json:"records"`
		Outcomes    map[string]int    `json:"outcomes"`
		Mitigations map[string]int    `json:"mitigations"`
		CIDs        []string          `json:"cids"`
		Titles      map[string]string `json:"titles"`
	} `json:"readable"`
	Consortium struct {
		Report   *string         `json:"report"`
		Period   *string         `json:"period"`
		Records  *int            `json:"records"`
		Outcomes map[string]*int `json:"outcomes"`
		Note     string          `json:"note"`
	} `json:"consortium"`
}

// outcomeOrder are the outcome values, in the format's order.
var outcomeOrder = []string{"declined", "accepted-with-mitigation", "accepted", "pending"}

// cellRow is a table row laid out for the template.
type cellRow struct {
	Dims       []string
	Records    *int
	Members    *int
	Suppressed bool
	Reason     string
}

// tableView is a trend table laid out for the template, with its chart.
type tableView struct {
	By      []string
	TotalBy []string // the dimensions of a total: all but the last
	Rows    []cellRow
	Totals  []cellRow
	Chart   template.HTML
}

func (c *Console) tableOf(lang, id, period string, by []string, cells, totals []trendCell) tableView {
	t := tableView{By: by}
	row := func(tc trendCell, dims []string) cellRow {
		r := cellRow{Records: tc.Records, Members: tc.Members, Suppressed: tc.Suppressed || tc.Records == nil, Reason: tc.Reason}
		for _, d := range dims {
			r.Dims = append(r.Dims, valueLabel(lang, tc.Dims[d]))
		}
		return r
	}
	var bars []bar
	for _, tc := range cells {
		r := row(tc, by)
		t.Rows = append(t.Rows, r)
		if !r.Suppressed {
			bars = append(bars, bar{Label: strings.Join(r.Dims, " · "), Value: r.Records})
		}
	}
	if len(by) > 0 {
		t.TotalBy = by[:len(by)-1]
		for _, tc := range totals {
			t.Totals = append(t.Totals, row(tc, by[:len(by)-1]))
		}
	}
	title := msg(lang, "trends.chart")
	if period != "" {
		title += ", " + period // several charts on a page are told apart
	}
	t.Chart = barChart(id, title, msg(lang, "trends.suppressed"), bars)
	return t
}

type trendsData struct {
	Secretariat bool
	Table       *trendTable
	View        tableView
	Reports     []reportView
}

type reportView struct {
	trendReport
	View tableView
}

func (c *Console) trends(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "trends")
	d := &trendsData{}
	st, err := c.self(r, p.Lang)
	if err == nil {
		d.Secretariat = st.Role == "secretariat"
		if d.Secretariat {
			var t trendTable
			if err = c.call(r.Context(), p.Lang, "GET", "/v1/trends/table", nil, &t); err == nil {
				d.Table = &t
				d.View = c.tableOf(p.Lang, "trends-chart", "", t.By, t.Cells, t.Totals)
			}
		} else {
			var reps []trendReport
			if err = c.call(r.Context(), p.Lang, "GET", "/v1/trends/reports", nil, &reps); err == nil {
				sort.SliceStable(reps, func(i, j int) bool { return reps[i].Created > reps[j].Created })
				for i, rep := range reps {
					d.Reports = append(d.Reports, reportView{trendReport: rep, View: c.tableOf(p.Lang, fmt.Sprintf("trends-chart-%d", i), rep.Period, rep.By, rep.Cells, rep.Totals)})
				}
			}
		}
	}
	if err != nil {
		p.Error = errorOf(p.Lang, "", apiError(err))
	}
	c.renderPage(w, http.StatusOK, c.withData(p, d))
}

// similarRow is one outcome: this node's count beside the consortium's
// (nil: not published, shown as suppressed).
type similarRow struct {
	Outcome    string
	Readable   int
	Consortium *int
}

type similarData struct {
	Category, TechArea string
	// Categories and TechAreas are the publish form's suggestions, offered
	// with their labels: the page takes a stored token (talent_recruitment),
	// which an officer reading Japanese labels elsewhere could not guess.
	Categories, TechAreas []string
	Result                *similarResult
	Rows                  []similarRow
	Mitigations           []similarMitigation
	Chart                 template.HTML
}

type similarMitigation struct {
	Name  string
	Count int
}

func (c *Console) similar(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "similar")
	q := r.URL.Query()
	d := &similarData{Category: strings.TrimSpace(q.Get("category")), TechArea: strings.TrimSpace(q.Get("tech_area")),
		Categories: append(suggestions("method", "tactic"), suggestions("indicator", "reason_category")...), TechAreas: suggestions("method", "tech_areas")}
	if d.Category != "" {
		v := url.Values{"category": {d.Category}}
		if d.TechArea != "" {
			v.Set("tech_area", d.TechArea)
		}
		var res similarResult
		if err := c.call(r.Context(), p.Lang, "GET", "/v1/similar?"+v.Encode(), nil, &res); err != nil {
			p.Error = errorOf(p.Lang, "", apiError(err))
		} else {
			d.Result = &res
			var bars []bar
			for _, o := range outcomeOrder {
				n := res.Readable.Outcomes[o]
				d.Rows = append(d.Rows, similarRow{Outcome: o, Readable: n, Consortium: res.Consortium.Outcomes[o]})
				bars = append(bars, bar{Label: valueLabel(p.Lang, o) + " (" + msg(p.Lang, "similar.readable") + ")", Value: &n})
				bars = append(bars, bar{Label: valueLabel(p.Lang, o) + " (" + msg(p.Lang, "similar.consortium") + ")", Value: res.Consortium.Outcomes[o]})
			}
			for m, n := range res.Readable.Mitigations {
				d.Mitigations = append(d.Mitigations, similarMitigation{Name: m, Count: n})
			}
			sort.Slice(d.Mitigations, func(i, j int) bool {
				if d.Mitigations[i].Count != d.Mitigations[j].Count {
					return d.Mitigations[i].Count > d.Mitigations[j].Count
				}
				return d.Mitigations[i].Name < d.Mitigations[j].Name
			})
			d.Chart = barChart("similar-chart", msg(p.Lang, "similar.chart")+": "+d.Category, msg(p.Lang, "trends.suppressed"), bars)
		}
	}
	c.renderPage(w, http.StatusOK, c.withData(p, d))
}

type screenData struct {
	Result *apiwire.ScreenResult
	All    bool
}

func (c *Console) screenForm(w http.ResponseWriter, r *http.Request, s *session) {
	c.render(w, r, http.StatusOK, "screen", s, &screenData{})
}

// screenUpload screens an uploaded list through the API and keeps the
// result in the session (in memory only) for the CSV download.
func (c *Console) screenUpload(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "screen")
	d := &screenData{All: r.PostFormValue("all") == "1"}
	c.mu.Lock()
	s.screen = nil // the download never gives an earlier list than the page shows
	c.mu.Unlock()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		p.Error = errorOf(p.Lang, "screen.nofile", nil)
		c.renderPage(w, http.StatusBadRequest, c.withData(p, d))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, "screen.nofile", nil)
		return
	}
	v := url.Values{"name": {filepath.Base(hdr.Filename)}}
	if d.All {
		v.Set("all", "true")
	}
	var res apiwire.ScreenResult
	if err := c.call(r.Context(), p.Lang, "POST", "/v1/screen?"+v.Encode(), data, &res); err != nil {
		p.Error = errorOf(p.Lang, "", apiError(err))
		c.renderPage(w, http.StatusUnprocessableEntity, c.withData(p, d))
		return
	}
	c.mu.Lock()
	s.screen = &res
	c.mu.Unlock()
	d.Result = &res
	c.renderPage(w, http.StatusOK, c.withData(p, d))
}

// screenCSV downloads the session's last screening as `ursic screen --csv`
// writes it.
func (c *Console) screenCSV(w http.ResponseWriter, r *http.Request, s *session) {
	c.mu.Lock()
	res := s.screen
	c.mu.Unlock()
	if res == nil {
		c.fail(w, r, http.StatusNotFound, "screen.nothing", nil)
		return
	}
	var buf bytes.Buffer
	if err := report.ScreenCSV(&buf, res); err != nil {
		c.log.Error("console: failed to write the screening CSV", "err", err)
		c.fail(w, r, http.StatusInternalServerError, "screen.nothing", nil)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="screening.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// authedUpload is authedPost for a multipart upload of up to limit bytes:
// a larger body is refused as too large, not as a bad CSRF token.
func (c *Console) authedUpload(limit int64, h handler) http.HandlerFunc {
	return c.authedUploadOf(limit, "screen.toolarge", "screen.nofile", h)
}

// authedUploadOf is authedUpload with the page's own messages for a body
// too large (tooLarge) and one that is not a multipart form (bad).
func (c *Console) authedUploadOf(limit int64, tooLarge, bad string, h handler) http.HandlerFunc {
	return c.authed(func(w http.ResponseWriter, r *http.Request, s *session) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := r.ParseMultipartForm(limit); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				c.fail(w, r, http.StatusRequestEntityTooLarge, tooLarge, nil)
				return
			}
			c.fail(w, r, http.StatusBadRequest, bad, nil)
			return
		}
		c.authedPost(h)(w, r)
	})
}

// bar is one bar of a chart; a nil Value is not published and is drawn as
// suppressed, never as zero.
type bar struct {
	Label string
	Value *int
}

// barChart draws a horizontal bar chart as inline SVG: role img, a <title>
// and an aria-label, focusable, dark text on white and a dark blue bar.
func barChart(id, title, suppressed string, bars []bar) template.HTML {
	esc := template.HTMLEscapeString
	const labelW, barW, rowH, pad = 300, 380, 26, 8
	maxV := 1
	for _, b := range bars {
		if b.Value != nil && *b.Value > maxV {
			maxV = *b.Value
		}
	}
	h := pad*2 + rowH*max(len(bars), 1)
	width := labelW + barW + 80
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg id="%s" class="chart" role="img" tabindex="0" aria-labelledby="%s-title" aria-label="%s" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`,
		esc(id), esc(id), esc(title), width, h)
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title>`, esc(id), esc(title))
	fmt.Fprintf(&sb, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`, width, h)
	for i, b := range bars {
		y := pad + i*rowH
		fmt.Fprintf(&sb, `<g><title>%s: %s</title>`, esc(b.Label), esc(barValue(b, suppressed)))
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" fill="#111111" font-size="13">%s</text>`, labelW-8, y+17, esc(clipLabel(b.Label)))
		if b.Value == nil {
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#555555" stroke-dasharray="4 3"/>`, labelW, y+4, barW/4, rowH-8)
			fmt.Fprintf(&sb, `<text x="%d" y="%d" fill="#111111" font-size="13">%s</text>`, labelW+barW/4+6, y+17, esc(suppressed))
		} else {
			bw := *b.Value * barW / maxV
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="#0b57d0"/>`, labelW, y+4, bw, rowH-8)
			fmt.Fprintf(&sb, `<text x="%d" y="%d" fill="#111111" font-size="13">%d</text>`, labelW+bw+6, y+17, *b.Value)
		}
		sb.WriteString(`</g>`)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every text above is escaped
}

func barValue(b bar, suppressed string) string {
	if b.Value == nil {
		return suppressed
	}
	return strconv.Itoa(*b.Value)
}

func clipLabel(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return s
}

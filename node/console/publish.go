package console

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/ursic/ursic/node/apiwire"
)

// formField is one input of a publish form.
type formField struct {
	Name     string // the form's name for it
	Type     string // text, textarea, select, date, list (commas), lines
	Required bool
	Choices  []string // select
	Suggest  []string // datalist suggestions for a token
	Example  string
}

var (
	severities   = []string{"low", "medium", "high", "critical"}
	confidences  = []string{"low", "medium", "high"}
	outcomes     = []string{"pending", "declined", "accepted-with-mitigation", "accepted"}
	subjectKinds = []string{"organisation", "programme", "funding_source", "venue", "role_pattern"}
	levels       = []string{"amber", "amber+strict", "green", "clear", "red"}
)

// suggestions are the tokens the publish form suggests for a field of a kind.
func suggestions(kind, field string) []string {
	for _, f := range forms[kind] {
		if f.Name == field {
			return f.Suggest
		}
	}
	return nil
}

// publishKinds are the kinds an officer publishes from the form.
var publishKinds = []string{"indicator", "method", "sighting"}

var forms = map[string][]formField{
	"indicator": {
		{Name: "title", Type: "text", Required: true},
		{Name: "subject_kind", Type: "select", Required: true, Choices: subjectKinds},
		{Name: "subject_name", Type: "text", Required: true, Example: "Northbridge Photonics Trading Co., Ltd."},
		{Name: "subject_name_ja", Type: "text", Example: "北橋光学貿易株式会社"},
		{Name: "jurisdiction", Type: "text", Example: "JP"},
		{Name: "subject_ror", Type: "text"},
		{Name: "indicator_type", Type: "text", Required: true, Suggest: []string{"procurement_front", "talent_programme", "hijacked_venue", "predatory_venue", "shell_company", "undisclosed_funding"}},
		{Name: "reason_category", Type: "text", Required: true, Suggest: []string{"export_control", "research_integrity", "undisclosed_obligation", "foreign_interference", "sanctions"}},
		{Name: "summary", Type: "textarea", Required: true},
		{Name: "tech_areas", Type: "list", Suggest: []string{"photonics", "quantum", "semiconductors", "materials", "ai", "biotech", "aerospace"}},
		{Name: "severity", Type: "select", Required: true, Choices: severities},
		{Name: "confidence", Type: "select", Required: true, Choices: confidences},
		{Name: "valid_from", Type: "date"},
		{Name: "valid_until", Type: "date"},
		{Name: "review_due", Type: "date"},
		{Name: "source_type", Type: "text", Suggest: []string{"government_list", "member_observation", "open_source", "partner_report"}},
		{Name: "source_list", Type: "text"},
		{Name: "source_url", Type: "text"},
		{Name: "suggested_mitigation", Type: "textarea"},
	},
	"method": {
		{Name: "title", Type: "text", Required: true},
		{Name: "tactic", Type: "text", Required: true, Suggest: []string{"talent_recruitment", "intermediary_funding", "procurement", "undisclosed_affiliation", "visiting_researcher", "data_exfiltration"}},
		{Name: "period", Type: "text", Required: true, Example: "2026-Q3"},
		{Name: "tech_areas", Type: "list", Suggest: []string{"photonics", "quantum", "semiconductors", "materials", "ai", "biotech", "aerospace"}},
		{Name: "asset_type", Type: "text", Suggest: []string{"know_how", "data", "samples", "equipment", "software"}},
		{Name: "narrative", Type: "textarea", Required: true},
		{Name: "detection", Type: "textarea"},
		{Name: "outcome", Type: "select", Choices: outcomes},
		{Name: "mitigations", Type: "lines"},
		{Name: "lessons", Type: "textarea"},
	},
	"sighting": {
		{Name: "ref", Type: "text", Required: true, Example: "bafkrei…"},
		{Name: "when", Type: "date", Required: true},
		{Name: "outcome", Type: "select", Required: true, Choices: outcomes},
		{Name: "note", Type: "textarea"},
	},
}

var (
	splitList  = regexp.MustCompile(`[,、，\s]+`)
	arrayIndex = regexp.MustCompile(`\[[0-9]+\]`)
)

// buildRecord makes the record JSON the form describes. Empty optional
// fields are left out; empty required ones too, so that the node names them.
func buildRecord(kind string, f url.Values) ([]byte, error) {
	get := func(name string) string { return strings.TrimSpace(f.Get(name)) }
	m := map[string]any{"kind": kind}
	set := func(dst map[string]any, key, name string) {
		if v := get(name); v != "" {
			dst[key] = v
		}
	}
	list := func(dst map[string]any, key, name string) {
		var out []string
		for _, p := range splitList.Split(get(name), -1) {
			if p != "" {
				out = append(out, p)
			}
		}
		if len(out) > 0 {
			dst[key] = out
		}
	}
	lines := func(dst map[string]any, key, name string) {
		var out []string
		for _, l := range strings.Split(get(name), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		if len(out) > 0 {
			dst[key] = out
		}
	}
	switch kind {
	case "indicator":
		for _, k := range []string{"title", "indicator_type", "reason_category", "summary", "severity", "confidence", "valid_from", "valid_until", "review_due", "suggested_mitigation"} {
			set(m, k, k)
		}
		list(m, "tech_areas", "tech_areas")
		subj := map[string]any{}
		set(subj, "kind", "subject_kind")
		var names []any
		if v := get("subject_name"); v != "" {
			lang := "en"
			if hasJapanese(v) {
				lang = "ja"
			}
			names = append(names, map[string]any{"value": v, "lang": lang})
		}
		if v := get("subject_name_ja"); v != "" {
			names = append(names, map[string]any{"value": v, "lang": "ja"})
		}
		if len(names) > 0 {
			subj["names"] = names
		}
		set(subj, "jurisdiction", "jurisdiction")
		if v := get("subject_ror"); v != "" {
			subj["ids"] = map[string]any{"ror": v}
		}
		m["subject"] = subj
		if get("source_type") != "" || get("source_list") != "" || get("source_url") != "" {
			basis := map[string]any{}
			set(basis, "source_type", "source_type")
			set(basis, "source_list", "source_list")
			set(basis, "source_url", "source_url")
			m["basis"] = basis
		}
	case "method":
		for _, k := range []string{"title", "tactic", "period", "asset_type", "narrative", "detection", "outcome", "lessons"} {
			set(m, k, k)
		}
		list(m, "tech_areas", "tech_areas")
		lines(m, "mitigations", "mitigations")
	case "sighting":
		for _, k := range []string{"ref", "when", "outcome", "note"} {
			set(m, k, k)
		}
	}
	return json.Marshal(m)
}

// formFieldOf is the form input a record path comes from, "" if none.
func formFieldOf(path string) string {
	path = arrayIndex.ReplaceAllString(path, "")
	switch {
	case path == "subject.kind":
		return "subject_kind"
	case strings.HasPrefix(path, "subject.names"):
		return "subject_name"
	case path == "subject.jurisdiction":
		return "jurisdiction"
	case strings.HasPrefix(path, "subject.ids"):
		return "subject_ror"
	case strings.HasPrefix(path, "basis."):
		return strings.TrimPrefix(path, "basis.")
	}
	if i := strings.IndexByte(path, '.'); i >= 0 {
		path = path[:i]
	}
	return path
}

// fieldInput is a form field ready for the template.
type fieldInput struct {
	formField
	Label   string
	Value   string
	Options []option
	Finding string // "refuse" or "flag" when a finding points here
}

type option struct {
	Value, Label string
	Selected     bool
}

// findingView is a guardrail finding in the page's language.
type findingView struct {
	Severity string `json:"severity"` // refuse or flag
	Path     string `json:"path"`
	Field    string `json:"field"`     // the form input, for highlighting
	Label    string `json:"label"`     // the input's label
	Message  string `json:"message"`   // in the page's language when the node gave one
	Phrase   string `json:"phrase"`    // the offending phrase, if the node names it
	Before   string `json:"before"`    // text just before the phrase
	After    string `json:"after"`     // text just after it
	Rule     string `json:"rule"`      // the rule's ID
	RuleName string `json:"rule_name"` // the rule in the page's language
}

// checkView answers POST /console/check, and is shown on the form after a
// refused publish.
type checkView struct {
	OK            bool          `json:"ok"`
	Problem       string        `json:"problem,omitempty"` // the record is not ready (a field error)
	Missing       []string      `json:"missing,omitempty"` // labels of required fields left empty
	Findings      []findingView `json:"findings"`
	NeedsConfirm  bool          `json:"needs_confirm"`
	Refused       bool          `json:"refused"`
	Recipients    []string      `json:"recipients"`
	NonRecipients []string      `json:"non_recipients"`
	OnlySelf      bool          `json:"only_self"`
}

type publishData struct {
	Kinds  []option
	Kind   string
	Fields []fieldInput
	TLP    []option
	Aud    []option
	Check  *checkView
	JSON   bool
}

func (c *Console) publishForm(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "publish")
	kind := r.URL.Query().Get("kind")
	if _, ok := forms[kind]; !ok {
		kind = "indicator"
	}
	c.renderPage(w, http.StatusOK, c.withData(p, c.publishData(r, p.Lang, kind, url.Values{"tlp": {"amber"}, "audience": {"members"}}, nil)))
}

func (c *Console) publishData(r *http.Request, lang, kind string, f url.Values, check *checkView) *publishData {
	d := &publishData{Kind: kind, Check: check}
	for _, k := range publishKinds {
		d.Kinds = append(d.Kinds, option{Value: k, Label: kindLabel(lang, k), Selected: k == kind})
	}
	marked := map[string]string{}
	if check != nil {
		for _, fv := range check.Findings {
			if marked[fv.Field] != "refuse" {
				marked[fv.Field] = fv.Severity
			}
		}
	}
	for _, ff := range forms[kind] {
		in := fieldInput{formField: ff, Label: fieldLabel(lang, ff.Name), Value: f.Get(ff.Name), Finding: marked[ff.Name]}
		if ff.Type == "select" {
			switch {
			case !ff.Required:
				in.Options = append(in.Options, option{Value: "", Label: "—"})
			case ff.Name != "subject_kind":
				// The officer chooses severity, confidence and outcome: no default.
				in.Options = append(in.Options, option{Value: "", Label: msg(lang, "pub.choose")})
			}
			for _, ch := range ff.Choices {
				in.Options = append(in.Options, option{Value: ch, Label: valueLabel(lang, ch), Selected: ch == in.Value})
			}
		}
		d.Fields = append(d.Fields, in)
	}
	for _, l := range levels {
		d.TLP = append(d.TLP, option{Value: l, Label: "TLP:" + strings.ToUpper(l), Selected: l == f.Get("tlp")})
	}
	groups := []string{"members", "secretariat", "executive"}
	ro, err := c.roster(r, lang)
	if err != nil {
		ro = nil
	}
	if ro != nil {
		for g := range ro.Groups {
			groups = append(groups, g)
		}
	}
	chosen := map[string]bool{}
	for _, a := range f["audience"] {
		chosen[a] = true
	}
	for _, g := range groups {
		d.Aud = append(d.Aud, option{Value: g, Label: audienceLabel(lang, g), Selected: chosen[g]})
	}
	// TLP:RED names its nodes: every member can be chosen by name.
	if ro != nil {
		for _, m := range ro.Members {
			d.Aud = append(d.Aud, option{Value: m.PeerID, Label: m.Name, Selected: chosen[m.PeerID]})
		}
	}
	return d
}

// policyQuery is the publish/check query for the form's policy.
func policyQuery(f url.Values) string {
	q := url.Values{}
	if v := f.Get("tlp"); v != "" {
		q.Set("tlp", v)
	}
	if v := f["audience"]; len(v) > 0 {
		q.Set("audience", strings.Join(v, ","))
	}
	if f.Get("confirm_personal_data") != "" {
		q.Set("confirm_personal_data", "true")
	}
	return q.Encode()
}

// apiFinding is a finding as /v1/check and /v1/publish write it, with the
// optional fields a newer node adds (the phrase and where it is).
type apiFinding struct {
	apiwire.Finding
	Phrase string `json:"phrase"`
	Offset *int   `json:"offset"`
}

type apiCheck struct {
	OK         bool         `json:"ok"`
	Error      string       `json:"error"`
	Findings   []apiFinding `json:"findings"`
	Recipients []string     `json:"recipients"`
}

// runCheck asks the node what publishing the form would do.
func (c *Console) runCheck(r *http.Request, lang, kind string, f url.Values) (*checkView, error) {
	rec, err := buildRecord(kind, f)
	if err != nil {
		return nil, err
	}
	var res apiCheck
	if err := c.call(r.Context(), lang, "POST", "/v1/check?"+policyQuery(f), rec, &res); err != nil {
		return nil, err
	}
	v := &checkView{OK: res.OK, Findings: []findingView{}, Recipients: []string{}, NonRecipients: []string{}}
	for _, af := range res.Findings {
		fv := findingOf(lang, af, f)
		v.Refused = v.Refused || fv.Severity == "refuse"
		v.NeedsConfirm = v.NeedsConfirm || fv.Severity == "flag"
		v.Findings = append(v.Findings, fv)
	}
	if !res.OK && len(res.Findings) == 0 {
		v.Missing, v.Problem = problemsOf(lang, res.Error)
	}
	if res.OK {
		c.recipientNames(r, lang, res.Recipients, v)
	}
	return v, nil
}

func findingOf(lang string, af apiFinding, f url.Values) findingView {
	fv := findingView{Severity: af.Severity, Path: af.Path, Field: formFieldOf(af.Path), Rule: af.Rule, Message: af.Message, Phrase: af.Phrase}
	fv.Label = fieldLabel(lang, fv.Field)
	if fv.Field == "" {
		fv.Label = ""
	}
	fv.RuleName = af.Rule
	if lang == "ja" {
		if n, ok := ruleJA[af.Rule]; ok {
			fv.RuleName = n
		}
	}
	if fv.Phrase != "" {
		text := f.Get(fv.Field)
		if i := strings.Index(text, fv.Phrase); i >= 0 {
			fv.Before = tail(text[:i], 40)
			fv.After = head(text[i+len(fv.Phrase):], 40)
		}
	}
	return fv
}

func tail(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n:])
}

func head(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// recipientNames fills who will and will not receive a record, by name.
func (c *Console) recipientNames(r *http.Request, lang string, ids []string, v *checkView) {
	ro, err := c.roster(r, lang)
	st, serr := c.self(r, lang)
	if err != nil || serr != nil {
		v.Recipients = ids
		return
	}
	if ro == nil {
		v.OnlySelf = true
		v.Recipients = []string{st.Name}
		return
	}
	will := map[string]bool{}
	for _, id := range ids {
		will[id] = true
	}
	for _, m := range ro.Members {
		name := m.Name
		if m.PeerID == st.PeerID {
			name += " (" + msg(lang, "pub.self") + ")"
		}
		if will[m.PeerID] || m.PeerID == st.PeerID {
			v.Recipients = append(v.Recipients, name)
		} else {
			v.NonRecipients = append(v.NonRecipients, name)
		}
	}
}

func formKind(f url.Values) string {
	if _, ok := forms[f.Get("kind")]; ok {
		return f.Get("kind")
	}
	return "indicator"
}

// check answers the form's live guardrail feedback (JSON).
func (c *Console) check(w http.ResponseWriter, r *http.Request, s *session) {
	lang := langOf(r)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "console: bad form", http.StatusBadRequest)
		return
	}
	v, err := c.runCheck(r, lang, formKind(r.PostForm), r.PostForm)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		e := apiError(err)
		w.WriteHeader(http.StatusBadGateway)
		json.NewEncoder(w).Encode(map[string]string{"error": e.Message})
		return
	}
	json.NewEncoder(w).Encode(v)
}

func (c *Console) publish(w http.ResponseWriter, r *http.Request, s *session) {
	p := c.newPage(r, s, "publish")
	f := r.PostForm
	kind := formKind(f)
	again := func(status int, check *checkView, err error) {
		if err != nil {
			p.Error = errorOf(p.Lang, "", apiError(err))
		}
		c.renderPage(w, status, c.withData(p, c.publishData(r, p.Lang, kind, f, check)))
	}
	// Check first, so that a refusal comes back with its findings laid out.
	check, err := c.runCheck(r, p.Lang, kind, f)
	if err != nil {
		again(http.StatusUnprocessableEntity, nil, err)
		return
	}
	if !check.OK && (check.Refused || check.Problem != "" || f.Get("confirm_personal_data") == "") {
		again(http.StatusUnprocessableEntity, check, nil)
		return
	}
	rec, err := buildRecord(kind, f)
	if err != nil {
		again(http.StatusUnprocessableEntity, check, err)
		return
	}
	var out []byte
	if err := c.call(r.Context(), p.Lang, "POST", "/v1/publish?"+policyQuery(f), rec, &out); err != nil {
		again(http.StatusUnprocessableEntity, check, err)
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var ev apiwire.PublishEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			continue
		}
		if ev.Error != nil {
			again(http.StatusUnprocessableEntity, check, ev.Error)
			return
		}
		if ev.CID != "" {
			http.Redirect(w, r, "/console/records/"+url.PathEscape(ev.CID)+"?published=1", http.StatusSeeOther)
			return
		}
	}
	again(http.StatusInternalServerError, check, &apiwire.Error{Message: "the node published nothing"})
}

// problemsOf splits the node's field errors into the labels of required
// fields left empty, and the rest as the node wrote them.
func problemsOf(lang, errText string) (missing []string, rest string) {
	var other []string
	seen := map[string]bool{}
	for _, line := range strings.Split(errText, "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "share: ")
		if path, ok := strings.CutSuffix(line, ": required"); ok {
			if l := fieldLabel(lang, formFieldOf(path)); !seen[l] {
				seen[l] = true
				missing = append(missing, l)
			}
			continue
		}
		if line != "" {
			other = append(other, line)
		}
	}
	return missing, strings.Join(other, "; ")
}

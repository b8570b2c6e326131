package liaison

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ursic/ursic/share"
)

// Source is one record the node may export: its header facts and its body,
// or no body if it was retracted.
type Source struct {
	CID        string
	Kind       string
	Author     string // peer ID
	AuthorName string // name on the roster; the peer ID if empty
	AuthorROR  string // the author's ROR ID, if known
	TLP        string // lower case; only clear and green are exported
	Created    time.Time
	Body       json.RawMessage // nil once retracted
	// RetractedAt is when the author retracted the record; zero if not.
	RetractedAt time.Time
	// MayName reports whether another record, by CID, may be named in this
	// one's objects (a method's observed_indicators): only a record that
	// leaves itself may (policy.MayExportRef). Nil names none.
	MayName func(cid string) bool
}

// Object is one STIX object with what a TAXII server needs to know of it.
type Object struct {
	ID        string
	Type      string
	Created   time.Time
	Modified  time.Time // the object's version
	DateAdded time.Time // when the node first held this version
	JSON      json.RawMessage
}

// ErrNotExportable is returned for a record whose TLP never leaves the
// consortium (AMBER, AMBER+STRICT, RED, or anything unknown).
var ErrNotExportable = errors.New("liaison: this record's TLP does not allow export")

// Exported reports whether records of this kind map to STIX objects
// (indicator, method and trend; docs/STIX.md §4).
func Exported(kind string) bool {
	switch kind {
	case share.KindIndicator, share.KindMethod, share.KindTrend:
		return true
	}
	return false
}

// stixTime is the STIX timestamp form: UTC with milliseconds.
func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// epoch is the created and modified time of the fixed objects and of member
// identities.
var epoch = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// core holds the common properties, in the order they are written.
type core struct {
	Type         string   `json:"type"`
	SpecVersion  string   `json:"spec_version"`
	ID           string   `json:"id"`
	CreatedByRef string   `json:"created_by_ref,omitempty"`
	Created      string   `json:"created"`
	Modified     string   `json:"modified"`
	Revoked      bool     `json:"revoked,omitempty"`
	Confidence   int      `json:"confidence,omitempty"`
	Markings     []string `json:"object_marking_refs,omitempty"`
}

type externalRef struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
}

type killChainPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`
}

type identityObj struct {
	core
	Name          string         `json:"name"`
	Description   string         `json:"description,omitempty"`
	IdentityClass string         `json:"identity_class"`
	ExternalRefs  []externalRef  `json:"external_references,omitempty"`
	Extensions    map[string]any `json:"extensions,omitempty"`
}

type reportObj struct {
	core
	Name         string         `json:"name"`
	Description  string         `json:"description,omitempty"`
	ReportTypes  []string       `json:"report_types"`
	Published    string         `json:"published"`
	ObjectRefs   []string       `json:"object_refs"`
	ExternalRefs []externalRef  `json:"external_references,omitempty"`
	Extensions   map[string]any `json:"extensions,omitempty"`
}

type attackPatternObj struct {
	core
	Name         string           `json:"name"`
	Description  string           `json:"description,omitempty"`
	KillChain    []killChainPhase `json:"kill_chain_phases,omitempty"`
	ExternalRefs []externalRef    `json:"external_references,omitempty"`
	Extensions   map[string]any   `json:"extensions,omitempty"`
}

type extensionDefinitionObj struct {
	core
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Schema         string   `json:"schema"`
	Version        string   `json:"version"`
	ExtensionTypes []string `json:"extension_types"`
}

// ExtensionSchema is where the extension's properties are defined.
const ExtensionSchema = "https://github.com/ursic/ursic/blob/main/docs/STIX.md"

// ExtensionVersion is the version of the URSIC property extension.
const ExtensionVersion = "1.0.0"

// KillChainName names URSIC tactics in kill_chain_phases.
const KillChainName = "ursic-tactic"

// FixedObjects are the objects every export carries: the TLP:CLEAR and
// TLP:GREEN marking definitions exactly as OASIS publishes them, the
// consortium's identity and the URSIC extension definition.
func FixedObjects() []Object {
	cons := identityObj{
		core: core{Type: "identity", SpecVersion: "2.1", ID: ConsortiumID, Created: stixTime(epoch), Modified: stixTime(epoch), Markings: []string{MarkingClear}},
		Name: "University Research Security and Integrity Consortium (URSIC)", IdentityClass: "group",
		Description: "The federation of Japanese universities' research-security offices that defines the URSIC STIX extension.",
	}
	ext := extensionDefinitionObj{
		core:           core{Type: "extension-definition", SpecVersion: "2.1", ID: ExtensionID, CreatedByRef: ConsortiumID, Created: stixTime(epoch), Modified: stixTime(epoch), Markings: []string{MarkingClear}},
		Name:           "URSIC record fields",
		Description:    "Fields of URSIC records (indicators, methods, trend reports) that STIX 2.1 has no property for: kind, CID, severity, subject kind and names, validity, basis, tactic, period, metrics.",
		Schema:         ExtensionSchema,
		Version:        ExtensionVersion,
		ExtensionTypes: []string{"property-extension"},
	}
	out := []Object{
		{ID: MarkingClear, Type: "marking-definition", JSON: markingObjects[MarkingClear]},
		{ID: MarkingGreen, Type: "marking-definition", JSON: markingObjects[MarkingGreen]},
		mustObject(cons.ID, "identity", epoch, epoch, cons),
		mustObject(ext.ID, "extension-definition", epoch, epoch, ext),
	}
	marked := time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)
	out[0].Created, out[0].Modified = marked, marked
	out[1].Created, out[1].Modified = marked, marked
	for i := range out {
		out[i].DateAdded = out[i].Modified
	}
	return out
}

func mustObject(id, typ string, created, modified time.Time, v any) Object {
	b, err := marshal(v)
	if err != nil {
		panic(fmt.Sprintf("liaison: %s: %v", id, err))
	}
	return Object{ID: id, Type: typ, Created: created, Modified: modified, DateAdded: modified, JSON: b}
}

func marshal(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// AuthorIdentity is the identity object of a member (docs/STIX.md §4.1).
func AuthorIdentity(peerID, name, ror string) Object {
	if name == "" {
		name = peerID
	}
	refs := []externalRef{{SourceName: "ursic-peer-id", ExternalID: peerID}}
	if ror != "" {
		refs = append(refs, externalRef{SourceName: "ror", ExternalID: strings.TrimPrefix(ror, "https://ror.org/")})
	}
	id := identityObj{
		core:          core{Type: "identity", SpecVersion: "2.1", ID: AuthorID(peerID), Created: stixTime(epoch), Modified: stixTime(epoch), Markings: []string{MarkingGreen}},
		Name:          name,
		IdentityClass: "organization",
		Description:   "A member institution of URSIC.",
		ExternalRefs:  refs,
	}
	return mustObject(id.ID, "identity", epoch, epoch, id)
}

// Record bodies, as far as the mapping reads them (SPEC.md §6.3).
type (
	subjectName struct {
		Value string `json:"value"`
		Lang  string `json:"lang,omitempty"`
		Type  string `json:"type,omitempty"`
	}
	subjectBody struct {
		Kind         string            `json:"kind"`
		Names        []subjectName     `json:"names"`
		Jurisdiction string            `json:"jurisdiction,omitempty"`
		IDs          map[string]string `json:"ids,omitempty"`
	}
	basisBody struct {
		SourceType  string `json:"source_type"`
		SourceList  string `json:"source_list,omitempty"`
		SourceURL   string `json:"source_url,omitempty"`
		AsOf        string `json:"as_of,omitempty"`
		LegalEffect string `json:"legal_effect,omitempty"`
	}
	indicatorBody struct {
		Kind                string      `json:"kind"`
		Title               string      `json:"title"`
		IndicatorType       string      `json:"indicator_type"`
		Subject             subjectBody `json:"subject"`
		ReasonCategory      string      `json:"reason_category"`
		Summary             string      `json:"summary"`
		TechAreas           []string    `json:"tech_areas,omitempty"`
		Severity            string      `json:"severity"`
		Confidence          string      `json:"confidence"`
		ValidFrom           string      `json:"valid_from,omitempty"`
		ValidUntil          string      `json:"valid_until,omitempty"`
		ReviewDue           string      `json:"review_due,omitempty"`
		Basis               *basisBody  `json:"basis,omitempty"`
		SuggestedMitigation string      `json:"suggested_mitigation,omitempty"`
	}
	orgInvolved struct {
		ROR  string `json:"ror"`
		Role string `json:"role"`
	}
	methodBody struct {
		Kind               string        `json:"kind"`
		Title              string        `json:"title"`
		Tactic             string        `json:"tactic"`
		Period             string        `json:"period"`
		TechAreas          []string      `json:"tech_areas,omitempty"`
		AssetType          string        `json:"asset_type,omitempty"`
		Narrative          string        `json:"narrative"`
		ObservedIndicators []string      `json:"observed_indicators,omitempty"`
		OrgsInvolved       []orgInvolved `json:"orgs_involved,omitempty"`
		Detection          string        `json:"detection,omitempty"`
		Outcome            string        `json:"outcome,omitempty"`
		Mitigations        []string      `json:"mitigations,omitempty"`
		Lessons            string        `json:"lessons,omitempty"`
	}
	metric struct {
		Dimension string `json:"dimension"`
		Value     string `json:"value"`
		Count     uint64 `json:"count"`
	}
	trendBody struct {
		Kind        string   `json:"kind"`
		Period      string   `json:"period"`
		Metrics     []metric `json:"metrics"`
		Suppression struct {
			K uint64 `json:"k"`
			M uint64 `json:"m"`
		} `json:"suppression"`
	}
)

// Confidence on the STIX 0–100 scale (the "None/Low/Med/High" scale of
// STIX 2.1 Appendix A): low 15, medium 50, high 85.
var confidenceScale = map[string]int{"low": 15, "medium": 50, "high": 85}

// confidenceOf maps a STIX confidence back: 1–29 low, 30–69 medium, 70–100 high.
func confidenceOf(c int) string {
	switch {
	case c >= 70:
		return "high"
	case c >= 30:
		return "medium"
	default:
		return "low"
	}
}

// subjectClass is the identity_class of a subject kind.
var subjectClass = map[string]string{
	"organisation":   "organization",
	"funding_source": "organization",
	"venue":          "organization",
	"programme":      "group",
	"role_pattern":   "class",
}

// idSources names the external_references of a subject's identifiers, in
// the order they are written.
var idSources = []struct{ key, source string }{
	{"ror", "ror"}, {"wikidata", "wikidata"}, {"isni", "isni"},
	{"fundref", "crossref-funder-id"}, {"issn", "issn"}, {"lei", "lei"},
}

// ext is the URSIC property extension of one object.
func ext(props map[string]any) map[string]any {
	m := map[string]any{"extension_type": "property-extension"}
	for k, v := range props {
		switch x := v.(type) {
		case string:
			if x == "" {
				continue
			}
		case []string:
			if len(x) == 0 { // STIX lists have at least one item
				continue
			}
		case nil:
			continue
		}
		m[k] = v
	}
	return map[string]any{ExtensionID: m}
}

// Export maps one record to its STIX objects: the record's own object, an
// indicator's subject identity, and the author's identity. A retracted
// record (RetractedAt set) maps to a new version of its objects with
// revoked true and none of the body. Kinds that are not exported give no
// objects. A TLP other than CLEAR or GREEN is [ErrNotExportable].
func Export(src Source) ([]Object, error) {
	marking, ok := markingFor(src.TLP)
	if !ok {
		return nil, fmt.Errorf("%w: %s is %s", ErrNotExportable, src.CID, src.TLP)
	}
	if !Exported(src.Kind) {
		return nil, nil
	}
	author := AuthorIdentity(src.Author, src.AuthorName, src.AuthorROR)
	created := src.Created.UTC().Truncate(time.Millisecond)
	modified, revoked := created, false
	if !src.RetractedAt.IsZero() {
		modified, revoked = src.RetractedAt.UTC().Truncate(time.Millisecond), true
		if modified.Before(created) {
			modified = created
		}
	}
	c := func(typ, id string) core {
		return core{Type: typ, SpecVersion: "2.1", ID: id, CreatedByRef: author.ID, Created: stixTime(created), Modified: stixTime(modified), Revoked: revoked, Markings: []string{marking}}
	}
	obj := func(v any, typ, id string) (Object, error) {
		b, err := marshal(v)
		if err != nil {
			return Object{}, fmt.Errorf("liaison: %s: %w", src.CID, err)
		}
		return Object{ID: id, Type: typ, Created: created, Modified: modified, DateAdded: modified, JSON: b}, nil
	}
	var out []Object
	add := func(v any, typ, id string) error {
		o, err := obj(v, typ, id)
		out = append(out, o)
		return err
	}
	if revoked {
		props := ext(map[string]any{"record_kind": src.Kind, "cid": src.CID, "retracted": true})
		switch src.Kind {
		case share.KindIndicator, share.KindTrend:
			r := reportObj{core: c("report", RecordID("report", src.CID)), Name: "Retracted URSIC record", ReportTypes: []string{"threat-report"},
				Published: stixTime(created), ObjectRefs: []string{author.ID}, Extensions: props}
			if src.Kind == share.KindIndicator {
				r.ReportTypes = []string{"identity"}
				s := identityObj{core: c("identity", subjectID(src.CID)), Name: "Retracted URSIC record subject", IdentityClass: "unknown"}
				if err := add(s, "identity", s.ID); err != nil {
					return nil, err
				}
			}
			if err := add(r, "report", r.ID); err != nil {
				return nil, err
			}
		case share.KindMethod:
			a := attackPatternObj{core: c("attack-pattern", RecordID("attack-pattern", src.CID)), Name: "Retracted URSIC record", Extensions: props}
			if err := add(a, "attack-pattern", a.ID); err != nil {
				return nil, err
			}
		}
		return append(out, author), nil
	}
	switch src.Kind {
	case share.KindIndicator:
		var b indicatorBody
		if err := json.Unmarshal(src.Body, &b); err != nil {
			return nil, fmt.Errorf("liaison: %s: %w", src.CID, err)
		}
		if len(b.Subject.Names) == 0 {
			return nil, fmt.Errorf("liaison: %s: the subject has no name", src.CID)
		}
		s := identityObj{core: c("identity", subjectID(src.CID)), Name: b.Subject.Names[0].Value, IdentityClass: subjectClass[b.Subject.Kind]}
		if s.IdentityClass == "" {
			s.IdentityClass = "unknown"
		}
		for _, is := range idSources {
			if v := b.Subject.IDs[is.key]; v != "" {
				s.ExternalRefs = append(s.ExternalRefs, externalRef{SourceName: is.source, ExternalID: strings.TrimPrefix(v, "https://ror.org/")})
			}
		}
		s.Extensions = ext(map[string]any{"subject_kind": b.Subject.Kind, "names": b.Subject.Names, "jurisdiction": b.Subject.Jurisdiction})
		rc := c("report", RecordID("report", src.CID))
		rc.Confidence = confidenceScale[b.Confidence]
		props := map[string]any{
			"record_kind": src.Kind, "cid": src.CID, "indicator_type": b.IndicatorType, "reason_category": b.ReasonCategory,
			"severity": b.Severity, "tech_areas": b.TechAreas, "valid_from": b.ValidFrom, "valid_until": b.ValidUntil,
			"review_due": b.ReviewDue, "suggested_mitigation": b.SuggestedMitigation,
		}
		if b.Basis != nil {
			props["basis"] = b.Basis
		}
		r := reportObj{core: rc, Name: b.Title, Description: b.Summary, ReportTypes: []string{"identity"},
			Published: stixTime(created), ObjectRefs: []string{s.ID}, Extensions: ext(props)}
		if err := add(s, "identity", s.ID); err != nil {
			return nil, err
		}
		if err := add(r, "report", r.ID); err != nil {
			return nil, err
		}
	case share.KindMethod:
		var b methodBody
		if err := json.Unmarshal(src.Body, &b); err != nil {
			return nil, fmt.Errorf("liaison: %s: %w", src.CID, err)
		}
		a := attackPatternObj{core: c("attack-pattern", RecordID("attack-pattern", src.CID)), Name: b.Title, Description: b.Narrative,
			KillChain: []killChainPhase{{KillChainName: KillChainName, PhaseName: phaseName(b.Tactic)}}}
		for _, o := range b.OrgsInvolved {
			a.ExternalRefs = append(a.ExternalRefs, externalRef{SourceName: "ror", ExternalID: strings.TrimPrefix(o.ROR, "https://ror.org/"), Description: "involved as " + o.Role})
		}
		var observed []string
		for _, cid := range b.ObservedIndicators {
			if src.MayName != nil && src.MayName(cid) {
				observed = append(observed, cid)
			}
		}
		var orgs any
		if len(b.OrgsInvolved) > 0 {
			orgs = b.OrgsInvolved
		}
		a.Extensions = ext(map[string]any{
			"record_kind": src.Kind, "cid": src.CID, "tactic": b.Tactic, "period": b.Period, "tech_areas": b.TechAreas,
			"asset_type": b.AssetType, "observed_indicators": observed, "orgs_involved": orgs,
			"detection": b.Detection, "outcome": b.Outcome, "mitigations": b.Mitigations, "lessons": b.Lessons,
		})
		if err := add(a, "attack-pattern", a.ID); err != nil {
			return nil, err
		}
	case share.KindTrend:
		var b trendBody
		if err := json.Unmarshal(src.Body, &b); err != nil {
			return nil, fmt.Errorf("liaison: %s: %w", src.CID, err)
		}
		var desc strings.Builder
		fmt.Fprintf(&desc, "URSIC trend report for %s (cells below %d records or %d members are suppressed).", b.Period, b.Suppression.K, b.Suppression.M)
		for _, m := range b.Metrics {
			fmt.Fprintf(&desc, "\n%s = %s: %d", m.Dimension, m.Value, m.Count)
		}
		var metrics any
		if len(b.Metrics) > 0 {
			metrics = b.Metrics
		}
		r := reportObj{core: c("report", RecordID("report", src.CID)), Name: "URSIC trend report " + b.Period, Description: desc.String(),
			ReportTypes: []string{"threat-report"}, Published: stixTime(created), ObjectRefs: []string{author.ID},
			Extensions: ext(map[string]any{"record_kind": src.Kind, "cid": src.CID, "period": b.Period, "metrics": metrics,
				"suppression_k": b.Suppression.K, "suppression_m": b.Suppression.M})}
		if err := add(r, "report", r.ID); err != nil {
			return nil, err
		}
	}
	return append(out, author), nil
}

// phaseName is the kill-chain phase name of a tactic: the token with "_"
// and "." as "-". STIX wants phase names lower case with hyphens, and a
// strict validator (Python's str.islower) counts a name with no letter at
// all as not lower case, so a tactic of digits and separators only
// ("2024") gets the prefix "tactic-". The tactic itself travels verbatim in
// the extension, which is what an import reads back.
func phaseName(tactic string) string {
	p := strings.NewReplacer("_", "-", ".", "-").Replace(tactic)
	if !strings.ContainsFunc(p, func(r rune) bool { return r >= 'a' && r <= 'z' }) {
		p = "tactic-" + p
	}
	return p
}

// Bundle writes one STIX bundle of objs: the fixed objects first, then
// objs in order, each id once (the newest version wins). Its id is the
// name UUID of the ids and versions it holds (docs/STIX.md §2), so the
// same export gives the same bundle.
func Bundle(objs []Object) ([]byte, error) {
	all := append(FixedObjects(), objs...)
	at := map[string]int{}
	var list []Object
	for _, o := range all {
		if i, ok := at[o.ID]; ok {
			if o.Modified.After(list[i].Modified) {
				list[i] = o
			}
			continue
		}
		at[o.ID] = len(list)
		list = append(list, o)
	}
	var name strings.Builder
	for _, o := range list {
		name.WriteString(o.ID + "@" + stixTime(o.Modified) + "\n")
	}
	var buf bytes.Buffer
	buf.WriteString(`{"type":"bundle","id":"` + bundleID(name.String()) + `","objects":[`)
	for i, o := range list {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n")
		buf.Write(o.JSON)
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes(), nil
}

// SortObjects orders objects as a TAXII collection lists them: by date
// added, then id.
func SortObjects(objs []Object) {
	slices.SortFunc(objs, func(a, b Object) int {
		if c := a.DateAdded.Compare(b.DateAdded); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

package liaison

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// Limits on what a partner may send (docs/STIX.md §6).
const (
	MaxBundleSize    = 16 << 20
	MaxBundleObjects = 10000
)

// Errors of an import, for callers that branch with errors.Is.
var (
	// ErrBadBundle is a bundle that cannot be read at all.
	ErrBadBundle = errors.New("liaison: not a STIX 2.1 bundle")
	// ErrMarking is an object whose markings do not give one TLP level.
	ErrMarking = errors.New("unknown or missing TLP marking")
	// ErrNotRepublished is TLP:RED, which this node never republishes.
	ErrNotRepublished = errors.New("TLP:RED is for its named recipients only and is never republished")
	// ErrUnsupported is an object that no record kind can carry.
	ErrUnsupported = errors.New("unsupported")
)

// PartnerFeed is the basis.source_type of every imported indicator.
const PartnerFeed = "partner_feed"

// ImportOptions say who sent a bundle.
type ImportOptions struct {
	// Partner is the partner's name, recorded as provenance. If empty, the
	// name of the identity the bundle's objects are created by is used.
	Partner string
	// Self is this node's peer ID: the audience of what arrives as
	// AMBER+STRICT, which stays inside this institution.
	Self string
}

// Item is what the import makes of one object of a bundle: a record file to
// publish (Record), or a reason it is skipped or refused.
type Item struct {
	ID   string // the object's STIX id
	Type string
	// Record is a record file (SPEC.md §6.1, with its policy) for an
	// object to publish; nil otherwise.
	Record []byte
	Level  policy.Level
	// Skipped says why an object is not imported (unsupported type, a
	// supporting object); Refused why an importable object cannot be.
	Skipped string
	Refused error
}

var stixID = regexp.MustCompile(`^([a-z][a-z0-9-]{1,248})--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

type object map[string]json.RawMessage

func (o object) str(k string) string {
	var s string
	json.Unmarshal(o[k], &s)
	return s
}

func (o object) strs(k string) []string {
	var s []string
	json.Unmarshal(o[k], &s)
	return s
}

// ext is the URSIC extension of an object, nil if it has none: under
// [ExtensionID], or under the id it had before 2026-11-30.
func (o object) ext() map[string]json.RawMessage {
	var exts map[string]map[string]json.RawMessage
	json.Unmarshal(o["extensions"], &exts)
	if e, ok := exts[ExtensionID]; ok {
		return e
	}
	return exts[legacyExtensionID]
}

// ParseBundle reads a bundle's objects, refusing what is not a bundle.
func ParseBundle(data []byte) ([]json.RawMessage, error) {
	if len(data) > MaxBundleSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrBadBundle, len(data), MaxBundleSize)
	}
	var b struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadBundle, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the bundle", ErrBadBundle)
	}
	if b.Type != "bundle" {
		return nil, fmt.Errorf("%w: type is %q, want \"bundle\"", ErrBadBundle, b.Type)
	}
	if m := stixID.FindStringSubmatch(b.ID); m == nil || m[1] != "bundle" {
		return nil, fmt.Errorf("%w: id %q is not bundle--UUID", ErrBadBundle, b.ID)
	}
	if len(b.Objects) > MaxBundleObjects {
		return nil, fmt.Errorf("%w: %d objects, the limit is %d", ErrBadBundle, len(b.Objects), MaxBundleObjects)
	}
	return b.Objects, nil
}

// Import makes one Item of every object of a partner's bundle, in order.
// It does not check the records it makes against the guardrails or the
// record schema: the node does that, on its publish path, and refuses what
// fails.
func Import(data []byte, opt ImportOptions) ([]Item, error) {
	raws, err := ParseBundle(data)
	if err != nil {
		return nil, err
	}
	objs := make([]object, len(raws))
	byID := map[string]object{}
	items := make([]Item, len(raws))
	for i, raw := range raws {
		var o object
		if err := json.Unmarshal(raw, &o); err != nil || o == nil {
			items[i] = Item{Refused: fmt.Errorf("object %d is not a JSON object", i)}
			continue
		}
		objs[i] = o
		id, typ := o.str("id"), o.str("type")
		items[i].ID, items[i].Type = id, typ
		if m := stixID.FindStringSubmatch(id); m == nil || m[1] != typ {
			items[i].Refused = fmt.Errorf("id %q is not %s--UUID", id, typ)
			continue
		}
		byID[id] = o
	}
	if opt.Partner == "" {
		opt.Partner = partnerName(objs, byID)
	}
	for i, o := range objs {
		if o == nil || items[i].Refused != nil {
			continue
		}
		importObject(&items[i], o, byID, opt)
	}
	return items, nil
}

// partnerName is the name of the identity most objects are created by.
func partnerName(objs []object, byID map[string]object) string {
	count := map[string]int{}
	best := ""
	for _, o := range objs {
		if ref := o.str("created_by_ref"); ref != "" {
			count[ref]++
			if count[ref] > count[best] {
				best = ref
			}
		}
	}
	if id, ok := byID[best]; ok && id.str("name") != "" {
		return id.str("name")
	}
	return "unnamed partner"
}

func importObject(it *Item, o object, byID map[string]object, opt ImportOptions) {
	switch it.Type {
	case "report", "note", "attack-pattern":
	case "identity", "marking-definition", "extension-definition", "relationship":
		it.Skipped = "supporting object, not a record"
		return
	default:
		it.Skipped = fmt.Sprintf("%s: type %s has no URSIC record kind", ErrUnsupported, it.Type)
		return
	}
	if o.str("spec_version") != "2.1" {
		it.Refused = fmt.Errorf("spec_version is %q, want \"2.1\"", o.str("spec_version"))
		return
	}
	var kind string
	json.Unmarshal(o.ext()["record_kind"], &kind)
	if kind != "" && kind != share.KindIndicator && kind != share.KindMethod {
		it.Skipped = fmt.Sprintf("%s: an URSIC %s is not imported", ErrUnsupported, kind)
		return
	}
	var revoked bool
	json.Unmarshal(o["revoked"], &revoked)
	if revoked {
		it.Skipped = "revoked: retract an earlier import of it with `ursic retract`"
		return
	}
	level, err := levelOf(o, byID)
	if err != nil {
		it.Refused = err
		return
	}
	it.Level = level
	pol := map[string]any{"tlp": level.String(), "audience": []string{"members"}}
	switch level {
	case policy.Red:
		it.Refused = ErrNotRepublished
		return
	case policy.AmberStrict:
		if opt.Self == "" {
			it.Refused = errors.New("TLP:AMBER+STRICT stays inside this institution, and no peer ID was given for it")
			return
		}
		pol["audience"] = []string{opt.Self}
	}
	var rec map[string]any
	switch it.Type {
	case "report", "note":
		rec, err = indicatorOf(it.ID, o, byID, opt.Partner)
	case "attack-pattern":
		rec, err = methodOf(it.ID, o, opt.Partner)
	}
	if err != nil {
		it.Refused = err
		return
	}
	rec["policy"] = pol
	if it.Record, err = json.Marshal(rec); err != nil {
		it.Refused = err
	}
}

// levelOf is the TLP level of an object: the most restrictive TLP marking
// among its object_marking_refs. An object without one, or with a marking
// that is not TLP, is refused (fail closed).
func levelOf(o object, byID map[string]object) (policy.Level, error) {
	refs := o.strs("object_marking_refs")
	if len(refs) == 0 {
		return 0, fmt.Errorf("%w: the object has no object_marking_refs", ErrMarking)
	}
	var level policy.Level
	for _, ref := range refs {
		l, ok := MarkingLevel(ref)
		if !ok {
			l, ok = bundleMarking(byID[ref])
		}
		if !ok {
			return 0, fmt.Errorf("%w: %s is not a TLP 2.0 or TLP 1.0 marking", ErrMarking, ref)
		}
		level = max(level, l)
	}
	return level, nil
}

// bundleMarking reads a TLP marking-definition the bundle itself carries
// under an id this package does not know: TLP 1.0 (definition_type tlp) or
// the TLP 2.0 extension.
func bundleMarking(m object) (policy.Level, bool) {
	if m == nil || m.str("type") != "marking-definition" {
		return 0, false
	}
	var def struct {
		TLP string `json:"tlp"`
	}
	if m.str("definition_type") == "tlp" && json.Unmarshal(m["definition"], &def) == nil {
		if def.TLP == "white" {
			return policy.Clear, true
		}
		l, err := policy.ParseLevel(def.TLP)
		return l, err == nil
	}
	var exts map[string]struct {
		TLP string `json:"tlp_2_0"`
	}
	json.Unmarshal(m["extensions"], &exts)
	if e, ok := exts["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"]; ok {
		l, err := policy.ParseLevel(e.TLP)
		return l, err == nil
	}
	return 0, false
}

// provenance names the partner and the object an import came from.
func provenance(partner, id string) string {
	return clip(oneLine(partner), 200) + " (" + id + ")"
}

func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// token makes a record token of free text: lower case, other characters
// as '_', at most 64; def if nothing is left.
func token(s, def string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	t := strings.Trim(b.String(), "_-.")
	if len(t) > 64 {
		t = t[:64]
	}
	if t == "" {
		return def
	}
	return t
}

// indicatorOf makes an indicator of a report or note about an identity.
func indicatorOf(id string, o object, byID map[string]object, partner string) (map[string]any, error) {
	var subject object
	for _, ref := range o.strs("object_refs") {
		if s, ok := byID[ref]; ok && s.str("type") == "identity" {
			subject = s
			break
		}
	}
	if subject == nil {
		return nil, errors.New("it refers to no identity in the bundle: an indicator needs the organisation it is about")
	}
	sub, err := subjectOf(subject)
	if err != nil {
		return nil, err
	}
	ext := o.ext()
	rec := map[string]any{}
	var uk string
	json.Unmarshal(ext["record_kind"], &uk)
	if ext != nil && uk == share.KindIndicator {
		for _, k := range []string{"indicator_type", "reason_category", "severity", "tech_areas", "valid_from", "valid_until", "review_due", "suggested_mitigation", "basis"} {
			if v, ok := ext[k]; ok {
				rec[k] = v
			}
		}
	}
	rec["kind"] = share.KindIndicator
	rec["subject"] = sub
	title, summary := o.str("name"), o.str("description")
	if o.str("type") == "note" {
		title, summary = o.str("abstract"), o.str("content")
	}
	if title == "" {
		title = clip(oneLine(summary), 120)
	}
	if summary == "" {
		summary = title
	}
	rec["title"], rec["summary"] = title, summary
	if _, ok := rec["indicator_type"]; !ok {
		rec["indicator_type"] = "partner_report"
	}
	if _, ok := rec["reason_category"]; !ok {
		rec["reason_category"] = "partner_report"
	}
	if _, ok := rec["severity"]; !ok {
		rec["severity"] = "medium"
	}
	conf := "low"
	if c, ok := o["confidence"]; ok {
		var n int
		if json.Unmarshal(c, &n) == nil {
			conf = confidenceOf(n)
		}
	}
	rec["confidence"] = conf
	basis := map[string]any{}
	if b, ok := rec["basis"]; ok {
		json.Unmarshal(b.(json.RawMessage), &basis)
	}
	delete(basis, "source_list")
	basis["source_type"] = PartnerFeed
	basis["source_list"] = provenance(partner, id)
	rec["basis"] = basis
	return rec, nil
}

// subjectClasses maps an identity_class back to a subject kind; a person
// ("individual") is never a subject.
var subjectClasses = map[string]string{"organization": "organisation", "group": "programme", "class": "role_pattern", "": "organisation", "unknown": "organisation"}

func subjectOf(s object) (map[string]any, error) {
	class := s.str("identity_class")
	kind, ok := subjectClasses[class]
	if !ok {
		return nil, fmt.Errorf("the subject's identity_class is %q: URSIC records describe organisations, never persons", class)
	}
	sub := map[string]any{"kind": kind}
	if e := s.ext(); e != nil {
		var k string
		json.Unmarshal(e["subject_kind"], &k)
		if k != "" {
			sub["kind"] = k
		}
		if v, ok := e["names"]; ok {
			sub["names"] = v
		}
		if v, ok := e["jurisdiction"]; ok {
			sub["jurisdiction"] = v
		}
	}
	if _, ok := sub["names"]; !ok {
		if s.str("name") == "" {
			return nil, errors.New("the subject identity has no name")
		}
		sub["names"] = []map[string]string{{"value": s.str("name")}}
	}
	var refs []struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
	}
	json.Unmarshal(s["external_references"], &refs)
	ids := map[string]string{}
	for _, r := range refs {
		for _, is := range idSources {
			if strings.EqualFold(r.SourceName, is.source) && r.ExternalID != "" {
				ids[is.key] = r.ExternalID
			}
		}
	}
	if len(ids) > 0 {
		sub["ids"] = ids
	}
	return sub, nil
}

// methodOf makes a method of an attack-pattern.
func methodOf(id string, o object, partner string) (map[string]any, error) {
	rec := map[string]any{}
	ext := o.ext()
	var uk string
	json.Unmarshal(ext["record_kind"], &uk)
	if ext != nil && uk == share.KindMethod {
		for _, k := range []string{"tactic", "period", "tech_areas", "asset_type", "observed_indicators", "orgs_involved", "detection", "outcome", "mitigations", "lessons"} {
			if v, ok := ext[k]; ok {
				rec[k] = v
			}
		}
	}
	rec["kind"] = share.KindMethod
	rec["title"] = o.str("name")
	narrative := o.str("description")
	if narrative == "" {
		return nil, errors.New("the attack-pattern has no description: a method needs a narrative")
	}
	rec["narrative"] = narrative + "\n\nSource: partner feed " + provenance(partner, id) + "."
	if _, ok := rec["tactic"]; !ok {
		var phases []killChainPhase
		json.Unmarshal(o["kill_chain_phases"], &phases)
		t := "unspecified"
		if len(phases) > 0 {
			t = token(phases[0].PhaseName, t)
		}
		rec["tactic"] = t
	}
	if _, ok := rec["period"]; !ok {
		created, err := time.Parse(time.RFC3339, o.str("created"))
		if err != nil {
			return nil, fmt.Errorf("created %q is not a STIX timestamp", o.str("created"))
		}
		rec["period"] = fmt.Sprintf("%d-Q%d", created.Year(), (int(created.Month())+2)/3)
	}
	return rec, nil
}

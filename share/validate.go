package share

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ursic/ursic/policy"
)

// Validate checks the record strictly against its kind (SPEC.md §6.2–§6.3):
// no unknown or duplicate fields, required fields present, enums and
// formats respected, and a well-formed policy if it has one. It reports
// every problem it finds, each a [*FieldError] naming the field's path,
// joined with [errors.Join] and sorted by path.
func (r *Record) Validate() error {
	if !isUserKind(r.Kind) {
		if isControlKind(r.Kind) {
			return fmt.Errorf("%w %q has no user record format", ErrControlKind, r.Kind)
		}
		return fmt.Errorf("%w %s (valid kinds: %s)", ErrUnknownKind, quote(r.Kind), strings.Join(UserKinds(), ", "))
	}
	if len(r.Body) > MaxPlaintextSize {
		return fmt.Errorf("%w: record is %d bytes, the limit is %d", ErrTooLarge, len(r.Body), MaxPlaintextSize)
	}
	p, err := newJSONParser(r.Body)
	if err != nil {
		return err
	}
	v, err := p.value("", 0)
	if err == io.EOF {
		return &SyntaxError{Line: 1, Column: 1, Msg: "empty record body"}
	}
	if err != nil {
		return err
	}
	if err := p.end(); err != nil {
		return err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return &FieldError{Problem: "a record must be a JSON object, not " + jsonType(v)}
	}
	var errs fieldErrors
	if _, ok := m["policy"]; ok {
		errs.add("policy", "the body carries no policy: it belongs in the envelope header")
		delete(m, "policy")
	}
	if k, _ := m["kind"].(string); k != r.Kind {
		errs.add("kind", fmt.Sprintf("must be %q", r.Kind))
	}
	kindSchemas[r.Kind](&errs, "", m)
	if r.Policy != nil {
		r.Policy.check(&errs)
	}
	return errs.err()
}

type fieldErrors []*FieldError

func (e *fieldErrors) add(path, problem string) {
	*e = append(*e, &FieldError{Path: path, Problem: problem})
}

func (e fieldErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	sort.SliceStable(e, func(i, j int) bool { return e[i].Path < e[j].Path })
	if len(e) == 1 {
		return e[0]
	}
	errs := make([]error, len(e))
	for i, fe := range e {
		errs[i] = fe
	}
	return errors.Join(errs...)
}

// check validates a record file's policy member (SPEC.md §6.1).
func (p *RecordPolicy) check(errs *fieldErrors) {
	if p.TLP != "" {
		if _, err := policy.ParseLevel(p.TLP); err != nil {
			errs.add("policy.tlp", fmt.Sprintf("%s is not a TLP level (clear, green, amber, amber+strict, red)", quote(p.TLP)))
		}
	}
	if len(p.Audience) > 0 {
		seen := map[string]bool{}
		for i, a := range p.Audience {
			path := fmt.Sprintf("policy.audience[%d]", i)
			switch {
			case isGroupName(a) && len(p.Audience) > 1:
				errs.add(path, fmt.Sprintf("group %q must be the only audience entry; list peer IDs otherwise", a))
			case !isGroupName(a) && !isPeerID(a):
				errs.add(path, fmt.Sprintf("%s is neither a group name nor an Ed25519 peer ID", quote(a)))
			case seen[a]:
				errs.add(path, "duplicate audience entry")
			}
			seen[a] = true
		}
	}
	for i, c := range p.Caveats {
		if !isToken(c) {
			errs.add(fmt.Sprintf("policy.caveats[%d]", i), fmt.Sprintf("%s is not a caveat token (lower-case letters, digits, '-', '_', '.')", quote(c)))
		}
	}
}

// A rule checks one value at path and records what is wrong with it.
type rule func(errs *fieldErrors, path string, v any)

type field struct {
	name     string
	required bool
	rule     rule
}

func req(name string, r rule) field { return field{name, true, r} }
func opt(name string, r rule) field { return field{name, false, r} }

// object accepts a JSON object with exactly the given fields; then runs
// extra checks that span fields.
func object(fields []field, extra ...func(errs *fieldErrors, path string, m map[string]any)) rule {
	names := make([]string, len(fields))
	known := make(map[string]bool, len(fields))
	for i, f := range fields {
		names[i] = f.name
		known[f.name] = true
	}
	valid := strings.Join(names, ", ")
	return func(errs *fieldErrors, path string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			errs.add(path, "must be an object, not "+jsonType(v))
			return
		}
		for _, f := range fields {
			fv, ok := m[f.name]
			if !ok {
				if f.required {
					errs.add(joinPath(path, f.name), "required")
				}
				continue
			}
			f.rule(errs, joinPath(path, f.name), fv)
		}
		var unknown []string
		for k := range m {
			if !known[k] {
				unknown = append(unknown, k)
			}
		}
		sort.Strings(unknown)
		for _, k := range unknown {
			errs.add(joinPath(path, k), "unknown field (valid: "+valid+")")
		}
		for _, x := range extra {
			x(errs, path, m)
		}
	}
}

func array(elem rule, min, max int) rule {
	return func(errs *fieldErrors, path string, v any) {
		a, ok := v.([]any)
		if !ok {
			errs.add(path, "must be an array, not "+jsonType(v))
			return
		}
		if len(a) < min {
			errs.add(path, fmt.Sprintf("must have at least %d element(s)", min))
		}
		if len(a) > max {
			errs.add(path, fmt.Sprintf("must have at most %d elements", max))
			return
		}
		for i, e := range a {
			elem(errs, fmt.Sprintf("%s[%d]", path, i), e)
		}
	}
}

// str accepts a non-empty string that passes check (which returns "" or
// what is wrong).
func str(check func(string) string) rule {
	return func(errs *fieldErrors, path string, v any) {
		s, ok := v.(string)
		switch {
		case !ok:
			errs.add(path, "must be a string, not "+jsonType(v))
		case s == "":
			errs.add(path, "must not be empty")
		default:
			if problem := check(s); problem != "" {
				errs.add(path, problem)
			}
		}
	}
}

const (
	maxShortText = 512
	maxLongText  = 64 << 10
)

var (
	shortText = str(func(s string) string {
		if len(s) > maxShortText {
			return fmt.Sprintf("is %d bytes; short text is at most %d", len(s), maxShortText)
		}
		if strings.IndexFunc(s, unicode.IsControl) >= 0 {
			return "must be one line without control characters"
		}
		return ""
	})
	longText = str(func(s string) string {
		if len(s) > maxLongText {
			return fmt.Sprintf("is %d bytes; long text is at most %d", len(s), maxLongText)
		}
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }) >= 0 {
			return "must not contain control characters other than line breaks and tabs"
		}
		return ""
	})
	token = str(func(s string) string {
		if !isToken(s) {
			return fmt.Sprintf("%s is not a token (1–64 lower-case letters, digits, '-', '_', '.'; starting with a letter or digit)", quote(s))
		}
		return ""
	})
	date = str(func(s string) string {
		if _, ok := parseDate(s); !ok {
			return fmt.Sprintf("%s is not a date (YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss[.f]Z or ±hh:mm)", quote(s))
		}
		return ""
	})
	ror = str(func(s string) string {
		if !isROR(s) {
			return fmt.Sprintf("%s is not a ROR ID with valid check digits (e.g. 057zh3y96)", quote(s))
		}
		return ""
	})
	cidText = str(func(s string) string {
		if _, err := ParseCID(s); err != nil {
			return strings.TrimPrefix(err.Error(), "share: ")
		}
		return ""
	})
	httpURL = str(func(s string) string {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Sprintf("%s is not an absolute http(s) URL", quote(s))
		}
		return ""
	})
	quarter  = pattern(`^[0-9]{4}-Q[1-4]$`, "a quarter, YYYY-Qn (e.g. 2026-Q3)")
	month    = pattern(`^[0-9]{4}-(0[1-9]|1[0-2])$`, "a month, YYYY-MM")
	hex32    = pattern(`^[0-9a-f]{64}$`, "64 lower-case hex digits")
	wikidata = pattern(`^Q[1-9][0-9]*$`, "a Wikidata item ID (Q…)")
	isni     = pattern(`^[0-9]{15}[0-9X]$`, "an ISNI (16 characters, no spaces)")
	fundref  = pattern(`^(10\.13039/)?[0-9]+$`, "a Crossref Funder ID")
	issn     = pattern(`^[0-9]{4}-[0-9]{3}[0-9X]$`, "an ISSN (NNNN-NNNC)")
	lei      = pattern(`^[A-Z0-9]{18}[0-9]{2}$`, "an LEI (20 characters)")
	country  = pattern(`^[A-Z]{2}$`, "an ISO 3166-1 alpha-2 country code (e.g. JP)")
	langTag  = pattern(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$`, "a BCP 47 language tag (e.g. ja, en, zh-Hant)")

	severity   = enum("low", "medium", "high", "critical")
	confidence = enum("low", "medium", "high")
	outcome    = enum("declined", "accepted-with-mitigation", "accepted", "pending")
)

func pattern(re, what string) rule {
	rx := regexp.MustCompile(re)
	return str(func(s string) string {
		if !rx.MatchString(s) {
			return fmt.Sprintf("%s is not %s", quote(s), what)
		}
		return ""
	})
}

func enum(values ...string) rule {
	return str(func(s string) string {
		for _, v := range values {
			if s == v {
				return ""
			}
		}
		return fmt.Sprintf("%s is not one of %s", quote(s), strings.Join(values, ", "))
	})
}

func either(a, b rule, what string) rule {
	return func(errs *fieldErrors, path string, v any) {
		var ea, eb fieldErrors
		a(&ea, path, v)
		if len(ea) == 0 {
			return
		}
		b(&eb, path, v)
		if len(eb) == 0 {
			return
		}
		if s, ok := v.(string); ok {
			errs.add(path, fmt.Sprintf("%s is not %s", quote(s), what))
			return
		}
		errs.add(path, "must be a string, not "+jsonType(v))
	}
}

func uintAtLeast(min uint64) rule {
	return func(errs *fieldErrors, path string, v any) {
		n, ok := v.(json.Number)
		if !ok {
			errs.add(path, "must be a number, not "+jsonType(v))
			return
		}
		u, err := strconv.ParseUint(string(n), 10, 64)
		if err != nil {
			errs.add(path, fmt.Sprintf("%s is not a whole number ≥ 0", n))
			return
		}
		if u < min {
			errs.add(path, fmt.Sprintf("must be at least %d", min))
		}
	}
}

// dateSyntax is the ABNF of `date` in SPEC.md §6.2: a full-date, or a
// date-time with an upper-case "T", hours 00–23, minutes and seconds 00–59
// (no leap second), 1–9 fractional digits after ".", and "Z" or an offset
// ±hh:mm with hh 00–23. Go's time.Parse alone is laxer (it takes ",5",
// more than 9 digits, a one-digit hour and offsets up to +24:59), so the
// syntax is checked first and time.Parse only checks the calendar.
var dateSyntax = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])` +
	`(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$`)

// parseDate parses a `date` (SPEC.md §6.2). A full-date is midnight UTC;
// the day must exist in its month (proleptic Gregorian calendar).
func parseDate(s string) (time.Time, bool) {
	if !dateSyntax.MatchString(s) {
		return time.Time{}, false
	}
	layout := time.RFC3339
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	t, err := time.Parse(layout, s)
	return t, err == nil
}

// crockford is the base32 alphabet of ROR IDs: digits and lower-case letters
// without i, l, o and u.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// isROR reports whether s is a ROR ID (SPEC.md §6.2), optionally as its
// https://ror.org/ URL: "0", six Crockford base32 characters encoding n,
// and two decimal check digits equal to 98 − (n × 100 mod 97), the ISO/IEC
// 7064 MOD 97-10 check of n.
func isROR(s string) bool {
	s = strings.TrimPrefix(s, "https://ror.org/")
	if len(s) != 9 || s[0] != '0' {
		return false
	}
	var n uint64
	for i := 1; i < 7; i++ {
		v := strings.IndexByte(crockford, s[i])
		if v < 0 {
			return false
		}
		n = n*32 + uint64(v)
	}
	if s[7] < '0' || s[7] > '9' || s[8] < '0' || s[8] > '9' {
		return false
	}
	check := uint64(s[7]-'0')*10 + uint64(s[8]-'0')
	return check == 98-(n*100)%97
}

func tokens(max int) rule { return array(token, 0, max) }

// kindSchemas holds the rules of SPEC.md §6.3, one per user kind.
var kindSchemas = map[string]rule{
	KindIndicator: object([]field{
		req("kind", str(func(string) string { return "" })),
		req("title", shortText),
		req("indicator_type", token),
		req("subject", object([]field{
			req("kind", enum("organisation", "programme", "funding_source", "venue", "role_pattern")),
			req("names", array(object([]field{
				req("value", shortText),
				opt("lang", langTag),
				opt("type", token),
			}), 1, 64)),
			opt("jurisdiction", country),
			opt("ids", object([]field{
				opt("ror", ror), opt("wikidata", wikidata), opt("isni", isni),
				opt("fundref", fundref), opt("issn", issn), opt("lei", lei),
			})),
		}, jurisdictionForOrganisations)),
		req("reason_category", token),
		req("summary", longText),
		opt("tech_areas", tokens(64)),
		req("severity", severity),
		req("confidence", confidence),
		opt("valid_from", date),
		opt("valid_until", date),
		opt("review_due", date),
		opt("basis", object([]field{
			req("source_type", token),
			opt("source_list", shortText),
			opt("source_url", httpURL),
			opt("as_of", date),
			opt("legal_effect", token),
		})),
		opt("suggested_mitigation", longText),
	}, validityOrder),
	KindMethod: object([]field{
		req("kind", str(func(string) string { return "" })),
		req("title", shortText),
		req("tactic", token),
		req("period", quarter),
		opt("tech_areas", tokens(64)),
		opt("asset_type", token),
		req("narrative", longText),
		opt("observed_indicators", array(cidText, 0, 1000)),
		opt("orgs_involved", array(object([]field{
			req("ror", ror),
			req("role", token),
		}), 0, 64)),
		opt("detection", longText),
		opt("outcome", outcome),
		opt("mitigations", array(shortText, 0, 64)),
		opt("lessons", longText),
	}),
	KindSighting: object([]field{
		req("kind", str(func(string) string { return "" })),
		req("ref", cidText),
		req("when", date),
		req("outcome", outcome),
		opt("note", longText),
	}),
	KindTrend: object([]field{
		req("kind", str(func(string) string { return "" })),
		req("period", either(quarter, month, "a quarter (YYYY-Qn) or a month (YYYY-MM)")),
		req("metrics", array(object([]field{
			req("dimension", token),
			req("value", shortText),
			req("count", uintAtLeast(0)),
		}), 0, 10000)),
		req("suppression", object([]field{
			req("k", uintAtLeast(3)),
			req("m", uintAtLeast(3)),
			opt("p", uintRange(1, 70)),
		})),
		opt("by", array(enum(policy.Dimensions()...), 1, 4)),
		opt("table", array(trendCell, 0, 10000)),
		opt("totals", array(trendCell, 0, 10000)),
	}, noSuppressedCells),
	KindRetraction: object([]field{
		req("kind", str(func(string) string { return "" })),
		req("target", cidText),
		req("reason", shortText),
		opt("superseded_by", cidText),
	}),
	KindFacet: object([]field{
		req("kind", str(func(string) string { return "" })),
		req("record_kind", enum(KindIndicator, KindMethod, KindSighting)),
		opt("category", token),
		opt("tech_areas", tokens(64)),
		req("period", month),
		opt("outcome", outcome),
		opt("mitigations", array(enum(policy.MitigationClassList()...), 0, 8)),
		req("link", hex32),
	}),
}

// trendCell is one published cell or total of a trend report: its value
// for each dimension, and its counts.
var trendCell = object([]field{
	req("dims", dimsObject),
	req("records", uintAtLeast(0)),
	req("members", uintAtLeast(0)),
})

// dimsObject is a cell's key: each member a dimension, each value short text.
func dimsObject(errs *fieldErrors, path string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		errs.add(path, "must be an object, not "+jsonType(v))
		return
	}
	dims := policy.Dimensions()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(dims, k) {
			errs.add(joinPath(path, k), "unknown dimension (valid: "+strings.Join(dims, ", ")+")")
			continue
		}
		shortText(errs, joinPath(path, k), m[k])
	}
}

func uintRange(lo, hi uint64) rule {
	return func(errs *fieldErrors, path string, v any) {
		uintAtLeast(lo)(errs, path, v)
		if n, ok := v.(json.Number); ok {
			if u, err := strconv.ParseUint(string(n), 10, 64); err == nil && u > hi {
				errs.add(path, fmt.Sprintf("must be at most %d", hi))
			}
		}
	}
}

func jurisdictionForOrganisations(errs *fieldErrors, path string, m map[string]any) {
	if _, ok := m["jurisdiction"]; ok && m["kind"] != "organisation" {
		errs.add(joinPath(path, "jurisdiction"), "only an organisation has a jurisdiction")
	}
}

func validityOrder(errs *fieldErrors, path string, m map[string]any) {
	from, _ := m["valid_from"].(string)
	until, _ := m["valid_until"].(string)
	f, okf := parseDate(from)
	u, oku := parseDate(until)
	if okf && oku && u.Before(f) {
		errs.add(joinPath(path, "valid_until"), "is before valid_from")
	}
}

// noSuppressedCells refuses a trend report that publishes a cell below its
// own suppression thresholds: fewer than k records, or (for cells and
// totals) fewer than m members.
func noSuppressedCells(errs *fieldErrors, path string, m map[string]any) {
	s, _ := m["suppression"].(map[string]any)
	kn, _ := s["k"].(json.Number)
	k, err := strconv.ParseUint(string(kn), 10, 64)
	if err != nil {
		return
	}
	mn, _ := s["m"].(json.Number)
	minMembers, _ := strconv.ParseUint(string(mn), 10, 64)
	for _, list := range []string{"table", "totals"} {
		cells, _ := m[list].([]any)
		for i, e := range cells {
			em, _ := e.(map[string]any)
			rn, _ := em["records"].(json.Number)
			if c, err := strconv.ParseUint(string(rn), 10, 64); err == nil && c < k {
				errs.add(fmt.Sprintf("%s[%d].records", joinPath(path, list), i), fmt.Sprintf("%d is below the suppression threshold k = %d; suppressed cells are left out", c, k))
			}
			nn, _ := em["members"].(json.Number)
			if c, err := strconv.ParseUint(string(nn), 10, 64); err == nil && c < minMembers {
				errs.add(fmt.Sprintf("%s[%d].members", joinPath(path, list), i), fmt.Sprintf("%d is below the suppression threshold m = %d; suppressed cells are left out", c, minMembers))
			}
		}
	}
	metrics, _ := m["metrics"].([]any)
	for i, e := range metrics {
		em, _ := e.(map[string]any)
		cn, _ := em["count"].(json.Number)
		if c, err := strconv.ParseUint(string(cn), 10, 64); err == nil && c < k {
			errs.add(fmt.Sprintf("%s[%d].count", joinPath(path, "metrics"), i), fmt.Sprintf("%d is below the suppression threshold k = %d; suppressed cells are left out", c, k))
		}
	}
}

package guard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Severity says what a guardrail finding does to a record.
type Severity uint8

const (
	// Flag holds the record back until the user confirms it
	// (ursic publish --confirm-personal-data).
	Flag Severity = iota + 1
	// Refuse rejects the record; no flag or confirmation overrides it.
	Refuse
)

// String returns "flag" or "refuse".
func (s Severity) String() string {
	switch s {
	case Flag:
		return "flag"
	case Refuse:
		return "refuse"
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// MarshalText encodes a Severity as "flag" or "refuse", so JSON output (the
// local API, --json) reads as words.
func (s Severity) MarshalText() ([]byte, error) {
	if s != Flag && s != Refuse {
		return nil, fmt.Errorf("guard: invalid severity %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes "flag" or "refuse".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "flag":
		*s = Flag
	case "refuse":
		*s = Refuse
	default:
		return fmt.Errorf("guard: invalid severity %q (want flag or refuse)", b)
	}
	return nil
}

// Finding is one thing the content guardrails found in a record.
type Finding struct {
	// Path is the field, as in orgs_involved[0].members[0].Citizenship. Keys
	// that are not plain words are quoted: tags["a.b"]. The record itself is
	// the empty path.
	Path string
	// Rule is the rule's kebab-case ID, e.g. "nationality", "email"
	// (docs/GUARDRAILS.md lists them all).
	Rule     string
	Severity Severity
	// Message says what was found, without repeating personal data found in
	// text.
	Message string
	// Principle is the one-sentence reason for the rule.
	Principle string
}

// String formats a finding the way [GuardrailError] does.
func (f Finding) String() string {
	verb := "flagged"
	if f.Severity == Refuse {
		verb = "refused"
	}
	where := "record"
	if f.Path != "" {
		where = "field " + f.Path
	}
	return fmt.Sprintf("%s: %s (%s): %s", where, verb, f.Rule, f.Message)
}

// Guardrail sentinels, for errors.Is on the error from [CheckContent].
var (
	// ErrRefused: the record carries something URSIC never carries.
	ErrRefused = errors.New("content refused")
	// ErrNeedsConfirmation: the record seems to carry personal data; it may be
	// published only when the user confirms (--confirm-personal-data).
	ErrNeedsConfirmation = errors.New("content needs confirmation of personal data")
)

// GuardrailError is the error [CheckContent] returns when a record is refused or
// needs confirmation. It unwraps to [ErrRefused] if any finding is refused, and
// otherwise to [ErrNeedsConfirmation].
type GuardrailError struct {
	Findings []Finding // every finding, refused and flagged, sorted by path
}

// Error describes the first refused finding (or, if none, the first flagged
// one) and counts the rest:
//
//	policy: field orgs_involved[0].members[0].Citizenship: refused (nationality): URSIC assesses …
func (e *GuardrailError) Error() string {
	var first Finding
	if r := Refused(e.Findings); len(r) > 0 {
		first = r[0]
	} else if f := Flagged(e.Findings); len(f) > 0 {
		first = f[0]
	} else {
		return "guard: content guardrails: no findings"
	}
	where := "record"
	if first.Path != "" {
		where = "field " + first.Path
	}
	s := fmt.Sprintf("guard: %s: ", where)
	if first.Severity == Refuse {
		s += fmt.Sprintf("refused (%s): %s", first.Rule, first.Principle)
	} else {
		s += fmt.Sprintf("flagged (%s): %s; repeat with --confirm-personal-data if it is necessary", first.Rule, first.Message)
	}
	if n := len(e.Findings) - 1; n == 1 {
		s += " (and 1 more finding)"
	} else if n > 1 {
		s += fmt.Sprintf(" (and %d more findings)", n)
	}
	return s
}

// Unwrap returns [ErrRefused] or [ErrNeedsConfirmation].
func (e *GuardrailError) Unwrap() error {
	if len(Refused(e.Findings)) > 0 {
		return ErrRefused
	}
	return ErrNeedsConfirmation
}

// Refused returns the findings with severity [Refuse], in order.
func Refused(findings []Finding) []Finding { return withSeverity(findings, Refuse) }

// Flagged returns the findings with severity [Flag], in order.
func Flagged(findings []Finding) []Finding { return withSeverity(findings, Flag) }

func withSeverity(findings []Finding, s Severity) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Severity == s {
			out = append(out, f)
		}
	}
	return out
}

// CheckContent lints a record ([Lint]) and decides: it returns a
// [*GuardrailError] if anything is refused, or if anything is flagged and
// confirmPersonal is false. The findings are returned in every case, so a
// caller can show flags that the user confirmed.
func CheckContent(kind string, body []byte, confirmPersonal bool) ([]Finding, error) {
	findings, err := Lint(kind, body)
	if err != nil {
		return nil, err
	}
	if len(Refused(findings)) > 0 || (len(findings) > 0 && !confirmPersonal) {
		return findings, &GuardrailError{Findings: findings}
	}
	return findings, nil
}

// maxDepth bounds how deeply nested a record may be. Deeper content is not
// walked (so the walker cannot exhaust the stack) and is refused.
const maxDepth = 64

// Lint walks a record's JSON body — every key and value at any depth, in
// objects and arrays — and returns what the content guardrails find, sorted
// by path. It is the check a node runs before sealing a record. kind is the
// record kind ("indicator", "method", …); if empty, the body's own "kind" is
// used. The error is non-nil only if body is not a single JSON value.
//
// Refused (cannot be overridden): field names, short values and "Label:
// value" entries in text that mean nationality, citizenship, ethnicity, race,
// religion, birthplace, visa or residence status, identity-document numbers or
// a person-level risk score; a score inside an object about a person; an
// indicator subject whose kind is a person; nesting deeper than 64 levels.
//
// Flagged (publishable once the user confirms): e-mail addresses, ORCID iDs,
// phone numbers and honorific-marked personal names in text; fields named for a
// person's name, e-mail, phone, ORCID, date of birth or home address.
//
// Names are matched by meaning, not spelling: see docs/GUARDRAILS.md.
func Lint(kind string, body []byte) ([]Finding, error) {
	root, err := parseRecord(body)
	if err != nil {
		return nil, err
	}
	if kind == "" && root.kind == jObject {
		for i, k := range root.keys {
			if k == "kind" && root.vals[i].kind == jString {
				kind = root.vals[i].str
			}
		}
	}
	w := &walker{kind: kind, seen: map[string]bool{}}
	w.walk(root, nil, walkCtx{})
	slices.SortStableFunc(w.found, func(a, b sortedFinding) int {
		if c := comparePaths(a.segs, b.segs); c != 0 {
			return c
		}
		if a.f.Severity != b.f.Severity {
			return int(b.f.Severity) - int(a.f.Severity) // refused first
		}
		return strings.Compare(a.f.Rule, b.f.Rule)
	})
	out := make([]Finding, len(w.found))
	for i, sf := range w.found {
		out[i] = sf.f
	}
	return out, nil
}

// ---- parsing: a bounded-depth tree of the JSON value ----

type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
	jTooDeep // a container nested beyond maxDepth, skipped unread
)

type jvalue struct {
	kind jkind
	str  string    // jString
	keys []string  // jObject, in document order (duplicates kept)
	vals []*jvalue // jObject values, or jArray elements
}

func parseRecord(body []byte) (*jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := parseValue(dec, 0)
	if err != nil {
		return nil, fmt.Errorf("guard: record is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("guard: record is not valid JSON: data after the first value")
	}
	return v, nil
}

func parseValue(dec *json.Decoder, depth int) (*jvalue, error) {
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t != '{' && t != '[' {
			return nil, fmt.Errorf("unexpected %q", rune(t))
		}
		if depth >= maxDepth {
			return &jvalue{kind: jTooDeep}, skipContainer(dec)
		}
		v := &jvalue{kind: jArray}
		if t == '{' {
			v.kind = jObject
		}
		for dec.More() {
			if v.kind == jObject {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is %v, not a string", kt)
				}
				v.keys = append(v.keys, k)
			}
			child, err := parseValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			v.vals = append(v.vals, child)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return v, nil
	case string:
		return &jvalue{kind: jString, str: t}, nil
	case json.Number:
		return &jvalue{kind: jNumber, str: string(t)}, nil
	case bool:
		return &jvalue{kind: jBool}, nil
	case nil:
		return &jvalue{kind: jNull}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// skipContainer consumes the rest of a container whose opening delimiter was
// just read, iteratively, so that depth costs no stack.
func skipContainer(dec *json.Decoder) error {
	for open := 1; open > 0; {
		tok, err := dec.Token()
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				open++
			} else {
				open--
			}
		}
	}
	return nil
}

// ---- paths ----

// pathSeg is one step of a path: an object key, or an array index (key "" and
// index >= 0).
type pathSeg struct {
	key   string
	index int
}

func renderPath(segs []pathSeg) string {
	var b strings.Builder
	for _, s := range segs {
		switch {
		case s.index >= 0:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case plainKey(s.key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		default:
			b.WriteString("[" + strconv.Quote(s.key) + "]")
		}
	}
	return b.String()
}

// plainKey reports whether a key can be written bare in a path.
func plainKey(k string) bool {
	if k == "" || !utf8.ValidString(k) {
		return false
	}
	for _, r := range k {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`.[]"\`, r) || r == '\u3000' {
			return false
		}
	}
	return true
}

// comparePaths orders paths segment by segment, indexes numerically.
func comparePaths(a, b []pathSeg) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.index >= 0 && y.index >= 0:
			if x.index != y.index {
				return x.index - y.index
			}
		case x.index >= 0:
			return -1
		case y.index >= 0:
			return 1
		default:
			if c := strings.Compare(x.key, y.key); c != 0 {
				return c
			}
		}
	}
	return len(a) - len(b)
}

// ---- the walk ----

type walkCtx struct {
	person        bool // inside an object about a person
	parentSubject bool // the enclosing object is a record's subject
	orgNames      bool // strings here are organisation names (indicator subject.names)
	contact       bool // the enclosing object is a contact or person, so "name" is a person's
}

type sortedFinding struct {
	f    Finding
	segs []pathSeg
}

type walker struct {
	kind  string
	found []sortedFinding
	seen  map[string]bool // path + rule, so each rule is reported once per field
}

func (w *walker) add(segs []pathSeg, rule string, sev Severity, msg, principle string) {
	path := renderPath(segs)
	if w.seen[path+"\x00"+rule] {
		return
	}
	w.seen[path+"\x00"+rule] = true
	w.found = append(w.found, sortedFinding{
		f:    Finding{Path: path, Rule: rule, Severity: sev, Message: msg, Principle: principle},
		segs: slices.Clone(segs),
	})
}

func (w *walker) walk(v *jvalue, path []pathSeg, ctx walkCtx) {
	switch v.kind {
	case jTooDeep:
		w.add(path, ruleTooDeep, Refuse,
			fmt.Sprintf("nesting deeper than %d levels cannot be checked", maxDepth), principleFailClosed)
	case jObject:
		w.walkObject(v, path, ctx)
	case jArray:
		for i, e := range v.vals {
			w.walk(e, append(path, pathSeg{index: i}), ctx)
		}
	case jString:
		w.walkString(v.str, path, ctx)
	}
}

func (w *walker) walkObject(v *jvalue, path []pathSeg, ctx walkCtx) {
	inPerson := ctx.person || objectIsPerson(v)
	for i, k := range v.keys {
		child := v.vals[i]
		p := append(path, pathSeg{key: k, index: -1})
		f := normName(k)
		quoted := quoteShort(k)

		for _, a := range protectedAttributes {
			if a.m.match(f) {
				w.add(p, a.rule, Refuse, fmt.Sprintf("field name %s refers to %s", quoted, a.what), a.principle)
			}
		}
		if inPerson && anyToken(f.tokens, originKeys) {
			w.add(p, ruleNationality, Refuse,
				fmt.Sprintf("field %s inside an object about a person gives their origin", quoted), principleNonDiscrimination)
		}
		if inPerson && anyToken(f.tokens, riskWordSet) {
			w.add(p, rulePersonRiskScore, Refuse,
				fmt.Sprintf("field %s scores a person (it is inside an object about a person)", quoted), principleNoPersonScore)
		}
		if isKindKey(f, ctx.parentSubject) && child.kind == jString && isPersonKind(child.str) {
			w.add(p, ruleSubjectIsPerson, Refuse,
				fmt.Sprintf("the subject's kind %s is a person", quoteShort(child.str)), principleSubject)
		}
		if nonEmpty(child) {
			for _, a := range personalDataFields {
				if a.m.match(f) {
					w.add(p, a.rule, Flag, fmt.Sprintf("field name %s suggests %s", quoted, a.what), a.principle)
				}
			}
			if ((inPerson || ctx.contact) && isNameKey(f)) || (child.kind == jString && isPersonKey(f) && !isPersonKind(child.str)) {
				w.add(p, rulePersonalNameField, Flag,
					fmt.Sprintf("field %s seems to hold a person's name", quoted), principlePersonalData)
			}
		}
		w.walk(child, p, walkCtx{
			person:        inPerson || keyMeansPerson(f),
			parentSubject: hasToken(f, "subject"),
			contact:       len(f.tokens) > 0 && personNameHeads[f.tokens[len(f.tokens)-1]],
			orgNames:      ctx.orgNames || (ctx.parentSubject && w.kind == "indicator" && f.compact == "name"),
		})
	}
}

func (w *walker) walkString(s string, path []pathSeg, ctx walkCtx) {
	text := norm.NFKC.String(s)

	// A short value that is nothing but a protected attribute:
	// "reason_category": "nationality", "dimension": "country of birth".
	if utf8.RuneCountInString(text) <= 80 {
		f := normName(text)
		if n := len(f.tokens); n >= 1 && n <= 6 {
			for _, a := range protectedAttributes {
				if onlyAttribute(f, a) {
					w.add(path, a.rule, Refuse,
						fmt.Sprintf("value %s classifies by %s", quoteShort(s), a.what), a.principle)
				}
			}
		}
	}
	// "Label: value" entries in text: "Nationality: X", "国籍：X".
	for _, label := range labelsInText(text) {
		f := normName(label)
		if isNameKey(f) && len(f.tokens) == 1 {
			w.add(path, rulePersonalName, Flag,
				fmt.Sprintf("text has an entry %s giving a person's name", quoteShort(label+": …")), principlePersonalData)
		}
		for _, a := range protectedAttributes {
			if onlyAttribute(f, a) {
				w.add(path, a.textRule, Refuse,
					fmt.Sprintf("text has an entry %s giving %s", quoteShort(label+": …"), a.what), a.principle)
			}
		}
		for _, a := range personalDataFields {
			if onlyAttribute(f, a) {
				w.add(path, a.textRule, Flag,
					fmt.Sprintf("text has an entry %s giving %s", quoteShort(label+": …"), a.what), a.principle)
			}
		}
	}
	// Personal data in free text.
	found := textFindings(text, !ctx.orgNames)
	for _, rule := range []string{ruleEmail, ruleORCID, rulePhone, rulePersonalName} {
		if n := found[rule]; n > 0 {
			w.add(path, rule, Flag, fmt.Sprintf("text contains %s", countNoun(n, textNouns[rule])), principlePersonalData)
		}
	}
}

var textNouns = map[string]string{
	ruleEmail:        "e-mail address",
	ruleORCID:        "ORCID iD",
	rulePhone:        "phone number",
	rulePersonalName: "personal name (after an honorific)",
}

func countNoun(n int, noun string) string {
	article := "a"
	if strings.HasPrefix(noun, "e-") || strings.HasPrefix(noun, "O") {
		article = "an"
	}
	if n == 1 {
		return article + " " + noun
	}
	if i := strings.Index(noun, " ("); i > 0 {
		return fmt.Sprintf("%d %ss%s", n, noun[:i], noun[i:])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// onlyAttribute reports whether f means attribute a and says nothing else:
// every Latin token is the attribute's own vocabulary or glue ("based", "by",
// "status"), and a CJK run is short. "nationality-based" and "Researcher's
// nationality" qualify; "visa sponsorship schemes" and "we did not consider
// nationality" do not.
func onlyAttribute(f nameForm, a *attribute) bool {
	if !a.m.match(f) {
		return false
	}
	for _, t := range f.tokens {
		if a.vocab[t] || glueWordSet[t] {
			continue
		}
		if containsAny(t, a.m.subs) && cjkRemainder(t, a.m.subs) <= 2 {
			continue
		}
		return false
	}
	return true
}

var glueWordSet = func() map[string]bool {
	g := words("s")
	for _, set := range []map[string]bool{glueWords, personWordSet} {
		for t := range set {
			g[t] = true
		}
	}
	return g
}()

// cjkRemainder returns how many characters of t are left once the attribute's
// terms, person words and glue (の, 別, 情報 …) are removed: "研究者の国籍" and
// "国籍別" leave none, "国籍：中国" leaves two. Latin tokens leave none: they
// matched a long term such as "placeofbirth".
func cjkRemainder(t string, subs []string) int {
	if r, _ := utf8.DecodeRuneInString(t); classify(r) != runeWide {
		return 0
	}
	for _, x := range subs {
		t = strings.ReplaceAll(t, x, "")
	}
	for _, x := range cjkGlue {
		t = strings.ReplaceAll(t, x, "")
	}
	return utf8.RuneCountInString(t)
}

var cjkGlue = []string{"研究者", "個人", "人物", "学生", "職員", "教員", "申請者", "情報", "区分", "種別",
	"番号", "状況", "コード", "による", "ごと", "別", "の", "等", "的", "및", "의"}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func hasToken(f nameForm, t string) bool { return slices.Contains(f.tokens, t) }

// isKindKey reports whether a key classifies a subject: "kind"/"type" directly
// inside a subject object, or "subject_kind"/"subjectType" anywhere.
func isKindKey(f nameForm, parentSubject bool) bool {
	if len(f.tokens) == 0 {
		return false
	}
	last := f.tokens[len(f.tokens)-1]
	if !kindKeys[last] {
		return false
	}
	return parentSubject || hasToken(f, "subject")
}

// isPersonKind reports whether a kind/type value names a person ("person",
// "natural_person", "個人") rather than an organisation or a role pattern.
func isPersonKind(s string) bool {
	f := normName(s)
	if len(f.tokens) == 0 || len(f.tokens) > 4 {
		return false
	}
	return anyToken(f.tokens, personValues) && !anyToken(f.tokens, notPersonKind)
}

// objectIsPerson reports whether an object describes a person by its own
// kind/type field: {"type": "researcher", "risk": 0.9}.
func objectIsPerson(v *jvalue) bool {
	for i, k := range v.keys {
		if v.vals[i].kind != jString {
			continue
		}
		f := normName(k)
		if len(f.tokens) == 0 || len(f.tokens) > 2 || !kindKeys[f.tokens[len(f.tokens)-1]] {
			continue
		}
		if isPersonKind(v.vals[i].str) {
			return true
		}
	}
	return false
}

// personFieldTail are words that may follow a person word in a key naming a
// person: "researchers_involved", "student_info".
var personFieldTail = words("involved info information detail details data profile record list entry of concerned")

// keyMeansPerson reports whether a key names a person or people, so that what
// is inside it is about them: "researcher", "researchers_involved",
// "visiting_scholar", "研究者情報". "student_exchange_programme" does not.
func keyMeansPerson(f nameForm) bool {
	n := len(f.tokens)
	if n == 0 {
		return false
	}
	if personWordSet[f.tokens[n-1]] {
		return true
	}
	if personWordSet[f.tokens[0]] {
		for _, t := range f.tokens[1:] {
			if !personFieldTail[t] {
				return false
			}
		}
		return true
	}
	for _, t := range f.tokens {
		r, _ := utf8.DecodeRuneInString(t)
		if classify(r) != runeWide {
			continue
		}
		for w := range personWordSet {
			if strings.Contains(t, w) {
				return true
			}
		}
	}
	return false
}

// isPersonKey reports whether a key is itself a person ("researcher",
// "contact_person", "pi") so that a string value under it is likely a name.
func isPersonKey(f nameForm) bool {
	if len(f.tokens) == 0 || len(f.tokens) > 3 {
		return false
	}
	for _, t := range f.tokens {
		if !personNameHeads[t] {
			return false
		}
	}
	return anyToken(f.tokens, personWordSet)
}

// isNameKey reports whether a key is a plain name field ("name", "names",
// "display_name") — a person's name when it is inside a person.
func isNameKey(f nameForm) bool {
	return len(f.tokens) > 0 && len(f.tokens) <= 2 && f.tokens[len(f.tokens)-1] == "name"
}

// nonEmpty reports whether a value carries anything: not null, "", [] or {}.
func nonEmpty(v *jvalue) bool {
	switch v.kind {
	case jNull:
		return false
	case jString:
		return strings.TrimSpace(v.str) != ""
	case jArray, jObject:
		return len(v.vals) > 0
	}
	return true
}

// quoteShort quotes s for a message, shortened to 40 characters.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:39]) + "…"
	}
	return strconv.Quote(s)
}

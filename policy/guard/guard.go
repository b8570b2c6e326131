package guard

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// Message says what was found, in English. It quotes the phrase found
	// in text, except personal data (an e-mail address is not repeated).
	Message string
	// Principle is the one-sentence reason for the rule, in English.
	Principle string
	// Offset is where the finding starts in the string at Path, in
	// characters (Unicode code points) from 0; -1 when the finding is about
	// a field's name, a whole value or the record's shape.
	Offset int
	// Phrase is what was found, as written ("" for personal data and for
	// field names).
	Phrase string
	// MessageJA and PrincipleJA are Message and Principle in Japanese.
	MessageJA, PrincipleJA string
	// Advice says what to do instead, in English and Japanese.
	Advice, AdviceJA string
}

// String formats a finding in English, as [Finding.Text] does.
func (f Finding) String() string { return f.Text(English) }

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
// one) in full, in English, and counts the rest:
//
//	field narrative, character 18: "a Chinese national" gives a person's nationality or citizenship. URSIC assesses … What to do instead: describe the organisation or the method, not the person's origin. (and 1 more finding)
func (e *GuardrailError) Error() string { return e.Text(English) }

// Text is [GuardrailError.Error] in the given language.
func (e *GuardrailError) Text(lang Lang) string {
	var first Finding
	if r := Refused(e.Findings); len(r) > 0 {
		first = r[0]
	} else if f := Flagged(e.Findings); len(f) > 0 {
		first = f[0]
	} else {
		return "content guardrails: no findings"
	}
	s := first.Text(lang)
	n := len(e.Findings) - 1
	switch {
	case n >= 1 && lang == Japanese:
		s += fmt.Sprintf("（ほかに %d 件の指摘があります）", n)
	case n == 1:
		s += " (and 1 more finding)"
	case n > 1:
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
		if a.f.Offset != b.f.Offset {
			return a.f.Offset - b.f.Offset
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

// add records a finding once per path, rule and offset.
func (w *walker) add(segs []pathSeg, f Finding) {
	path := renderPath(segs)
	key := path + "\x00" + f.Rule + "\x00" + strconv.Itoa(f.Offset)
	if w.seen[key] {
		return
	}
	w.seen[key] = true
	f.Path = path
	if f.Principle == "" {
		f.Principle = principleOf(f.Rule)
	}
	rt := ruleTexts[f.Rule]
	f.PrincipleJA = firstNonEmpty(f.PrincipleJA, rt.principleJA)
	f.Advice = firstNonEmpty(f.Advice, rt.advice)
	f.AdviceJA = firstNonEmpty(f.AdviceJA, rt.adviceJA)
	w.found = append(w.found, sortedFinding{f: f, segs: slices.Clone(segs)})
}

// principleOf returns a rule's principle from the catalogue.
func principleOf(rule string) string {
	for _, r := range ruleCatalogue {
		if r.Rule == rule {
			return r.Principle
		}
	}
	return ""
}

// fieldFinding is a finding about a field's name, a whole value or the
// record's shape (no offset).
func fieldFinding(rule string, sev Severity, en, ja string) Finding {
	return Finding{Rule: rule, Severity: sev, Message: en, MessageJA: ja, Offset: -1}
}

func (w *walker) walk(v *jvalue, path []pathSeg, ctx walkCtx) {
	switch v.kind {
	case jTooDeep:
		w.add(path, fieldFinding(ruleTooDeep, Refuse,
			fmt.Sprintf("nesting deeper than %d levels cannot be checked", maxDepth),
			fmt.Sprintf("%d 段を超える入れ子は確認できません", maxDepth)))
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

// keyFacts is what the rules need to know of a field name; it depends on the
// name alone, so it is computed once per name (names repeat in every record).
type keyFacts struct {
	protected                         []*attribute // attributes the name refers to
	personal                          []*attribute // personal data the name suggests
	origin                            bool         // a word for origin (country, origin, …)
	risk                              bool         // a word for a score or a risk
	kindKey                           bool         // "kind", "type", … as its last word
	ownKind                           bool         // a kind key of at most two words: classifies its own object
	subjectKey                        bool         // the name contains "subject"
	nameKey                           bool
	personKey                         bool
	meansPerson, contact, compactName bool
}

// maxKeyCache bounds each cache (field names, short values), so that
// records with random names cannot grow it without limit: a full cache is
// emptied and fills again with what recurs.
const maxKeyCache = 4096

// memo remembers the answers of a pure function of a string. What it holds
// never changes an answer, only how fast it comes.
type memo[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

func (c *memo[V]) get(k string) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	return v, ok
}

func (c *memo[V]) put(k string, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxKeyCache {
		c.m = make(map[string]V)
	}
	c.m[k] = v
	c.mu.Unlock()
}

var keyCache memo[*keyFacts]

func factsOf(k string) *keyFacts {
	if v, ok := keyCache.get(k); ok {
		return v
	}
	f := normName(k)
	kf := &keyFacts{
		origin:      anyToken(f.tokens, originKeys),
		risk:        anyToken(f.tokens, riskWordSet),
		nameKey:     isNameKey(f),
		personKey:   isPersonKey(f),
		meansPerson: keyMeansPerson(f),
		subjectKey:  hasToken(f, "subject"),
		contact:     len(f.tokens) > 0 && personNameHeads[f.tokens[len(f.tokens)-1]],
		compactName: f.compact == "name",
	}
	if len(f.tokens) > 0 && kindKeys[f.tokens[len(f.tokens)-1]] {
		kf.kindKey = true
		kf.ownKind = len(f.tokens) <= 2
	}
	for _, a := range protectedAttributes {
		if a.m.match(f) {
			kf.protected = append(kf.protected, a)
		}
	}
	for _, a := range personalDataFields {
		if a.m.match(f) {
			kf.personal = append(kf.personal, a)
		}
	}
	keyCache.put(k, kf)
	return kf
}

func (w *walker) walkObject(v *jvalue, path []pathSeg, ctx walkCtx) {
	inPerson := ctx.person || objectIsPerson(v)
	for i, k := range v.keys {
		child := v.vals[i]
		p := append(path, pathSeg{key: k, index: -1})
		f := factsOf(k)

		for _, a := range f.protected {
			w.add(p, fieldFinding(a.rule, Refuse, fmt.Sprintf("the field name %s refers to %s", quoteShort(k), a.what),
				fmt.Sprintf("フィールド名 %s は%sを表します", quoteJA(k), ruleTexts[a.rule].nounJA)))
		}
		if inPerson && f.origin {
			w.add(p, fieldFinding(ruleNationality, Refuse,
				fmt.Sprintf("the field %s inside an object about a person gives their origin", quoteShort(k)),
				fmt.Sprintf("人についてのオブジェクト内のフィールド %s は、その人の出自を示します", quoteJA(k))))
		}
		if inPerson && f.risk {
			w.add(p, fieldFinding(rulePersonRiskScore, Refuse,
				fmt.Sprintf("the field %s scores a person (it is inside an object about a person)", quoteShort(k)),
				fmt.Sprintf("フィールド %s は人をスコア付けしています（人についてのオブジェクト内にあります）", quoteJA(k))))
		}
		if f.kindKey && (ctx.parentSubject || f.subjectKey) && child.kind == jString && isPersonKind(child.str) {
			w.add(p, fieldFinding(ruleSubjectIsPerson, Refuse,
				fmt.Sprintf("the subject's kind %s is a person", quoteShort(child.str)),
				fmt.Sprintf("対象の種類 %s は人です", quoteJA(child.str))))
		}
		if nonEmpty(child) {
			for _, a := range f.personal {
				w.add(p, fieldFinding(a.rule, Flag, fmt.Sprintf("the field name %s suggests %s", quoteShort(k), a.what),
					fmt.Sprintf("フィールド名 %s は%sを含むようです", quoteJA(k), ruleTexts[a.rule].nounJA)))
			}
			if ((inPerson || ctx.contact) && f.nameKey) || (child.kind == jString && f.personKey && !isPersonKind(child.str)) {
				w.add(p, fieldFinding(rulePersonalNameField, Flag,
					fmt.Sprintf("the field %s seems to hold a person's name", quoteShort(k)),
					fmt.Sprintf("フィールド %s は個人名を含むようです", quoteJA(k))))
			}
		}
		w.walk(child, p, walkCtx{
			person:        inPerson || f.meansPerson,
			parentSubject: f.subjectKey,
			contact:       f.contact,
			orgNames:      ctx.orgNames || (ctx.parentSubject && w.kind == "indicator" && f.compactName),
		})
		// After the walk, so that a value the rules above already refuse
		// keeps their finding; the token check adds what they miss.
		if tokenFields[k] {
			w.walkTokens(child, p)
		}
	}
}

// valueAttributes returns the protected attributes that a short value is
// nothing but ("nationality-based", "country of birth") or, as a token,
// names ("citizenship_check"). Values repeat (categories, tactics), so the
// answer is kept for a bounded number of them.
func valueAttributes(text string) []*attribute {
	if v, ok := valueCache.get(text); ok {
		return v
	}
	var out []*attribute
	if !mayNameAttribute(text) {
		return nil
	}
	f := normName(text)
	if n := len(f.tokens); n >= 1 && n <= 6 {
		for _, a := range protectedAttributes {
			if onlyAttribute(f, a) || isToken(text) && tokenNamesAttribute(f, a) {
				out = append(out, a)
			}
		}
	}
	valueCache.put(text, out)
	return out
}

// mayNameAttribute is a quick test before valueAttributes: a lower-case
// ASCII value none of whose words is in the attributes' vocabulary cannot
// name one. Other values (capitals, CJK) take the full test.
func mayNameAttribute(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	valueVocabOnce.Do(initValueVocab)
	for i := 0; i < len(text); {
		c := text[i]
		if !(c >= 'a' && c <= 'z') {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] >= 'a' && text[j] <= 'z' {
			j++
		}
		w := text[i:j]
		if valueVocab[w] || valueVocab[stem(w)] {
			return true
		}
		if len(w) >= 8 {
			for _, sub := range valueSubs {
				if strings.Contains(w, sub) {
					return true
				}
			}
		}
		i = j
	}
	return false
}

var (
	valueVocabOnce sync.Once
	valueVocab     map[string]bool
	valueSubs      []string
)

func initValueVocab() {
	valueVocab = make(map[string]bool)
	for _, a := range protectedAttributes {
		for t := range a.vocab {
			valueVocab[t] = true
		}
		for _, p := range a.m.phrases {
			for _, t := range p {
				valueVocab[t] = true
			}
		}
		for _, sub := range a.m.subs {
			if isASCII(sub) {
				valueSubs = append(valueSubs, sub)
				valueVocab[sub] = true
			}
		}
	}
}

var valueCache memo[[]*attribute]

func (w *walker) walkString(s string, path []pathSeg, ctx walkCtx) {
	for _, f := range stringFindings(s, ctx.orgNames) {
		w.add(path, f)
	}
}

// stringFindings returns what the rules find in one string value (without
// its path). Short strings repeat from record to record (kinds, categories,
// dates, tactics), so their findings are kept for a bounded number of them.
func stringFindings(s string, orgNames bool) []Finding {
	if len(s) > 200 {
		// Long prose rarely repeats: not worth keeping.
		return stringFindingsUncached(s, orgNames)
	}
	key := s
	if orgNames {
		key = "\x00" + s
	}
	if v, ok := stringCache.get(key); ok {
		return v
	}
	fs := stringFindingsUncached(s, orgNames)
	stringCache.put(key, fs)
	return fs
}

var stringCache memo[[]Finding]

// collector gathers the findings of one string.
type collector struct{ found []Finding }

func (c *collector) add(f Finding) {
	for _, g := range c.found {
		if g.Rule == f.Rule && g.Offset == f.Offset {
			return
		}
	}
	c.found = append(c.found, f)
}

func stringFindingsUncached(s string, orgNames bool) []Finding {
	c := &collector{}
	text := s
	if !isASCII(s) && !norm.NFKC.IsNormalString(s) {
		text = norm.NFKC.String(s)
	}

	// Prose, labels with any separator, disguises, other languages.
	textRulesFound := c.textRules(s, "")
	// Special-care personal information said of a person: 前科, 党員,
	// "treated for", "union member" (sensitive.go).
	if !orgNames {
		c.specialCareRules(text)
	}
	// A short value that is nothing but a protected attribute:
	// "reason_category": "nationality", "dimension": "country of birth", or a
	// token that names one: "citizenship_check", "prc-nationals".
	if len(text) <= 320 && utf8.RuneCountInString(text) <= 80 {
		for _, a := range valueAttributes(text) {
			if textRulesFound[a.rule] {
				continue
			}
			c.add(fieldFinding(a.rule, Refuse,
				fmt.Sprintf("the value %s classifies people by %s", quoteShort(s), a.what),
				fmt.Sprintf("値 %s は人を%sで分類しています", quoteJA(s), ruleTexts[a.rule].nounJA)))
		}
	}
	// Labels of personal data in text: "E-mail: …", "Name: …", "DOB: …".
	// (Labels of protected attributes are read by the text rules above.)
	for _, label := range labelsInText(text) {
		if !mayBePersonalLabel(label) {
			continue
		}
		f := normName(label)
		if isNameKey(f) && len(f.tokens) == 1 {
			c.add(fieldFinding(rulePersonalName, Flag,
				fmt.Sprintf("the text has an entry %s giving a person's name", quoteShort(label+": …")),
				fmt.Sprintf("本文に個人名の項目 %s があります", quoteJA(label+"：…"))))
		}
		for _, a := range personalDataFields {
			if onlyAttribute(f, a) {
				c.add(fieldFinding(a.textRule, Flag,
					fmt.Sprintf("the text has an entry %s giving %s", quoteShort(label+": …"), a.what),
					fmt.Sprintf("本文に%sの項目 %s があります", ruleTexts[a.textRule].nounJA, quoteJA(label+"：…"))))
			}
		}
	}
	// An indicator's subject named as a person: "Dr. Mei Chen", "山本 健一
	// 准教授". Its kind may say role_pattern; its name says a person.
	if orgNames && subjectNamesPerson(text) {
		c.add(fieldFinding(ruleSubjectIsPerson, Refuse,
			"the subject's name is a person's name (it has a title or an honorific)",
			"対象の名前は個人名です（敬称または肩書きが付いています）"))
	}
	// Personal data in free text.
	for _, pd := range textFindings(text, !orgNames) {
		c.addPersonal(pd, text, utf8.RuneCountInString(text[:pd.i]))
	}
	// A table of people pasted as text with a column for their country.
	if !orgNames {
		if _, i := tableColumns(text); i >= 0 {
			c.add(Finding{Rule: ruleNationality, Severity: Refuse, Offset: utf8.RuneCountInString(text[:i]),
				Message:   "a table of people (it has a name column) has a column for their country or origin",
				MessageJA: "人の一覧（氏名の列がある表）に国・出身の列があります"})
		}
	}
	// Words and names a PDF's layout broke across lines: 国\n籍, eth-\nnicity.
	c.joinedRules(s, !orgNames)
	// Encoded content.
	for _, b := range findBlobs(s) {
		if b.binary {
			c.add(Finding{Rule: ruleEncoded, Severity: Flag, Offset: utf8.RuneCountInString(s[:b.i]),
				Message:   fmt.Sprintf("%s content %s cannot be checked: this node cannot check encoded content", b.encName, quoteShort(s[b.i:b.j])),
				MessageJA: fmt.Sprintf("%s で符号化された内容 %s は確認できません（このノードは符号化された内容を確認できません）", b.encName, quoteJA(s[b.i:b.j])),
				Principle: principleEncoded})
			continue
		}
		c.textRulesAt(b.text, b.encName, s[b.i:b.j], utf8.RuneCountInString(s[:b.i]))
	}
	return c.found
}

// addPersonal adds a flag for personal data found in text, at character off
// of the string.
func (c *collector) addPersonal(pd personalHit, text string, off int) {
	rt := ruleTexts[pd.rule]
	f := Finding{Rule: pd.rule, Severity: Flag, Offset: off,
		Message:   fmt.Sprintf("the text contains %s", countNoun(pd.n, textNouns[pd.rule])),
		MessageJA: fmt.Sprintf("本文に%sが含まれています", rt.whatJA)}
	if pd.n > 1 {
		f.MessageJA = fmt.Sprintf("本文に%sが %d 件含まれています", rt.whatJA, pd.n)
	}
	c.add(f)
}

// textRules runs the text rules over s (and, if it may be ROT13, over its
// ROT13), adding a refusal for each phrase found. It returns the rules found.
func (c *collector) textRules(s string, via string) map[string]bool {
	var found map[string]bool
	t := normalizeText(s)
	hits, maybeROT13 := scanText(t)
	for _, h := range hits {
		if found == nil {
			found = map[string]bool{}
		}
		found[h.rule] = true
		phrase, off := t.quote(h.i, h.j)
		en, ja := textMessages(h.rule, phrase, via)
		c.add(Finding{Rule: h.rule, Severity: Refuse, Offset: off, Phrase: phrase, Message: en, MessageJA: ja})
	}
	if via == "" && maybeROT13 {
		r := rot13(s)
		rt := normalizeText(r)
		rhits, _ := scanText(rt)
		for _, h := range rhits {
			decoded, off := rt.quote(h.i, h.j)
			phrase := rot13(decoded) // as written
			en, ja := textMessages(h.rule, phrase, "ROT13")
			c.add(Finding{Rule: h.rule, Severity: Refuse, Offset: off, Phrase: phrase, Message: en, MessageJA: ja})
		}
	}
	return found
}

// textRulesAt reads decoded text; findings point at the encoded run.
func (c *collector) textRulesAt(decoded string, via, encoded string, off int) {
	t := normalizeText(decoded)
	hits, _ := scanText(t)
	for _, h := range hits {
		en, ja := textMessages(h.rule, encoded, via)
		c.add(Finding{Rule: h.rule, Severity: Refuse, Offset: off, Phrase: encoded, Message: en, MessageJA: ja})
	}
}

var textNouns = map[string]string{
	ruleEmail:             "e-mail address",
	ruleORCID:             "ORCID iD",
	rulePhone:             "phone number",
	rulePersonalName:      "personal name",
	ruleDateOfBirth:       "date of birth",
	rulePersonalID:        "personal identifier (staff or student number, messenger or author ID)",
	rulePersonalRelation:  "relative-based reference (to a person)",
	ruleHomeAddress:       "home address",
	rulePersonDescription: "description that singles out one person (age, appearance, a unique role, an alias)",
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
		// 宗教法人, 民族団体: the attribute names what an organisation is
		// about, and the value is the organisation.
		if containsAny(t, a.m.subs) && cjkRemainder(t, a.m.subs) <= 2 && !hasAnyWord(t, orgValueWordsJA) {
			continue
		}
		return false
	}
	return true
}

// orgValueWordsJA make a short CJK value an organisation's name (宗教法人,
// 民族団体); 社 alone is not one of them (社員の国籍 is about people).
var orgValueWordsJA = []string{"法人", "団体", "財団", "基金", "大学", "研究所", "機関", "協会", "企業", "会社"}

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

// isPersonKind reports whether a kind/type value names a person ("person",
// "natural_person", "個人") rather than an organisation or a role pattern.
func isPersonKind(s string) bool {
	if v, ok := kindCache.get(s); ok {
		return v
	}
	is := isPersonKindUncached(s)
	kindCache.put(s, is)
	return is
}

var kindCache memo[bool]

func isPersonKindUncached(s string) bool {
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
		if !factsOf(k).ownKind {
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

// isToken reports whether a value is one token (no spaces): a tag, a
// category, an indicator type.
func isToken(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t\n")
}

// tokenNamesAttribute reports whether a token value names a protected
// attribute among other words: "citizenship_check", "nationality-screening",
// "visa_status_review". Words that have another sense need a partner:
// "visa" a status word ("visa_sponsorship_abuse" is a method), "race" is not
// "race_condition".
func tokenNamesAttribute(f nameForm, a *attribute) bool {
	if !a.m.match(f) {
		return false
	}
	for i, t := range f.tokens {
		switch t {
		case "nationality", "citizenship", "ethnicity", "ethnic", "racial", "religion", "religious",
			"birthplace", "passport", "immigration", "kokuseki":
			return true
		case "visa", "residence", "residency":
			for _, u := range f.tokens {
				if u == "status" || u == "type" || u == "holder" || u == "class" || u == "category" || u == "check" || u == "screening" {
					return true
				}
			}
		case "race":
			return i+1 >= len(f.tokens) || f.tokens[i+1] != "condition"
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// personalLabelNeedles are in every label of personal data the flags read
// ("Name", "E-mail", "Tel", "ORCID", "DOB", "Address", 氏名, 電話 …).
var personalLabelNeedles = []string{"name", "mail", "tel", "phone", "fax", "mobile", "cell", "orcid", "dob",
	"birth", "address", "surname", "forename", "shimei", "氏", "姓", "名", "メール", "電話", "携帯", "住所", "自宅",
	"生年月日", "誕生", "이름", "성명", "전화", "메일", "주소", "생년월일", "邮箱", "电话", "出生日期"}

// mayBePersonalLabel is a quick test before the label matchers.
func mayBePersonalLabel(label string) bool {
	l := strings.ToLower(label)
	for _, n := range personalLabelNeedles {
		if strings.Contains(l, n) {
			return true
		}
	}
	return false
}

package share_test

// SPEC.md §6 read as a clean-room implementer reads it: every record below
// was written from the text of §6.1–§6.4 alone (each rule with a valid edge
// case and an invalid one), and share.ParseRecord, Record.Validate,
// share.ParseRecords and share.ParseSenderKeyBody are only the system under
// test. A row that fails means the code and the text disagree: one of them
// must change (and the text says which, with a date).

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/share"
)

const (
	// cidA is a CIDv1 dag-cbor sha2-256 in the text form of §3.
	cidA  = "bafyreihitfuyokzoxtuu2pmovmdpj3jmpjmizpbtd4upackmadpiqd3mfi"
	link0 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
)

// rec is a record as an ordered list of members ("name": raw JSON), so that
// a row changes exactly one member of a valid record.
type rec [][2]string

func (r rec) set(name, raw string) rec {
	out := slices.Clone(r)
	for i := range out {
		if out[i][0] == name {
			out[i][1] = raw
			return out
		}
	}
	return append(out, [2]string{name, raw})
}

func (r rec) del(name string) rec {
	return slices.DeleteFunc(slices.Clone(r), func(m [2]string) bool { return m[0] == name })
}

func (r rec) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", m[0], m[1])
	}
	b.WriteByte('}')
	return b.String()
}

// The smallest valid record of each kind, from the "required" columns of §6.3.
var (
	specIndicator = rec{{"kind", `"indicator"`}, {"title", `"T"`}, {"indicator_type", `"t"`},
		{"subject", `{"kind":"organisation","names":[{"value":"N"}]}`}, {"reason_category", `"r"`},
		{"summary", `"S"`}, {"severity", `"low"`}, {"confidence", `"high"`}}
	specMethod = rec{{"kind", `"method"`}, {"title", `"T"`}, {"tactic", `"t"`}, {"period", `"2026-Q3"`},
		{"narrative", `"N"`}}
	specSighting   = rec{{"kind", `"sighting"`}, {"ref", `"` + cidA + `"`}, {"when", `"2026-11-23"`}, {"outcome", `"declined"`}}
	specTrend      = rec{{"kind", `"trend"`}, {"period", `"2026-Q3"`}, {"metrics", `[]`}, {"suppression", `{"k":3,"m":3}`}}
	specRetraction = rec{{"kind", `"retraction"`}, {"target", `"` + cidA + `"`}, {"reason", `"R"`}}
	specFacet      = rec{{"kind", `"facet"`}, {"record_kind", `"method"`}, {"period", `"2026-09"`}, {"link", `"` + link0 + `"`}}
)

func strOf(n int, c string) string { return `"` + strings.Repeat(c, n) + `"` }

func arrOf(n int, elem string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(elem+",", n), ",") + "]"
}

type recordRow struct {
	rule   string // the sentence of SPEC.md the row tests
	record string
	ok     bool
}

func specRecordRows() []recordRow {
	ind, met, sig, tre, ret, fac := specIndicator, specMethod, specSighting, specTrend, specRetraction, specFacet
	subj := func(raw string) string { return ind.set("subject", raw).String() }
	ids := func(id, v string) string {
		return subj(`{"kind":"organisation","names":[{"value":"N"}],"ids":{"` + id + `":"` + v + `"}}`)
	}
	date := func(v string) string { return ind.set("valid_from", `"`+v+`"`).String() }
	y, n := true, false
	return []recordRow{
		// §6.3: each kind's minimal record.
		{"§6.3 indicator required members", ind.String(), y},
		{"§6.3 method required members", met.String(), y},
		{"§6.3 sighting required members", sig.String(), y},
		{"§6.3 trend required members", tre.String(), y},
		{"§6.3 retraction required members", ret.String(), y},
		{"§6.3 facet required members", fac.String(), y},

		// §6.2: required, unknown, null, duplicate.
		{"§6.2 required: indicator without summary", ind.del("summary").String(), n},
		{"§6.2 required: method without narrative", met.del("narrative").String(), n},
		{"§6.2 required: sighting without when", sig.del("when").String(), n},
		{"§6.2 required: trend without suppression", tre.del("suppression").String(), n},
		{"§6.2 required: retraction without reason", ret.del("reason").String(), n},
		{"§6.2 required: facet without link", fac.del("link").String(), n},
		{"§6.2 required: nested subject.names[].value", subj(`{"kind":"venue","names":[{"lang":"en"}]}`), n},
		{"§6.2 unknown field at the top", ind.set("nationality", `"JP"`).String(), n},
		{"§6.2 unknown field, nested", subj(`{"kind":"venue","names":[{"value":"N","script":"Latn"}]}`), n},
		{"§6.2 unknown field in ids", ids("orcid", "0000-0002-1825-0097"), n},
		{"§6.2 unknown field in suppression", tre.set("suppression", `{"k":3,"m":3,"q":1}`).String(), n},
		{"§6.2 null is no value: optional member", ind.set("review_due", `null`).String(), n},
		{"§6.2 null is no value: required member", ind.set("title", `null`).String(), n},
		{"§6.2 null is no value: array element", ind.set("tech_areas", `[null]`).String(), n},
		{"§6.2 duplicate member at the top", ret.String()[:len(ret.String())-1] + `,"reason":"S"}`, n},
		{"§6.2 duplicate member, nested", subj(`{"kind":"venue","kind":"venue","names":[{"value":"N"}]}`), n},
		{"§6.2 duplicate member, spelled with an escape", ret.String()[:len(ret.String())-1] + `,"re\u0061son":"S"}`, n},
		{"§6.1 a body carries no policy member inside a nested object", subj(`{"kind":"venue","names":[{"value":"N"}],"policy":{}}`), n},

		// §6.2: strings, short and long text.
		{"§6.2 strings are non-empty", ind.set("title", `""`).String(), n},
		{"§6.2 short text of 512 bytes", ind.set("title", strOf(512, "a")).String(), y},
		{"§6.2 short text of 513 bytes", ind.set("title", strOf(513, "a")).String(), n},
		{"§6.2 short text counts UTF-8 bytes: 170 × 'あ' = 510", ind.set("title", strOf(170, "あ")).String(), y},
		{"§6.2 short text counts UTF-8 bytes: 171 × 'あ' = 513", ind.set("title", strOf(171, "あ")).String(), n},
		{"§6.2 short text: no tab", ind.set("title", `"a\tb"`).String(), n},
		{"§6.2 short text: no line break", ind.set("title", `"a\nb"`).String(), n},
		{"§6.2 short text: no U+0000", ind.set("title", `"a\u0000b"`).String(), n},
		{"§6.2 short text: no DEL", ind.set("title", `"a\u007fb"`).String(), n},
		{"§6.2 short text: no C1 (U+0085)", ind.set("title", `"a\u0085b"`).String(), n},
		{"§6.2 short text: no C1 (U+009F)", ind.set("title", `"a\u009fb"`).String(), n},
		{"§6.2 short text: U+00A0 is not Cc", ind.set("title", `"a\u00a0b"`).String(), y},
		{"§6.2 short text: Cf (U+202E, U+200B) is not Cc", ind.set("title", `"a\u202e\u200bb"`).String(), y},
		{"§6.2 short text: U+2028 is not Cc", ind.set("title", `"a\u2028b"`).String(), y},
		{"§6.2 (2026-11-30) an escaped lone surrogate reads as U+FFFD", ind.set("title", `"a\ud800b"`).String(), y},
		{"§6.2 long text of 65,536 bytes", ind.set("summary", strOf(65536, "a")).String(), y},
		{"§6.2 long text of 65,537 bytes", ind.set("summary", strOf(65537, "a")).String(), n},
		{"§6.2 long text: tab, LF, CR", ind.set("summary", `"a\tb\nc\r\nd"`).String(), y},
		{"§6.2 long text: no other C0", ind.set("summary", `"a\u000bb"`).String(), n},
		{"§6.2 long text: no C1", ind.set("summary", `"a\u0085b"`).String(), n},
		{"§6.2 long text: no DEL", ind.set("summary", `"a\u007f"`).String(), n},

		// §1 token.
		{"§1 token: 64 characters", ind.set("indicator_type", `"a`+strings.Repeat("-", 63)+`"`).String(), y},
		{"§1 token: 65 characters", ind.set("indicator_type", strOf(65, "a")).String(), n},
		{"§1 token: starts with a digit", ind.set("indicator_type", `"0a._-"`).String(), y},
		{"§1 token: starts with '-'", ind.set("indicator_type", `"-a"`).String(), n},
		{"§1 token: starts with '.'", ind.set("indicator_type", `".a"`).String(), n},
		{"§1 token: upper case", ind.set("indicator_type", `"Abc"`).String(), n},
		{"§1 token: space", ind.set("indicator_type", `"a b"`).String(), n},
		{"§1 token: non-ASCII letter", ind.set("indicator_type", `"é"`).String(), n},
		{"§6.3 token[] holds tokens", ind.set("tech_areas", `["ai","Quantum"]`).String(), n},
		{"§6.3 arrays: 64 elements", ind.set("tech_areas", arrOf(64, `"a"`)).String(), y},
		{"§6.3 arrays: 65 elements", ind.set("tech_areas", arrOf(65, `"a"`)).String(), n},
		{"§6.3 arrays: empty optional array", ind.set("tech_areas", `[]`).String(), y},
		{"§6.3 a token is a string, not an array", ind.set("indicator_type", `["t"]`).String(), n},

		// §6.2 uint.
		{"§6.2 uint: 0", tre.set("metrics", `[{"dimension":"d","value":"v","count":3}]`).set("suppression", `{"k":3,"m":3,"p":70}`).String(), y},
		{"§6.2 uint: 2^64 − 1", tre.set("suppression", `{"k":18446744073709551615,"m":3}`).String(), y},
		{"§6.2 uint: 2^64", tre.set("suppression", `{"k":18446744073709551616,"m":3}`).String(), n},
		{"§6.2 uint: no fraction", tre.set("suppression", `{"k":3.0,"m":3}`).String(), n},
		{"§6.2 uint: no exponent", tre.set("suppression", `{"k":3e0,"m":3}`).String(), n},
		{"§6.2 uint: no sign", tre.set("suppression", `{"k":-3,"m":3}`).String(), n},
		{"§6.2 uint: -0", tre.set("metrics", `[{"dimension":"d","value":"v","count":-0}]`).String(), n},
		{"§6.2 uint: no leading zero (JSON)", tre.set("suppression", `{"k":03,"m":3}`).String(), n},
		{"§6.2 uint: not a string", tre.set("suppression", `{"k":"3","m":3}`).String(), n},

		// §6.2 date.
		{"§6.2 date: full-date", date("2026-11-23"), y},
		{"§6.2 date: date-time Z", date("2026-11-23T09:00:00Z"), y},
		{"§6.2 date: 9 fractional digits", date("2026-11-23T09:00:00.123456789Z"), y},
		{"§6.2 date: 10 fractional digits", date("2026-11-23T09:00:00.1234567890Z"), n},
		{"§6.2 date: offset +23:59", date("2026-11-23T09:00:00+23:59"), y},
		{"§6.2 date: offset -00:00", date("2026-11-23T09:00:00-00:00"), y},
		{"§6.2 date: offset +24:00", date("2026-11-23T09:00:00+24:00"), n},
		{"§6.2 date: offset without colon", date("2026-11-23T09:00:00+0900"), n},
		{"§6.2 date: year 0000", date("0000-01-01"), y},
		{"§6.2 date: 2028-02-29", date("2028-02-29"), y},
		{"§6.2 date: 2026-02-29", date("2026-02-29"), n},
		{"§6.2 date: 2026-04-31", date("2026-04-31"), n},
		{"§6.2 date: 2026-04-31 as date-time", date("2026-04-31T00:00:00Z"), n},
		{"§6.2 date: month 13", date("2026-13-01"), n},
		{"§6.2 date: day 00", date("2026-01-00"), n},
		{"§6.2 date: lower-case t", date("2026-11-23t09:00:00Z"), n},
		{"§6.2 date: lower-case z", date("2026-11-23T09:00:00z"), n},
		{"§6.2 date: space for T", date("2026-11-23 09:00:00Z"), n},
		{"§6.2 date: no offset", date("2026-11-23T09:00:00"), n},
		{"§6.2 date: decimal comma", date("2026-11-23T09:00:00,5Z"), n},
		{"§6.2 date: hour 24", date("2026-11-23T24:00:00Z"), n},
		{"§6.2 date: second 60", date("2026-12-31T23:59:60Z"), n},
		{"§6.2 date: no seconds", date("2026-11-23T09:00Z"), n},
		{"§6.2 date: one-digit month", date("2026-1-23"), n},
		{"§6.2 date: '.' without digits", date("2026-11-23T09:00:00.Z"), n},
		{"§6.2 valid_until = valid_from (full-date and midnight UTC)", ind.set("valid_from", `"2026-11-23"`).set("valid_until", `"2026-11-23T00:00:00Z"`).String(), y},
		{"§6.2 valid_until < valid_from by one second", ind.set("valid_from", `"2026-11-23"`).set("valid_until", `"2026-11-22T23:59:59Z"`).String(), n},
		{"§6.2 valid_until compares in UTC, not as written", ind.set("valid_from", `"2026-11-23T00:00:00Z"`).set("valid_until", `"2026-11-23T08:00:00+09:00"`).String(), n},
		{"§6.3 review_due may precede valid_from", ind.set("valid_from", `"2026-11-23"`).set("review_due", `"2026-01-01"`).String(), y},

		// §6.2 identifiers.
		{"§6.2 ror: the example", ids("ror", "057zh3y96"), y},
		{"§6.2 ror: with its URL prefix", ids("ror", "https://ror.org/057zh3y96"), y},
		{"§6.2 ror: wrong check digits", ids("ror", "057zh3y95"), n},
		{"§6.2 ror: upper case", ids("ror", "057ZH3Y96"), n},
		{"§6.2 ror: http prefix", ids("ror", "http://ror.org/057zh3y96"), n},
		{"§6.2 ror: a letter outside Crockford's alphabet (l)", ids("ror", "057zl3y96"), n},
		{"§6.2 ror: not starting with 0", ids("ror", "157zh3y96"), n},
		{"§6.2 wikidata", ids("wikidata", "Q42"), y},
		{"§6.2 wikidata: leading zero", ids("wikidata", "Q042"), n},
		{"§6.2 wikidata: lower-case q", ids("wikidata", "q42"), n},
		{"§6.2 isni: check character not verified", ids("isni", "0000000121464389"), y},
		{"§6.2 isni: X", ids("isni", "000000012146438X"), y},
		{"§6.2 isni: lower-case x", ids("isni", "000000012146438x"), n},
		{"§6.2 isni: 15 characters", ids("isni", "000000012146438"), n},
		{"§6.2 fundref: bare", ids("fundref", "501100001691"), y},
		{"§6.2 fundref: with DOI prefix", ids("fundref", "10.13039/501100001691"), y},
		{"§6.2 fundref: other DOI prefix", ids("fundref", "10.1000/501100001691"), n},
		{"§6.2 issn: check character not verified", ids("issn", "1234-5678"), y},
		{"§6.2 issn: no hyphen", ids("issn", "12345678"), n},
		{"§6.2 lei: check digits not verified", ids("lei", "5493001KJTIIGC8Y1R00"), y},
		{"§6.2 lei: lower case", ids("lei", "5493001kjtiigc8y1r12"), n},
		{"§6.2 lei: letters in the last two", ids("lei", "5493001KJTIIGC8Y1RAB"), n},
		{"§6.2 ids: empty object (all optional)", subj(`{"kind":"organisation","names":[{"value":"N"}],"ids":{}}`), y},
		{"§6.2 country", subj(`{"kind":"organisation","names":[{"value":"N"}],"jurisdiction":"JP"}`), y},
		{"§6.2 country: lower case", subj(`{"kind":"organisation","names":[{"value":"N"}],"jurisdiction":"jp"}`), n},
		{"§6.3 jurisdiction only for an organisation", subj(`{"kind":"programme","names":[{"value":"N"}],"jurisdiction":"JP"}`), n},
		{"§6.2 lang-tag, case not significant", subj(`{"kind":"venue","names":[{"value":"N","lang":"ZH-hANT"}]}`), y},
		{"§6.2 lang-tag: registry not consulted", subj(`{"kind":"venue","names":[{"value":"N","lang":"qq-zzzzzzzz"}]}`), y},
		{"§6.2 lang-tag: one letter", subj(`{"kind":"venue","names":[{"value":"N","lang":"e"}]}`), n},
		{"§6.2 lang-tag: underscore", subj(`{"kind":"venue","names":[{"value":"N","lang":"ja_JP"}]}`), n},
		{"§6.2 lang-tag: subtag of 9", subj(`{"kind":"venue","names":[{"value":"N","lang":"en-abcdefghi"}]}`), n},
		{"§6.3 names: 64", subj(`{"kind":"venue","names":` + arrOf(64, `{"value":"N"}`) + `}`), y},
		{"§6.3 names: 65", subj(`{"kind":"venue","names":` + arrOf(65, `{"value":"N"}`) + `}`), n},
		{"§6.3 names: none", subj(`{"kind":"venue","names":[]}`), n},
		{"§6.2 no person kind of subject", subj(`{"kind":"person","names":[{"value":"N"}]}`), n},
		{"§6.2 subject-kind is case-sensitive", subj(`{"kind":"Venue","names":[{"value":"N"}]}`), n},
		{"§6.2 subject-kind funding_source", subj(`{"kind":"funding_source","names":[{"value":"N"}]}`), y},
		{"§6.2 severity is case-sensitive", ind.set("severity", `"High"`).String(), n},
		{"§6.2 confidence has no critical", ind.set("confidence", `"critical"`).String(), n},

		// §6.2 url (2026-11-30: what the reference accepts beyond RFC 3986).
		{"§6.2 url: https", ind.set("basis", `{"source_type":"s","source_url":"https://example.org/l?x=1#f"}`).String(), y},
		{"§6.2 url: scheme is case-insensitive", ind.set("basis", `{"source_type":"s","source_url":"HTTP://example.org/"}`).String(), y},
		{"§6.2 url: ftp", ind.set("basis", `{"source_type":"s","source_url":"ftp://example.org/"}`).String(), n},
		{"§6.2 url: relative", ind.set("basis", `{"source_type":"s","source_url":"/list"}`).String(), n},
		{"§6.2 url: no host", ind.set("basis", `{"source_type":"s","source_url":"https:///list"}`).String(), n},
		{"§6.2 url: opaque", ind.set("basis", `{"source_type":"s","source_url":"https:example.org"}`).String(), n},
		{"§6.2 (2026-11-30) url: a space in the path is accepted", ind.set("basis", `{"source_type":"s","source_url":"https://example.org/a b"}`).String(), y},
		{"§6.2 (2026-11-30) url: non-ASCII is accepted", ind.set("basis", `{"source_type":"s","source_url":"https://例え.jp/ページ"}`).String(), y},
		{"§6.2 (2026-11-30) url: a bad percent-escape is refused", ind.set("basis", `{"source_type":"s","source_url":"https://example.org/%zz"}`).String(), n},
		{"§6.2 (2026-11-30) url: a space in the host is refused", ind.set("basis", `{"source_type":"s","source_url":"https://exa mple.org/"}`).String(), n},

		// §6.3 method.
		{"§6.3 quarter", met.set("period", `"2026-Q4"`).String(), y},
		{"§6.3 quarter: Q5", met.set("period", `"2026-Q5"`).String(), n},
		{"§6.3 quarter: lower-case q", met.set("period", `"2026-q3"`).String(), n},
		{"§6.3 method period is a quarter, not a month", met.set("period", `"2026-09"`).String(), n},
		{"§6.3 observed_indicators: 1000", met.set("observed_indicators", arrOf(1000, `"`+cidA+`"`)).String(), y},
		{"§6.3 observed_indicators: 1001", met.set("observed_indicators", arrOf(1001, `"`+cidA+`"`)).String(), n},
		{"§6.3 observed_indicators: not a CID", met.set("observed_indicators", `["bafyrei"]`).String(), n},
		{"§6.3 orgs_involved", met.set("orgs_involved", `[{"ror":"057zh3y96","role":"sponsor"}]`).String(), y},
		{"§6.3 orgs_involved: role required", met.set("orgs_involved", `[{"ror":"057zh3y96"}]`).String(), n},
		{"§6.3 orgs_involved: ror required", met.set("orgs_involved", `[{"role":"sponsor"}]`).String(), n},
		{"§6.3 outcome", met.set("outcome", `"accepted-with-mitigation"`).String(), y},
		{"§6.3 outcome: unknown", met.set("outcome", `"rejected"`).String(), n},
		{"§6.3 mitigations are short text", met.set("mitigations", `["a\nb"]`).String(), n},
		{"§6.3 (2026-11-30) narrative: any long text (sanitised by the writer)", met.set("narrative", `"line 1\nline 2"`).String(), y},

		// §6.3 sighting.
		{"§6.3 sighting: ref must be a CID", sig.set("ref", `"`+strings.ToUpper(cidA)+`"`).String(), n},
		{"§6.3 sighting: when is a date", sig.set("when", `"2026-11-23T09:00:00+09:00"`).String(), y},
		{"§6.3 sighting: outcome required", sig.del("outcome").String(), n},
		{"§6.3 sighting: note is long text", sig.set("note", `"a\nb"`).String(), y},

		// §6.3 trend.
		{"§6.3 trend: period a month", tre.set("period", `"2026-09"`).String(), y},
		{"§6.3 trend: period a date", tre.set("period", `"2026-09-01"`).String(), n},
		{"§6.3 trend: k = 2", tre.set("suppression", `{"k":2,"m":3}`).String(), n},
		{"§6.3 trend: m = 2", tre.set("suppression", `{"k":3,"m":2}`).String(), n},
		{"§6.3 trend: m required", tre.set("suppression", `{"k":3}`).String(), n},
		{"§6.3 trend: p = 0", tre.set("suppression", `{"k":3,"m":3,"p":0}`).String(), n},
		{"§6.3 trend: p = 71", tre.set("suppression", `{"k":3,"m":3,"p":71}`).String(), n},
		{"§6.3 trend: count = k", tre.set("metrics", `[{"dimension":"d","value":"v","count":5}]`).set("suppression", `{"k":5,"m":3}`).String(), y},
		{"§6.3 trend: count < k", tre.set("metrics", `[{"dimension":"d","value":"v","count":4}]`).set("suppression", `{"k":5,"m":3}`).String(), n},
		{"§6.3 trend: metric dimension is a token", tre.set("metrics", `[{"dimension":"D","value":"v","count":3}]`).String(), n},
		{"§6.3 trend: metric value required", tre.set("metrics", `[{"dimension":"d","count":3}]`).String(), n},
		{"§6.3 trend: table", tre.set("by", `["category","outcome"]`).set("table", `[{"dims":{"category":"c","outcome":"declined"},"records":3,"members":3}]`).set("totals", `[{"dims":{"category":"c"},"records":3,"members":3}]`).String(), y},
		{"§6.3 trend: by holds 1–4", tre.set("by", `[]`).String(), n},
		{"§6.3 trend: by of 5", tre.set("by", `["category","tech_area","period","outcome","category"]`).String(), n},
		{"§6.3 trend: by an unknown dimension", tre.set("by", `["member"]`).String(), n},
		{"§6.3 trend: dims an unknown dimension", tre.set("by", `["category"]`).set("table", `[{"dims":{"member":"x"},"records":3,"members":3}]`).String(), n},
		{"§6.3 trend: cell records < k", tre.set("by", `["category"]`).set("table", `[{"dims":{"category":"c"},"records":2,"members":3}]`).String(), n},
		{"§6.3 trend: cell members < m", tre.set("by", `["category"]`).set("table", `[{"dims":{"category":"c"},"records":3,"members":2}]`).String(), n},
		{"§6.3 trend: total members < m", tre.set("by", `["category","outcome"]`).set("totals", `[{"dims":{"category":"c"},"records":3,"members":2}]`).String(), n},
		{"§6.3 trend: dims values are short text", tre.set("by", `["category"]`).set("table", `[{"dims":{"category":""},"records":3,"members":3}]`).String(), n},
		// The writer rules a reader does not check (2026-11-30): duplicates in
		// by, dims that do not match by, a table without by.
		{"§6.3 (2026-11-30) trend: a reader does not refuse duplicates in by", tre.set("by", `["category","category"]`).String(), y},
		{"§6.3 (2026-11-30) trend: a reader does not match dims against by", tre.set("by", `["category"]`).set("table", `[{"dims":{"outcome":"declined"},"records":3,"members":3}]`).String(), y},
		{"§6.3 (2026-11-30) trend: a reader does not require by for a table", tre.set("table", `[{"dims":{},"records":3,"members":3}]`).String(), y},

		// §6.3 retraction.
		{"§6.3 retraction: superseded_by", ret.set("superseded_by", `"`+cidA+`"`).String(), y},
		{"§6.3 retraction: reason is short text", ret.set("reason", `"a\nb"`).String(), n},
		{"§6.3 retraction: target a CID", ret.set("target", `"Qm"`).String(), n},

		// §6.3 facet.
		{"§6.3 facet: record_kind trend", fac.set("record_kind", `"trend"`).String(), n},
		{"§6.3 facet: period a quarter", fac.set("period", `"2026-Q3"`).String(), n},
		{"§6.3 facet: link upper-case hex", fac.set("link", `"`+strings.ToUpper(link0)+`"`).String(), n},
		{"§6.3 facet: link of 31 bytes", fac.set("link", `"`+link0[:62]+`"`).String(), n},
		{"§6.3 facet: mitigations, 8", fac.set("mitigations", `["access-control","contract","disclosure","export-control","monitoring","other","screening","training"]`).String(), y},
		{"§6.3 facet: mitigations, 9", fac.set("mitigations", `["access-control","contract","disclosure","export-control","monitoring","other","screening","training","other"]`).String(), n},
		{"§6.3 facet: unknown mitigation class", fac.set("mitigations", `["firewall"]`).String(), n},
		{"§6.3 facet: names no record", fac.set("ref", `"`+cidA+`"`).String(), n},
		{"§6.3 facet: category, tech_areas, outcome", fac.set("category", `"c"`).set("tech_areas", `["ai"]`).set("outcome", `"pending"`).String(), y},

		// §6.1 policy.
		{"§6.1 policy: all members", ret.set("policy", `{"tlp":"TLP:AMBER+STRICT","audience":["members"],"caveats":["no-facet"]}`).String(), y},
		{"§6.1 policy: full-width TLP", ret.set("policy", `{"tlp":"ＴＬＰ：ＲＥＤ"}`).String(), y},
		{"§6.1 policy: amber strict", ret.set("policy", `{"tlp":"Amber Strict"}`).String(), y},
		{"§6.1 policy: trailing +", ret.set("policy", `{"tlp":"amber+"}`).String(), n},
		{"§6.1 policy: not a level", ret.set("policy", `{"tlp":"white"}`).String(), n},
		{"§6.1 policy: empty object", ret.set("policy", `{}`).String(), y},
		{"§6.1 (2026-11-30) policy: an empty tlp is no tlp", ret.set("policy", `{"tlp":""}`).String(), y},
		{"§6.1 (2026-11-30) policy: an empty audience is no audience", ret.set("policy", `{"audience":[]}`).String(), y},
		{"§6.1 policy: null", ret.set("policy", `null`).String(), n},
		{"§6.1 policy: unknown member", ret.set("policy", `{"level":"red"}`).String(), n},
		{"§6.1 policy: audience is a list", ret.set("policy", `{"audience":"members"}`).String(), n},
		{"§6.1 policy: a group and a peer", ret.set("policy", `{"audience":["members","`+peerA+`"]}`).String(), n},
		{"§6.1 policy: two peers", ret.set("policy", `{"audience":["`+peerA+`","`+peerB+`"]}`).String(), y},
		{"§6.1 policy: a peer twice", ret.set("policy", `{"audience":["`+peerA+`","`+peerA+`"]}`).String(), n},
		{"§6.1 policy: two groups", ret.set("policy", `{"audience":["members","lab"]}`).String(), n},
		{"§6.1 policy: neither group nor peer", ret.set("policy", `{"audience":["Members"]}`).String(), n},
		{"§6.1 policy: a caveat is a token", ret.set("policy", `{"caveats":["No Facet"]}`).String(), n},
		// A caveat the node does not know is refused by the publisher's
		// policy check (§10.4, policy.Policy.Check), not by the record's syntax.
		{"§6.1 policy: an unknown caveat token is valid syntax", ret.set("policy", `{"caveats":["no-export"]}`).String(), y},
		{"§6.2 policy: duplicate member", ret.String()[:len(ret.String())-1] + `,"policy":{"tlp":"red","tlp":"red"}}`, n},

		// §6.1 the object itself.
		{"§6.1 members in any order", `{"reason":"R","target":"` + cidA + `","kind":"retraction"}`, y},
		{"§6.1 insignificant white space", "{ \"kind\" : \"retraction\",\n\t\"target\": \"" + cidA + "\", \"reason\": \"R\" }", y},
		{"§6.1 (2026-11-30) no byte-order mark", "\ufeff" + ret.String(), n},
		{"§6.1 not an object", `[` + ret.String() + `]`, n},
		{"§6.1 kind is required", ret.del("kind").String(), n},
		{"§6.1 kind is case-sensitive", ret.set("kind", `"Retraction"`).String(), n},
		{"§6.1 unknown kind", ret.set("kind", `"person"`).String(), n},
		{"§6.4 senderkey in a record file", `{"epoch":1,"group":"members","key":"AGE-SECRET-KEY-1","kind":"senderkey","members":[]}`, n},
		{"§6.4 roster in a record file", `{"kind":"roster"}`, n},
		{"§2.6 a record under 262,144 bytes", ind.set("summary", strOf(65536, "a")).set("suggested_mitigation", strOf(65536, "a")).set("tech_areas", arrOf(64, strOf(64, "a"))).String(), y},
		// Every member valid, the whole over the limit of a body's plaintext.
		{"§2.6 a record over 262,144 bytes", met.set("narrative", strOf(65536, "a")).set("detection", strOf(65536, "a")).set("lessons", strOf(65536, "a")).set("mitigations", arrOf(64, strOf(512, "a"))).set("observed_indicators", arrOf(1000, `"`+cidA+`"`)).String(), n},
	}
}

var (
	peerA = specPeerID(1)
	peerB = specPeerID(2)
)

// specPeerID is the peer ID (§1) of the Ed25519 key with seed {i, 0, …}.
func specPeerID(i byte) string {
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = i
	return crypto.PeerIDFromPublicKey(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
}

// TestSpecRecordTable runs the table through ParseRecord and Validate, as
// a node does for a record file, and through Validate alone on the body
// ParseRecord made (what a node does when it opens an envelope).
func TestSpecRecordTable(t *testing.T) {
	for _, row := range specRecordRows() {
		r, err := share.ParseRecord([]byte(row.record))
		if err == nil {
			err = r.Validate()
		}
		if got := err == nil; got != row.ok {
			t.Errorf("%s: accepted = %v, SPEC.md says %v (err: %v)\n  %.200s", row.rule, got, row.ok, err, row.record)
			continue
		}
		if err != nil && !errors.Is(err, share.ErrInvalidRecord) && !errors.Is(err, share.ErrControlKind) &&
			!errors.Is(err, share.ErrUnknownKind) && !errors.Is(err, share.ErrTooLarge) {
			t.Errorf("%s: refused with %v, which is none of the record errors", row.rule, err)
		}
		if err == nil {
			// The sealed body is the object without policy, compact: it
			// must validate again as an opened body.
			if err := (&share.Record{Kind: r.Kind, Body: r.Body}).Validate(); err != nil {
				t.Errorf("%s: the body ParseRecord made does not validate: %v", row.rule, err)
			}
			if strings.Contains(string(r.Body), `"policy"`) && !strings.Contains(row.record, `"policy":{}`) {
				t.Errorf("%s: policy entered the body: %s", row.rule, r.Body)
			}
		}
	}
}

// TestSpecRecordOpenedBody checks the rules that apply to opened bodies
// (§6.2 "to record files and to opened bodies alike") on bytes that did not
// come through ParseRecord: a body as another node sealed it.
func TestSpecRecordOpenedBody(t *testing.T) {
	for _, c := range []struct {
		rule, kind, body string
		ok               bool
	}{
		{"§6.1 readers MUST NOT depend on member order", "retraction", `{"target":"` + cidA + `","reason":"R","kind":"retraction"}`, true},
		{"§6.1 a body with white space", "retraction", "{\n  \"kind\": \"retraction\", \"target\": \"" + cidA + "\", \"reason\": \"R\"\n}\n", true},
		{"§6.1 policy never enters the sealed body", "retraction", specRetraction.set("policy", `{}`).String(), false},
		{"§6.2 the body's kind is the header's", "retraction", specSighting.String(), false},
		{"§6.2 duplicate member in a body", "retraction", `{"kind":"retraction","kind":"retraction","target":"` + cidA + `","reason":"R"}`, false},
		{"§6.2 two values", "retraction", specRetraction.String() + specRetraction.String(), false},
		{"§6.2 invalid UTF-8", "retraction", specRetraction.set("reason", "\"\xff\"").String(), false},
		{"§6.2 trailing white space", "retraction", specRetraction.String() + " \r\n\t", true},
	} {
		err := (&share.Record{Kind: c.kind, Body: []byte(c.body)}).Validate()
		if got := err == nil; got != c.ok {
			t.Errorf("%s: accepted = %v, SPEC.md says %v (err: %v)", c.rule, got, c.ok, err)
		}
	}
}

// TestSpecRecordFile is §6.1's record file: one object, or JSON Lines.
func TestSpecRecordFile(t *testing.T) {
	one := specRetraction.String()
	for _, c := range []struct {
		rule, file string
		n          int // records; 0 means refused
	}{
		{"§6.1 one object", one, 1},
		{"§6.1 one object over several lines", "{\n \"kind\": \"retraction\",\n \"target\": \"" + cidA + "\",\n \"reason\": \"R\"\n}\n", 1},
		{"§6.1 JSON Lines", one + "\n" + one + "\n", 2},
		{"§6.1 JSON Lines with CRLF and a blank line", one + "\r\n\r\n" + one, 2},
		{"§6.1 (2026-11-30) objects separated by any white space", one + " " + one + "\n{\n\"kind\":\"retraction\",\"target\":\"" + cidA + "\",\"reason\":\"R\"}", 3},
		{"§6.1 an empty file", "\n", 0},
		{"§6.1 an array of records", "[" + one + "," + one + "]", 0},
		{"§6.1 (2026-11-30) a byte-order mark", "\ufeff" + one, 0},
		{"§6.1 one bad line refuses the file", one + "\n" + specRetraction.del("reason").String(), 0},
	} {
		recs, err := share.ParseRecords([]byte(c.file))
		if err == nil {
			for _, r := range recs {
				if err = r.Validate(); err != nil {
					break
				}
			}
		}
		got := len(recs)
		if err != nil {
			got = 0
		}
		if got != c.n {
			t.Errorf("%s: %d record(s), SPEC.md says %d (err: %v)", c.rule, got, c.n, err)
		}
	}
	// ParseRecord is the single-object reader: several values are refused.
	if _, err := share.ParseRecord([]byte(one + "\n" + one)); err == nil {
		t.Error("ParseRecord accepted two objects")
	}
}

// TestSpecSenderKeyBody is §6.4's table of the senderkey body.
func TestSpecSenderKeyBody(t *testing.T) {
	k, err := crypto.NewGroupKey()
	if err != nil {
		t.Fatal(err)
	}
	key := k.String()
	lo, hi := peerA, peerB
	if lo > hi {
		lo, hi = hi, lo
	}
	body := func(epoch, group, key, members string) string {
		return `{"epoch":` + epoch + `,"group":"` + group + `","key":"` + key + `","kind":"senderkey","members":` + members + `}`
	}
	two := `["` + lo + `","` + hi + `"]`
	for _, c := range []struct {
		rule, body string
		ok         bool
	}{
		{"§6.4 the example's shape", body("2", "members", key, two), true},
		{"§6.4 epoch 1", body("1", "lab_2", key, `["`+lo+`"]`), true},
		{"§6.4 epoch 2^64 − 1", body("18446744073709551615", "members", key, two), true},
		{"§6.4 epoch 0", body("0", "members", key, two), false},
		{"§6.4 epoch 1.0 is not a uint", body("1.0", "members", key, two), false},
		{"§6.4 epoch as a string", body(`"1"`, "members", key, two), false},
		{"§6.4 group is a group name", body("1", "2lab", key, two), false},
		{"§6.4 group is not a peer ID", body("1", lo, key, two), false},
		{"§6.4 members: none", body("1", "members", key, `[]`), false},
		{"§6.4 members: descending", body("1", "members", key, `["`+hi+`","`+lo+`"]`), false},
		{"§6.4 members: a duplicate", body("1", "members", key, `["`+lo+`","`+lo+`"]`), false},
		{"§6.4 members: not a peer ID", body("1", "members", key, `["12D3KooWnotapeer"]`), false},
		{"§6.4 key: lower case", body("1", "members", strings.ToLower(key), two), false},
		{"§6.4 key: an age recipient", body("1", "members", "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq", two), false},
		{"§6.4 no other members", strings.TrimSuffix(body("1", "members", key, two), "}") + `,"note":"x"}`, false},
		{"§6.4 no duplicates", strings.TrimSuffix(body("1", "members", key, two), "}") + `,"epoch":1}`, false},
		{"§6.4 kind required", `{"epoch":1,"group":"members","key":"` + key + `","members":` + two + `}`, false},
		{"§6.4 kind is senderkey", strings.Replace(body("1", "members", key, two), `"senderkey"`, `"roster"`, 1), false},
		// Writers write it compact and sorted; a reader does not refuse a
		// body that is not (2026-11-30: the text now says so).
		{"§6.4 (2026-11-30) a reader accepts members in another order", `{"kind":"senderkey","members":` + two + `,"key":"` + key + `","group":"members","epoch":1}`, true},
		{"§6.4 (2026-11-30) a reader accepts white space", "{ \"epoch\": 1, \"group\": \"members\", \"key\": \"" + key + "\", \"kind\": \"senderkey\", \"members\": " + two + " }", true},
	} {
		_, err := share.ParseSenderKeyBody([]byte(c.body))
		if got := err == nil; got != c.ok {
			t.Errorf("%s: accepted = %v, SPEC.md says %v (err: %v)", c.rule, got, c.ok, err)
		}
	}
	// 1024 members is the most (§6.4, one stanza each); 1025 is refused.
	ids := make([]string, 1025)
	for i := range ids {
		seed := make([]byte, ed25519.SeedSize)
		seed[0], seed[1] = byte(i), byte(i>>8)
		ids[i] = crypto.PeerIDFromPublicKey(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	}
	slices.Sort(ids)
	list := func(ids []string) string { return `["` + strings.Join(ids, `","`) + `"]` }
	if _, err := share.ParseSenderKeyBody([]byte(body("1", "members", key, list(ids[:1024])))); err != nil {
		t.Errorf("§6.4 1024 members refused: %v", err)
	}
	if _, err := share.ParseSenderKeyBody([]byte(body("1", "members", key, list(ids)))); err == nil {
		t.Error("§6.4 1025 members accepted")
	}
}

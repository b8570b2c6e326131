package guard

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Category tokens. A record's token fields (a method's tactic, an
// indicator's reason_category, a facet's category, tech_areas …) are what
// trend reports break down by: a token that names people's nationality,
// ethnicity or origin ("chinese_researchers", "overseas_chinese",
// "ethnic_uyghur", "country_of_origin_cn") would turn a trend into a
// breakdown by origin. Such tokens are refused under the nationality and
// ethnicity rules, with their messages.
//
// The words are the gazetteer's own (demonyms, ethnonyms, person nouns,
// goods words in lexicon.go), not a second list. Country and jurisdiction
// names stay allowed ("china_talent_plan", "export_control_us"): a country as
// a funding source, a jurisdiction or an export destination is an attribute of
// an organisation or a programme. A demonym is not, even where it may begin
// an organisation's name ("chinese_academy_of_sciences"): a category names a
// type of case, not an organisation, so in a token the demonym is refused and
// the writer uses the country ("china_academy_funding") or the name field.

// tokenFields are the record-body fields whose values are category tokens
// (share's validation types them "token"), and the trend dimensions they
// become. The key is matched exactly: these are schema names, not prose.
var tokenFields = map[string]bool{
	"reason_category": true, "tactic": true, "tech_areas": true, "tech_area": true,
	"category": true, "indicator_type": true, "asset_type": true, "source_type": true,
	"legal_effect": true, "role": true, "dimension": true, "type": true,
}

// notOrigin are gazetteer words that, inside a token, are more often
// something else: a country's name rather than a people's ("prc", "myanmar"
// — countries are allowed), a language ("english", "arabic"), a process
// ("polish"), or a colour or a policy term ("black_box", "white_list",
// "indigenous_innovation", a Chinese industrial policy).
var notOrigin = set("prc dprk rok myanmar mainland english arabic polish black white han indigenous")

// languageSubjects after a demonym make the two a language or a field of
// study, not a people: "japanese_nlp", "chinese_language_models",
// "korean_speech_recognition", "chinese_studies". A person noun anywhere
// after them still makes the token about people ("chinese_language_students").
// Ethnonyms get no such reading: "uyghur_nlp" stays refused.
var languageSubjects = set("nlp language languages linguistics translation speech text texts ocr corpus " +
	"corpora literature studies grammar script scripts morphology dialect dialects phonetics lexicography")

// originWords in a token name people's origin on their own.
var originWords = set("nationals citizens citizenship nationality nationalities ethnic ethnicity " +
	"ethnicities ethnically descent ancestry foreigner foreigners kokuseki gaikokujin gaikokuseki minzoku " +
	"shusshin zainichi diaspora")

// foreignWords make a person noun after them a person singled out for being
// foreign ("foreign_researchers"); "foreign_funding" is about money.
var foreignWords = set("foreign overseas")

// tokenOrigin reports whether a token value names people's nationality,
// ethnicity or origin, with the rule it falls under and the word that did.
func tokenOrigin(s string) (rule, word string, ok bool) {
	if s == "" || len(s) > 200 || strings.ContainsAny(s, " \t\n") {
		return "", "", false
	}
	t := strings.ToLower(s)
	if !isASCII(s) {
		t = strings.ToLower(foldLatin(norm.NFKC.String(s)))
	}
	ws := strings.FieldsFunc(t, func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	goods := false
	for _, w := range ws {
		if goodsWords[w] {
			goods = true
		}
	}
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if i+1 < len(ws) {
			two := w + " " + ws[i+1]
			if countries[two] { // "saudi_arabia", "north_korea": a country
				i++
				continue
			}
			if demonyms[two] { // "sri_lankan", "east_asian"
				return ruleNationality, two, true
			}
		}
		if demonyms[w] && !ethnonyms[w] && i+1 < len(ws) && languageSubjects[ws[i+1]] && !namesPeople(ws[i+2:]) {
			i++ // a language or a field: "japanese_nlp"
			continue
		}
		if r, ok := originWord(w); ok {
			return r, w, true
		}
		if r, ok := cjkOriginWord(w); ok {
			return r, w, true
		}
		switch {
		case w == "origin" || w == "origins":
			// "country_of_origin_cn" is a person's; "goods_origin_fraud"
			// is a shipment's.
			if !goods {
				return ruleNationality, w, true
			}
		case w == "national" || w == "citizen":
			// "foreign_national", "dual_citizen"; not "national_security"
			// or "citizen_science".
			if i > 0 && (foreignWords[ws[i-1]] || ws[i-1] == "dual" || ws[i-1] == "third" || ws[i-1] == "non") {
				return ruleNationality, ws[i-1] + "_" + w, true
			}
		case foreignWords[w] && i+1 < len(ws) && (personNouns[ws[i+1]] || personNouns[stem(ws[i+1])]):
			return ruleNationality, w + "_" + ws[i+1], true
		}
		// Compounds written without a separator: "chineseresearchers",
		// "overseaschinese", "ethnicuyghur" (not "germanium").
		if len(w) >= 8 {
			for j := 3; j <= len(w)-3; j++ {
				a, b := w[:j], w[j:]
				ra, oka := originWord(a)
				rb, okb := originWord(b)
				switch {
				case oka && (okb || personNouns[b] || personModifiers[b]):
					return ra, w, true
				case okb && (personNouns[a] || personModifiers[a] || foreignWords[a]):
					return rb, w, true
				}
			}
		}
	}
	return "", "", false
}

// namesPeople reports whether a token's words name people: a person noun or
// a word that stands before one ("phd", "visiting").
func namesPeople(ws []string) bool {
	for _, w := range ws {
		if personNouns[w] || personNouns[stem(w)] || personModifiers[w] {
			return true
		}
	}
	return false
}

// originWord reports whether one word of a token names people's origin on
// its own: a demonym, an ethnonym, or a word such as "nationals".
func originWord(w string) (rule string, ok bool) {
	if notOrigin[w] {
		return "", false
	}
	switch {
	case ethnonyms[w] || w == "ethnic" || w == "ethnicity" || w == "ethnicities" || w == "ethnically" || w == "minzoku":
		return ruleEthnicity, true
	case demonyms[w] || originWords[w]:
		return ruleNationality, true
	case len(w) > 4 && w[len(w)-1] == 's' && (demonyms[w[:len(w)-1]] || ethnonyms[w[:len(w)-1]]) && !notOrigin[w[:len(w)-1]]:
		// "iranians", "uyghurs"
		if ethnonyms[w[:len(w)-1]] {
			return ruleEthnicity, true
		}
		return ruleNationality, true
	}
	return "", false
}

// tokenVerdict is a token's answer, kept: tokens repeat from record to
// record (tactics, categories, tech areas).
type tokenVerdict struct {
	f  Finding
	ok bool
}

var tokenCache memo[tokenVerdict]

// tokenFinding is the refusal of a category token that names origin.
func tokenFinding(s string) (Finding, bool) {
	if v, ok := tokenCache.get(s); ok {
		return v.f, v.ok
	}
	f, ok := tokenFindingUncached(s)
	if len(s) <= 200 {
		tokenCache.put(s, tokenVerdict{f, ok})
	}
	return f, ok
}

func tokenFindingUncached(s string) (Finding, bool) {
	rule, word, ok := tokenOrigin(s)
	if !ok {
		return Finding{}, false
	}
	rt := ruleTexts[rule]
	f := fieldFinding(rule, Refuse,
		fmt.Sprintf("the category token %s names people's origin (%q), so reports broken down by it would classify people by %s", quoteShort(s), word, ruleWhat(rule)),
		fmt.Sprintf("カテゴリ値 %s は人の出自（%s）を表し、これで集計すると人を%sで分類することになります", quoteJA(s), word, rt.nounJA))
	f.Advice = "name the type of case or the method, not people's origin; a country as a jurisdiction, funding source or export destination is written as the country (china_talent_plan, export_control_us)."
	f.AdviceJA = "人の出自ではなく、事案の種類や手口を記述してください。管轄・資金源・輸出先としての国は国名で書いてください（china_talent_plan、export_control_us）。"
	return f, true
}

// ruleWhat is the English noun of a protected attribute's rule.
func ruleWhat(rule string) string {
	for _, a := range protectedAttributes {
		if a.rule == rule {
			return a.what
		}
	}
	return rule
}

// walkTokens checks the value of a token field: a string, or an array of
// strings (tech_areas).
func (w *walker) walkTokens(v *jvalue, path []pathSeg) {
	switch v.kind {
	case jString:
		if f, ok := tokenFinding(v.str); ok {
			w.add(path, f)
		}
	case jArray:
		for i, e := range v.vals {
			if e.kind == jString {
				if f, ok := tokenFinding(e.str); ok {
					w.add(append(path, pathSeg{index: i}), f)
				}
			}
		}
	}
}

// cjkOriginSuffixes, after a place of the gazetteer, make a token word about
// people's origin: 中国系, イラン人, 中国籍, ウイグル族, 中国出身. (Tokens are
// lower-case ASCII once validated, so such a token never publishes; the
// guard refuses it first all the same, with the rule's message.)
var cjkOriginSuffixes = []struct{ suffix, rule string }{
	{"族", ruleEthnicity}, {"系", ruleEthnicity}, {"人", ruleNationality}, {"籍", ruleNationality},
	{"出身", ruleNationality}, {"国籍", ruleNationality},
}

// cjkOriginWord reports whether a non-ASCII token word is a place of the
// gazetteer followed by a suffix of origin.
func cjkOriginWord(w string) (rule string, ok bool) {
	if isASCII(w) {
		return "", false
	}
	for _, place := range cjkPlaces {
		rest, found := strings.CutPrefix(w, place)
		if !found {
			continue
		}
		for _, s := range cjkOriginSuffixes {
			if strings.HasPrefix(rest, s.suffix) && !(s.suffix == "人" && cjkNotPerson(rest[len(s.suffix):])) {
				return s.rule, true
			}
		}
	}
	return "", false
}

// cjkNotPerson reports whether what follows 人 makes a word that is not a
// person (中国人民大学, 人材).
func cjkNotPerson(rest string) bool {
	for _, n := range cjkNotAfterPerson {
		if strings.HasPrefix(rest, n) {
			return true
		}
	}
	return false
}

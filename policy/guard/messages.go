package guard

import (
	"fmt"
	"strconv"
	"strings"
)

// Messages for people: a compliance officer reads them in English or
// Japanese. Each finding says where (the field and the character), what (the
// phrase, quoted), why (the principle) and what to do instead.

// ruleText is what a rule's finding says in each language.
type ruleText struct {
	// what completes "… gives …" / 「…」は…: what the phrase reveals.
	what, whatJA string
	// noun names the attribute: "nationality or citizenship" / 国籍・市民権.
	nounJA      string
	principleJA string
	advice      string
	adviceJA    string
}

const (
	principleNonDiscriminationJA = "URSIC が評価するのは組織・プログラム・手口であり、人の出自ではありません（コンソーシアムの差別禁止の原則、個人情報保護法第19条）。"
	principleNoPersonScoreJA     = "URSIC が評価するのは組織・プログラム・手口であり、個人をスコア付けすることはありません（コンソーシアムの差別禁止の原則、個人情報保護法第19条）。"
	principleSubjectJA           = "指標の対象は組織・プログラム・資金源・発表媒体・役割パターンであり、人ではありません（コンソーシアムの差別禁止の原則、個人情報保護法第19条）。"
	principleIdentityDocumentJA  = "URSIC は身分証明書の番号を扱いません。番号は個人を特定し、出自を明らかにするためです（個人情報保護法第19条、外国への提供は第28条で制限）。"
	principlePersonalDataJA      = "URSIC は必要な場合を除き個人情報を扱いません（個人情報保護法、外国への提供は第28条で制限）。"
	principleSpecialCareJA       = "URSIC は人の病歴・犯罪歴・政治的信条・労働組合への加入・性的指向・社会的身分・障害を扱いません。要配慮個人情報の取得には本人の同意が必要です（個人情報保護法第2条第3項、第20条第2項、コンソーシアムの差別禁止の原則）。"
	principleFailClosedJA        = "URSIC は封印の前にすべてのフィールドを確認するため、確認できない内容は受け付けません（フェイルクローズ）。"

	adviceOrigin     = "describe the organisation or the method, not the person's origin."
	adviceOriginJA   = "人の出自ではなく、組織や手口を記述してください。"
	adviceFlag       = "remove it if it is not necessary; if it is, repeat with --confirm-personal-data."
	adviceFlagJA     = "不要であれば削除してください。必要な場合は --confirm-personal-data を付けて再実行してください。"
	adviceEncoded    = "write it as plain text so that the node can check it; if it must be sent as it is, repeat with --confirm-personal-data."
	adviceEncodedJA  = "ノードが確認できるよう平文で書いてください。そのまま送る必要がある場合は --confirm-personal-data を付けて再実行してください。"
	principleEncoded = "This node cannot check encoded content, so it holds it back until you confirm it (URSIC carries no personal data unless necessary)."
	principleEncJA   = "このノードは符号化された内容を確認できないため、確認を得るまで保留します（URSIC は必要な場合を除き個人情報を扱いません）。"
)

var ruleTexts = map[string]ruleText{
	ruleNationality: {what: "a person's nationality or citizenship", whatJA: "人の国籍・市民権", nounJA: "国籍・市民権",
		principleJA: principleNonDiscriminationJA, advice: adviceOrigin, adviceJA: adviceOriginJA},
	ruleEthnicity: {what: "a person's ethnicity", whatJA: "人の民族", nounJA: "民族",
		principleJA: principleNonDiscriminationJA, advice: adviceOrigin, adviceJA: adviceOriginJA},
	ruleRace: {what: "a person's race", whatJA: "人の人種", nounJA: "人種",
		principleJA: principleNonDiscriminationJA, advice: adviceOrigin, adviceJA: adviceOriginJA},
	ruleReligion: {what: "a person's religion", whatJA: "人の宗教・信条", nounJA: "宗教・信条",
		principleJA: principleNonDiscriminationJA, advice: adviceOrigin, adviceJA: adviceOriginJA},
	ruleBirthplace: {what: "where a person was born or comes from", whatJA: "人の出生地・出身地", nounJA: "出生地・出身地",
		principleJA: principleNonDiscriminationJA, advice: adviceOrigin, adviceJA: adviceOriginJA},
	ruleImmigrationStatus: {what: "a person's visa or residence status", whatJA: "人のビザ・在留資格", nounJA: "ビザ・在留資格",
		principleJA: principleNonDiscriminationJA,
		advice:      "describe the programme or the method; leave out anyone's visa or residence status.",
		adviceJA:    "人のビザや在留資格ではなく、プログラムや手口を記述してください。"},
	ruleIdentityDocument: {what: "an identity-document number (passport, residence card …)", whatJA: "旅券・在留カード等の身分証明書の番号", nounJA: "身分証明書の番号",
		principleJA: principleIdentityDocumentJA,
		advice:      "remove the number; refer to the case by your office's own reference.",
		adviceJA:    "番号を削除し、案件は自機関の整理番号で参照してください。"},
	rulePersonRiskScore: {what: "a risk score or rating of an individual person", whatJA: "個人に対するリスク評価・スコア", nounJA: "個人のリスク評価",
		principleJA: principleNoPersonScoreJA,
		advice:      "rate the organisation, programme or method, not the person.",
		adviceJA:    "人ではなく、組織・プログラム・手口を評価してください。"},
	ruleSpecialCare: {what: "special-care personal information about a person", whatJA: "人の要配慮個人情報", nounJA: "要配慮個人情報",
		principleJA: principleSpecialCareJA,
		advice:      "describe the organisation or the method; leave out anyone's health, record, beliefs, membership, orientation, origin or disability.",
		adviceJA:    "組織や手口を記述し、人の病歴・犯罪歴・信条・加入団体・性的指向・出自・障害は記載しないでください。"},
	ruleSubjectIsPerson: {what: "a person as the subject of an indicator", whatJA: "指標の対象としての人", nounJA: "人である対象",
		principleJA: principleSubjectJA,
		advice:      "make the subject an organisation, programme, funding source, venue or role pattern.",
		adviceJA:    "対象を組織・プログラム・資金源・発表媒体・役割パターンにしてください。"},
	ruleTooDeep: {what: "nesting too deep to check", whatJA: "確認できない深さの入れ子", nounJA: "深すぎる入れ子",
		principleJA: principleFailClosedJA,
		advice:      "flatten the record.", adviceJA: "レコードの入れ子を浅くしてください。"},
	ruleEncoded: {what: "encoded content this node cannot check", whatJA: "このノードが確認できない符号化された内容", nounJA: "符号化された内容",
		principleJA: principleEncJA, advice: adviceEncoded, adviceJA: adviceEncodedJA},
	ruleEmail:             {what: "an e-mail address", whatJA: "電子メールアドレス", nounJA: "電子メールアドレス", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	ruleORCID:             {what: "an ORCID iD", whatJA: "ORCID iD", nounJA: "ORCID iD", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	rulePhone:             {what: "a phone number", whatJA: "電話番号", nounJA: "電話番号", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	rulePersonalName:      {what: "a personal name", whatJA: "個人名", nounJA: "個人名", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	ruleEmailField:        {what: "an e-mail address", whatJA: "電子メールアドレス", nounJA: "電子メールアドレス", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	ruleORCIDField:        {what: "an ORCID iD", whatJA: "ORCID iD", nounJA: "ORCID iD", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	rulePhoneField:        {what: "a phone number", whatJA: "電話番号", nounJA: "電話番号", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	rulePersonalNameField: {what: "a person's name", whatJA: "個人名", nounJA: "個人名", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	ruleDateOfBirth:       {what: "a date of birth", whatJA: "生年月日", nounJA: "生年月日", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	rulePersonalRelation: {what: "a person singled out through a relative (the applicant's father, whose wife …)", whatJA: "家族関係による個人の特定（申請者の父親、その妻 など）", nounJA: "家族関係による個人の特定",
		principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	rulePersonalID: {what: "a number or account that identifies one person (staff or student number, messenger or author ID)", whatJA: "個人を特定する番号・アカウント（職員番号・学籍番号、メッセンジャーや研究者のID）", nounJA: "個人を特定する番号・アカウント",
		principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	rulePersonDescription: {what: "a description that singles out one person (an age or year of birth, appearance, a gender with a role only one person has, an alias)", whatJA: "個人を特定する描写（年齢・生年、容姿、一人しかいない性別と役職、別名）", nounJA: "個人を特定する描写",
		principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
	ruleHomeAddress: {what: "a home address", whatJA: "自宅住所", nounJA: "自宅住所", principleJA: principlePersonalDataJA, advice: adviceFlag, adviceJA: adviceFlagJA},
}

// Lang is a language for messages: "en" or "ja".
type Lang string

// The languages messages are written in.
const (
	English  Lang = "en"
	Japanese Lang = "ja"
)

// ParseLang picks a message language from a --lang value, an
// Accept-Language header or a locale (LANG, LC_ALL): Japanese if the first
// language named is Japanese ("ja", "ja-JP", "ja_JP.UTF-8", "ja,en;q=0.8"),
// English otherwise.
func ParseLang(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" || strings.HasPrefix(part, "*") {
			continue
		}
		if strings.HasPrefix(part, "ja") {
			return Japanese
		}
		return English
	}
	return English
}

// where says where a finding is, in each language.
func (f Finding) where(lang Lang) string {
	if lang == Japanese {
		switch {
		case f.Path == "":
			return "レコード全体"
		case f.Offset >= 0:
			return fmt.Sprintf("フィールド %s の %d 文字目", f.Path, f.Offset+1)
		}
		return "フィールド " + f.Path
	}
	switch {
	case f.Path == "":
		return "the record"
	case f.Offset >= 0:
		return fmt.Sprintf("field %s, character %d", f.Path, f.Offset+1)
	}
	return "field " + f.Path
}

// Text is the whole finding as one line for people: where, what (quoted),
// why, and what to do instead. lang is English or Japanese.
//
//	field narrative, character 18: "a Chinese national" gives a person's nationality or citizenship.
//	URSIC assesses organisations, programmes and methods, never people's origin (…).
//	What to do instead: describe the organisation or the method, not the person's origin.
func (f Finding) Text(lang Lang) string {
	rt := ruleTexts[f.Rule]
	if lang == Japanese && f.MessageJA != "" {
		s := f.where(lang) + "：" + f.MessageJA + "。"
		if p := firstNonEmpty(f.PrincipleJA, rt.principleJA); p != "" {
			s += p
		}
		if a := firstNonEmpty(f.AdviceJA, rt.adviceJA); a != "" {
			s += "対処：" + a
		}
		return s
	}
	s := f.where(English) + ": " + f.Message + "."
	if f.Principle != "" {
		s += " " + f.Principle
	}
	if a := firstNonEmpty(f.Advice, rt.advice); a != "" {
		s += " What to do instead: " + a
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// quoteJA quotes a phrase in Japanese brackets, shortened.
func quoteJA(s string) string {
	q := quoteShort(s)
	u, err := strconv.Unquote(q)
	if err != nil {
		u = s
	}
	return "「" + u + "」"
}

// textMessages builds the English and Japanese messages for a phrase found
// in text.
func textMessages(rule, phrase, via string) (string, string) {
	rt := ruleTexts[rule]
	en := fmt.Sprintf("%s gives %s", quoteShort(phrase), rt.what)
	ja := fmt.Sprintf("%sは%sを示しています", quoteJA(phrase), rt.whatJA)
	if via != "" {
		en = fmt.Sprintf("%s text %s decodes to words that give %s", via, quoteShort(phrase), rt.what)
		ja = fmt.Sprintf("%s で符号化された%sは、%sを示す語に復号されます", via, quoteJA(phrase), rt.whatJA)
	}
	return en, ja
}

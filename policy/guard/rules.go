package guard

// The guardrail rules: what each one matches and the principle it serves.
// docs/GUARDRAILS.md lists them for people; a test checks that every rule ID
// here appears there.

// The principles a finding cites, one sentence each.
const (
	principleNonDiscrimination = "URSIC assesses organisations, programmes and methods, never people's origin (consortium principle of non-discrimination; APPI Art. 19)."
	principleNoPersonScore     = "URSIC assesses organisations, programmes and methods, never scores individual people (consortium principle of non-discrimination; APPI Art. 19)."
	principleSubject           = "An indicator is about an organisation, programme, funding source, publication venue or role pattern, never a person (consortium principle of non-discrimination; APPI Art. 19)."
	principleIdentityDocument  = "URSIC never carries identity-document numbers, which identify a person and reveal origin (APPI Art. 19; transfer abroad restricted by Art. 28)."
	principlePersonalData      = "URSIC carries no personal data unless necessary (APPI; transfer abroad restricted by Art. 28)."
	principleSpecialCare       = "URSIC never carries a person's health, criminal record, political opinion, union membership, sexual orientation, social origin or disability: special-care personal information needs the person's consent (APPI Art. 2(3), Art. 20(2); consortium principle of non-discrimination)."
	principleFailClosed        = "URSIC checks every field before sealing, so content it cannot check is refused (fail closed)."
)

// Rule IDs. Refused: nationality … too-deep. Flagged: the rest.
const (
	ruleNationality       = "nationality"
	ruleEthnicity         = "ethnicity"
	ruleRace              = "race"
	ruleReligion          = "religion"
	ruleBirthplace        = "birthplace"
	ruleImmigrationStatus = "immigration-status"
	ruleIdentityDocument  = "identity-document"
	rulePersonRiskScore   = "person-risk-score"
	ruleSubjectIsPerson   = "subject-is-person"
	ruleTooDeep           = "too-deep"
	ruleEncoded           = "encoded-content"

	ruleEmail             = "email"
	ruleORCID             = "orcid"
	rulePhone             = "phone"
	rulePersonalName      = "personal-name"
	ruleEmailField        = "email-field"
	ruleORCIDField        = "orcid-field"
	rulePhoneField        = "phone-field"
	rulePersonalNameField = "personal-name-field"
	ruleDateOfBirth       = "date-of-birth"
	ruleHomeAddress       = "home-address"
	rulePersonalID        = "personal-id"
	rulePersonalRelation  = "personal-relation"
	rulePersonDescription = "person-description"
)

// attribute is a meaning the guardrails look for in field names, in short
// values and in "Label: value" text.
type attribute struct {
	rule      string
	severity  Severity
	what      string // "nationality or citizenship": completes "refers to …"
	principle string
	m         matcher
	textRule  string          // rule ID when found as a "Label: value" in text; "" = same
	vocab     map[string]bool // m.vocabulary(), computed once
}

// protectedAttributes are refused wherever they appear as a field name, as a
// value that is nothing but the attribute ("nationality-based"), or as a
// "Label: value" entry in text.
var protectedAttributes = []*attribute{
	{
		rule: ruleNationality, severity: Refuse, what: "nationality or citizenship",
		principle: principleNonDiscrimination,
		m: matcher{
			phrases: phrases("nationality", "citizenship", "citizen", "national origin",
				"nation of origin", "home country",
				"foreign national", "foreigner", "non japanese", "gaikokujin", "kokuseki",
				"nationalite", "nacionalidad", "nazionalita", "nationalitat", "citoyennete",
				"ciudadania", "staatsangehorigkeit", "staatsangehoerigkeit", "staatsburgerschaft"),
			subs: subs("nationality", "citizenship", "staatsangehorigkeit", "staatsangehoerigkeit",
				"nacionalidad", "nationalite", "nationoforigin", "nationalorigin",
				"foreignnational", "国籍", "國籍", "市民権", "公民身份", "外国人", "국적", "시민권", "외국인"),
			unless: phrases("citizen science", "citizen scientist", "citizen engagement"),
		},
	},
	{
		rule: ruleEthnicity, severity: Refuse, what: "ethnicity",
		principle: principleNonDiscrimination,
		m: matcher{
			phrases: phrases("ethnicity", "ethnic", "tribe", "tribal", "caste", "minzoku",
				"ethnie", "etnia", "ethnizitat", "ethnizitaet"),
			subs: subs("ethnic", "民族", "部族", "エスニシティ", "민족"),
		},
	},
	{
		rule: ruleRace, severity: Refuse, what: "race",
		principle: principleNonDiscrimination,
		m: matcher{
			phrases: phrases("race", "racial", "skin color", "skin colour", "jinshu", "rasse", "raza"),
			subs:    subs("racial", "skincolor", "skincolour", "人種", "人种", "種族", "种族", "인종"),
			unless:  phrases("race condition", "arms race", "data race", "race to"),
		},
	},
	{
		rule: ruleReligion, severity: Refuse, what: "religion or creed",
		principle: principleNonDiscrimination,
		m: matcher{
			phrases: phrases("religion", "religious", "faith", "creed", "denomination", "shukyo",
				"konfession", "religionszugehorigkeit"),
			subs: subs("religio", "宗教", "信仰", "宗派", "信教", "종교"),
			unless: phrases("good faith", "bad faith", "currency denomination", "denomination currency",
				"amount denomination", "denomination amount"),
		},
	},
	{
		rule: ruleBirthplace, severity: Refuse, what: "birthplace",
		principle: principleNonDiscrimination,
		m: matcher{
			phrases: phrases("birthplace", "place of birth", "pob", "born in", "born at", "hometown",
				"home town", "native place", "native country", "foreign born", "honseki",
				"geburtsort", "geburtsland", "lieu de naissance", "lugar de nacimiento"),
			conj: [][]map[string]bool{both("birth born natal naissance nacimiento geburt",
				"place country city town location region province prefecture state nation county village land lieu lugar ort")},
			subs: subs("birthplace", "placeofbirth", "countryofbirth", "birthcountry", "cityofbirth",
				"birthcity", "hometown", "geburtsort", "geburtsland", "出身地", "出身国", "出身県", "出身", "出生国",
				"出生地", "出生国", "本籍", "籍贯", "籍貫", "故郷", "출생지", "출신지", "출신국", "고향"),
		},
	},
	{
		rule: ruleImmigrationStatus, severity: Refuse, what: "visa or residence status",
		principle: principleNonDiscrimination,
		m: matcher{
			phrases: phrases("visa", "immigration", "residence permit", "work permit", "permanent resident",
				"permanent residency", "green card", "asylum", "refugee", "zairyu shikaku",
				"aufenthaltstitel", "aufenthaltsstatus", "visum"),
			conj: [][]map[string]bool{both("residence residency resident stay",
				"status permit type category qualification eligibility period")},
			subs: subs("immigration", "visastatus", "visatype", "residencestatus", "residencystatus",
				"residentstatus", "residencepermit", "aufenthalt", "在留", "査証", "ビザ", "永住",
				"入管", "签证", "簽證", "居留", "비자", "체류", "사증", "영주"),
		},
	},
	{
		rule: ruleIdentityDocument, severity: Refuse,
		what:      "a passport, residence-card or other identity-document number",
		principle: principleIdentityDocument,
		m: matcher{
			phrases: phrases("passport", "residence card", "zairyu card", "my number", "mynumber",
				"individual number", "national identity", "national id", "national id card", "national id number",
				"id card", "identity card", "identity document", "social security", "ssn",
				"driver license", "drivers license", "driving licence", "driving license",
				"reisepass", "personalausweis", "kojin bango"),
			subs: subs("passport", "residencecard", "zairyu", "mynumber", "socialsecurity",
				"driverslicense", "driverlicense", "drivinglicence", "drivinglicense", "personalausweis",
				"旅券", "パスポート", "在留カード", "個人番号", "マイナンバー", "身分証", "免許証",
				"住民票", "护照", "護照", "身份证", "身分證", "여권", "주민등록", "운전면허"),
		},
	},
	{
		rule: rulePersonRiskScore, severity: Refuse, what: "a person-level risk score",
		principle: principleNoPersonScore,
		m: matcher{
			phrases: phrases("personal risk", "individual risk", "person risk", "people risk", "per person",
				"suspicion score", "suspicion level", "suspicion rating", "suspicion", "loyalty score", "loyalty",
				"trustworthiness"),
			conj: [][]map[string]bool{both(
				personWords+" personal",
				riskWords)},
			unlessTok: words(orgWords),
			unless:    phrases("personal data", "personal information", "human right", "human subject"),
			subs: subs("個人リスク", "人物リスク", "研究者リスク", "個人スコア", "人物スコア",
				"人物評価", "個人の危険度", "개인위험", "연구자위험"),
		},
	},
}

// personalDataFields are flagged when a field with such a name holds a value.
var personalDataFields = []*attribute{
	{
		rule: rulePersonalNameField, severity: Flag, what: "a person's name", textRule: rulePersonalName,
		principle: principlePersonalData,
		m: matcher{
			phrases: phrases("full name", "fullname", "surname", "given name", "family name",
				"first name", "firstname", "last name", "lastname", "middle name", "maiden name",
				"forename", "birth name", "name of person", "shimei", "vorname", "nachname"),
			exact: phrases("氏", "姓", "名", "名前", "이름"),
			conj: [][]map[string]bool{both("name",
				personWords+" contact reviewer owner sender recipient signatory holder")},
			unlessTok: words(orgWords),
			subs:      subs("氏名", "姓名", "フルネーム", "名字", "苗字", "성명", "fullname", "firstname", "lastname", "surname"),
		},
	},
	{
		rule: ruleEmailField, severity: Flag, what: "an e-mail address", textRule: ruleEmail,
		principle: principlePersonalData,
		m: matcher{
			phrases: phrases("email", "e mail", "mail address", "mailaddress"),
			exact:   phrases("mail", "mail to"),
			subs:    subs("email", "メール", "電子メール", "메일", "이메일", "邮箱", "電郵"),
		},
	},
	{
		rule: rulePhoneField, severity: Flag, what: "a phone number", textRule: rulePhone,
		principle: principlePersonalData,
		m: matcher{
			phrases: phrases("phone", "telephone", "tel", "fax", "cellphone", "mobile number", "mobile phone",
				"cell phone", "cell number"),
			exact: phrases("mobile", "cell"),
			subs:  subs("telephone", "phonenumber", "電話", "携帯", "ファックス", "ファクス", "전화", "휴대폰", "电话"),
		},
	},
	{
		rule: ruleORCIDField, severity: Flag, what: "an ORCID iD", textRule: ruleORCID,
		principle: principlePersonalData,
		m:         matcher{subs: subs("orcid")},
	},
	{
		rule: ruleDateOfBirth, severity: Flag, what: "a date of birth",
		principle: principlePersonalData,
		m: matcher{
			phrases: phrases("date of birth", "birth date", "birthdate", "birthday", "dob",
				"year of birth", "birth year", "geburtsdatum"),
			subs: subs("dateofbirth", "birthdate", "birthday", "生年月日", "誕生日", "出生日期", "생년월일"),
		},
	},
	{
		rule: ruleHomeAddress, severity: Flag, what: "a home address",
		principle: principlePersonalData,
		m: matcher{
			phrases: phrases("home address", "residential address", "private address", "street address"),
			subs:    subs("homeaddress", "自宅", "現住所", "住所", "자택", "주소"),
		},
	},
}

// Word lists shared by several rules.
const (
	// personWords name a person (not an institution: "member" and "author"
	// are URSIC nodes, so they are not here).
	personWords = "person people individual researcher student employee applicant staff scientist " +
		"scholar visitor pi professor postdoc human investigator personnel worker candidate " +
		"founder cofounder ceo director recruiter chairman chairperson president officer " +
		"研究者 個人 人物 学生 職員 教員 社員 留学生 研究員 申請者 人員 연구자 개인 학생"
	// riskWords make a field a score or judgement.
	riskWords = "risk score threat rating suspicion suspicious danger dangerousness severity " +
		"trust trustworthiness loyalty リスク スコア 脅威 危険 危険度 評価 위험 점수"
	// orgWords make a compound name about an organisation or programme.
	orgWords = "programme program exchange org organisation organization institution university " +
		"lab laboratory project team venue fund funding company department"
)

var (
	personWordSet = words(personWords)
	riskWordSet   = words(riskWords)
	// personNameHeads are the person words that, as a whole field name with a
	// string value ("researcher": "…"), hold a name.
	personNameHeads = words(personWords + " contact principal responsible lead corresponding")
	// originKeys, inside an object about a person, give that person's origin
	// ("applicant": {"country": "…"}); about an organisation they are allowed.
	originKeys = words("country origin jurisdiction homeland 国 出身")
)

// personValues are values of a kind/type field that make the object a person
// (and an indicator subject with such a kind is refused).
var personValues = words(personWords + " persons natural private named 自然人 人 사람 个人 人员")

// notPersonKind are value tokens that make a kind a role pattern or an
// organisation even when a person word is present ("researcher role pattern").
var notPersonKind = words(orgWords + " role pattern position post group recruitment")

// kindKeys are the field names that classify the object they are in.
var kindKeys = words("kind type category class entity subject_type entity_type")

// glueWords may accompany an attribute in a value that is nothing but that
// attribute ("nationality-based", "by country of birth", "visa status code").
var glueWords = words("based by on of the a an and or in at to for status type category group code " +
	"origin background affiliation information info data level class classification " +
	"number no id card profiling screening discrimination foreign own person personal " +
	"individual applicant researcher staff student 別 による 等 ごと")

func init() {
	for _, list := range [][]*attribute{protectedAttributes, personalDataFields} {
		for _, a := range list {
			a.vocab = a.m.vocabulary()
			if a.textRule == "" {
				a.textRule = a.rule
			}
		}
	}
}

// ruleCatalogue lists every rule ID with its severity and principle, in the
// order of docs/GUARDRAILS.md.
var ruleCatalogue = []struct {
	Rule      string
	Severity  Severity
	Principle string
}{
	{ruleNationality, Refuse, principleNonDiscrimination},
	{ruleEthnicity, Refuse, principleNonDiscrimination},
	{ruleRace, Refuse, principleNonDiscrimination},
	{ruleReligion, Refuse, principleNonDiscrimination},
	{ruleBirthplace, Refuse, principleNonDiscrimination},
	{ruleImmigrationStatus, Refuse, principleNonDiscrimination},
	{ruleIdentityDocument, Refuse, principleIdentityDocument},
	{rulePersonRiskScore, Refuse, principleNoPersonScore},
	{ruleSpecialCare, Refuse, principleSpecialCare},
	{ruleSubjectIsPerson, Refuse, principleSubject},
	{ruleTooDeep, Refuse, principleFailClosed},
	{ruleEncoded, Flag, principleEncoded},
	{ruleEmail, Flag, principlePersonalData},
	{ruleORCID, Flag, principlePersonalData},
	{rulePhone, Flag, principlePersonalData},
	{rulePersonalName, Flag, principlePersonalData},
	{ruleEmailField, Flag, principlePersonalData},
	{ruleORCIDField, Flag, principlePersonalData},
	{rulePhoneField, Flag, principlePersonalData},
	{rulePersonalNameField, Flag, principlePersonalData},
	{ruleDateOfBirth, Flag, principlePersonalData},
	{ruleHomeAddress, Flag, principlePersonalData},
	{rulePersonalID, Flag, principlePersonalData},
	{rulePersonalRelation, Flag, principlePersonalData},
	{rulePersonDescription, Flag, principlePersonalData},
}

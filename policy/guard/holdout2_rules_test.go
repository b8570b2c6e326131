package guard_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/ursic/ursic/policy/guard"
)

// TestHoldout2Classes pins each class of phrasing the second held-out corpus
// (holdout2-2026-11-30.jsonl) found missed, with variants that are not in the
// corpus, next to near-misses each fix must keep letting through. Each
// refusal or hold here would pass again if its rule broke; each pass would
// be stopped if the rule grew too wide.
func TestHoldout2Classes(t *testing.T) {
	method := func(narrative string) []byte {
		b, _ := json.Marshal(map[string]any{"kind": "method", "title": "t", "tactic": "policy",
			"period": "2026-Q3", "narrative": narrative})
		return b
	}
	cases := []struct{ name, text, want string }{
		// Lines a PDF's layout broke.
		{"PDF JA nationality split", "招へい予定者の国\n籍は中国である。", "refuse nationality"},
		{"PDF JA place+suffix split", "当該研究員は中\n国籍であり、", "refuse nationality"},
		{"PDF EN hyphenated attribute", "The form lists the applicant's citizen-\nship as Iranian.", "refuse nationality"},
		{"PDF JA name split before honorific", "申請者の鈴\n木一郎氏は財団の理事を兼ねる。", "hold personal-name"},
		{"PDF JA organisation split", "中国科学\n院と北橋光学は覚書を結んだ。", "pass"},
		{"PDF EN organisation hyphenated", "The Korea Ad-\nvanced Institute of Science and Technology signed.", "pass"},
		{"list lines are not joined", "・受入研究室：材料工学\n・国際課が確認", "pass"},
		// Tables pasted as text.
		{"TSV column 国籍", "氏名\t所属\t国籍\n（省略）\t理学部\t韓国", "refuse nationality"},
		{"CSV column 出身国 with spaces", "番号, 出身国, 研究科\n1, ベトナム, 工学", "refuse birthplace"},
		{"CSV header Nationality, spaced", "ID, Nationality, Lab\n1, VN, Optics", "refuse nationality"},
		{"table of organisations by country", "機関名\t国・地域\t区分\n清華大学\t中国\t大学", "pass"},
		{"table of funders by country", "Funder, Country, Awards\nNSFC, China, 14", "pass"},
		{"table of companies with 国籍", "企業名\t国籍\t掲載リスト\n北方精密机械\t中国\t米国エンティティリスト", "pass"},
		{"table of people and companies", "氏名\t企業名\t国籍\n（省略）\t北橋光学\t中国", "refuse nationality"},
		// Names as officers paste them.
		{"role label + spaced JA name", "差出人：研究推進課 中村 由美\n件名：確認", "hold personal-name"},
		{"role label + katakana name", "担当者：タナカ ハナコ（内線 2200）", "hold personal-name"},
		{"role label + Chinese name", "联系人：陈静（清华大学）", "hold personal-name"},
		{"role label + Korean name", "담당자: 박지훈 (공과대학)", "hold personal-name"},
		{"surname + job title", "出席：井上課長、松本係長", "hold personal-name"},
		{"spaced name in a CSV row", "連絡窓口\n木村 拓也,研究推進課,2231", "hold personal-name"},
		{"family name in capitals", "Co-PI: WATANABE Naoki (Faculty of Engineering)", "hold personal-name"},
		{"given name then capitals", "Contact person is Minjun KIM of the partner lab.", "hold personal-name"},
		{"role label + company", "Applicant: Park Systems Corp. (Suwon)", "pass"},
		{"role label + katakana office", "担当：アジア センター", "pass"},
		{"surname + place", "上野 駅で待ち合わせ。千葉 県の施設。", "pass"},
		{"surname + chair title", "議長：高橋理事長", "hold personal-name"},
		{"role label + office, no name", "差出人：研究推進課 安全保障輸出管理係\n担当：国際課", "pass"},
		{"titles only", "出席：委員長、副委員長、研究推進部長、事務局長", "pass"},
		{"lab named after a surname", "中村 研究室と北橋光学の共同研究", "pass"},
		{"capitals acronym before a word", "METI End User List and KAIST Proposal", "pass"},
		{"foundation named after a person in capitals", "LEE Foundation grant terms were reviewed.", "pass"},
		// Identifiers that point at one person.
		{"student number", "学生番号: 24M5678 の学生から相談", "hold personal-id"},
		{"staff number", "Staff ID 104233 requested access.", "hold personal-id"},
		{"messenger handle", "WeChat ID: zhao_lei88 で連絡", "hold personal-id"},
		{"researchmap profile", "See https://researchmap.jp/jiro_sato for the profile.", "hold personal-id"},
		{"alien registration number", "外国人登録番号 987654321 が記載", "refuse identity-document"},
		{"LINE the company", "LINE Corporation and Yahoo Japan merged.", "pass"},
		{"line numbers", "Line 12 of the contract names the beneficiary.", "pass"},
		// A person through a relative.
		{"JA applicant's mother", "応募者の母親が当該企業の役員である。", "hold personal-relation"},
		{"EN whose husband", "A postdoc hired in May, whose husband works for the sponsor, asked for access.", "hold personal-relation"},
		{"family company", "The company is family-owned; the founder's son is CEO.", "pass"},
		// Romaji, abbreviations, unnamed countries.
		{"romaji kokuseki wa", "Kenkyuuin no kokuseki wa Betonamu desu.", "refuse nationality"},
		{"romaji minzoku label", "minzoku: Chousen-kei", "refuse ethnicity"},
		{"romaji X-koku shusshin", "Kenkyuusha wa kenen-koku shusshin desu.", "refuse birthplace"},
		{"romaji no negation kept", "No nationality data is recorded.", "pass"},
		{"PRC natls.", "Two PRC natls. joined the lab.", "refuse nationality"},
		{"F/N staff", "F/N staff must be escorted.", "refuse nationality"},
		{"from that country", "A researcher from that country asked for the data.", "refuse nationality"},
		{"from the same country", "Two students from the same country as the sponsor applied.", "refuse nationality"},
		{"country of goods", "Components from that country need a licence.", "pass"},
		{"JA 懸念国出身", "懸念国出身の研究者は別途審査とする。", "refuse birthplace"},
		{"JA 同国から来た人", "同国から来た人に限って入室を制限する。", "refuse nationality"},
		{"JA 同国からの人材", "同国からの人材獲得プログラムの調査。", "pass"},
		{"ZH 外籍", "外籍教师名单需要提交。", "refuse nationality"},
		{"ZH 外籍企业", "外籍企业的投资比例。", "pass"},
		{"JA X-kei hearsay", "当該研究員はモンゴル系とのこと。", "refuse ethnicity"},
		{"JA X-kei company", "同社は中国系とのこと。", "pass"},
		// Found by probing past the corpus, before release.
		{"signature block, no phone", "━━━━━━━━━━\n北橋大学 国際部\n小川 直子\n━━━━━━━━━━", "hold personal-name"},
		{"honorifics omitted", "出席者：山田、田中、鈴木（敬称略）", "hold personal-name"},
		{"table of people with a Country column", "Name, Country, Lab\nWang Wei, CN, Optics\nLee Jun, KR, Materials", "refuse nationality"},
		{"table of people with a 国 column", "氏名,国,受入研究室\n張偉,中国,光学\n金民俊,韓国,材料", "refuse nationality"},
		{"氏名 column with unspaced names", "氏名\t所属\t受入期間\n山田太郎\t工学部\t2026/4-", "hold personal-name"},
		{"entity-list extract with Name and Country", "Name, Country, Date added\nNorthbridge Photonics Ltd., HK, 2026-09-12\nBeijing Institute of Technology, CN, 2012-05-30", "pass"},
		{"名称 and 国・地域 of companies", "名称\t国・地域\t掲載日\n北方精密机械有限公司\t中国\t2026-04-01", "pass"},
		{"form label spaced out 国　籍", "国\u3000籍：韓国", "refuse nationality"},
		{"form label spaced out 氏　名", "氏\u3000名：山田太郎", "hold personal-name"},
		{"spaced office name", "国\u3000際\u3000課より周知", "pass"},
		{"half-width katakana label", "ｺｸｾｷ: ﾁｭｳｺﾞｸ", "refuse nationality"},
		{"description in brackets", "Visiting researcher (female, 30s, from Shanghai)", "refuse nationality"},
		{"sender header is no believer", "送信者：研究推進課", "pass"},
		{"recipients", "受信者各位", "pass"},
		{"believer", "キリスト教の信者である", "refuse religion"},
		{"name of a convention centre", "KIM Dae-jung Convention Center hosted the conference.", "pass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := method(c.text)
			findings, errPlain := guard.CheckContent("method", body, false)
			withConfirm, errConfirm := guard.CheckContent("method", body, true)
			verdict, rule, _ := cut(c.want)
			has := func(sev guard.Severity) bool {
				return slices.ContainsFunc(findings, func(f guard.Finding) bool { return f.Rule == rule && f.Severity == sev })
			}
			switch verdict {
			case "refuse":
				if !errors.Is(errConfirm, guard.ErrRefused) || !has(guard.Refuse) {
					t.Errorf("want refused by %s, got %v %v", rule, errConfirm, withConfirm)
				}
			case "hold":
				if !errors.Is(errPlain, guard.ErrNeedsConfirmation) && !errors.Is(errPlain, guard.ErrRefused) || !has(guard.Flag) {
					t.Errorf("want held by %s, got %v %v", rule, errPlain, findings)
				}
			case "pass":
				if errPlain != nil {
					t.Errorf("want pass, got %v", errPlain)
				}
			}
			// Every finding explains itself in both languages.
			for _, f := range findings {
				if f.Message == "" || f.MessageJA == "" || f.Principle == "" || f.PrincipleJA == "" || f.Advice == "" || f.AdviceJA == "" {
					t.Errorf("finding without its texts: %+v", f)
				}
			}
		})
	}
}

package guard_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ursic/ursic/policy/guard"
)

// TestHoldout3Classes pins each class of phrasing the third held-out corpus
// (holdout3-2026-11-30.jsonl) found missed, with variants that are not in
// the corpus, next to near-misses each fix must keep letting through:
// special-care information about a person against the same words as a
// topic, a statistic, an organisation or a denial; names with no anchor
// against companies, places and historical persons. Each refusal or hold
// here would pass again if its rule broke; each pass would be stopped if
// the rule grew too wide.
func TestHoldout3Classes(t *testing.T) {
	method := func(narrative string) []byte {
		b, _ := json.Marshal(map[string]any{"kind": "method", "title": "t", "tactic": "policy",
			"period": "2026-Q3", "narrative": narrative})
		return b
	}
	cases := []struct{ name, text, want string }{
		// Health and medical history.
		{"JA treatment history", "受入れ予定の講師には心疾患の既往歴がある。", "refuse special-care"},
		{"JA illness with a person", "担当の准教授は統合失調症で入院している。", "refuse special-care"},
		{"EN diagnosed", "The technician was diagnosed with epilepsy last spring.", "refuse special-care"},
		{"EN sick leave", "Our contact was on sick leave, so the reply was late.", "refuse special-care"},
		{"JA health research programme", "統合失調症の臨床研究プログラムに海外の製薬会社が資金を出した。", "pass"},
		{"EN cancer research centre", "A cancer research centre in Lyon invited our lab to a consortium.", "pass"},
		{"JA inpatients as research topic", "入院患者のデータを用いた共同研究の契約を審査した。", "pass"},
		// Criminal record and arrest.
		{"JA arrest history", "先方の営業担当者には逮捕歴がある。", "refuse special-care"},
		{"JA charged", "仲介業者の役員は関税法違反で逮捕された。", "refuse special-care"},
		{"EN convicted", "The broker was convicted of smuggling in 2017.", "refuse special-care"},
		{"JA rule about records", "前科の有無を理由とした取引停止の規定は設けていない。", "pass"},
		// An organisation's record is no person's (added by the lead).
		{"JA company's record", "前科のある企業（過去に外為法違反で処分）からの寄附申出を辞退した。", "pass"},
		{"EN company convicted", "The supplier was convicted of export-control violations in 2019.", "pass"},
		{"JA president's record", "同社の社長には前科がある。", "refuse special-care"},
		{"EN CEO convicted", "The company's CEO was convicted of fraud.", "refuse special-care"},
		// Political opinion and party membership.
		{"JA party member", "副所長は党員であると自ら述べた。", "refuse special-care"},
		{"EN party member", "The visiting fellow is a long-standing Party member.", "refuse special-care"},
		{"EN member of the CCP", "He is a member of the Chinese Communist Party, the agent said.", "refuse special-care"},
		{"JA party statistics", "中国共産党の党員数は公表統計で約9,900万人である。", "pass"},
		{"EN party as funder", "A think tank funded by the Chinese Communist Party's propaganda department sponsored the forum.", "pass"},
		{"EN third-party member", "Third-party member institutions receive the same briefing.", "pass"},
		{"JA party ties of a company's board", "当該企業の役員の一部は共産党員であるとの報道がある。", "pass"},
		{"EN party ties of a company's board", "The company's board includes several CCP members.", "pass"},
		{"JA one company president", "当該企業の社長は党員である。", "refuse special-care"},
		{"EN one company founder", "The firm's founder is a CCP member.", "refuse special-care"},
		// Union membership.
		{"JA union member", "申し出を断った技術職員は組合員で、団体交渉にも出ている。", "refuse special-care"},
		{"EN shop steward", "The lab's shop steward raised the issue first.", "refuse special-care"},
		{"JA union as organisation", "教職員組合が経済安全保障推進法の運用について意見書を提出した。", "pass"},
		{"JA union statistics", "組合員数は前年比で3%減少した。", "pass"},
		// Sexual orientation and gender identity.
		{"JA orientation", "当該研究員の性的指向について先方が質問してきた。", "refuse special-care"},
		{"EN bisexual", "The postdoc is bisexual, which the recruiter brought up.", "refuse special-care"},
		{"EN denial", "We do not collect sexual orientation, health or union data about anyone.", "pass"},
		// Social and family origin.
		{"JA buraku", "応募者が部落出身であるとの書き込みがあった。", "refuse special-care"},
		{"JA origin topic", "部落差別の解消の推進に関する法律について研修を行った。", "pass"},
		// Disability.
		{"JA disability certificate", "当該職員は身体障害者手帳を所持している。", "refuse special-care"},
		{"EN autistic", "The intern is autistic and was left out of the meeting.", "refuse special-care"},
		{"JA disability employment statistics", "障害者雇用率は2.7%となった。", "pass"},
		// Crime victims.
		{"JA victim", "担当の院生は昨年詐欺の被害に遭った。", "refuse special-care"},
		// Religion joined, residence periods, origin by circumstance.
		{"JA religious body member", "受入れ教員は天理教の熱心な信仰者であり、教団に属している。", "refuse religion"},
		{"JA academic society member", "物理学会の会員である准教授が講演した。", "pass"},
		{"JA period of stay", "当該研究員の在留期間は1年である。", "refuse immigration-status"},
		{"JA period of stay procedure", "在留期間更新許可申請の手続について説明会を開いた。", "pass"},
		{"EN status of residence", "The status of residence of the applicant is Student.", "refuse immigration-status"},
		{"EN status of residence system", "The status of residence system was revised in 2026.", "pass"},
		{"EN H-1B programme", "The H-1B visa lottery was changed for universities.", "pass"},
		{"EN H-1B holder", "Two H-1B visa holders joined the lab.", "refuse immigration-status"},
		{"JA visa statistics", "留学ビザの発給件数は過去最多となった。", "pass"},
		{"JA not holding a visa", "当該院生は就労ビザを持っていない。", "refuse immigration-status"},
		{"JA New Year circumstance", "春節に帰国した研究員だけが鍵を持っていた。", "refuse nationality"},
		{"EN Lunar New Year", "She was the only one who went home for the Lunar New Year.", "refuse nationality"},
		{"romaji restriction", "gaikokuseki no gakusei wa sono souchi no shiyou o seigen suru.", "refuse nationality"},
		{"romaji no restriction", "gaikokujin kenkyuusha no ukeire wa seigen shinai.", "pass"},
		{"JA Korean residents as people", "通訳は在日韓国人の職員が担当した。", "refuse nationality"},
		{"JA religious corporation", "宗教法人", "pass"},
		// Names with no anchor.
		{"JA listed surname, listed given", "試料は高橋美咲が発送した。", "hold personal-name"},
		{"JA unlisted surname, listed given", "見積は沢渡健太が受け取った。", "hold personal-name"},
		{"JA kana given name", "連絡は木下さくらと先方の部長で行った。", "hold personal-name"},
		{"ZH name", "翻訳は陳静が担当した。", "hold personal-name"},
		{"katakana name", "マイケル・ブラウンが契約書に署名した。", "hold personal-name"},
		{"EN pinyin name", "Liu Yang forwarded the drawings to the broker.", "hold personal-name"},
		{"EN given-first Japanese", "The request was signed by Yuka Morishita.", "hold personal-name"},
		{"EN caps unlisted family", "The quotation names TSUJIMOTO Haruka as the contact.", "hold personal-name"},
		{"JA company with surname and given name", "山田太郎商店から見積が届いた。", "pass"},
		{"JA foundation named after a person", "松下幸之助記念財団の助成に応募した。", "pass"},
		{"JA place", "福田町と吉田町の企業が共同で出展した。", "pass"},
		{"JA historical person", "孫文は東京で中国同盟会を結成した。", "pass"},
		{"JA Korea", "韓国の財団と中国の大学が覚書を結んだ。", "pass"},
		{"JA civilisation", "文明は技術とともに広がる。", "pass"},
		{"EN street", "The office is on Zhang Wei Road in Shanghai.", "pass"},
		{"EN foundation", "The Wang Lei Foundation funds scholarships.", "pass"},
		{"EN university", "Johns Hopkins University and Kyoto University signed an agreement.", "pass"},
		{"katakana university", "ジョンズ・ホプキンス大学との協定を更新した。", "pass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := method(c.text)
			findings, errPlain := guard.CheckContent("method", body, false)
			_, errConfirm := guard.CheckContent("method", body, true)
			verdict, rule, _ := strings.Cut(c.want, " ")
			has := func(sev guard.Severity) bool {
				return slices.ContainsFunc(findings, func(f guard.Finding) bool { return f.Rule == rule && f.Severity == sev })
			}
			switch verdict {
			case "refuse":
				if !errors.Is(errConfirm, guard.ErrRefused) || !has(guard.Refuse) {
					t.Errorf("want refused by %s, got %v %v", rule, errConfirm, findings)
				}
			case "hold":
				if !errors.Is(errPlain, guard.ErrNeedsConfirmation) && !errors.Is(errPlain, guard.ErrRefused) || !has(guard.Flag) {
					t.Errorf("want held by %s, got %v %v", rule, errPlain, findings)
				}
			case "pass":
				if len(findings) != 0 {
					t.Errorf("want pass, got %v", findings)
				}
			}
			for _, f := range findings {
				if f.Message == "" || f.MessageJA == "" || f.Principle == "" || f.PrincipleJA == "" || f.Advice == "" || f.AdviceJA == "" {
					t.Errorf("finding without its texts: %+v", f)
				}
			}
		})
	}
}

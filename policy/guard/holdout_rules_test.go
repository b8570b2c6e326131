package guard_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/ursic/ursic/policy/guard"
)

// TestHoldoutClasses pins each class of phrasing the held-out corpus
// (holdout-2026-11-30.jsonl) found missed, next to the near-misses the fix
// must keep letting through. Each refusal here would pass again if its rule
// broke; each pass would be refused if the rule grew too wide.
func TestHoldoutClasses(t *testing.T) {
	method := func(narrative string) (string, []byte) {
		b, _ := json.Marshal(map[string]any{"kind": "method", "title": "t", "tactic": "policy",
			"period": "2026-Q3", "narrative": narrative})
		return "method", b
	}
	subject := func(name string) (string, []byte) {
		b, _ := json.Marshal(map[string]any{"kind": "indicator", "title": "t", "indicator_type": "x",
			"subject":         map[string]any{"kind": "role_pattern", "names": []any{map[string]any{"value": name}}},
			"reason_category": "x", "summary": "s", "severity": "low", "confidence": "low"})
		return "indicator", b
	}
	type tc struct {
		name string
		kind string
		body []byte
		want string // "refuse RULE", "hold RULE" or "pass"
	}
	mk := func(name string, f func(string) (string, []byte), text, want string) tc {
		k, b := f(text)
		return tc{name, k, b, want}
	}
	cases := []tc{
		// People singled out for being foreign, in Japanese and English.
		mk("JA restrict foreign researchers", method, "外国人研究者の受け入れを制限する方針を検討する。", "refuse nationality"),
		mk("JA share of foreign staff", method, "外国人教員の比率が高い研究室を重点監査の対象とする。", "refuse nationality"),
		mk("JA foreign residents as risk", method, "在日外国人の研究者による装置利用をリスク要因として記録する。", "refuse nationality"),
		mk("EN restrict foreign nationals", method, "We restrict access to the cleanroom for foreign nationals from countries of concern.", "refuse nationality"),
		mk("EN flag foreign students", method, "Foreign PhD students are flagged for additional screening.", "refuse nationality"),
		mk("EN foreigners barred", method, "Foreigners are barred from the accelerator hall.", "refuse nationality"),
		mk("JA export law on technology to foreigners", method, "外国人への技術提供は外為法により許可が必要となり、制限される場合がある。", "pass"),
		mk("JA receiving foreign researchers", method, "外国人研究者の受け入れに際しては、事務手続を案内する。", "pass"),
		mk("JA denial", method, "国籍を問わず、外国人研究者の受け入れを制限しない。", "pass"),
		mk("JA JSPS programme", method, "外国人特別研究員事業による受入れでも、制限区域の説明を行う。", "pass"),
		mk("EN deemed export", method, "A release of controlled technology to foreign nationals is restricted under the EAR as a deemed export.", "pass"),
		mk("EN denial", method, "No restriction applies: foreign researchers follow the same procedure as everyone.", "pass"),
		mk("EN foreign funding", method, "Foreign funding sources are flagged for additional review.", "pass"),
		// Ethnicity in Japanese prose.
		mk("JA ethnic background", method, "申請者の民族的背景を考慮してリスク評価を行った。", "refuse ethnicity"),
		mk("JA ethnic Chinese network", method, "華人系の研究者ネットワークを通じて誘いがあった。", "refuse ethnicity"),
		mk("JA X-kei said of a person", method, "当該研究員はチベット系であり、出張の届出を重点的に確認した。", "refuse ethnicity"),
		mk("JA PRC holds 華人", method, "中華人民共和国の企業から見積依頼があった。", "pass"),
		mk("JA X-kei said of a company", method, "同社は中国系であり、親会社は深圳にある。", "pass"),
		mk("JA university with 民族", method, "中央民族大学の研究センターからデータ提供の依頼があった。", "pass"),
		// Birthplace words in prose.
		mk("JA birthplace mismatch", method, "履歴書の本籍地と出生地が一致しない研究員がいる。", "refuse birthplace"),
		mk("JA by country of origin", method, "出身国別に教員の一覧を作成しました。", "refuse birthplace"),
		mk("JA non-discrimination", method, "国籍・出身地による差別は禁止されている。", "pass"),
		mk("JA alma mater", method, "研究者の出身大学ではなく、現在の所属機関で判断する。", "pass"),
		mk("JA Asian origin", method, "外国人留学生(アジア出身)への勧誘が続いている。", "refuse birthplace"),
		// A person's score.
		mk("JA faculty member's score", method, "当該教員のリスクスコアは85点とした。", "refuse person-risk-score"),
		mk("JA training for faculty", method, "教員向けにリスク評価の研修を行った。", "pass"),
		// Identity numbers written in groups.
		mk("JA My Number in groups", method, "兼業申請書に個人番号(マイナンバー)1234 5678 9012 が記載されていた。", "refuse identity-document"),
		mk("JA My Number with hyphens", method, "マイナンバー 1234-5678-9012 を確認した。", "refuse identity-document"),
		mk("JA My Number scheme", method, "マイナンバー制度の説明会を2026年10月12日に開いた。", "pass"),
		// Names before an honorific with a space, or romanised.
		mk("JA name, space, honorific", method, "工学部の中村 由美 先生に講演依頼があった。", "hold personal-name"),
		mk("JA romanised name with 博士", method, "Zhang Wei 博士がデータを私用クラウドに移していた。", "hold personal-name"),
		mk("JA doctoral course", method, "Kyoto 博士課程教育プログラムの説明会があった。", "pass"),
		// A date of birth without a label.
		mk("JA date of birth", method, "来訪者(1985年3月12日生)が面会を求めた。", "hold date-of-birth"),
		mk("EN DOB", method, "The visitor (DOB 1979-07-21) attended again.", "hold date-of-birth"),
		mk("JA contract date", method, "2026年10月12日に契約を締結した。", "pass"),
		mk("EN founding date", method, "The company was founded on 12 March 1985 in Osaka.", "pass"),
		// An indicator's subject named as a person.
		mk("subject Dr.", subject, "Dr. Mei Chen, associate professor", "refuse subject-is-person"),
		mk("subject 准教授", subject, "山本 健一 准教授", "refuse subject-is-person"),
		mk("subject company named after a doctor", subject, "Dr. Reddy's Laboratories", "pass"),
		mk("subject foundation named after a person", subject, "野口英世記念財団", "pass"),
		mk("subject role pattern", subject, "Visiting associate professors in photonics", "pass"),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			withConfirm, errConfirm := guard.CheckContent(c.kind, c.body, true)
			_, errPlain := guard.CheckContent(c.kind, c.body, false)
			has := func(rule string, sev guard.Severity) bool {
				return slices.ContainsFunc(withConfirm, func(f guard.Finding) bool { return f.Rule == rule && f.Severity == sev })
			}
			switch verdict, rule, _ := cut(c.want); verdict {
			case "refuse":
				if !errors.Is(errConfirm, guard.ErrRefused) || !has(rule, guard.Refuse) {
					t.Errorf("want refused by %s, got %v %v", rule, errConfirm, withConfirm)
				}
			case "hold":
				if errConfirm != nil || !errors.Is(errPlain, guard.ErrNeedsConfirmation) || !has(rule, guard.Flag) {
					t.Errorf("want held by %s, got %v / %v %v", rule, errPlain, errConfirm, withConfirm)
				}
			case "pass":
				if errPlain != nil {
					t.Errorf("want pass, got %v", errPlain)
				}
			}
			// Every finding explains itself in both languages.
			for _, f := range withConfirm {
				if f.Message == "" || f.MessageJA == "" || f.Principle == "" || f.PrincipleJA == "" {
					t.Errorf("finding without an explanation in English and Japanese: %+v", f)
				}
			}
		})
	}
}

func cut(s string) (verdict, rule string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// TestHoldoutVariants are phrasings of the classes the held-out corpus found
// missed, written after the fixes and not in the corpus: other words for the
// same judgement (R: refused), personal data (H: held) and the near-misses
// an officer writes every day (P: passes). They check the class, not the
// corpus's strings.
func TestHoldoutVariants(t *testing.T) {
	for _, c := range []struct{ want, s string }{
		{"R", "外国籍の研究者は装置室に入れないこととした。"},
		{"R", "外国人の大学院生については、研究室配属を見送ることにした。"},
		{"R", "海外出身の教員の兼業は重点的に確認する。"},
		{"R", "外国人職員を監視対象とした。"},
		{"R", "留学生の国籍別にリスクを評価した。"},
		{"R", "Staff who are foreign nationals must be escorted."},
		{"R", "We will limit the number of foreign postdocs in the lab."},
		{"R", "Non-Japanese researchers need an escort."},
		{"R", "Researchers who are not Japanese citizens are excluded."},
		{"R", "その学生はベトナム系だ。"},
		{"R", "中国にルーツを持つ研究者には追加の確認を行う。"},
		{"R", "中国語を母語とする研究者には追加の確認を行う。"},
		{"R", "Mandarin-speaking researchers were given extra scrutiny."},
		{"R", "The ethnic background of the applicant was considered."},
		{"R", "Applicants with Chinese ancestry get an extra interview."},
		{"H", "生年月日:1985/3/12"},
		{"H", "He was born 12/03/1985 in a small town."},
		{"H", "平成2年4月1日生まれの研究員"},
		{"R", "外国人研究者はリスクが高いとみなす。"},
		{"P", "外国人の受入れに関する学内説明会を開催した。"},
		{"P", "外国人研究者向けの英語版マニュアルを作成し、リスク管理の手順を説明した。"},
		{"P", "Foreign researchers receive a briefing on risk management in English."},
		{"P", "外国人研究者にも日本人研究者と同じ手続を適用し、追加審査は行わない。"},
		{"P", "外国人留学生の受入れ数の推移を文部科学省の統計で確認した。"},
		{"P", "外国企業の出資比率が高いスタートアップから共同研究の提案があった。"},
		{"P", "外国人投資家の出資比率が高いスタートアップから共同研究の提案があった。"},
		{"P", "Foreign researchers receive additional language support."},
		{"P", "Foreign students receive the same lab safety training as everyone."},
		{"P", "同財団は韓国系であり、資金の出所を確認した。"},
		{"P", "The lab restricts access to the cleanroom to trained users; visiting researchers from partner universities are escorted."},
	} {
		b, _ := json.Marshal(map[string]any{"kind": "method", "title": "t", "tactic": "p", "period": "2026-Q3", "narrative": c.s})
		fs, err := guard.CheckContent("method", b, true)
		got := "P"
		if err != nil {
			got = "R"
		} else if len(fs) > 0 {
			got = "H"
		}
		if got != c.want {
			var rs []string
			for _, f := range fs {
				rs = append(rs, f.Rule+":"+f.Phrase)
			}
			t.Errorf("want %s got %s %v: %s", c.want, got, rs, c.s)
		}
	}
}

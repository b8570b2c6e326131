package guard_test

import (
	"errors"
	"fmt"

	"github.com/ursic/ursic/policy/guard"
)

func ExampleCheckContent() {
	record := []byte(`{
		"kind": "method",
		"title": "Visiting appointment",
		"orgs_involved": [{"role": "host", "members": [{"Citizenship": "XX"}]}],
		"narrative": "Reported by office@example.ac.jp."
	}`)
	findings, err := guard.CheckContent("method", record, false)
	for _, f := range findings {
		fmt.Println(f.Severity, f.Rule, f.Path)
	}
	fmt.Println(errors.Is(err, guard.ErrRefused))

	// Output:
	// flag email narrative
	// refuse nationality orgs_involved[0].members[0].Citizenship
	// true
}

func ExampleFinding_Text() {
	record := []byte(`{"kind": "sighting", "note": "Same approach; the visiting researcher is a Chinese national."}`)
	findings, _ := guard.Lint("sighting", record)
	f := findings[0]
	fmt.Println(f.Rule, f.Offset, f.Phrase)
	fmt.Println(f.Text(guard.English))
	fmt.Println(f.Text(guard.Japanese))

	// Output:
	// nationality 44 Chinese national
	// field note, character 45: "Chinese national" gives a person's nationality or citizenship. URSIC assesses organisations, programmes and methods, never people's origin (consortium principle of non-discrimination; APPI Art. 19). What to do instead: describe the organisation or the method, not the person's origin.
	// フィールド note の 45 文字目：「Chinese national」は人の国籍・市民権を示しています。URSIC が評価するのは組織・プログラム・手口であり、人の出自ではありません（コンソーシアムの差別禁止の原則、個人情報保護法第19条）。対処：人の出自ではなく、組織や手口を記述してください。
}

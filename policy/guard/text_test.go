package guard

import (
	"strings"
	"testing"
)

// TestNormalizeText: disguises are undone where they spell a watched word,
// and left alone elsewhere.
func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nationality: CN", "nationality: cn"},
		{"N\u0430tionality", "nationality"},      // Cyrillic а
		{"Nat\u200bionality", "nationality"},     // zero-width space
		{"Nation\u00adality", "nationality"},     // soft hyphen
		{"Ｎａｔｉｏｎａｌｉｔｙ", "nationality"},           // full-width
		{"N4tionality", "nationality"},           // digit for a letter
		{"Nationa1ity", "nationality"},           // 1 for l
		{"C1tizenship", "citizenship"},           // 1 for i
		{"N-a-t-i-o-n-a-l-i-t-y", "nationality"}, // hyphenated letters
		{"N a t i o n a l i t y", "nationality"}, // spaced letters
		{"n.a.t.i.o.n.a.l.i.t.y", "nationality"}, // dotted letters
		{"Ethn\u0456city", "ethnicity"},          // Cyrillic і
		{"Staatsangehörigkeit", "staatsangehorigkeit"},
		{"H-1B visa", "h-1b visa"},     // a visa class keeps its digits
		{"5G and 4K", "5g and 4k"},     // so do other codes
		{"Гражданство", "гражданство"}, // Russian stays Russian
		{"a b c", "a b c"},             // short runs of letters stay
		{"ﾋﾞｻﾞ", "ビザ"},                 // half-width kana
	}
	for _, tt := range tests {
		if got := normalizeText(tt.in).s; got != tt.want {
			t.Errorf("normalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFindingWhere: a finding in text quotes the phrase as written and says
// at which character it starts, in both languages.
func TestFindingWhere(t *testing.T) {
	body := `{"kind": "method", "narrative": "Reviewed in May. The postdoc is a Chinese national."}`
	findings, err := Lint("method", []byte(body))
	if err != nil || len(findings) != 1 {
		t.Fatalf("findings %+v, %v", findings, err)
	}
	f := findings[0]
	if f.Rule != ruleNationality || f.Phrase != "Chinese national" || f.Offset != 34 {
		t.Fatalf("finding %+v, want nationality %q at 34", f, "Chinese national")
	}
	en, ja := f.Text(English), f.Text(Japanese)
	for _, want := range []string{`field narrative, character 35: "Chinese national"`, "never people's origin", "What to do instead: describe the organisation or the method"} {
		if !strings.Contains(en, want) {
			t.Errorf("English %q lacks %q", en, want)
		}
	}
	for _, want := range []string{"フィールド narrative の 35 文字目", "「Chinese national」", "人の出自ではなく"} {
		if !strings.Contains(ja, want) {
			t.Errorf("Japanese %q lacks %q", ja, want)
		}
	}
	if strings.HasPrefix(en, "refused") {
		t.Errorf("the message leads with jargon: %q", en)
	}
	// Offsets count characters, not bytes.
	findings, _ = Lint("method", []byte(`{"narrative": "審査済み。申請者は中国籍である。"}`))
	if len(findings) == 0 || findings[0].Offset != 9 || findings[0].Phrase != "中国籍" {
		t.Errorf("findings %+v, want 中国籍 at character 9", findings)
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{
		"ja": Japanese, "ja-JP": Japanese, "ja_JP.UTF-8": Japanese, "ja,en;q=0.8": Japanese,
		"en": English, "en-US,ja;q=0.5": English, "": English, "C.UTF-8": English, "*, ja": Japanese,
	} {
		if got := ParseLang(in); got != want {
			t.Errorf("ParseLang(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPersonScoreNotConfirmable: a score about a named person is refused,
// and confirming personal data does not let it through.
func TestPersonScoreNotConfirmable(t *testing.T) {
	body := []byte(`{"kind": "sighting", "note": "Risk score for Dr Chen (visiting professor): 0.8"}`)
	if _, err := CheckContent("sighting", body, true); err == nil || !strings.Contains(err.Error(), "Risk score") {
		t.Fatalf("CheckContent with confirmation = %v, want a refusal quoting the score", err)
	}
}

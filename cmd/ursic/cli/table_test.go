package cli

import (
	"strings"
	"testing"
)

// TestTableAlignsJapanese: a column after a Japanese cell starts in the
// same terminal column as the header's, on every line. text/tabwriter
// counted each character as one column and put it two columns further
// right per Japanese character before it.
func TestTableAlignsJapanese(t *testing.T) {
	var b strings.Builder
	tw := newTable(&b)
	tw.Write([]byte("KIND\tAUTHOR\tTITLE\tNOTES\n"))
	tw.Write([]byte("method\t京都大学\t財団経由の人材招へい（架空の例）\tretracted\n"))
	tw.Write([]byte("indicator\tOsaka University\tＡＩ and ﾌｫﾄﾆｸｽ\t\n"))
	tw.Write([]byte("sighting\tTōhoku\tCafe\u0301 e\u0301\tx\n"))
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	col := func(line, cell string) int {
		i := strings.Index(line, cell)
		if i < 0 {
			t.Fatalf("%q not in %q", cell, line)
		}
		return displayWidth(line[:i])
	}
	want := []int{col(lines[0], "AUTHOR"), col(lines[0], "TITLE"), col(lines[0], "NOTES")}
	for _, tt := range []struct {
		line  int
		cells []string
	}{
		{1, []string{"京都大学", "財団経由", "retracted"}},
		{2, []string{"Osaka", "ＡＩ", ""}},
		{3, []string{"Tōhoku", "Cafe", "x"}},
	} {
		for i, c := range tt.cells {
			if c == "" {
				continue
			}
			if got := col(lines[tt.line], c); got != want[i] {
				t.Errorf("line %d: %q starts at column %d, the header's at %d:\n%s", tt.line, c, got, want[i], b.String())
			}
		}
	}
}

func TestDisplayWidthAndClip(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"abc", 3}, {"京都", 4}, {"ＡＩ", 4}, {"ﾌｫﾄ", 3}, {"e\u0301", 1}, {"a\u200bb", 2}, {"TLP:AMBER", 9},
	} {
		if got := displayWidth(tt.s); got != tt.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
	for _, tt := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"光学部品の調達窓口を装うフロント企業", 10, "光学部品…"},
		{"ab光学", 5, "ab光…"},
		{"ab光学", 6, "ab光学"},
		{"abcdefghij", 5, "abcd…"},
	} {
		got := clip(tt.s, tt.n)
		if got != tt.want || displayWidth(got) > tt.n {
			t.Errorf("clip(%q, %d) = %q (%d columns), want %q", tt.s, tt.n, got, displayWidth(got), tt.want)
		}
	}
}

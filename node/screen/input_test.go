package screen

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func readList(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "lists", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// summary is a list in one line per entry, for comparison.
func summary(l *List) string {
	var b strings.Builder
	for _, e := range l.Entries {
		fmt.Fprintf(&b, "%d|%s|%s|%s|%s\n", e.Row, e.Name(), e.ROR, e.Country, e.Note)
	}
	return b.String()
}

const partnersWant = `1|華為技術有限公司 / Huawei Technologies Co., Ltd.||中国|
2|北橋光学貿易株式会社|||
3|National University of Defense Technology|05d2yfz11|CN|
4|東京大学 / The University of Tokyo|057zh3y96|日本|
5|ｿﾆｰｸﾞﾙｰﾌﾟ株式会社||JP|
6|株式会社ゼファー光学||JP|malformed ROR id "0zzzzzz00": the checksum does not match (a character is mistyped); screened by name only
`

func TestParseListEncodings(t *testing.T) {
	for _, tc := range []struct{ file, enc string }{
		{"partners-utf8.csv", "utf-8"},
		{"partners-utf8-bom.csv", "utf-8 with BOM"},
		{"partners-sjis.csv", "shift_jis"},
		{"partners-eucjp.csv", "euc-jp"},
		{"partners-utf16.txt", "utf-16"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			l, err := ParseList(tc.file, readList(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if l.Encoding != tc.enc || !l.Header || l.Format != "csv" {
				t.Errorf("encoding %q header %v format %q; want %q, a header, csv", l.Encoding, l.Header, l.Format, tc.enc)
			}
			if got := summary(l); got != partnersWant {
				t.Errorf("entries:\n%s\nwant:\n%s", got, partnersWant)
			}
		})
	}
}

func TestParseListXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"組織名", "組織名(英語)", "ROR", "国"},
		{"華為技術有限公司", "Huawei Technologies Co., Ltd.", nil, "中国"},
		{"北橋光学貿易株式会社"},
		{nil, "National University of Defense Technology", "https://ror.org/05d2yfz11", "CN"},
		{"東京大学", "The University of Tokyo", "057zh3y96", "日本"},
		{"ｿﾆｰｸﾞﾙｰﾌﾟ株式会社", nil, nil, "JP"},
		{},
		{"株式会社ゼファー光学", nil, "0zzzzzz00", "JP"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	l, err := ParseList("partners.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != "xlsx" || !l.Header {
		t.Errorf("format %q header %v", l.Format, l.Header)
	}
	if got := summary(l); got != partnersWant {
		t.Errorf("entries:\n%s\nwant:\n%s", got, partnersWant)
	}
}

func TestParseListShapes(t *testing.T) {
	l, err := ParseList("names.txt", readList(t, "names.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := "1|Huawei Technologies Co., Ltd.|||\n2|NUDT|||\n3|清华大学|||\n4|University|||\n"
	if got := summary(l); got != want || l.Format != "lines" || l.Header {
		t.Errorf("names.txt: %s %v\n%s\nwant\n%s", l.Format, l.Header, got, want)
	}
	l, err = ParseList("headerless.csv", readList(t, "headerless.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want = "1|Tsinghua University||CN|\n2|Huawei Technologies Co. Ltd|05d2yfz11||\n"
	if got := summary(l); got != want || l.Header {
		t.Errorf("headerless.csv:\n%s\nwant\n%s", got, want)
	}
	// Without an extension a header makes it CSV, and a line without one is a name.
	l, err = ParseList("-", []byte("Organisation,Country\n\"Huawei Technologies Co., Ltd.\",CN\n"))
	if err != nil || summary(l) != "1|Huawei Technologies Co., Ltd.||CN|\n" {
		t.Errorf("stdin with a header: %v %q", err, summary(l))
	}
	l, err = ParseList("-", []byte("Huawei Technologies Co., Ltd.\n"))
	if err != nil || summary(l) != "1|Huawei Technologies Co., Ltd.|||\n" {
		t.Errorf("stdin without a header: %v %q", err, summary(l))
	}
	l, err = ParseList("x.csv", []byte("name;ror\nFoo GmbH;\n;02kpeqv85\n;not-a-ror\n"))
	want = "1|Foo GmbH|||\n2||02kpeqv85||\n3||||malformed ROR id \"not-a-ror\": want nine characters starting with 0 (e.g. 057zh3y96 or https://ror.org/057zh3y96); screened by name only; no name and no valid ROR id: not screened\n"
	if err != nil || summary(l) != want {
		t.Errorf("semicolons: %v\n%s\nwant\n%s", err, summary(l), want)
	}
}

func TestParseListBadInput(t *testing.T) {
	big := strings.Repeat("Example Trading Co., Ltd.\n", MaxRows+1)
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty.csv", readList(t, "empty.csv"), ErrEmpty},
		{"blank-lines.csv", readList(t, "blank-lines.csv"), ErrEmpty},
		{"no-name-column.csv", readList(t, "no-name-column.csv"), ErrNoNameColumn},
		{"latin1.csv", readList(t, "latin1.csv"), ErrEncoding},
		{"binary.bin", []byte("\x00\x01\x02garbage\x00"), ErrEncoding},
		{"old.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, ErrFormat},
		{"broken.xlsx", []byte("PK\x03\x04 not really a zip"), ErrFormat},
		{"big.txt", []byte(big), ErrTooManyRows},
		{"big.csv", []byte("name\n" + big), ErrTooManyRows},
	} {
		_, err := ParseList(tc.name, tc.data)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v; want %v", tc.name, err, tc.want)
		}
	}
	// Exactly MaxRows is fine.
	l, err := ParseList("max.txt", []byte(strings.Repeat("Example Trading Co., Ltd.\n", MaxRows)))
	if err != nil || len(l.Entries) != MaxRows {
		t.Errorf("a list of MaxRows: %v", err)
	}
}

func FuzzParseList(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "lists", "*"))
	if len(files) == 0 {
		f.Fatal("no seeds in testdata/lists")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(p), b)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		l, err := ParseList(name, data)
		if err != nil {
			return
		}
		if len(l.Entries) == 0 || len(l.Entries) > MaxRows {
			t.Fatalf("%d entries without an error", len(l.Entries))
		}
		x := testIndex()
		for i, e := range l.Entries {
			if e.Row != i+1 {
				t.Fatalf("entry %d has row %d", i, e.Row)
			}
			for _, n := range e.Names {
				x.Match(Query{Name: n, ROR: e.ROR, Country: e.Country})
			}
		}
	})
}

func TestHeaderCells(t *testing.T) {
	for _, tc := range []struct {
		cell string
		want column
	}{
		{"Name", colName}, {"Organisation", colName}, {"Name of Organization", colName}, {"Partner Institution Name (English)", colName},
		{"組織名", colName}, {"組織名（英語）", colName}, {"相手機関名", colName}, {"企業・団体名", colName}, {"連携先", colName}, {"共同研究機関名称", colName},
		{"ROR", colROR}, {"ROR ID", colROR}, {"country", colCountry}, {"国・地域", colCountry}, {"Country / Region", colCountry},
		{"Partner Robotics Inc.", colOther}, {"University", colOther}, {"国際原子力機関", colOther}, {"株式会社東芝", colOther},
		{"Huawei Technologies Co., Ltd.", colOther}, {"東京大学", colOther}, {"No.", colOther}, {"備考", colOther},
	} {
		if got := classify(tc.cell); got != tc.want {
			t.Errorf("classify(%q) = %d; want %d", tc.cell, got, tc.want)
		}
	}
}

func TestParseListTitleAndNumbers(t *testing.T) {
	// A title above the table, as Japanese offices lay out a sheet.
	l, err := ParseList("x.csv", []byte("共同研究相手先一覧（2026年度）,,\n作成：研究推進部,,\n,,\nNo.,機関名,国\n1,華為技術有限公司,中国\n2,Kitahashi Optics K.K.,JP\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "1|華為技術有限公司||中国|\n2|Kitahashi Optics K.K.||JP|\n"; summary(l) != want || !l.Header || l.Preamble != 2 {
		t.Errorf("title rows: header %v preamble %d\n%s\nwant\n%s", l.Header, l.Preamble, summary(l), want)
	}
	// No header, numbers first: the names are the first column of words.
	l, err = ParseList("x.csv", []byte("1,Huawei Technologies Co. Ltd,CN\n2,Kitahashi Optics K.K.,JP\n3,057zh3y96 University,JP\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "1|Huawei Technologies Co. Ltd||CN|\n2|Kitahashi Optics K.K.||JP|\n3|057zh3y96 University||JP|\n"; summary(l) != want || l.Header {
		t.Errorf("a number column first:\n%s\nwant\n%s", summary(l), want)
	}
	// Too many rows above a header: not a header any more, and the name
	// column of words is read as data.
	l, err = ParseList("x.csv", []byte("a\nb\nc\nd\ne\nf\nname\nAcme GmbH\n"))
	if err != nil || l.Header || len(l.Entries) != 8 {
		t.Errorf("a header below six rows: %v %v %d", err, l.Header, len(l.Entries))
	}
}

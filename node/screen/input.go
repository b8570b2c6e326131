package screen

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	unicodeenc "golang.org/x/text/encoding/unicode"
)

// Limits on a list to screen.
const (
	// MaxRows is the most data rows one screening takes; a longer list is
	// refused whole, never screened in part, so no row goes unscreened
	// unnoticed.
	MaxRows = 50_000 // written out in tooMany's message
	// MaxFileSize is the largest list file, in bytes.
	MaxFileSize = 32 << 20
	// MaxNameLen is the longest name screened, in characters; a longer
	// cell is cut and the row says so.
	MaxNameLen = 500
)

// Errors for a list that cannot be screened at all.
var (
	ErrEmpty        = errors.New("the list holds no names")
	ErrEncoding     = errors.New("unknown text encoding")
	ErrNoNameColumn = errors.New("the header row has no name column")
	ErrTooManyRows  = errors.New("too many rows")
	ErrFormat       = errors.New("unreadable list file")
)

// Entry is one data row of a list.
type Entry struct {
	Row     int      // data rows counted from 1: a header row and blank rows are not counted
	Names   []string // the row's names, one per name column (a list may give a Japanese and an English name)
	ROR     string   // bare ROR id, "" if none or malformed
	Country string   // as written
	Note    string   // why the row is screened only in part, or not at all
}

// Name is the row's names as one string, for display.
func (e Entry) Name() string { return strings.Join(e.Names, " / ") }

// List is a parsed list of organisations.
type List struct {
	Entries  []Entry
	Format   string // "xlsx", "csv" or "lines"
	Encoding string // "utf-8", "utf-8 with BOM", "utf-16", "shift_jis", "euc-jp" (empty for xlsx)
	Header   bool   // the list has a header row
	// Preamble is how many rows above the header row were skipped: a
	// title such as "共同研究相手先一覧 (2026年度)" over the table.
	Preamble int
}

// maxPreamble is how many non-blank rows above a header row are taken for
// a title and skipped; a header lower than that is not looked for.
const maxPreamble = 5

// ParseList reads a list to screen: an Excel workbook (.xlsx; its first
// sheet with data), CSV or TSV (UTF-8 with or without a BOM, UTF-16 as
// Excel's "Unicode text" writes it, or Shift_JIS/CP932 as Excel in Japan
// writes CSV), or plain text with one name a line. name is the file's name,
// used only to tell a CSV from plain text by its extension; without a known
// extension a first line that is a header, or has tabs, makes it CSV.
//
// A header row is recognised by its column names (name, organisation,
// 組織名, 名称, 機関名, ROR, country, 国 …); without one, the first column is
// the name and cells that are ROR ids or country codes are read as such.
func ParseList(name string, data []byte) (*List, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: the file is %d bytes, the limit is %d MiB", ErrFormat, len(data), MaxFileSize>>20)
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		rows, err := readXLSX(data)
		if err != nil {
			return nil, err
		}
		return fromRecords(rows, &List{Format: "xlsx"}, true)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, fmt.Errorf("%w: this is an old binary Excel file (.xls); save it as .xlsx or as CSV UTF-8", ErrFormat)
	}
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	l := &List{Encoding: enc}
	if strings.TrimSpace(text) == "" {
		return nil, ErrEmpty
	}
	first, _, _ := strings.Cut(strings.TrimLeft(text, "\r\n"), "\n")
	first = strings.TrimSuffix(first, "\r")
	delim := sniffDelimiter(first)
	asCSV := false
	switch ext {
	case ".csv":
		asCSV = true
	case ".tsv", ".tab":
		asCSV, delim = true, '\t'
	case ".txt", ".lst", ".list":
		asCSV = strings.ContainsRune(first, '\t') // Excel's "Unicode text" is tab-separated .txt
		delim = '\t'
	default:
		asCSV = strings.ContainsRune(first, '\t') || isHeader(splitFirst(first, delim))
	}
	if !asCSV {
		l.Format = "lines"
		var rows [][]string
		for _, line := range strings.Split(text, "\n") {
			rows = append(rows, []string{strings.TrimSuffix(line, "\r")})
		}
		return fromRecords(rows, l, false)
	}
	l.Format = "csv"
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFormat, err)
		}
		rows = append(rows, rec)
		if len(rows) > MaxRows+1 {
			return nil, tooMany()
		}
	}
	return fromRecords(rows, l, true)
}

func tooMany() error {
	return fmt.Errorf("%w: a screening takes at most 50,000 rows; split the list into parts", ErrTooManyRows)
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable .xlsx workbook: %w", ErrFormat, err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			return nil, fmt.Errorf("%w: sheet %q: %w", ErrFormat, sheet, err)
		}
		for _, r := range rows {
			if strings.TrimSpace(strings.Join(r, "")) != "" {
				return rows, nil
			}
		}
	}
	return nil, ErrEmpty
}

// decodeText returns data as UTF-8 text and the encoding it was in.
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		if !utf8.Valid(data[3:]) {
			return "", "", fmt.Errorf("%w: the file starts with a UTF-8 byte order mark but is not UTF-8", ErrEncoding)
		}
		return checkText(string(data[3:]), "utf-8 with BOM")
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicodeenc.UTF16(unicodeenc.LittleEndian, unicodeenc.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(data); err == nil {
			return checkText(string(out), "utf-16")
		}
		return "", "", fmt.Errorf("%w: the file starts with a UTF-16 byte order mark but does not decode", ErrEncoding)
	case utf8.Valid(data):
		return checkText(string(data), "utf-8")
	}
	sjis, okSJIS := decodeWith(japanese.ShiftJIS, data)
	if okSJIS && !mostlyHalfWidthKana(sjis) {
		return checkText(sjis, "shift_jis")
	}
	if euc, ok := decodeWith(japanese.EUCJP, data); ok {
		return checkText(euc, "euc-jp")
	}
	if okSJIS {
		return checkText(sjis, "shift_jis")
	}
	return "", "", fmt.Errorf("%w: the file is not UTF-8, UTF-16 or Shift_JIS (CP932)", ErrEncoding)
}

// decodeWith decodes data, failing if any byte sequence is invalid.
func decodeWith(e encoding.Encoding, data []byte) (string, bool) {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", false
	}
	return string(out), true
}

// mostlyHalfWidthKana reports text that is more half-width katakana than
// anything else non-ASCII: EUC-JP read as Shift_JIS looks like that.
func mostlyHalfWidthKana(s string) bool {
	kana, other := 0, 0
	for _, r := range s {
		switch {
		case r >= 0xFF61 && r <= 0xFF9F:
			kana++
		case r >= 0x80:
			other++
		}
	}
	return kana > other
}

// checkText refuses text with control characters: a binary file that
// happened to decode.
func checkText(s, enc string) (string, string, error) {
	for i, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return "", "", fmt.Errorf("%w: control character %U at byte %d: this is not a text list (or not %s)", ErrEncoding, r, i, enc)
		}
	}
	return s, enc, nil
}

func sniffDelimiter(line string) rune {
	best, n := ',', 0
	for _, d := range []rune{',', '\t', ';'} {
		if c := strings.Count(line, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

func splitFirst(line string, delim rune) []string {
	r := csv.NewReader(strings.NewReader(line))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = delim, true, -1
	rec, err := r.Read()
	if err != nil {
		return []string{line}
	}
	return rec
}

type column int

const (
	colOther column = iota
	colName
	colROR
	colCountry
)

// nameHeaders are the column names of a name column, folded; a
// parenthesised qualifier ("組織名（英語）", "Name (English)") is ignored.
var nameHeaders = func() map[string]bool {
	m := set("name", "names", "name en", "name ja", "name jp", "english name", "japanese name", "full name",
		"legal name", "official name",
		"名称", "名稱", "組織名", "機関名", "団体名", "企業名", "会社名", "法人名", "相手先", "相手先名", "相手先機関",
		"相手先機関名", "名前", "大学名", "単位", "单位", "单位名称", "機構名", "所属", "所属機関", "所属機関名",
		"英語名", "英文名", "取引先", "取引先名", "共同研究先", "共同研究先名", "組織名称", "機関名称", "組織",
		"機関", "会社", "企業", "団体", "机构", "机构名称", "组织", "组织名称", "英語表記", "日本語表記", "正式名称")
	for _, base := range []string{"organisation", "organization", "org", "institution", "company", "partner",
		"entity", "counterparty", "affiliation", "partner organisation", "partner organization",
		"partner institution", "collaborator", "supplier", "customer", "vendor"} {
		m[base], m[base+" name"], m[base+" names"] = true, true, true
	}
	return m
}()

var countryHeaders = set("country", "countries", "country code", "country region", "country or region", "jurisdiction",
	"nation", "国", "国名", "国・地域", "国/地域", "国・地域名", "所在国", "所在地国", "国家", "国家/地区", "国家地区", "国・地域コード", "国地域")

func classify(cell string) column {
	f := Fold(cell)
	if i := strings.IndexByte(f, '('); i > 0 {
		f = strings.TrimSpace(f[:i])
	}
	f = strings.Join(strings.FieldsFunc(f, func(r rune) bool { return r == ' ' || r == '_' || r == '-' || r == ':' || r == '/' }), " ")
	switch {
	case f == "":
		return colOther
	case f == "ror" || f == "ror id" || f == "rorid" || f == "ror url" || f == "ror ids":
		return colROR
	case countryHeaders[f] || countryHeaders[strings.ReplaceAll(f, " ", "")]:
		return colCountry
	case nameHeaders[f], nameHeaderWords(f), cjkNameHeader(f):
		return colName
	}
	return colOther
}

// headerWords may make up an English name column's header ("Name of
// Organisation", "Partner Institution Name (English)"); one of keyWords must
// be among them, so a first row such as "Partner Robotics Inc." or
// "University" is data, not a header.
var (
	headerWords = set("name", "names", "of", "the", "organisation", "organization", "institution", "company", "partner",
		"entity", "counterparty", "affiliation", "collaborator", "supplier", "customer", "vendor", "english", "japanese",
		"chinese", "local", "full", "legal", "official", "en", "ja", "jp", "zh", "in", "research", "university",
		"institute", "collaborating", "partnering", "foreign", "overseas", "host", "receiving", "sending")
	keyWords = set("name", "names", "organisation", "organization", "institution", "company", "partner", "entity",
		"counterparty", "affiliation", "collaborator", "supplier", "customer", "vendor")
)

func nameHeaderWords(f string) bool {
	words := strings.Fields(f)
	key := false
	for _, w := range words {
		if !headerWords[w] {
			return false
		}
		key = key || keyWords[w]
	}
	return key && len(words) <= 6
}

// cjkNameHeader recognises Japanese and Chinese name headers by their
// ending: "相手機関名", "企業・団体名", "連携先", "共同研究機関名称". An
// organisation's own name ends otherwise (国際原子力機関 is data), and
// one with a legal form is never a header.
func cjkNameHeader(f string) bool {
	n := utf8.RuneCountInString(f)
	if n < 2 || n > 12 || strings.IndexFunc(f, func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }) >= 0 {
		return false
	}
	for _, l := range []string{"株式会社", "有限会社", "有限公司", "(株)", "法人"} {
		if strings.Contains(f, l) {
			return false
		}
	}
	for _, end := range []string{"名", "名称", "名稱", "先"} {
		if strings.HasSuffix(f, end) {
			return true
		}
	}
	return false
}

// isHeader reports whether a row is a header: it names a name, ROR or
// country column, and none of its cells is a ROR id.
func isHeader(cells []string) bool {
	found := false
	for _, c := range cells {
		if r, err := ParseROR(c); err == nil && r != "" {
			return false
		}
		if classify(c) != colOther {
			found = true
		}
	}
	return found
}

// fromRecords makes the entries of a list from its rows; columns says
// whether rows may have several cells.
func fromRecords(rows [][]string, l *List, columns bool) (*List, error) {
	// The first row that is not blank may be a header.
	start := 0
	for start < len(rows) && blank(rows[start]) {
		start++
	}
	if start == len(rows) {
		return nil, ErrEmpty
	}
	// The header may sit below a title of a few rows.
	if columns {
		for i, seen := start, 0; i < len(rows) && seen <= maxPreamble; i++ {
			if blank(rows[i]) {
				continue
			}
			if isHeader(rows[i]) {
				l.Header, l.Preamble, start = true, seen, i
				break
			}
			seen++
		}
	}
	var names []int
	ror, country := -1, -1
	if l.Header {
		var seen []string
		for i, c := range rows[start] {
			switch classify(c) {
			case colName:
				names = append(names, i)
			case colROR:
				if ror < 0 {
					ror = i
				}
			case colCountry:
				if country < 0 {
					country = i
				}
			}
			if strings.TrimSpace(c) != "" {
				seen = append(seen, strings.TrimSpace(c))
			}
		}
		if len(names) == 0 {
			if ror < 0 {
				return nil, fmt.Errorf("%w (the columns are %s): name one column \"name\" or \"組織名\"", ErrNoNameColumn, quoteAll(seen))
			}
		}
		start++
	} else {
		names = []int{nameColumn(rows[start:])}
	}
	cell := func(r []string, i int) string {
		if i < 0 || i >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[i])
	}
	for _, r := range rows[start:] {
		if blank(r) {
			continue
		}
		if len(l.Entries) == MaxRows {
			return nil, tooMany()
		}
		e := Entry{Row: len(l.Entries) + 1}
		var notes []string
		for _, i := range names {
			if v := cell(r, i); v != "" {
				if utf8.RuneCountInString(v) > MaxNameLen {
					v = string([]rune(v)[:MaxNameLen])
					notes = append(notes, fmt.Sprintf("name cut to %d characters", MaxNameLen))
				}
				e.Names = append(e.Names, v)
			}
		}
		rorCell, countryCell := cell(r, ror), cell(r, country)
		if !l.Header && columns {
			// No header: the first column is the name; a later cell that is a
			// ROR id or a country code is read as one.
			for i, c := range r {
				if i == names[0] {
					continue
				}
				c = strings.TrimSpace(c)
				if id, err := ParseROR(c); err == nil && id != "" && rorCell == "" {
					rorCell = c
				} else if len(c) == 2 && CountryCode(c) != "" && countryCell == "" {
					countryCell = c
				}
			}
		}
		if rorCell != "" {
			id, err := ParseROR(rorCell)
			if err != nil {
				notes = append(notes, err.Error()+"; screened by name only")
			}
			e.ROR = id
		}
		e.Country = countryCell
		if len(e.Names) == 0 && e.ROR == "" {
			notes = append(notes, "no name and no valid ROR id: not screened")
		}
		e.Note = strings.Join(notes, "; ")
		l.Entries = append(l.Entries, e)
	}
	if len(l.Entries) == 0 {
		return nil, ErrEmpty
	}
	return l, nil
}

// nameColumn picks the name column of a list without a header: the first
// column whose cells are mostly words — not numbers ("No."), ROR ids or
// country codes.
func nameColumn(rows [][]string) int {
	width := 0
	for _, r := range rows[:min(len(rows), 50)] {
		width = max(width, len(r))
	}
	for col := range width {
		words, filled := 0, 0
		for _, r := range rows[:min(len(rows), 50)] {
			if col >= len(r) || strings.TrimSpace(r[col]) == "" {
				continue
			}
			c := strings.TrimSpace(r[col])
			filled++
			if id, err := ParseROR(c); err == nil && id != "" {
				continue
			}
			if len(c) == 2 && CountryCode(c) != "" {
				continue
			}
			if strings.IndexFunc(c, unicode.IsLetter) >= 0 {
				words++
			}
		}
		if filled > 0 && 2*words > filled {
			return col
		}
	}
	return 0
}

func blank(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func quoteAll(ss []string) string {
	if len(ss) == 0 {
		return "all empty"
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

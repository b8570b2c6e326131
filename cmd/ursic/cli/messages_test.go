package cli

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ursic/ursic/node/apiclient"
)

// TestMain pins the C locale: these tests match the CLI's English, which
// a machine set to Japanese would otherwise not print.
func TestMain(m *testing.M) {
	os.Unsetenv("LC_ALL")
	os.Unsetenv("LC_MESSAGES")
	os.Setenv("LANG", "C")
	os.Exit(m.Run())
}

// TestMessagesHaveBothLanguages checks that every key of the catalogue says
// something in English and in Japanese, that both take the same arguments,
// and that a table header has as many columns in either language.
func TestMessagesHaveBothLanguages(t *testing.T) {
	for key, m := range messages {
		if m[0] == "" || m[1] == "" {
			t.Errorf("%s: English %q, Japanese %q: both are needed", key, m[0], m[1])
			continue
		}
		if a, b := verbs(m[0]), verbs(m[1]); a != b {
			t.Errorf("%s: the English takes %s, the Japanese %s", key, a, b)
		}
		if a, b := strings.Count(m[0], "\t"), strings.Count(m[1], "\t"); a != b {
			t.Errorf("%s: %d columns in English, %d in Japanese", key, a+1, b+1)
		}
		if a, b := strings.HasSuffix(m[0], "\n"), strings.HasSuffix(m[1], "\n"); a != b {
			t.Errorf("%s: one language ends the line, the other does not", key)
		}
	}
	for _, lvl := range []string{"clear", "green", "amber", "amber+strict", "red"} {
		if handlingJA[lvl] == "" {
			t.Errorf("no Japanese handling sentence for TLP:%s", lvl)
		}
	}
}

// verbs lists the formatting verbs of s by the argument each takes, so
// that "%d of %d" and "%[2]d 件中 %[1]d 件" compare equal.
func verbs(s string) string {
	var args []string
	next := 1
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		if i < len(s) && s[i] == '%' {
			continue
		}
		n := next
		if i < len(s) && s[i] == '[' {
			end := strings.IndexByte(s[i:], ']')
			n, _ = strconv.Atoi(s[i+1 : i+end])
			i += end + 1
		}
		for i < len(s) && strings.IndexByte("+-# 0123456789.", s[i]) >= 0 {
			i++
		}
		if i < len(s) {
			verb := s[i]
			if verb == 'v' || verb == 's' || verb == 'q' {
				verb = 's' // strings and values are interchangeable in text
			}
			for len(args) < n {
				args = append(args, "")
			}
			args[n-1] = string(verb)
		}
		next = n + 1
	}
	return fmt.Sprint(args)
}

// TestMessageKeysUsedExist reads the package's source for every call of
// tr and trf (the functions and the env methods) with a literal key and
// checks the key is in the catalogue: a missing key would print the key
// itself to the officer.
func TestMessageKeysUsedExist(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	used := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var arg int
			switch fn := call.Fun.(type) {
			case *ast.Ident: // tr(lang, key), trf(lang, key, …)
				if fn.Name != "tr" && fn.Name != "trf" {
					return true
				}
				arg = 1
			case *ast.SelectorExpr: // e.tr(key), e.trf(key, …), e.label(key, w)
				if fn.Sel.Name != "tr" && fn.Sel.Name != "trf" && fn.Sel.Name != "label" {
					return true
				}
			default:
				return true
			}
			if len(call.Args) <= arg {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			used++
			if _, ok := messages[key]; !ok {
				t.Errorf("%s: key %q is not in the catalogue", fset.Position(lit.Pos()), key)
			}
			return true
		})
	}
	if used < 50 {
		t.Errorf("found only %d uses of the catalogue: is the scan still finding them?", used)
	}
}

// TestErrorLine checks the error line of a common error: the error as the
// node wrote it in English, a Japanese sentence before it in Japanese.
func TestErrorLine(t *testing.T) {
	err := fmt.Errorf("%w (nothing answers at http://127.0.0.1:1)", apiclient.ErrNodeNotRunning)
	if got, want := errorLine("en", err), "the node is not running (nothing answers at http://127.0.0.1:1)"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got, want := errorLine("ja", err), "ノードが起動していません。the node is not running (nothing answers at http://127.0.0.1:1)"; got != want {
		t.Errorf("ja: %q, want %q", got, want)
	}
	other := errors.New("something\n  else")
	if got := errorLine("ja", other); got != "something else" {
		t.Errorf("ja, an uncommon error: %q", got)
	}
}

// TestDefaultLang checks that the locale chooses the language as the C
// library does: LC_ALL, then LC_MESSAGES, then LANG.
func TestDefaultLang(t *testing.T) {
	for _, tt := range []struct{ all, messages, lang, want string }{
		{"", "", "", "en"},
		{"", "", "C", "en"},
		{"", "", "ja_JP.UTF-8", "ja"},
		{"", "ja_JP.UTF-8", "C.UTF-8", "ja"},
		{"C", "", "ja_JP.UTF-8", "en"},
		{"ja_JP.eucJP", "en_US.UTF-8", "C", "ja"},
	} {
		t.Setenv("LC_ALL", tt.all)
		t.Setenv("LC_MESSAGES", tt.messages)
		t.Setenv("LANG", tt.lang)
		if got := defaultLang(); got != tt.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: %s, want %s", tt.all, tt.messages, tt.lang, got, tt.want)
		}
	}
}

func TestVerbs(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"%d of %d", "%[2]d 件中 %[1]d 件"},
		{"%s: %v", "%s：%s"},
		{"100%% %d", "%d 件 100%%"},
	} {
		if verbs(tt.a) != verbs(tt.b) {
			t.Errorf("verbs(%q) = %s, verbs(%q) = %s", tt.a, verbs(tt.a), tt.b, verbs(tt.b))
		}
	}
	for _, tt := range []struct{ a, b string }{
		{"%d of %d", "%[2]d 件中 %[1]s 件"},
		{"%d", "%d %d"},
		{"%s %d", "%d %s"},
	} {
		if verbs(tt.a) == verbs(tt.b) {
			t.Errorf("verbs(%q) and verbs(%q) are both %s", tt.a, tt.b, verbs(tt.a))
		}
	}
}

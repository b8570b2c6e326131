package console

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a test clock that only moves when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeAPI answers the few calls the inbox makes, with nothing in it.
var fakeAPI = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/v1/records":
		w.Write([]byte(`{"records":[],"total":0,"complete":true}`))
	default:
		w.Write([]byte(`{}`))
	}
})

func newTestConsole(t *testing.T) (*Console, *clock) {
	clk := &clock{t: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)}
	return New(Options{API: fakeAPI, Token: "t", Now: clk.now}), clk
}

func open(t *testing.T, c *Console, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	return rec
}

func sessionOf(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, ck := range rec.Result().Cookies() {
		if strings.HasPrefix(ck.Name, sessionCookie) {
			return ck
		}
	}
	t.Fatalf("no session cookie (status %d)", rec.Code)
	return nil
}

func TestSignInLinkExpires(t *testing.T) {
	c, clk := newTestConsole(t)
	tok, exp := c.MintSignIn()
	if want := clk.now().Add(2 * time.Minute); !exp.Equal(want) {
		t.Fatalf("link expires at %v, want %v", exp, want)
	}
	clk.add(2*time.Minute + time.Second)
	if rec := open(t, c, "/console/signin?token="+tok); rec.Code != http.StatusForbidden {
		t.Fatalf("expired link: status %d, want 403", rec.Code)
	}
	tok, _ = c.MintSignIn()
	clk.add(time.Minute + 59*time.Second)
	if rec := open(t, c, "/console/signin?token="+tok); rec.Code != http.StatusOK {
		t.Fatalf("link within its 2 minutes: status %d", rec.Code)
	}
}

func TestSessionEndsWhenIdle(t *testing.T) {
	c, clk := newTestConsole(t)
	tok, _ := c.MintSignIn()
	ck := sessionOf(t, open(t, c, "/console/signin?token="+tok))
	// Use keeps it alive: 25 minutes, a request, 25 more.
	clk.add(25 * time.Minute)
	if rec := open(t, c, "/console/inbox", ck); rec.Code != 200 {
		t.Fatalf("after 25 idle minutes: status %d", rec.Code)
	}
	clk.add(25 * time.Minute)
	if rec := open(t, c, "/console/inbox", ck); rec.Code != 200 {
		t.Fatalf("25 minutes after the last request: status %d", rec.Code)
	}
	clk.add(IdleTimeout + time.Second)
	rec := open(t, c, "/console/inbox", ck)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "30 minutes") {
		t.Fatalf("after idle timeout: status %d, want 401 saying why", rec.Code)
	}
	// Ended for good: moving the clock back does not revive it.
	clk.add(-time.Hour)
	if rec := open(t, c, "/console/inbox", ck); rec.Code != http.StatusUnauthorized {
		t.Fatalf("an ended session came back: status %d", rec.Code)
	}
}

func TestSecureCookieUnderTLS(t *testing.T) {
	c, _ := newTestConsole(t)
	tok, _ := c.MintSignIn()
	req := httptest.NewRequest("GET", "https://127.0.0.1/console/signin?token="+tok, nil)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	if ck := sessionOf(t, rec); !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie under TLS: %+v", ck)
	}
}

func TestLangOf(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"", "en"},
		{"ja", "ja"},
		{"ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"},
		{"en-US,en;q=0.9,ja;q=0.8", "en"},
		{"fr-FR,fr;q=0.9,ja;q=0.5", "ja"},
		{"zh-CN", "en"},
		{"en;q=0.2,ja;q=0.8", "ja"},
	} {
		req := httptest.NewRequest("GET", "/console/inbox", nil)
		req.Header.Set("Accept-Language", tc.header)
		if got := langOf(req); got != tc.want {
			t.Errorf("Accept-Language %q: %s, want %s", tc.header, got, tc.want)
		}
	}
}

// TestEveryTextTranslated: every key the templates ask for exists in both
// languages, and no Japanese text is left empty.
func TestEveryTextTranslated(t *testing.T) {
	re := regexp.MustCompile(`\.T "([a-z.]+)"`)
	files, err := assets.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := assets.ReadFile("templates/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			if _, ok := messages[m[1]]; !ok {
				t.Errorf("%s: no text for %q", f.Name(), m[1])
			}
		}
	}
	for k, v := range messages {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%q lacks a language", k)
		}
	}
}

// TestFindingPhraseAndLanguage: a node that names the offending phrase (and
// answers in Japanese) gets it highlighted in the page's language, with the
// text around it; the field it came from is marked.
func TestFindingPhraseAndLanguage(t *testing.T) {
	var gotLang string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/check":
			gotLang = r.Header.Get("Accept-Language")
			w.Write([]byte(`{"ok":false,"error":"x","findings":[{"path":"narrative","rule":"nationality","severity":"refuse","message":"国籍に関する記述は共有できません","principle":"p","phrase":"国籍：某国","offset":6}]}`))
		case "/v1/roster":
			w.WriteHeader(404)
			w.Write([]byte(`{"error":"no roster"}`))
		default:
			w.Write([]byte(`{}`))
		}
	})
	clk := &clock{t: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)}
	c := New(Options{API: api, Token: "t", Now: clk.now})
	tok, _ := c.MintSignIn()
	ck := sessionOf(t, open(t, c, "/console/signin?token="+tok))
	var csrf string
	for _, s := range c.sessions {
		csrf = s.csrf
	}
	form := "csrf=" + csrf + "&kind=method&title=t&narrative=" + "経緯：不明。国籍：某国。以上"
	req := httptest.NewRequest("POST", "/console/publish", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "ja")
	req.AddCookie(ck)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	page := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("refused publish: status %d", rec.Code)
	}
	if gotLang != "ja" {
		t.Errorf("the check asked the node in %q, want ja", gotLang)
	}
	for _, want := range []string{"<mark><bdi>国籍：某国</bdi></mark>", "経緯：不明。", "。以上", "国籍に関する記述は共有できません", "国籍・出身国に関する記述", `class="field has-refuse" id="field-narrative"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
}

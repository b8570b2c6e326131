package digest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"", now.Add(-24 * time.Hour)},
		{"24h", now.Add(-24 * time.Hour)},
		{"36h", now.Add(-36 * time.Hour)},
		{"7d", now.AddDate(0, 0, -7)},
		{"2026-11-01", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-11-28T10:00:00Z", time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)},
	} {
		got, err := ParseSince(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"yesterday", "-3d", "0d", "7 d", "2026-13-01", "-24h"} {
		if _, err := ParseSince(in, now); err == nil {
			t.Errorf("ParseSince(%q) succeeded", in)
		}
	}
}

func TestMailConfigValidate(t *testing.T) {
	good := func() MailConfig {
		return MailConfig{Version: 1, SMTP: SMTPConfig{Host: "smtp.example.ac.jp", Port: 587, Username: "u", PasswordFile: "p"}, From: "a@example.ac.jp", To: []string{"b@example.ac.jp"}}
	}
	c := good()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		change func(*MailConfig)
		key    string
	}{
		{func(c *MailConfig) { c.Version = 2 }, "digest.version"},
		{func(c *MailConfig) { c.SMTP.Host = "" }, "digest.smtp.host"},
		{func(c *MailConfig) { c.SMTP.Port = 70000 }, "digest.smtp.port"},
		{func(c *MailConfig) { c.SMTP.TLS = "none" }, "digest.smtp.tls"},
		{func(c *MailConfig) { c.SMTP.TLS = "ssl" }, "digest.smtp.tls"},
		{func(c *MailConfig) { c.SMTP.PasswordFile = "" }, "digest.smtp.password_file"},
		{func(c *MailConfig) { c.From = "not an address" }, "digest.from"},
		{func(c *MailConfig) { c.To = nil }, "digest.to"},
		{func(c *MailConfig) { c.To = []string{"b@example.ac.jp", "x"} }, "digest.to[1]"},
		{func(c *MailConfig) { c.At = "25:00" }, "digest.at"},
		{func(c *MailConfig) { c.MaxTitleTLP = "red" }, "digest.max_title_tlp"},
	} {
		c := good()
		tc.change(&c)
		err := c.Validate()
		if !errors.Is(err, ErrMailConfig) || !strings.Contains(err.Error(), `"`+tc.key+`"`) {
			t.Errorf("%s: %v", tc.key, err)
		}
	}
	c = good()
	c.SMTP.Host, c.SMTP.TLS = "127.0.0.1", "none"
	if err := c.Validate(); err != nil {
		t.Errorf("a loopback relay without TLS: %v", err)
	}
}

func TestNext(t *testing.T) {
	c := MailConfig{At: "08:00"}
	loc := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct{ now, want time.Time }{
		{time.Date(2026, 11, 29, 7, 59, 0, 0, loc), time.Date(2026, 11, 29, 8, 0, 0, 0, loc)},
		{time.Date(2026, 11, 29, 8, 0, 0, 0, loc), time.Date(2026, 11, 30, 8, 0, 0, 0, loc)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, loc), time.Date(2027, 1, 1, 8, 0, 0, 0, loc)},
	} {
		if got := c.Next(tc.now); !got.Equal(tc.want) {
			t.Errorf("Next(%v) = %v; want %v", tc.now, got, tc.want)
		}
	}
}

func TestRenderWithholdsStrictTitles(t *testing.T) {
	d := &Digest{Node: "N", Since: time.Unix(0, 0), Until: time.Unix(3600, 0), Complete: true,
		Records: []Item{{CID: "b1", Kind: "indicator", TLP: "amber+strict", Title: "strict title"}, {CID: "b2", Kind: "method", TLP: "green", Title: "green title"}}}
	var b strings.Builder
	if err := Render(&b, d, RenderOptions{MaxTitleTLP: "amber"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "strict title") || !strings.Contains(out, "green title") || !strings.HasPrefix(out, "TLP:AMBER\n") || !strings.Contains(out, "b1") {
		t.Errorf("render:\n%s", out)
	}
}

// TestRenderJapanese: with Lang "ja" the headings and notes are Japanese,
// the titles, CIDs and TLP labels as they are; English is unchanged.
func TestRenderJapanese(t *testing.T) {
	d := &Digest{Node: "N", Since: time.Unix(0, 0), Until: time.Unix(3600, 0), Complete: false,
		Records: []Item{{CID: "b1", Kind: "indicator", TLP: "amber+strict", Title: "strict title"}, {CID: "b2", Kind: "method", TLP: "green", Title: "緑の記録"}}}
	var en, ja strings.Builder
	if err := Render(&en, d, RenderOptions{MaxTitleTLP: "amber"}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&ja, d, RenderOptions{MaxTitleTLP: "amber", Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"URSIC digest for N: 1970-01-01 00:00 UTC to 1970-01-01 01:00 UTC\n", "(the node was still opening",
		"\nNew records (2)\n", "(title withheld at TLP:AMBER+STRICT: see `ursic show b1`)", "\nRetractions (0)\n  none\n", "\nAlarms (0)\n"} {
		if !strings.Contains(en.String(), want) {
			t.Errorf("English lacks %q:\n%s", want, en.String())
		}
	}
	for _, want := range []string{"URSIC ダイジェスト（N）: 1970-01-01 00:00 UTC〜1970-01-01 01:00 UTC\n", "（ノードが保存済みの記録を読み込み中でした",
		"\n新着記録（2）\n", "（TLP:AMBER+STRICT のためタイトルを省略しています。`ursic show b1` で確認してください）", "\n撤回（0）\n  なし\n", "\n警告（0）\n", "緑の記録", "      b2\n"} {
		if !strings.Contains(ja.String(), want) {
			t.Errorf("Japanese lacks %q:\n%s", want, ja.String())
		}
	}
	if strings.Contains(ja.String(), "New records") || strings.Contains(ja.String(), "none") {
		t.Errorf("English left in the Japanese digest:\n%s", ja.String())
	}
	for k, v := range texts {
		if v[0] == "" || v[1] == "" || strings.Count(v[0], "%") != strings.Count(v[1], "%") {
			t.Errorf("text %q: %q / %q", k, v[0], v[1])
		}
	}
}

package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ursic/ursic/node/config"
)

func TestAPIAddressAndTLS(t *testing.T) {
	const base = `{"version": 1, "name": "T", "role": "member", `
	tests := []struct {
		name, config string
		err          error  // nil: valid
		mention      string // in the error
	}{
		{"loopback v4", base + `"api": "127.0.0.1:7777"}`, nil, ""},
		{"loopback v4 other", base + `"api": "127.0.0.2:7777"}`, nil, ""},
		{"loopback v6", base + `"api": "[::1]:7777"}`, nil, ""},
		{"localhost", base + `"api": "localhost:7777"}`, nil, ""},
		{"wildcard without TLS", base + `"api": "0.0.0.0:7777"}`, config.ErrAPIOffLoopback, `"api"`},
		{"LAN address without TLS", base + `"api": "192.0.2.10:7777"}`, config.ErrAPIOffLoopback, `"api"`},
		{"v6 wildcard without TLS", base + `"api": "[::]:7777"}`, config.ErrAPIOffLoopback, `"api"`},
		{"LAN address with TLS", base + `"api": "192.0.2.10:7777", "api_tls_cert": "api.crt", "api_tls_key": "api.key"}`, nil, ""},
		{"cert without key", base + `"api": "127.0.0.1:7777", "api_tls_cert": "api.crt"}`, config.ErrConfig, `"api_tls_key"`},
		{"key without cert", base + `"api": "192.0.2.10:7777", "api_tls_key": "api.key"}`, config.ErrConfig, `"api_tls_cert"`},
		{"hosts", base + `"api": "127.0.0.1:7777", "api_hosts": ["ursic.example.ac.jp", "192.0.2.10", "::1"]}`, nil, ""},
		{"host with a port", base + `"api": "127.0.0.1:7777", "api_hosts": ["ursic.example.ac.jp:7777"]}`, config.ErrConfig, `"api_hosts"[0]`},
		{"empty host", base + `"api": "127.0.0.1:7777", "api_hosts": [""]}`, config.ErrConfig, `"api_hosts"[0]`},
		{"unknown key", base + `"api": "127.0.0.1:7777", "api_tls": true}`, config.ErrConfig, `"api_tls"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.config))
			if tt.err == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.err) || !errors.Is(err, config.ErrConfig) {
				t.Fatalf("err = %v, want %v (and ErrConfig)", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("err = %q, want it to name %s", err, tt.mention)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true,
		"0.0.0.0": false, "::": false, "192.0.2.1": false, "localhost.example": false, "": false,
	} {
		if got := config.IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestAnnouncedAddrs(t *testing.T) {
	for _, tc := range []struct {
		listen, announce []string
		want             []string
		loopbackOnly     bool
	}{
		{[]string{"/ip4/127.0.0.1/tcp/4001"}, nil, []string{"/ip4/127.0.0.1/tcp/4001"}, true},
		{[]string{"/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001"}, nil, nil, false},
		{[]string{"/ip4/0.0.0.0/tcp/4001", "/ip4/127.0.0.1/tcp/4002", "/ip4/192.0.2.7/tcp/4001"}, nil, []string{"/ip4/192.0.2.7/tcp/4001"}, false},
		{[]string{"/ip4/0.0.0.0/tcp/4001"}, []string{"/dns4/node.example.ac.jp/tcp/4001"}, []string{"/dns4/node.example.ac.jp/tcp/4001"}, false},
	} {
		c := &config.Config{Listen: tc.listen, Announce: tc.announce}
		got, lo := c.AnnouncedAddrs()
		if strings.Join(got, ",") != strings.Join(tc.want, ",") || lo != tc.loopbackOnly {
			t.Errorf("listen %v announce %v: %v (loopback only %v), want %v (%v)", tc.listen, tc.announce, got, lo, tc.want, tc.loopbackOnly)
		}
	}
	for _, bad := range []string{"/ip4/0.0.0.0/tcp/4001", "node.example:4001", "/ip4/300.1.1.1/tcp/1", "/unix/x/tcp/1", "/dns4//tcp/1", "/dns4/h/sctp/1"} {
		c := &config.Config{Version: config.Version, Name: "n", Role: "member", API: "127.0.0.1:1", Announce: []string{bad}}
		if err := c.Validate(); err == nil {
			t.Errorf("announce %q accepted", bad)
		}
	}
}

package node_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ursic/ursic/node"
)

// TestTAXIIConfig: the taxii section is strict (version, unknown keys) and
// requires TLS off loopback; errors name the key.
func TestTAXIIConfig(t *testing.T) {
	base := `{"version":1,"name":"N","role":"liaison","listen":[],"api":"127.0.0.1:1"%s}`
	for _, tc := range []struct {
		section, wantErr string
	}{
		{`,"taxii":{"version":1,"listen":"127.0.0.1:9443"}`, ""},
		{`,"taxii":{"version":1,"listen":"[::1]:9443"}`, ""},
		{`,"taxii":{"version":1,"listen":"localhost:9443"}`, ""},
		{`,"taxii":{"version":1,"listen":"0.0.0.0:9443","cert":"c.pem","key":"k.pem"}`, ""},
		{`,"ror":"057zh3y96"`, ""},
		{`,"ror":"not-a-ror"`, `"ror"`},
		{`,"taxii":{"version":2,"listen":"127.0.0.1:9443"}`, `"taxii.version"`},
		{`,"taxii":{"listen":"127.0.0.1:9443"}`, `"taxii.version"`},
		{`,"taxii":{"version":1,"listen":"0.0.0.0:9443"}`, `"taxii.cert"`},
		{`,"taxii":{"version":1,"listen":"192.0.2.1:9443","cert":"c.pem"}`, `"taxii.key"`},
		{`,"taxii":{"version":1,"listen":"nowhere"}`, `"taxii.listen"`},
		{`,"taxii":{"version":1,"listen":"127.0.0.1:9443","tls":true}`, `unknown field "tls"`},
	} {
		_, err := node.ParseConfig([]byte(strings.Replace(base, "%s", tc.section, 1)))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.section, err)
		case tc.wantErr != "" && (err == nil || !errors.Is(err, node.ErrConfig) || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want one naming %s", tc.section, err, tc.wantErr)
		}
	}
}

package api_test

import (
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
)

// FuzzQueryParameters sends arbitrary query strings to the list and check
// endpoints of a real node (check parses exactly the parameters publish
// does, without a disk write per input). Whatever the parameters, the API
// answers with a 2xx or a 4xx and a JSON body, never a 5xx or a panic.
func FuzzQueryParameters(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/queries/*.txt")
	if len(seeds) == 0 {
		f.Fatal("no seeds in testdata/queries")
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.TrimSpace(string(b)))
	}
	dir := newHome(f, "Fuzz University")
	lg := slog.New(slog.DiscardHandler)
	n := openHome(f, loadHome(f, dir), lg)
	tok, err := node.ReadToken(dir)
	if err != nil {
		f.Fatal(err)
	}
	handler := api.NewServer(n, tok, lg)
	record, err := fs.ReadFile(examples.Records, "records/indicator-clear.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, req := range []*http.Request{
			httptest.NewRequest("GET", "/v1/records", nil),
			httptest.NewRequest("POST", "/v1/check", strings.NewReader(string(record))),
		} {
			req.URL.RawQuery = q
			req.Host = "127.0.0.1" // httptest's example.com is refused by the Host allowlist
			req.Header.Set("Authorization", "Bearer "+tok)
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, req)
			if w.Code >= 500 || w.Code == http.StatusMisdirectedRequest {
				t.Fatalf("%s %s?%s: status %d: %s", req.Method, req.URL.Path, q, w.Code, w.Body)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s %s?%s: status %d, body is not JSON: %q", req.Method, req.URL.Path, q, w.Code, w.Body)
			}
		}
	})
}

package share

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
)

// vector is one file of testdata/vectors (SPEC.md §9).
type vector struct {
	Description string `json:"description"`
	Expect      string `json:"expect"`
	Envelope    string `json:"envelope"`
	CID         string `json:"cid"`
	Identity    string `json:"identity"`
	Plaintext   string `json:"plaintext"`
}

func loadVectors(t testing.TB) map[string]vector {
	t.Helper()
	files, err := filepath.Glob("testdata/vectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test vectors in testdata/vectors (%v)", err)
	}
	vs := map[string]vector{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		vs[strings.TrimSuffix(filepath.Base(f), ".json")] = v
	}
	return vs
}

// runVector takes a vector through decode, verify, CID, open and re-encode
// and returns the name of the first stage's result ("success" if all pass).
func runVector(t *testing.T, v vector) string {
	raw, err := base64.StdEncoding.DecodeString(v.Envelope)
	if err != nil {
		t.Fatalf("envelope is not base64: %v", err)
	}
	e, err := Decode(raw)
	if err != nil {
		t.Logf("decode: %v", err)
		for _, c := range []struct {
			err    error
			result string
		}{
			{ErrTooLarge, "too large"},
			{ErrTruncated, "truncated"},
			{ErrUnknownVersion, "unknown version"},
			{ErrUnknownField, "unknown field"},
			{ErrInvalidHeader, "invalid header"},
			{ErrNonCanonical, "non-canonical"},
			{ErrMalformed, "malformed"},
		} {
			if errors.Is(err, c.err) {
				return c.result
			}
		}
		return "decode error: " + err.Error()
	}
	again, err := e.Encode()
	if err != nil || !bytes.Equal(again, raw) {
		t.Fatalf("a decoded envelope does not re-encode byte for byte (err %v)", err)
	}
	if err := e.Verify(); err != nil {
		t.Logf("verify: %v", err)
		switch {
		case errors.Is(err, ErrBadSignature):
			return "bad signature"
		case errors.Is(err, ErrBodyMismatch):
			return "body mismatch"
		case errors.Is(err, ErrStub):
			return "stub"
		}
		return "verify error: " + err.Error()
	}
	c, err := e.CID()
	if err != nil {
		t.Fatal(err)
	}
	if c.String() != v.CID {
		t.Logf("cid: computed %s, claimed %s", c, v.CID)
		return "wrong cid"
	}
	ids, err := age.ParseIdentities(strings.NewReader(v.Identity))
	if err != nil {
		t.Fatalf("identity: %v", err)
	}
	if !e.Header.Key.Direct {
		// A sender key: it opens ursic-sk stanzas by the key derived from
		// it, and X25519 stanzas of records written before (SPEC.md §2.3).
		k, err := crypto.ParseGroupKey(v.Identity)
		if err != nil {
			t.Fatalf("identity of a sender-key record: %v", err)
		}
		ids = []age.Identity{k.Identity()}
	}
	plain, err := e.Open(ids...)
	if err != nil {
		t.Logf("open: %v", err)
		switch {
		case errors.Is(err, ErrNotRecipient):
			return "not recipient"
		case errors.Is(err, ErrInvalidRecord):
			return "invalid record"
		case errors.Is(err, ErrBadStanza):
			return "bad stanza"
		}
		return "open error: " + err.Error()
	}
	if string(plain) != v.Plaintext {
		t.Errorf("plaintext = %s, want %s", plain, v.Plaintext)
	}
	return "success"
}

func TestVectors(t *testing.T) {
	// How each expectation shows up in runVector.
	want := map[string]string{
		"header tampered": "bad signature",
		"body tampered":   "body mismatch",
	}
	seen := map[string]bool{}
	for name, v := range loadVectors(t) {
		t.Run(name, func(t *testing.T) {
			seen[v.Expect] = true
			expect := v.Expect
			if w, ok := want[expect]; ok {
				expect = w
			}
			if got := runVector(t, v); got != expect {
				t.Errorf("%s: got %q, want %q", v.Description, got, v.Expect)
			}
		})
	}
	for _, e := range []string{"success", "bad signature", "wrong cid", "truncated", "unknown version", "header tampered",
		"body tampered", "not recipient", "non-canonical", "unknown field", "invalid header", "invalid record", "stub",
		"too large", "malformed", "bad stanza"} {
		if !seen[e] {
			t.Errorf("no vector expects %q", e)
		}
	}
}

// TestVectorsDescribed keeps SPEC.md §9 and testdata/vectors together: every
// vector is named there (directly, or by a family such as `bad-cid-p-*`),
// and every expectation is in its table.
func TestVectorsDescribed(t *testing.T) {
	b, err := os.ReadFile("SPEC.md")
	if err != nil {
		t.Fatal(err)
	}
	spec := string(b)
	i := strings.Index(spec, "## 9. Test vectors")
	j := strings.Index(spec, "## 10.")
	if i < 0 || j < i {
		t.Fatal("SPEC.md has no §9 followed by §10")
	}
	s9 := spec[i:j]
	for name, v := range loadVectors(t) {
		named := strings.Contains(s9, "`"+name+"`")
		if k := strings.LastIndex(name, "-"); !named && k > 0 {
			named = strings.Contains(s9, "`"+name[:k+1]+"*`")
		}
		if !named {
			t.Errorf("vector %s is not described in SPEC.md §9", name)
		}
		if !strings.Contains(s9, "| `"+v.Expect+"` |") {
			t.Errorf("expectation %q (vector %s) is not in the table of SPEC.md §9", v.Expect, name)
		}
	}
}

// TestVectorSenderKeyStanza checks what success-group-sk shows: a group
// body written now has one ursic-sk stanza and no X25519 stanza, so the
// sender key's X25519 identity alone does not open it; the key derived
// from it (SPEC.md §2.3.1) does, and the same identity still opens the
// old-form success-group and success-group-epoch (the same sender key).
func TestVectorSenderKeyStanza(t *testing.T) {
	vs := loadVectors(t)
	open := func(name string, id age.Identity) error {
		raw, err := base64.StdEncoding.DecodeString(vs[name].Envelope)
		if err != nil {
			t.Fatal(err)
		}
		e, err := Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		if name == "success-group-sk" {
			hdr, _, _ := bytes.Cut(e.Body, []byte("\n--- "))
			if n := bytes.Count(hdr, []byte("\n-> ")); n != 1 || !bytes.Contains(hdr, []byte("\n-> ursic-sk ")) {
				t.Fatalf("success-group-sk body header:\n%s\nwant one ursic-sk stanza", hdr)
			}
		}
		_, err = e.Open(id)
		return err
	}
	key := vs["success-group-sk"].Identity
	if vs["success-group-epoch"].Identity != key {
		t.Fatal("success-group-sk and success-group-epoch are not sealed to the same sender key")
	}
	x, err := age.ParseX25519Identity(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := open("success-group-sk", x); !errors.Is(err, ErrNotRecipient) {
		t.Fatalf("the bare X25519 identity: %v, want not recipient", err)
	}
	k, err := crypto.ParseGroupKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"success-group-sk", "success-group-epoch", "success-group"} {
		if err := open(name, k.Identity()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

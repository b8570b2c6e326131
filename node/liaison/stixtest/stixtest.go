// Package stixtest validates STIX 2.1 JSON against the OASIS STIX 2.1 JSON
// schemas, for tests. The schemas are not copied into the repository: they
// are read from ../shared/stix2.1-json-schemas/schemas beside the repository
// root, where CI puts them. Outside CI a missing folder skips the test; with
// CI=true it fails it.
//
// Start with [Load].
package stixtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// baseURL is the prefix of every schema's $id.
const baseURL = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// Validator holds the compiled schemas.
type Validator struct {
	bundle *jsonschema.Schema
	byType map[string]*jsonschema.Schema
}

// SharedDir finds ../shared/NAME beside the repository root (the directory
// holding go.mod), starting from the working directory; "" if absent.
func SharedDir(name string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", name)
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Load compiles the schemas, mapping each $id URL to its local file.
func Load(t testing.TB) *Validator {
	t.Helper()
	root := SharedDir(filepath.Join("stix2.1-json-schemas", "schemas"))
	if root == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("the OASIS STIX 2.1 schemas are missing: CI must provide ../shared/stix2.1-json-schemas beside the repository")
		}
		t.Skip("no ../shared/stix2.1-json-schemas beside the repository")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(root, path)
		return c.AddResource(baseURL+filepath.ToSlash(rel), doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	v := &Validator{byType: map[string]*jsonschema.Schema{}}
	if v.bundle, err = c.Compile(baseURL + "common/bundle.json"); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"sdos", "sros"} {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.json"))
		for _, f := range files {
			typ := strings.TrimSuffix(filepath.Base(f), ".json")
			if v.byType[typ], err = c.Compile(baseURL + dir + "/" + typ + ".json"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, typ := range []string{"marking-definition", "extension-definition"} {
		if v.byType[typ], err = c.Compile(baseURL + "common/" + typ + ".json"); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// Bundle validates a bundle against bundle.json and every object in it
// against its own type's schema; an object of a type with no schema is an
// error (the export writes only standard types).
//
// bundle.json lists no extension-definition, and its branch for other
// types (oneOf core, cyber-observable-core) matches both for any such
// object, so it refuses every extension-definition. Those objects are
// checked against extension-definition.json alone, as the OASIS validator
// checks each object of a bundle against its own type.
func (v *Validator) Bundle(data []byte) error {
	var b map[string]json.RawMessage
	if err := json.Unmarshal(data, &b); err != nil {
		return err
	}
	var objs []json.RawMessage
	if err := json.Unmarshal(b["objects"], &objs); err != nil {
		return fmt.Errorf("bundle: objects: %w", err)
	}
	var rest []json.RawMessage
	for _, o := range objs {
		if err := v.Object(o); err != nil {
			return err
		}
		var head struct{ Type string }
		json.Unmarshal(o, &head)
		if head.Type != "extension-definition" {
			rest = append(rest, o)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	b["objects"], _ = json.Marshal(rest)
	env, _ := json.Marshal(b)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(env))
	if err != nil {
		return err
	}
	if err := v.bundle.Validate(doc); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return nil
}

// Object validates one object against its type's schema.
func (v *Validator) Object(data []byte) error {
	var head struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return err
	}
	s, ok := v.byType[head.Type]
	if !ok {
		return fmt.Errorf("%s: no schema for type %q", head.ID, head.Type)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("%s: %w", head.ID, err)
	}
	return nil
}

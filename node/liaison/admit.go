package liaison

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ursic/ursic/policy"
)

// Admission is the inbox's decision on one posted object: its id, type and
// version if it may wait for an operator, or why not.
type Admission struct {
	ID      string
	Type    string
	Version string // modified, else created, as the object claims it (a TAXII status names it even when refused)
	Err     error
}

// supporting types need no marking of their own: they describe others.
var supporting = map[string]bool{"identity": true, "marking-definition": true, "extension-definition": true, "relationship": true}

// Admit decides, object by object, what a partner may leave in the inbox:
// a JSON object with a type--UUID id of its own type, spec_version 2.1 and
// STIX timestamps; other than supporting objects (identity,
// marking-definition, extension-definition, relationship), a TLP marking
// this node understands, and not RED (never republished, so not kept).
// Import decides the rest when an operator accepts.
func Admit(objs []json.RawMessage) []Admission {
	out := make([]Admission, len(objs))
	parsed := make([]object, len(objs))
	byID := map[string]object{}
	for i, raw := range objs {
		var o object
		if err := json.Unmarshal(raw, &o); err != nil || o == nil {
			out[i].Err = fmt.Errorf("object %d is not a JSON object", i)
			continue
		}
		parsed[i] = o
		if id := o.str("id"); id != "" {
			byID[id] = o
		}
	}
	for i, o := range parsed {
		if o == nil {
			continue
		}
		a := &out[i]
		a.ID, a.Type = o.str("id"), o.str("type")
		a.Version = o.str("modified")
		if a.Version == "" {
			a.Version = o.str("created")
		}
		if m := stixID.FindStringSubmatch(a.ID); m == nil || m[1] != a.Type {
			a.Err = fmt.Errorf("id %q is not %s--UUID", a.ID, a.Type)
			continue
		}
		if o.str("spec_version") != "2.1" {
			a.Err = fmt.Errorf("spec_version is %q, want \"2.1\"", o.str("spec_version"))
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, a.Version)
		if err != nil || t.Location() != time.UTC {
			a.Err = fmt.Errorf("created/modified %q is not a STIX timestamp (RFC 3339, UTC)", a.Version)
			continue
		}
		if supporting[a.Type] {
			continue
		}
		level, err := levelOf(o, byID)
		if err != nil {
			a.Err = err
			continue
		}
		if level == policy.Red {
			a.Err = ErrNotRepublished
		}
	}
	return out
}

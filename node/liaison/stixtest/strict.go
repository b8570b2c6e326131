package stixtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Strict checks a STIX 2.1 bundle the way an independent validator in
// strict mode does (the OASIS stix2-validator with --strict, where every
// SHOULD is an error), beyond what the JSON schemas can express. It needs
// no files, so it runs everywhere. It returns every finding, nil if none.
//
// The checks, by the name the OASIS validator gives them where it has one:
//   - ids: type--UUID of the object's own type, in lower case with the
//     RFC 9562 variant; version 4 for the bundle and every domain,
//     relationship and meta object (and a process), version 5 for every
//     other cyber observable (uuid-check, see [UUIDCheck]);
//     spec_version "2.1"; only types STIX 2.1 defines (types-strict);
//   - timestamps: created, modified and published in UTC to the
//     millisecond, real dates, modified not before created
//     (timestamp, modified-created); no two objects with the same id and
//     modified (duplicate-ids);
//   - properties: only those STIX 2.1 defines for the type
//     (properties-strict, custom-prefix); every extension declared by an
//     extension-definition in the bundle, or the OASIS TLP 2.0 extension on
//     its own marking definitions, with an extension_type the definition
//     lists;
//   - markings: every object other than a marking definition marked;
//     every marking reference one of the five OASIS TLP 2.0 ids, and that
//     marking definition in the bundle under its TLP name;
//   - references: created_by_ref an identity in the bundle;
//     object_refs, source_ref, target_ref, sighting_of_ref in the bundle
//     (enforce-refs);
//   - vocabularies: identity_class, report_types, indicator_types,
//     pattern_type from their 2.1 vocabularies (all-vocabs), open
//     vocabulary values and kill-chain names lower case with hyphens
//     (open-vocab-format, kill-chain-names), relationship_type from the
//     common ones or lower case with hyphens;
//   - other: confidence an integer 0–100; lang an RFC 5646 tag;
//     external references with a source_name and one of description, url
//     or external_id, and hashes beside any url (extref-hashes); an
//     indicator with name and description (indicator-properties).
//
// A STIX pattern's grammar is not parsed: an indicator's pattern of type
// stix is only checked to be a bracketed comparison. The export writes no
// indicator objects (docs/STIX.md §4.2).
func Strict(data []byte) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	var bundle struct {
		Type    string                       `json:"type"`
		ID      string                       `json:"id"`
		Objects []map[string]json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &bundle); err != nil {
		return []error{fmt.Errorf("bundle: %w", err)}
	}
	if bundle.Type != "bundle" || !validID(bundle.ID, "bundle") {
		fail("bundle: type %q id %q is not a bundle--UUID", bundle.Type, bundle.ID)
	} else if err := UUIDCheck("bundle", bundle.ID); err != nil {
		fail("bundle: %v", err)
	}
	str := func(o map[string]json.RawMessage, k string) string {
		var s string
		json.Unmarshal(o[k], &s)
		return s
	}
	// First pass: what the bundle holds, for the references.
	byID := map[string]map[string]json.RawMessage{}
	extTypes := map[string][]string{} // extension-definition id → its extension_types
	versions := map[string]bool{}
	for _, o := range bundle.Objects {
		id := str(o, "id")
		byID[id] = o
		if str(o, "type") == "extension-definition" {
			var ts []string
			json.Unmarshal(o["extension_types"], &ts)
			extTypes[id] = ts
		}
	}
	for _, o := range bundle.Objects {
		typ, id := str(o, "type"), str(o, "id")
		where := id
		if where == "" {
			where = "an object of type " + typ
		}
		props, ok := standardProps[typ]
		if !ok {
			fail("%s: type %q is not one STIX 2.1 defines", where, typ)
			continue
		}
		if !validID(id, typ) {
			fail("%s: id is not %s--UUID (RFC 9562, lower case)", where, typ)
		} else if err := UUIDCheck(typ, id); err != nil {
			fail("%s: %v", where, err)
		}
		if v := str(o, "spec_version"); v != "2.1" {
			fail("%s: spec_version %q, want \"2.1\"", where, v)
		}
		for k := range o {
			if !slices.Contains(commonProps, k) && !slices.Contains(props, k) {
				fail("%s: property %q is not one STIX 2.1 defines for %s (custom properties go in an extension)", where, k, typ)
			}
		}

		// Timestamps.
		var created, modified time.Time
		for _, k := range []string{"created", "modified", "published", "valid_from", "valid_until", "first_seen", "last_seen"} {
			if _, ok := o[k]; !ok {
				continue
			}
			t, err := stixTimestamp(str(o, k))
			if err != nil {
				fail("%s: %s: %v", where, k, err)
			}
			switch k {
			case "created":
				created = t
			case "modified":
				modified = t
			}
		}
		if _, ok := o["created"]; !ok {
			fail("%s: no created", where)
		}
		if typ != "marking-definition" {
			if _, ok := o["modified"]; !ok {
				fail("%s: no modified", where)
			}
		}
		if !modified.IsZero() && modified.Before(created) {
			fail("%s: modified %s is before created %s", where, str(o, "modified"), str(o, "created"))
		}
		version := str(o, "modified")
		if version == "" {
			version = str(o, "created")
		}
		if versions[id+"@"+version] {
			fail("%s: two objects with this id and version %s", where, version)
		}
		versions[id+"@"+version] = true

		// Extensions.
		if raw, ok := o["extensions"]; ok {
			var exts map[string]map[string]json.RawMessage
			if err := json.Unmarshal(raw, &exts); err != nil {
				fail("%s: extensions: %v", where, err)
			}
			for k, e := range exts {
				et := str(e, "extension_type")
				switch {
				case k == tlp2Extension && typ == "marking-definition":
					if et != "property-extension" {
						fail("%s: the TLP 2.0 extension has extension_type %q", where, et)
					}
				case extTypes[k] != nil:
					if !slices.Contains(extTypes[k], et) {
						fail("%s: extension %s has extension_type %q, its definition allows %v", where, k, et, extTypes[k])
					}
				default:
					fail("%s: extension %q is not declared by an extension-definition in the bundle", where, k)
				}
			}
		}

		// Markings.
		var marks []string
		json.Unmarshal(o["object_marking_refs"], &marks)
		if typ != "marking-definition" && len(marks) == 0 {
			fail("%s: no object_marking_refs", where)
		}
		for _, m := range marks {
			if _, ok := tlp2Names[m]; !ok {
				fail("%s: marking %s is not an OASIS TLP 2.0 marking-definition", where, m)
			} else if byID[m] == nil {
				fail("%s: marking %s is not in the bundle", where, m)
			}
		}
		if typ == "marking-definition" {
			if name, ok := tlp2Names[id]; ok && str(o, "name") != name {
				fail("%s: the TLP 2.0 marking is named %q, OASIS names it %q", where, str(o, "name"), name)
			}
		}

		// References.
		if ref, ok := o["created_by_ref"]; ok {
			var r string
			json.Unmarshal(ref, &r)
			if target := byID[r]; target == nil || str(target, "type") != "identity" {
				fail("%s: created_by_ref %s is not an identity in the bundle", where, r)
			}
		}
		var refs []string
		json.Unmarshal(o["object_refs"], &refs)
		for _, k := range []string{"source_ref", "target_ref", "sighting_of_ref"} {
			if r := str(o, k); r != "" {
				refs = append(refs, r)
			}
		}
		for _, r := range refs {
			if byID[r] == nil {
				fail("%s: reference %s is not in the bundle", where, r)
			}
		}

		// Vocabularies.
		vocab := func(k string, values []string) {
			raw, ok := o[k]
			if !ok {
				return
			}
			var list []string
			if err := json.Unmarshal(raw, &list); err != nil {
				var one string
				json.Unmarshal(raw, &one)
				list = []string{one}
			}
			for _, v := range list {
				if !openVocabForm(v) {
					fail("%s: %s value %q is not lower case with hyphens", where, k, v)
				} else if values != nil && !slices.Contains(values, v) {
					fail("%s: %s value %q is not in the STIX 2.1 vocabulary", where, k, v)
				}
			}
		}
		vocab("identity_class", identityClassOV)
		vocab("report_types", reportTypeOV)
		vocab("indicator_types", indicatorTypeOV)
		vocab("pattern_type", patternTypeOV)
		vocab("sectors", nil)
		vocab("roles", nil)
		var phases []map[string]string
		json.Unmarshal(o["kill_chain_phases"], &phases)
		for _, p := range phases {
			for _, k := range []string{"kill_chain_name", "phase_name"} {
				if !openVocabForm(p[k]) {
					fail("%s: kill_chain_phases %s %q is not lower case with hyphens", where, k, p[k])
				}
			}
		}
		if rt := str(o, "relationship_type"); typ == "relationship" && !slices.Contains(commonRelationships, rt) && !openVocabForm(rt) {
			fail("%s: relationship_type %q is not lower case with hyphens", where, rt)
		}

		// The rest.
		if raw, ok := o["confidence"]; ok {
			var c float64
			if json.Unmarshal(raw, &c) != nil || c != float64(int(c)) || c < 0 || c > 100 {
				fail("%s: confidence %s is not an integer 0–100", where, raw)
			}
		}
		if _, ok := o["lang"]; ok && !langTag.MatchString(str(o, "lang")) {
			fail("%s: lang %q is not an RFC 5646 language tag", where, str(o, "lang"))
		}
		var ext []map[string]json.RawMessage
		json.Unmarshal(o["external_references"], &ext)
		for i, r := range ext {
			if str(r, "source_name") == "" {
				fail("%s: external reference %d has no source_name", where, i)
			}
			if r["description"] == nil && r["url"] == nil && r["external_id"] == nil {
				fail("%s: external reference %d has none of description, url, external_id", where, i)
			}
			if r["url"] != nil && r["hashes"] == nil {
				fail("%s: external reference %d has a url and no hashes", where, i)
			}
		}
		if typ == "indicator" {
			if o["name"] == nil || o["description"] == nil {
				fail("%s: an indicator should have a name and a description", where)
			}
			if p := str(o, "pattern"); str(o, "pattern_type") == "stix" && !(strings.HasPrefix(p, "[") && strings.Contains(p, "]")) {
				fail("%s: pattern %q is not a STIX pattern", where, p)
			}
		}
	}
	return errs
}

// tlp2Extension is the OASIS TLP 2.0 extension its marking definitions use.
const tlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlp2Names are the OASIS TLP 2.0 marking-definition ids and their names.
var tlp2Names = map[string]string{
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "TLP:CLEAR",
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "TLP:GREEN",
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "TLP:AMBER",
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "TLP:AMBER+STRICT",
	"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "TLP:RED",
}

// uuidForm is an RFC 9562 UUID in lower case: the variant bits 10 (the
// 17th hex digit 8, 9, a or b) and a version digit from 1 to 8.
var uuidForm = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// validID reports whether id is typ--UUID with an RFC 9562 UUID in lower
// case; [UUIDCheck] checks its version.
func validID(id, typ string) bool {
	u, ok := strings.CutPrefix(id, typ+"--")
	return ok && uuidForm.MatchString(u)
}

// cyberObservables are the STIX 2.1 cyber-observable object types
// (STIX 2.1 §6).
var cyberObservables = []string{
	"artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
	"file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
	"software", "url", "user-account", "windows-registry-key", "x509-certificate",
}

// UUIDCheck is the OASIS stix2-validator's uuid-check (STIX 2.1, an error
// under --strict) for an object of type typ with this id: a cyber
// observable other than a process has a version 5 UUID; a bundle, every
// domain, relationship and meta object and a process a version 4 one.
// Like the validator (Python's uuid.UUID.version), it counts a UUID
// without the RFC 9562 variant as having no version at all.
func UUIDCheck(typ, id string) error {
	_, u, ok := strings.Cut(id, "--")
	want := byte('4')
	if slices.Contains(cyberObservables, typ) && typ != "process" {
		want = '5'
	}
	u = strings.ToLower(u) // Python's uuid.UUID reads either case
	if !ok || !uuidForm.MatchString(u) || u[14] != want {
		return fmt.Errorf("uuid-check: %s is not a UUIDv%c id", id, want)
	}
	return nil
}

var timestampForm = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)

// stixTimestamp reads a STIX timestamp written in UTC to the millisecond,
// as the export writes every one.
func stixTimestamp(s string) (time.Time, error) {
	if !timestampForm.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not a UTC timestamp to the millisecond (YYYY-MM-DDTHH:MM:SS.sssZ)", s)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a real time: %v", s, err)
	}
	return t, nil
}

// openVocabForm is the OASIS validator's test of an open-vocabulary value
// or kill-chain name: Python's str.islower (some letter, no upper case)
// and no underscore or space.
func openVocabForm(v string) bool {
	letter := false
	for _, r := range v {
		if unicode.IsUpper(r) || r == '_' || r == ' ' {
			return false
		}
		if unicode.IsLower(r) {
			letter = true
		}
	}
	return letter
}

// langTag is RFC 5646 in outline: a 2–3 letter primary language (or 4–8),
// then subtags of 1–8 letters or digits.
var langTag = regexp.MustCompile(`^(?i)[a-z]{2,8}(-[a-z0-9]{1,8})*$`)

var (
	identityClassOV     = []string{"individual", "group", "system", "organization", "class", "unknown"}
	reportTypeOV        = []string{"attack-pattern", "campaign", "identity", "indicator", "intrusion-set", "malware", "observed-data", "threat-actor", "threat-report", "tool", "vulnerability"}
	indicatorTypeOV     = []string{"anomalous-activity", "anonymization", "benign", "compromised", "malicious-activity", "attribution", "unknown"}
	patternTypeOV       = []string{"stix", "pcre", "sigma", "snort", "suricata", "yara"}
	commonRelationships = []string{"derived-from", "duplicate-of", "related-to"}
)

// commonProps are the common properties of STIX 2.1 objects.
var commonProps = []string{"type", "spec_version", "id", "created_by_ref", "created", "modified", "revoked", "labels", "confidence", "lang", "external_references", "object_marking_refs", "granular_markings", "extensions"}

// standardProps are the properties STIX 2.1 defines for each domain,
// relationship and meta object type, beside the common ones.
var standardProps = map[string][]string{
	"attack-pattern":       {"name", "description", "aliases", "kill_chain_phases"},
	"campaign":             {"name", "description", "aliases", "first_seen", "last_seen", "objective"},
	"course-of-action":     {"name", "description", "action_type", "os_execution_envs", "action_bin", "action_reference"},
	"grouping":             {"name", "description", "context", "object_refs"},
	"identity":             {"name", "description", "roles", "identity_class", "sectors", "contact_information"},
	"incident":             {"name", "description", "kill_chain_phases"},
	"indicator":            {"name", "description", "indicator_types", "pattern", "pattern_type", "pattern_version", "valid_from", "valid_until", "kill_chain_phases"},
	"infrastructure":       {"name", "description", "infrastructure_types", "aliases", "kill_chain_phases", "first_seen", "last_seen"},
	"intrusion-set":        {"name", "description", "aliases", "first_seen", "last_seen", "goals", "resource_level", "primary_motivation", "secondary_motivations"},
	"location":             {"name", "description", "latitude", "longitude", "precision", "region", "country", "administrative_area", "city", "street_address", "postal_code"},
	"malware":              {"name", "description", "malware_types", "is_family", "aliases", "kill_chain_phases", "first_seen", "last_seen", "operating_system_refs", "architecture_execution_envs", "implementation_languages", "capabilities", "sample_refs"},
	"malware-analysis":     {"product", "version", "host_vm_ref", "operating_system_ref", "installed_software_refs", "configuration_version", "modules", "analysis_engine_version", "analysis_definition_version", "submitted", "analysis_started", "analysis_ended", "result_name", "result", "analysis_sco_refs", "sample_ref"},
	"note":                 {"abstract", "content", "authors", "object_refs"},
	"observed-data":        {"first_observed", "last_observed", "number_observed", "objects", "object_refs"},
	"opinion":              {"explanation", "authors", "opinion", "object_refs"},
	"report":               {"name", "description", "report_types", "published", "object_refs"},
	"threat-actor":         {"name", "description", "threat_actor_types", "aliases", "first_seen", "last_seen", "roles", "goals", "sophistication", "resource_level", "primary_motivation", "secondary_motivations", "personal_motivations"},
	"tool":                 {"name", "description", "tool_types", "aliases", "kill_chain_phases", "tool_version"},
	"vulnerability":        {"name", "description"},
	"relationship":         {"relationship_type", "description", "source_ref", "target_ref", "start_time", "stop_time"},
	"sighting":             {"description", "first_seen", "last_seen", "count", "sighting_of_ref", "observed_data_refs", "where_sighted_refs", "summary"},
	"marking-definition":   {"name", "definition_type", "definition"},
	"language-content":     {"object_ref", "object_modified", "contents"},
	"extension-definition": {"name", "description", "schema", "version", "extension_types", "extension_properties"},
}

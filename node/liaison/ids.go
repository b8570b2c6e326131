package liaison

import "github.com/google/uuid"

// Namespace is the UUID namespace of every id this package makes
// (docs/STIX.md §2): UUIDv5 of the URL namespace and
// "https://github.com/ursic/ursic/stix". It never changes: a partner
// deduplicates what we send by the ids made in it.
const Namespace = "4a44c0d9-21ef-5bfb-88a7-16b349018d89"

var namespace = uuid.MustParse(Namespace)

// nameUUID is the UUID this package gives name (docs/STIX.md §2): the
// RFC 9562 version 5 construction — the first 16 bytes of SHA-1 of the
// namespace's 16 bytes and name, with the RFC 9562 variant bits 10 —
// except that the version field is 4, not 5.
//
// Why version 4: STIX 2.1 §2.9 says the ids of domain, relationship and
// meta objects SHOULD be version 4, and a strict validator (the OASIS
// stix2-validator's uuid-check, an error under --strict) refuses any
// other version for them and for bundles. Why not random: the same record
// must get the same id on every export, or a partner could not tell a
// re-export or a revocation from a new object. So the bits are a name's
// and the label is version 4's, which a validator can check and a
// consumer cannot tell from random. SHA-1 names here; it protects
// nothing.
//
// An id made before 2026-11-30 is the same UUID with version 5: the two
// forms differ only in the version digit (the 13th hex digit).
func nameUUID(name string) string {
	u := uuid.NewSHA1(namespace, []byte(name))
	u[6] = u[6]&0x0f | 0x40
	return u.String()
}

// RecordID is the STIX id of the object a record maps to: its type and the
// name UUID of the record's CID.
func RecordID(stixType, cid string) string { return stixType + "--" + nameUUID(cid) }

// subjectID is the id of an indicator's subject identity.
func subjectID(cid string) string { return "identity--" + nameUUID(cid+"#subject") }

// AuthorID is the id of the identity of the member with this peer ID.
func AuthorID(peerID string) string { return "identity--" + nameUUID("peer:"+peerID) }

// bundleID is the id of a bundle of objects whose ids and versions, one
// "ID@MODIFIED\n" line each in bundle order, are lines.
func bundleID(lines string) string { return "bundle--" + nameUUID("bundle:"+lines) }

// legacyExtensionID is [ExtensionID] as exports made before 2026-11-30
// wrote it, with a version 5 UUID. A bundle exported then, by this node or
// by a member not yet updated, still carries the URSIC extension under it,
// and an import reads the extension under either id.
var legacyExtensionID = "extension-definition--" + uuid.NewSHA1(namespace, []byte("extension-definition:v1")).String()

// Fixed objects of every bundle (docs/STIX.md §3).
var (
	// ExtensionID declares the URSIC property extension.
	ExtensionID = "extension-definition--" + nameUUID("extension-definition:v1")
	// ConsortiumID is the identity that created the extension definition.
	ConsortiumID = "identity--" + nameUUID("identity:ursic")
)

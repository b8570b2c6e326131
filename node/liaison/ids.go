package liaison

import (
	"crypto/sha1"
	"fmt"
)

// Namespace is the UUID namespace of every id this package makes
// (docs/STIX.md §2): UUIDv5 of the URL namespace and
// "https://github.com/ursic/ursic/stix". It never changes: a partner
// deduplicates what we send by these ids.
const Namespace = "4a44c0d9-21ef-5bfb-88a7-16b349018d89"

var namespaceBytes = mustParseUUID(Namespace)

// uuid5 is the RFC 9562 version 5 UUID of name in the URSIC namespace.
// SHA-1 is what version 5 is defined with; it names, it does not protect.
func uuid5(name string) string {
	h := sha1.New()
	h.Write(namespaceBytes[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func mustParseUUID(s string) [16]byte {
	var u [16]byte
	j := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			continue
		}
		var v byte
		for _, c := range []byte{s[i], s[i+1]} {
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | (c - '0')
			case c >= 'a' && c <= 'f':
				v = v<<4 | (c - 'a' + 10)
			default:
				panic("liaison: bad uuid " + s)
			}
		}
		u[j] = v
		j++
		i++
	}
	return u
}

// RecordID is the STIX id of the object a record maps to: its type and the
// UUIDv5 of the record's CID.
func RecordID(stixType, cid string) string { return stixType + "--" + uuid5(cid) }

// subjectID is the id of an indicator's subject identity.
func subjectID(cid string) string { return "identity--" + uuid5(cid+"#subject") }

// AuthorID is the id of the identity of the member with this peer ID.
func AuthorID(peerID string) string { return "identity--" + uuid5("peer:"+peerID) }

// Fixed objects of every bundle (docs/STIX.md §3).
var (
	// ExtensionID declares the URSIC property extension.
	ExtensionID = "extension-definition--" + uuid5("extension-definition:v1")
	// ConsortiumID is the identity that created the extension definition.
	ConsortiumID = "identity--" + uuid5("identity:ursic")
)

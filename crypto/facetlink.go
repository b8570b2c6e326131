package crypto

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
)

// Domain separation for the facet link. The key is derived from the
// signing seed with HKDF rather than being the seed itself, so the link can
// never be confused with (or help forge) a signature, and a new purpose gets
// its own label.
const (
	facetLinkKeyInfo = "ursic facet link key v1"
	facetLinkPrefix  = "ursic-facet-link/v1\n"
)

// FacetLink is the keyed hash that ties a secretariat facet to the record it
// summarises: HMAC-SHA-256 of the record's binary CID under a key derived
// (HKDF-SHA-256) from this node's Ed25519 seed. Only the author can compute
// it, so the secretariat cannot tell which record a facet belongs to, while
// the author can find the facet again to retract it with the record.
func (id *Identity) FacetLink(recordCID []byte) []byte {
	key, err := hkdf.Key(sha256.New, id.sign.Seed(), nil, facetLinkKeyInfo, sha256.Size)
	if err != nil {
		// hkdf.Key fails only for an output longer than 255 hashes.
		panic("crypto: facet link key: " + err.Error())
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(facetLinkPrefix))
	mac.Write(recordCID)
	return mac.Sum(nil)
}

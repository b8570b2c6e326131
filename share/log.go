package share

import (
	"crypto/sha256"
	"encoding/base32"
	"slices"
	"strconv"
	"strings"

	"github.com/ursic/ursic/crypto"
)

// maxAudience bounds an explicit audience list (and any CBOR array).
const maxAudience = 4096

var logIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// LogID names the log an author writes an audience's records to (SPEC.md §4):
// "g/<group>" for a group, "p/<26 base32 chars>" for a list of peer IDs (a
// hash of the sorted, de-duplicated list, so its order does not matter). An
// empty audience has no log: LogID returns "".
//
// With a policy.Audience a, call LogID(a.Strings()).
func LogID(audience []string) string {
	if len(audience) == 0 {
		return ""
	}
	if len(audience) == 1 && isGroupName(audience[0]) {
		return "g/" + audience[0]
	}
	peers := slices.Clone(audience)
	slices.Sort(peers)
	peers = slices.Compact(peers)
	sum := sha256.Sum256([]byte(strings.Join(peers, "\n")))
	return "p/" + strings.ToLower(logIDEncoding.EncodeToString(sum[:16]))
}

// isGroupName: lcalpha *63(lcalpha / DIGIT / "-" / "_").
func isGroupName(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isToken: (lcalpha / DIGIT) *63(lcalpha / DIGIT / "-" / "_" / ".").
func isToken(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if i > 0 {
			ok = ok || c == '-' || c == '_' || c == '.'
		}
		if !ok {
			return false
		}
	}
	return true
}

// isPeerID reports whether s is an Ed25519 libp2p peer ID.
func isPeerID(s string) bool {
	if len(s) != 52 || !strings.HasPrefix(s, "12D3KooW") {
		return false
	}
	_, err := crypto.PublicKeyFromPeerID(s)
	return err == nil
}

// checkAudience returns "" if aud is one group name or a strictly ascending
// list of peer IDs, else what is wrong.
func checkAudience(aud []string) string {
	switch {
	case len(aud) == 0:
		return "audience is empty"
	case len(aud) > maxAudience:
		return "audience lists too many peers"
	case len(aud) == 1 && isGroupName(aud[0]):
		return ""
	}
	for i, p := range aud {
		if !isPeerID(p) {
			return "audience must be one group name or Ed25519 peer IDs; " + quote(p) + " is neither"
		}
		if i > 0 && aud[i-1] >= p {
			return "audience peer IDs must be sorted and unique"
		}
	}
	return ""
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strconv.Quote(s)
}

package share

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ursic/ursic/crypto"
)

// maxArrayElements bounds any CBOR array (SPEC.md §2.1).
const maxArrayElements = 4096

// MaxReaders is the most readers one body can be sealed to (SPEC.md §2.3):
// one age stanza each, and age reads at most [crypto.MaxStanzas] stanzas in
// a file. It bounds a peer-list audience with its author, a roster's
// members and a senderkey record's members, so that every body a node
// seals is one its readers can open.
const MaxReaders = crypto.MaxStanzas

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
// list of peer IDs that, with author, names at most MaxReaders readers, else
// what is wrong.
func checkAudience(aud []string, author string) string {
	switch {
	case len(aud) == 0:
		return "audience is empty"
	case len(aud) == 1 && isGroupName(aud[0]):
		return ""
	case len(aud) > MaxReaders:
		return fmt.Sprintf("audience lists %d peers; a body has at most %d readers", len(aud), MaxReaders)
	}
	if n := PeerReaders(aud, author); n > MaxReaders {
		return fmt.Sprintf("audience lists %d peers and the author is not one of them: %d readers, and a body has at most %d", len(aud), n, MaxReaders)
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

// PeerReaders is the number of readers of a peer-list audience: its peers
// and the author, who reads every body it writes (SPEC.md §2.3).
func PeerReaders(aud []string, author string) int {
	if slices.Contains(aud, author) {
		return len(aud)
	}
	return len(aud) + 1
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strconv.Quote(s)
}

package share

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/policy"
)

// rosterSignaturePrefix separates roster signatures from envelope signatures
// and any other use of a node's Ed25519 key (SPEC.md §7.2).
const rosterSignaturePrefix = "ursic-roster/v1\n"

// Roster limits (SPEC.md §7.1).
const (
	MaxRosterSize    = 1 << 20    // a roster document, in bytes of JSON
	maxRosterMembers = MaxReaders // every member can be one body's reader
	maxRosterGroups  = 256
	maxMemberAddrs   = 16
	maxAddrLen       = 256
	maxMemberNameLen = 128
)

// Roster errors, for callers that branch with [errors.Is].
var (
	// ErrRosterInvalid: the document is not a well-formed roster (syntax,
	// unknown or missing fields, bad peer IDs or recipients, unsorted or
	// duplicate entries after normalisation, threshold out of range, …).
	ErrRosterInvalid = errors.New("share: invalid roster")
	// ErrRosterChain: the roster does not follow the one it is checked
	// against (wrong version or wrong "prev" hash).
	ErrRosterChain = errors.New("share: roster does not follow the previous version")
	// ErrRosterSignatures: fewer valid signatures by the executives
	// entitled to sign than the threshold requires. Other signatures (by
	// anyone else, not verifying, repeated) are ignored, never this error.
	ErrRosterSignatures = errors.New("share: roster signatures do not suffice")
)

// rosterError carries one of the roster sentinels without repeating its
// text, so messages read "share: roster version 3 has …".
type rosterError struct {
	sentinel error
	msg      string
}

func (e *rosterError) Error() string { return "share: " + e.msg }
func (e *rosterError) Unwrap() error { return e.sentinel }

func rosterErr(sentinel error, format string, args ...any) error {
	return &rosterError{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

func invalidRoster(path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	return rosterErr(ErrRosterInvalid, "invalid roster: %s", msg)
}

// Roster is the consortium's signed membership list (SPEC.md §7):
// a JSON document that operators pass around as a file and sign in place.
// Version v+1 is valid only with signatures of at least Threshold executives
// of version v; the genesis (version 1) is signed by its own executives.
//
// The signatures cover a deterministic CBOR encoding of everything but the
// signatures, with every list in a fixed order, so the order of entries in
// the file does not matter. [ParseRoster] and [Roster.Normalize] put the
// lists in that order.
type Roster struct {
	Version    uint64              `json:"version"`          // 1 = genesis
	Prev       string              `json:"prev,omitempty"`   // Hash of version-1; "" for genesis
	Threshold  int                 `json:"threshold"`        // M: signatures of executives needed for version+1
	Executive  []string            `json:"executive"`        // peer IDs, sorted, each a member
	Members    []RosterMember      `json:"members"`          // sorted by peer ID
	Groups     map[string][]string `json:"groups,omitempty"` // custom groups: name → sorted peer IDs
	Created    time.Time           `json:"created"`          // UTC
	Signatures []RosterSignature   `json:"signatures"`       // sorted by peer ID
}

// RosterMember is one member card on the roster. Its JSON form is the card
// that `ursic card` prints.
type RosterMember struct {
	Name      string   `json:"name"`
	Role      string   `json:"role"`      // member, secretariat or liaison
	PeerID    string   `json:"peer_id"`   // "12D3KooW…"
	Recipient string   `json:"recipient"` // age X25519 recipient, "age1…"
	Addrs     []string `json:"addrs"`     // multiaddrs, in the member's order of preference
}

// RosterSignature is one executive's Ed25519 signature of the roster body.
type RosterSignature struct {
	PeerID string `json:"peer_id"`
	Sig    []byte `json:"sig"` // base64 (standard, padded) in JSON
}

// rosterBody is what is signed and hashed (SPEC.md §7.2). CBOR keys are the
// JSON names and must never change; new fields must be optional.
type rosterBody struct {
	Version   uint64              `cbor:"version"`
	Prev      string              `cbor:"prev,omitempty"`
	Threshold int                 `cbor:"threshold"`
	Executive []string            `cbor:"executive"`
	Members   []rosterMemberBody  `cbor:"members"`
	Groups    map[string][]string `cbor:"groups,omitempty"`
	Created   string              `cbor:"created"`
}

type rosterMemberBody struct {
	Name      string   `cbor:"name"`
	Role      string   `cbor:"role"`
	PeerID    string   `cbor:"peer_id"`
	Recipient string   `cbor:"recipient"`
	Addrs     []string `cbor:"addrs,omitempty"`
}

// JSON keys of the document, for the strict parse.
var (
	rosterJSONKeys    = []string{"version", "prev", "threshold", "executive", "members", "groups", "created", "signatures"}
	memberJSONKeys    = []string{"name", "role", "peer_id", "recipient", "addrs"}
	signatureJSONKeys = []string{"peer_id", "sig"}
)

// ParseRoster parses a roster document strictly: valid UTF-8 JSON, one
// object, no unknown, duplicate or null members, no trailing data, and
// the structural rules of [Roster.Validate]. Errors wrap [ErrRosterInvalid]
// and name the field. The roster is returned normalised; it does not check
// signatures: call [Roster.VerifyGenesis] or [Roster.VerifyNext].
func ParseRoster(data []byte) (*Roster, error) {
	if len(data) > MaxRosterSize {
		return nil, invalidRoster("", "the document is %d bytes, the limit is %d", len(data), MaxRosterSize)
	}
	p, err := newJSONParser(data)
	if err != nil {
		return nil, rosterJSONError(err)
	}
	v, err := p.value("", 0)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, invalidRoster("", "the document is empty")
		}
		return nil, rosterJSONError(err)
	}
	if err := p.end(); err != nil {
		return nil, rosterJSONError(err)
	}
	if err := checkRosterShape(v); err != nil {
		return nil, err
	}
	var r Roster
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, invalidRoster(te.Field, "must be %s, not a JSON %s", jsonGoType(te.Type.String()), te.Value)
		}
		return nil, invalidRoster("", "%v", err)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	r.Normalize()
	return &r, nil
}

func jsonGoType(t string) string {
	switch {
	case strings.HasPrefix(t, "[]uint8"):
		return "a base64 string"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "int"):
		return "a whole number"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "map"), strings.HasPrefix(t, "share."):
		return "an object"
	}
	return t
}

func rosterJSONError(err error) error {
	var se *SyntaxError
	if errors.As(err, &se) {
		return invalidRoster("", "invalid JSON at line %d, column %d (byte %d): %s", se.Line, se.Column, se.Offset, se.Msg)
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return invalidRoster(fe.Path, "%s", fe.Problem)
	}
	return invalidRoster("", "%v", err)
}

// isRosterTime reports whether s has the syntax of a roster's created time
// (SPEC.md §7.1): a date-time of §6.2. That its offset is zero is checked
// with the other rules of the roster.
func isRosterTime(s string) bool {
	return len(s) > len(time.DateOnly) && isDateSyntax(s)
}

// checkRosterShape refuses members that encoding/json would accept but a
// strict reader must not: keys in another case, unknown keys and nulls.
func checkRosterShape(v any) error {
	top, ok := v.(map[string]any)
	if !ok {
		return invalidRoster("", "a roster must be a JSON object, not %s", jsonType(v))
	}
	if err := checkKeys("", top, rosterJSONKeys, "version", "threshold", "executive", "members", "created", "signatures"); err != nil {
		return err
	}
	// encoding/json reads a time more laxly than SPEC.md §7.1 allows (a
	// one-digit hour, "," before the fraction, more than 9 digits, which it
	// truncates before the body is hashed), so the text is checked first.
	if c, ok := top["created"].(string); ok && !isRosterTime(c) {
		return invalidRoster("created", "%s is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.f]Z)", quote(c))
	}
	for _, k := range []struct {
		key  string
		keys []string
		req  []string
	}{
		{"members", memberJSONKeys, []string{"name", "role", "peer_id", "recipient"}},
		{"signatures", signatureJSONKeys, signatureJSONKeys},
	} {
		list, ok := top[k.key].([]any)
		if !ok {
			continue // the typed decode names the type error
		}
		for i, e := range list {
			path := fmt.Sprintf("%s[%d]", k.key, i)
			m, ok := e.(map[string]any)
			if !ok {
				return invalidRoster(path, "must be an object, not %s", jsonType(e))
			}
			if err := checkKeys(path, m, k.keys, k.req...); err != nil {
				return err
			}
		}
	}
	if g, ok := top["groups"].(map[string]any); ok {
		for name, peers := range g {
			if peers == nil {
				return invalidRoster("groups."+name, "null is not a value; omit the group instead")
			}
		}
	}
	return nil
}

func checkKeys(path string, m map[string]any, known []string, required ...string) error {
	var unknown []string
	for k, v := range m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
			continue
		}
		if v == nil {
			return invalidRoster(joinPath(path, k), "null is not a value; omit the field or give one")
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return invalidRoster(joinPath(path, unknown[0]), "unknown field (valid: %s)", strings.Join(known, ", "))
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			return invalidRoster(joinPath(path, k), "required")
		}
	}
	return nil
}

// Validate checks the roster's structure (SPEC.md §7.1), in any list order:
// version ≥ 1; prev empty exactly for the genesis, else 64 lower-case hex
// digits; 1 ≤ threshold ≤ number of executives; every member a valid card
// (name, role, Ed25519 peer ID, X25519 recipient, addresses) and listed
// once; executives and group peers are members, each listed once; group
// names follow the group-name grammar and are not built-in; created is set
// and in UTC. Signatures are not checked here: the Verify methods count
// the ones that verify and ignore the rest. Errors wrap [ErrRosterInvalid]
// and name the field.
func (r *Roster) Validate() error {
	if r.Version == 0 {
		return invalidRoster("version", "must be at least 1 (the genesis is version 1)")
	}
	switch {
	case r.Version == 1 && r.Prev != "":
		return invalidRoster("prev", "the genesis (version 1) has no previous version; omit \"prev\"")
	case r.Version > 1 && !isHex32(r.Prev):
		return invalidRoster("prev", "must be the 64 lower-case hex digits of version %d's hash", r.Version-1)
	}
	if len(r.Members) == 0 {
		return invalidRoster("members", "a roster has at least one member")
	}
	if len(r.Members) > maxRosterMembers {
		return invalidRoster("members", "%d members; the limit is %d, because a body is sealed to each of its readers and age opens no file with more than %d stanzas", len(r.Members), maxRosterMembers, MaxReaders)
	}
	members := make(map[string]bool, len(r.Members))
	for i, m := range r.Members {
		path := fmt.Sprintf("members[%d]", i)
		if err := m.validate(path); err != nil {
			return err
		}
		if members[m.PeerID] {
			return invalidRoster(path+".peer_id", "%s is listed twice", m.PeerID)
		}
		members[m.PeerID] = true
	}
	if len(r.Executive) == 0 {
		return invalidRoster("executive", "a roster has at least one executive")
	}
	if err := checkPeerSet("executive", r.Executive, members); err != nil {
		return err
	}
	if r.Threshold < 1 || r.Threshold > len(r.Executive) {
		return invalidRoster("threshold", "%d is out of range: it must be between 1 and the number of executives (%d)", r.Threshold, len(r.Executive))
	}
	if len(r.Groups) > maxRosterGroups {
		return invalidRoster("groups", "%d groups; the limit is %d", len(r.Groups), maxRosterGroups)
	}
	for name, peers := range r.Groups {
		path := "groups." + name
		switch {
		case !isGroupName(name):
			return invalidRoster(path, "%s is not a group name (a lower-case letter, then up to 63 lower-case letters, digits, '-' or '_')", quote(name))
		case isBuiltinGroup(name):
			return invalidRoster(path, "%q is a built-in group (members, secretariat, partners, executive); it follows from roles and the executive set", name)
		case len(peers) == 0:
			return invalidRoster(path, "a group has at least one peer; omit an empty group")
		}
		if err := checkPeerSet(path, peers, members); err != nil {
			return err
		}
	}
	if r.Created.IsZero() {
		return invalidRoster("created", "required: the time the version was proposed (RFC 3339, UTC)")
	}
	if _, off := r.Created.Zone(); off != 0 {
		return invalidRoster("created", "must be in UTC (end in \"Z\"), not %s", r.Created.Format(time.RFC3339))
	}
	// Signatures are not part of the structure: one that is malformed, not
	// by an entitled executive, not verifying or repeated is ignored by the
	// Verify methods, never a reason to refuse the document (SPEC.md §7.3).
	return nil
}

func (m *RosterMember) validate(path string) error {
	switch {
	case m.Name == "":
		return invalidRoster(path+".name", "required")
	case len(m.Name) > maxMemberNameLen:
		return invalidRoster(path+".name", "is %d bytes; the limit is %d", len(m.Name), maxMemberNameLen)
	case strings.IndexFunc(m.Name, unicode.IsControl) >= 0:
		return invalidRoster(path+".name", "must be one line without control characters")
	}
	switch policy.Role(m.Role) {
	case policy.RoleMember, policy.RoleSecretariat, policy.RoleLiaison:
	default:
		return invalidRoster(path+".role", "%s is not a role (member, secretariat, liaison)", quote(m.Role))
	}
	if !isPeerID(m.PeerID) {
		return invalidRoster(path+".peer_id", "%s is not an Ed25519 peer ID (12D3KooW…)", quote(m.PeerID))
	}
	if crypto.WeakPeerID(m.PeerID) {
		return invalidRoster(path+".peer_id", "%s embeds a weak key (not a curve point, or of small order: anyone can sign for it)", quote(m.PeerID))
	}
	if _, err := crypto.ParseRecipient(m.Recipient); err != nil || !strings.HasPrefix(m.Recipient, "age1") {
		return invalidRoster(path+".recipient", "%s is not an age X25519 recipient (age1…)", quote(m.Recipient))
	}
	if len(m.Addrs) > maxMemberAddrs {
		return invalidRoster(path+".addrs", "%d addresses; the limit is %d", len(m.Addrs), maxMemberAddrs)
	}
	for j, a := range m.Addrs {
		if !isMultiaddrText(a) {
			return invalidRoster(fmt.Sprintf("%s.addrs[%d]", path, j), "%s is not a multiaddr (e.g. /ip4/192.0.2.1/tcp/4001)", quote(a))
		}
	}
	return nil
}

// isMultiaddrText is a syntactic check only: "/" then printable ASCII
// without spaces. A node parses the addresses it dials and skips the ones it
// cannot, so a roster that lists a transport newer than the node still
// verifies.
func isMultiaddrText(s string) bool {
	if len(s) < 2 || len(s) > maxAddrLen || s[0] != '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func checkPeerSet(path string, peers []string, members map[string]bool) error {
	seen := make(map[string]bool, len(peers))
	for i, p := range peers {
		pp := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !members[p]:
			return invalidRoster(pp, "%s is not a member of this roster", quote(p))
		case seen[p]:
			return invalidRoster(pp, "%s is listed twice", p)
		}
		seen[p] = true
	}
	return nil
}

func isBuiltinGroup(name string) bool {
	switch name {
	case policy.GroupMembers, policy.GroupSecretariat, policy.GroupPartners, policy.GroupExecutive:
		return true
	}
	return false
}

func isHex32(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// Normalize puts the roster in its canonical order: members, executives,
// group peers and signatures sorted by peer ID, created in UTC, empty
// groups and address lists removed. [Roster.Sign], [Roster.Marshal] and
// [ParseRoster] call it; the signed body is always the normalised one.
func (r *Roster) Normalize() {
	slices.SortFunc(r.Members, func(a, b RosterMember) int { return strings.Compare(a.PeerID, b.PeerID) })
	slices.Sort(r.Executive)
	for name, peers := range r.Groups {
		slices.Sort(peers)
		r.Groups[name] = peers
	}
	if len(r.Groups) == 0 {
		r.Groups = nil
	}
	slices.SortFunc(r.Signatures, func(a, b RosterSignature) int {
		if c := strings.Compare(a.PeerID, b.PeerID); c != 0 {
			return c
		}
		return bytes.Compare(a.Sig, b.Sig) // a peer may appear twice in a relayed copy
	})
	r.Created = r.Created.UTC()
}

// body returns the signed body bytes (SPEC.md §7.2) of the normalised
// roster, without changing r.
func (r *Roster) body() []byte {
	b := rosterBody{
		Version:   r.Version,
		Prev:      r.Prev,
		Threshold: r.Threshold,
		Executive: sortedCopy(r.Executive),
		Members:   make([]rosterMemberBody, len(r.Members)),
		Created:   r.Created.UTC().Format(time.RFC3339Nano),
	}
	if b.Executive == nil {
		b.Executive = []string{}
	}
	for i, m := range r.Members {
		b.Members[i] = rosterMemberBody{Name: m.Name, Role: m.Role, PeerID: m.PeerID, Recipient: m.Recipient, Addrs: m.Addrs}
		if len(m.Addrs) == 0 {
			b.Members[i].Addrs = nil
		}
	}
	slices.SortFunc(b.Members, func(a, b rosterMemberBody) int { return strings.Compare(a.PeerID, b.PeerID) })
	if len(r.Groups) > 0 {
		b.Groups = make(map[string][]string, len(r.Groups))
		for name, peers := range r.Groups {
			b.Groups[name] = sortedCopy(peers)
		}
	}
	out, err := encMode.Marshal(&b)
	if err != nil {
		// Only strings, integers, arrays and maps: encoding cannot fail.
		panic("share: failed to encode roster body: " + err.Error())
	}
	return out
}

func sortedCopy(s []string) []string {
	if s == nil {
		return nil
	}
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// BodyBytes returns the bytes that are signed and hashed: the deterministic
// CBOR encoding of the normalised roster without its signatures.
func (r *Roster) BodyBytes() []byte { return r.body() }

// Hash returns the roster's hash: lower-case hex SHA-256 of its body bytes.
// The next version names it in "prev", and a node pins the genesis by it.
func (r *Roster) Hash() string {
	sum := sha256.Sum256(r.body())
	return hex.EncodeToString(sum[:])
}

func (r *Roster) signedMessage() []byte {
	return append([]byte(rosterSignaturePrefix), r.body()...)
}

// Marshal returns the normalised roster as indented JSON, the form
// operators keep on disk and sign in place. It does not change r (a node
// serves its installed rosters concurrently), so a copy is normalised.
func (r *Roster) Marshal() ([]byte, error) {
	out := r.Clone()
	out.Normalize()
	if err := out.Validate(); err != nil {
		return nil, err
	}
	if out.Signatures == nil {
		out.Signatures = []RosterSignature{}
	}
	for i := range out.Signatures {
		if out.Signatures[i].Sig == nil {
			out.Signatures[i].Sig = []byte{} // "", not null: a strict reader refuses null
		}
	}
	for i := range out.Members {
		if out.Members[i].Addrs == nil {
			out.Members[i].Addrs = []string{}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("share: failed to encode roster: %w", err)
	}
	return buf.Bytes(), nil
}

// Sign adds id's signature of the normalised roster, replacing any earlier
// one by the same peer. It refuses an invalid roster but does not check
// that id may sign: [Roster.CanSign] says so, and the Verify methods decide.
func (r *Roster) Sign(id *crypto.Identity) error {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	sig := RosterSignature{PeerID: id.PeerID(), Sig: id.Sign(r.signedMessage())}
	r.Signatures = slices.DeleteFunc(r.Signatures, func(s RosterSignature) bool { return s.PeerID == sig.PeerID })
	r.Signatures = append(r.Signatures, sig)
	r.Normalize()
	return nil
}

// CanSign reports whether peerID's signature counts towards r: for the
// genesis (prev nil), peerID must be one of r's executives; for a later
// version, one of prev's, and prev must be version r.Version-1.
func (r *Roster) CanSign(peerID string, prev *Roster) error {
	signers, by, err := r.signersFrom(prev)
	if err != nil {
		return err
	}
	if !slices.Contains(signers, peerID) {
		return rosterErr(ErrRosterSignatures, "%s may not sign roster version %d: it is not an executive of version %d (executives: %s)",
			peerID, r.Version, by, strings.Join(signers, ", "))
	}
	return nil
}

// signersFrom returns who may sign r and the version that says so.
func (r *Roster) signersFrom(prev *Roster) ([]string, uint64, error) {
	if prev == nil {
		if r.Version != 1 {
			return nil, 0, rosterErr(ErrRosterChain, "roster version %d is not a genesis: version %d decides who may sign it", r.Version, r.Version-1)
		}
		return r.Executive, r.Version, nil
	}
	if r.Version != prev.Version+1 {
		return nil, 0, rosterErr(ErrRosterChain, "roster version %d does not follow version %d (want version %d)", r.Version, prev.Version, prev.Version+1)
	}
	return prev.Executive, prev.Version, nil
}

// VerifyGenesis checks a genesis roster: valid structure, version 1, no
// prev, and at least Threshold valid signatures by its own executives.
// Signatures by anyone else, signatures that do not verify and repeated
// signatures are ignored (SPEC.md §7.3): they neither count nor make the
// roster invalid. It is a pure function of r.
func (r *Roster) VerifyGenesis() error {
	_, err := r.Verify(nil)
	return err
}

// VerifyNext checks that r validly follows prev: valid structure, Version =
// prev.Version+1, Prev = prev.Hash(), and at least prev.Threshold valid
// signatures by prev's executives. Other signatures are ignored as in
// [Roster.VerifyGenesis]. prev itself is trusted: the caller verified it
// before.
func (r *Roster) VerifyNext(prev *Roster) error {
	if prev == nil {
		return rosterErr(ErrRosterChain, "roster version %d needs the previous version to verify against", r.Version)
	}
	_, err := r.Verify(prev)
	return err
}

// Verify checks r as the genesis (prev nil) or as the version after prev,
// like [Roster.VerifyGenesis] and [Roster.VerifyNext], and returns a copy of
// r that holds only the signatures that count: one per entitled executive,
// each verifying. A node stores and relays that copy, so the junk a relay
// added to a document travels no further. r is not changed.
func (r *Roster) Verify(prev *Roster) (*Roster, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var (
		signers []string
		need    int
		by      uint64
	)
	if prev == nil {
		if r.Version != 1 || r.Prev != "" {
			return nil, rosterErr(ErrRosterChain, "roster version %d is not a genesis (version 1 without \"prev\")", r.Version)
		}
		signers, need, by = r.Executive, r.Threshold, r.Version
	} else {
		if r.Version != prev.Version+1 {
			return nil, rosterErr(ErrRosterChain, "roster version %d does not follow version %d (want version %d)", r.Version, prev.Version, prev.Version+1)
		}
		if want := prev.Hash(); r.Prev != want {
			return nil, rosterErr(ErrRosterChain, "roster version %d names previous hash %s, but version %d has hash %s", r.Version, r.Prev, prev.Version, want)
		}
		signers, need, by = prev.Executive, prev.Threshold, prev.Version
	}
	valid := r.countedSignatures(signers)
	if len(valid) < need {
		noun := "signatures"
		if len(valid) == 1 {
			noun = "signature"
		}
		return nil, rosterErr(ErrRosterSignatures, "roster version %d has %d valid executive %s of the %d that version %d requires%s",
			r.Version, len(valid), noun, need, by, r.ignoredNote(len(valid)))
	}
	out := r.Clone()
	out.Signatures = valid
	return out, nil
}

// countedSignatures returns the signatures that count towards r: for each
// peer in signers, its first signature in r that verifies. Signatures by
// anyone else are not even checked, so junk costs one verification per
// entry by an entitled signer at most.
func (r *Roster) countedSignatures(signers []string) []RosterSignature {
	msg := r.signedMessage()
	var valid []RosterSignature
	counted := map[string]bool{}
	for _, s := range r.Signatures {
		if counted[s.PeerID] || !slices.Contains(signers, s.PeerID) {
			continue
		}
		if crypto.Verify(s.PeerID, msg, s.Sig) != nil {
			continue
		}
		counted[s.PeerID] = true
		valid = append(valid, RosterSignature{PeerID: s.PeerID, Sig: slices.Clone(s.Sig)})
	}
	slices.SortFunc(valid, func(a, b RosterSignature) int { return strings.Compare(a.PeerID, b.PeerID) })
	return valid
}

// ignoredNote tells an operator how many signatures were ignored, if any:
// usually a signature made over an earlier draft, or by the wrong key.
func (r *Roster) ignoredNote(valid int) string {
	switch n := len(r.Signatures) - valid; {
	case n == 1:
		return " (1 other signature ignored: not by an executive of that version, not verifying, or repeated)"
	case n > 1:
		return fmt.Sprintf(" (%d other signatures ignored: not by an executive of that version, not verifying, or repeated)", n)
	}
	return ""
}

// View returns the membership that policy decides over: every member with
// its role and the custom groups it belongs to (sorted), and the
// executive set.
func (r *Roster) View() *policy.Roster {
	groups := map[string][]string{}
	for name, peers := range r.Groups {
		for _, p := range peers {
			groups[p] = append(groups[p], name)
		}
	}
	v := &policy.Roster{Executive: slices.Clone(r.Executive), Members: make([]policy.Member, len(r.Members))}
	for i, m := range r.Members {
		g := groups[m.PeerID]
		slices.Sort(g)
		v.Members[i] = policy.Member{PeerID: m.PeerID, Name: m.Name, Role: policy.Role(m.Role), Groups: g}
	}
	return v
}

// Member returns the card of peerID, if it is on the roster.
func (r *Roster) Member(peerID string) (RosterMember, bool) {
	for _, m := range r.Members {
		if m.PeerID == peerID {
			m.Addrs = slices.Clone(m.Addrs)
			return m, true
		}
	}
	return RosterMember{}, false
}

// IsExecutive reports whether peerID is one of the roster's executives.
func (r *Roster) IsExecutive(peerID string) bool { return slices.Contains(r.Executive, peerID) }

// Clone returns a deep copy of r.
func (r *Roster) Clone() *Roster {
	c := *r
	c.Executive = slices.Clone(r.Executive)
	c.Members = slices.Clone(r.Members)
	for i := range c.Members {
		c.Members[i].Addrs = slices.Clone(c.Members[i].Addrs)
	}
	if r.Groups != nil {
		c.Groups = make(map[string][]string, len(r.Groups))
		for k, v := range r.Groups {
			c.Groups[k] = slices.Clone(v)
		}
	}
	c.Signatures = slices.Clone(r.Signatures)
	for i := range c.Signatures {
		c.Signatures[i].Sig = slices.Clone(c.Signatures[i].Sig)
	}
	return &c
}

// Next returns the proposal for the next version: a copy of r with Version
// + 1, Prev = r.Hash(), Created now (UTC, whole seconds) and no signatures.
func (r *Roster) Next() *Roster {
	n := r.Clone()
	n.Normalize()
	n.Version = r.Version + 1
	n.Prev = r.Hash()
	n.Created = time.Now().UTC().Truncate(time.Second)
	n.Signatures = nil
	return n
}

// Add puts a new member's card on the roster (for a proposal). It refuses
// an invalid card and a peer already on the roster. Existing signatures
// are dropped: they no longer cover the body.
func (r *Roster) Add(m RosterMember) error {
	m.Addrs = slices.Clone(m.Addrs)
	if err := m.validate("member"); err != nil {
		return err
	}
	if _, ok := r.Member(m.PeerID); ok {
		return invalidRoster("member.peer_id", "%s is already on the roster; remove it first to change its card", m.PeerID)
	}
	r.Members = append(r.Members, m)
	r.Signatures = nil
	r.Normalize()
	return nil
}

// Remove takes peerID off the roster: from the members, the executive set
// and every custom group (a group left empty disappears). It refuses to
// leave fewer executives than the threshold. Existing signatures are
// dropped.
func (r *Roster) Remove(peerID string) error {
	if _, ok := r.Member(peerID); !ok {
		return invalidRoster("", "%s is not on the roster", quote(peerID))
	}
	if r.IsExecutive(peerID) && len(r.Executive)-1 < r.Threshold {
		return invalidRoster("executive", "removing %s would leave %d executives, fewer than the threshold %d", peerID, len(r.Executive)-1, r.Threshold)
	}
	if len(r.Members) == 1 {
		return invalidRoster("members", "%s is the last member", peerID)
	}
	not := func(p string) bool { return p == peerID }
	r.Members = slices.DeleteFunc(r.Members, func(m RosterMember) bool { return m.PeerID == peerID })
	r.Executive = slices.DeleteFunc(r.Executive, not)
	for name, peers := range r.Groups {
		peers = slices.DeleteFunc(peers, not)
		if len(peers) == 0 {
			delete(r.Groups, name)
		} else {
			r.Groups[name] = peers
		}
	}
	r.Signatures = nil
	r.Normalize()
	return nil
}

// SetGroup sets the custom group name to peers (any order, each a member);
// no peers deletes the group. Built-in groups cannot be set. Existing
// signatures are dropped.
func (r *Roster) SetGroup(name string, peers []string) error {
	path := "groups." + name
	switch {
	case !isGroupName(name):
		return invalidRoster(path, "%s is not a group name (a lower-case letter, then up to 63 lower-case letters, digits, '-' or '_')", quote(name))
	case isBuiltinGroup(name):
		return invalidRoster(path, "%q is a built-in group; it follows from roles and the executive set", name)
	}
	members := make(map[string]bool, len(r.Members))
	for _, m := range r.Members {
		members[m.PeerID] = true
	}
	peers = sortedCopy(peers)
	if err := checkPeerSet(path, peers, members); err != nil {
		return err
	}
	if len(peers) == 0 {
		delete(r.Groups, name)
	} else {
		if r.Groups == nil {
			r.Groups = map[string][]string{}
		}
		r.Groups[name] = peers
	}
	r.Signatures = nil
	r.Normalize()
	return nil
}

// SignatureCount returns how many of r's signatures count towards it (one
// per entitled executive, each verifying) and how many are needed: prev's
// executives and threshold decide, or r's own for a genesis (prev nil).
func (r *Roster) SignatureCount(prev *Roster) (valid, need int) {
	signers, need := r.Executive, r.Threshold
	if prev != nil {
		signers, need = prev.Executive, prev.Threshold
	}
	return len(r.countedSignatures(signers)), need
}

package share

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"

	"github.com/fxamacker/cbor/v2"
)

// ProtocolID is the libp2p protocol of the sync stream (SPEC.md §8). A
// change to the messages that an older peer would reject is a new
// protocol version, negotiated by libp2p.
const ProtocolID = "/ursic/sync/1.0.0"

// Wire limits (SPEC.md §8.1).
const (
	MaxFrameSize    = 4 << 20 // one frame's payload
	MaxBatch        = 512     // envelopes in one Envelopes message
	MaxBatchBytes   = 3 << 20 // sum of the envelopes (or roster documents) in one message
	MaxRange        = 10_000  // sequence numbers in one GetRange
	MaxHeads        = 8192    // log heads in one Hello or Heads message
	MaxRosterDocs   = 256     // documents in one Rosters message
	maxErrorMessage = 512
	maxVarintLen    = 9 // multiformats unsigned-varint: at most 9 bytes
)

// Wire errors, for callers that branch with [errors.Is].
var (
	// ErrFrameTooLarge: a frame whose announced length exceeds the limit.
	// The stream cannot be resynchronised; close it.
	ErrFrameTooLarge = errors.New("share: frame too large")
	// ErrMalformedMessage: a frame that is not exactly one valid message
	// (bad varint, not one CBOR map, unknown keys, no or several message
	// fields, non-canonical, or a field rule of SPEC.md §8 broken).
	ErrMalformedMessage = errors.New("share: malformed message")
)

// Error codes of [WireError]. A receiver treats a code it does not know
// like "bad-request".
const (
	CodeNotEntitled = "not-entitled" // the requester may not read that log
	CodeBadRequest  = "bad-request"  // the request breaks a rule of SPEC.md §8
	CodeRateLimited = "rate-limited" // too many requests; retry later
	CodeNotFound    = "not-found"    // the responder does not hold what was asked
	CodeInternal    = "internal"     // the responder failed; retry later
)

// Message is one frame of /ursic/sync/1.0.0: exactly one field is set.
//
// Rules for changing these types, which are on the wire: CBOR keys must
// never be changed, removed or given a new meaning; new fields must be
// optional (omitempty). Version 1.0.0 peers reject unknown keys, so an
// addition comes with a new [ProtocolID]. Golden frames in testdata/golden
// (wire-*.bin) catch an accidental change.
type Message struct {
	Hello      *Hello      `cbor:"hello,omitempty"`
	Heads      *Heads      `cbor:"heads,omitempty"`
	GetRange   *GetRange   `cbor:"range,omitempty"`
	Envelopes  *Envelopes  `cbor:"envs,omitempty"`
	GetRosters *GetRosters `cbor:"getr,omitempty"`
	Rosters    *Rosters    `cbor:"rosters,omitempty"`
	Error      *WireError  `cbor:"err,omitempty"`
}

// Hello opens a sync session; each side sends one first. Heads are the
// heads of the logs the other side is entitled to read and this side holds.
type Hello struct {
	RosterVersion uint64    `cbor:"r"`  // the sender's roster version; 0: none
	RosterHash    string    `cbor:"rh"` // that roster's Hash; "" with version 0
	Heads         []LogHead `cbor:"h"`
}

// Heads announces heads that changed, or did not fit in Hello. A receiver
// merges them into what it knows: a head replaces an older one of the same
// (author, log).
type Heads struct {
	Heads []LogHead `cbor:"h"`
}

// LogHead is the latest entry a peer holds of one log.
type LogHead struct {
	Author string `cbor:"a"` // peer ID
	Log    string `cbor:"l"` // log ID
	Seq    uint64 `cbor:"n"` // ≥ 1
	CID    []byte `cbor:"c"` // binary CID of entry Seq
}

// GetRange asks for entries From..To (inclusive) of one log. It is
// answered by one or more Envelopes messages, the last with More false,
// or by an Error.
type GetRange struct {
	Author string `cbor:"a"`
	Log    string `cbor:"l"`
	From   uint64 `cbor:"f"` // ≥ 1
	To     uint64 `cbor:"t"` // ≥ From, To-From+1 ≤ MaxRange
}

// Envelopes carries encoded envelopes of one log in ascending sequence
// order; retracted ones travel as stubs. More says another Envelopes
// message answers the same request.
type Envelopes struct {
	Envs [][]byte `cbor:"e"`
	More bool     `cbor:"m,omitempty"`
	// Stubs gives the CID of each stub in Envs: a stub has no body, so its
	// CID cannot be recomputed; the receiver checks it against the next
	// entry's prev, which the author signed.
	Stubs []StubCID `cbor:"s,omitempty"`
}

// StubCID is the CID of the stub at Envs[Index].
type StubCID struct {
	Index uint64 `cbor:"i"`
	CID   []byte `cbor:"c"`
}

// GetRosters asks for the roster documents from version From on.
type GetRosters struct {
	From uint64 `cbor:"f"` // ≥ 1
}

// Rosters answers GetRosters: roster JSON documents in ascending version
// order. The receiver verifies each against the one before it.
type Rosters struct {
	Docs [][]byte `cbor:"d"`
}

// WireError refuses a request. Code is one of the Code constants (a
// token); Message is for logs, never for decisions.
type WireError struct {
	Code    string `cbor:"c"`
	Message string `cbor:"m,omitempty"`
}

// wireEncMode is the envelopes' Core Deterministic Encoding, with empty
// arrays written as [] rather than null. It can encode into a caller's
// buffer, so that frames are written and checked without a fresh copy each.
var wireEncMode = mustWireEncMode()

// wireDecMode has the envelopes' strict options, with room for the longest
// lists a message may carry.
var wireDecMode = mustWireDecMode()

func mustWireEncMode() cbor.UserBufferEncMode {
	opts := cbor.CoreDetEncOptions()
	opts.IndefLength = cbor.IndefLengthForbidden
	opts.TagsMd = cbor.TagsForbidden
	opts.NilContainers = cbor.NilContainerAsEmpty
	em, err := opts.UserBufferEncMode()
	if err != nil {
		panic(fmt.Sprintf("share: cbor wire encoding options: %v", err))
	}
	return em
}

func mustWireDecMode() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		MaxNestedLevels:   8,
		MaxArrayElements:  MaxHeads,
		MaxMapPairs:       16,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		UTF8:              cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("share: cbor wire decoding options: %v", err))
	}
	return dm
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformedMessage}, args...)...)
}

// Name is the message's CBOR key ("hello", "range", …), for logs and
// metrics; "" if no field is set.
func (m *Message) Name() string {
	names := m.set()
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

func (m *Message) set() []string {
	var names []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"hello", m.Hello != nil}, {"heads", m.Heads != nil}, {"range", m.GetRange != nil},
		{"envs", m.Envelopes != nil}, {"getr", m.GetRosters != nil}, {"rosters", m.Rosters != nil},
		{"err", m.Error != nil},
	} {
		if f.set {
			names = append(names, f.name)
		}
	}
	return names
}

// Validate checks the rules of SPEC.md §8.2: exactly one field set, and
// that message's caps and field formats. Errors wrap [ErrMalformedMessage].
// It does not decode the envelopes or roster documents a message carries.
func (m *Message) Validate() error {
	switch names := m.set(); len(names) {
	case 0:
		return malformed("no message field is set")
	case 1:
	default:
		return malformed("several message fields are set (%s); a frame carries exactly one", strings.Join(names, ", "))
	}
	switch {
	case m.Hello != nil:
		h := m.Hello
		if h.RosterVersion == 0 && h.RosterHash != "" {
			return malformed("hello: roster hash without a roster version")
		}
		if h.RosterVersion > 0 && !isHex32(h.RosterHash) {
			return malformed("hello: roster hash %s is not 64 lower-case hex digits", quote(h.RosterHash))
		}
		return checkHeads("hello", h.Heads)
	case m.Heads != nil:
		return checkHeads("heads", m.Heads.Heads)
	case m.GetRange != nil:
		g := m.GetRange
		if err := checkLogName("range", g.Author, g.Log); err != nil {
			return err
		}
		switch {
		case g.From == 0:
			return malformed("range: sequence numbers start at 1")
		case g.To < g.From:
			return malformed("range: to %d is before from %d", g.To, g.From)
		case g.To-g.From >= MaxRange:
			return malformed("range: %d..%d asks for more than %d entries", g.From, g.To, MaxRange)
		}
	case m.Envelopes != nil:
		e := m.Envelopes
		if len(e.Envs) > MaxBatch {
			return malformed("envs: %d envelopes; the limit is %d a message", len(e.Envs), MaxBatch)
		}
		total := 0
		for i, b := range e.Envs {
			switch {
			case len(b) == 0:
				return malformed("envs[%d] is empty", i)
			case len(b) > MaxEnvelopeSize:
				return malformed("envs[%d] is %d bytes; an envelope is at most %d", i, len(b), MaxEnvelopeSize)
			}
			total += len(b)
		}
		if total > MaxBatchBytes {
			return malformed("envs: %d bytes of envelopes; the limit is %d a message", total, MaxBatchBytes)
		}
		for i, st := range e.Stubs {
			if st.Index >= uint64(len(e.Envs)) || (i > 0 && st.Index <= e.Stubs[i-1].Index) {
				return malformed("envs: stubs[%d] names envelope %d, out of order or out of range", i, st.Index)
			}
			// The hint names an envelope, so it is an envelope CID like
			// any other (SPEC.md §3): CIDv1, dag-cbor, sha2-256, 36 bytes.
			if _, err := cidFromBytes(st.CID); err != nil {
				return malformed("envs: stubs[%d]: %v", i, err)
			}
		}
	case m.GetRosters != nil:
		if m.GetRosters.From == 0 {
			return malformed("getr: roster versions start at 1")
		}
	case m.Rosters != nil:
		d := m.Rosters.Docs
		if len(d) > MaxRosterDocs {
			return malformed("rosters: %d documents; the limit is %d a message", len(d), MaxRosterDocs)
		}
		total := 0
		for i, b := range d {
			switch {
			case len(b) == 0:
				return malformed("rosters[%d] is empty", i)
			case len(b) > MaxRosterSize:
				return malformed("rosters[%d] is %d bytes; a roster is at most %d", i, len(b), MaxRosterSize)
			}
			total += len(b)
		}
		if total > MaxBatchBytes {
			return malformed("rosters: %d bytes of documents; the limit is %d a message", total, MaxBatchBytes)
		}
	case m.Error != nil:
		e := m.Error
		if !isToken(e.Code) {
			return malformed("err: code %s is not a token", quote(e.Code))
		}
		if len(e.Message) > maxErrorMessage || strings.IndexFunc(e.Message, unicode.IsControl) >= 0 {
			return malformed("err: message must be one line of at most %d bytes", maxErrorMessage)
		}
	}
	return nil
}

func checkHeads(what string, heads []LogHead) error {
	if len(heads) > MaxHeads {
		return malformed("%s: %d heads; the limit is %d a message", what, len(heads), MaxHeads)
	}
	for i, h := range heads {
		w := fmt.Sprintf("%s: head %d", what, i)
		if err := checkLogName(w, h.Author, h.Log); err != nil {
			return err
		}
		if h.Seq == 0 {
			return malformed("%s: sequence numbers start at 1", w)
		}
		if _, err := cidFromBytes(h.CID); err != nil {
			return malformed("%s: %v", w, err)
		}
	}
	return nil
}

func checkLogName(what, author, log string) error {
	if !isPeerID(author) {
		return malformed("%s: author %s is not an Ed25519 peer ID", what, quote(author))
	}
	if !isLogID(log) {
		return malformed("%s: %s is not a log ID (g/<group> or p/<26 base32 characters>)", what, quote(log))
	}
	return nil
}

// isLogID: %s"g/" group-name / %s"p/" 26b32char (SPEC.md §1).
func isLogID(s string) bool {
	switch {
	case strings.HasPrefix(s, "g/"):
		return isGroupName(s[2:])
	case strings.HasPrefix(s, "p/") && len(s) == 28:
		for i := 2; i < len(s); i++ {
			if !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= '2' && s[i] <= '7') {
				return false
			}
		}
		return true
	}
	return false
}

// EncodeMessage returns one frame's payload: m's deterministic CBOR. It
// refuses a message that [Message.Validate] refuses.
func EncodeMessage(m *Message) ([]byte, error) {
	buf := getFrameBuffer()
	defer putFrameBuffer(buf)
	buf.Grow(sizeHint(m))
	if err := encodeMessage(buf, m); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// encodeMessage appends m's payload to buf, as EncodeMessage returns it.
func encodeMessage(buf *bytes.Buffer, m *Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	start := buf.Len()
	if err := wireEncMode.MarshalToBuffer(m, buf); err != nil {
		return fmt.Errorf("share: failed to encode %s message: %w", m.Name(), err)
	}
	if n := buf.Len() - start; n > MaxFrameSize {
		return fmt.Errorf("%w: %s message is %d bytes, the limit is %d", ErrFrameTooLarge, m.Name(), n, MaxFrameSize)
	}
	return nil
}

// DecodeMessage parses one frame's payload strictly: one CBOR map with
// exactly one known message key, no unknown or duplicate keys, canonical
// (it re-encodes to b), and valid by [Message.Validate]. The message does
// not share memory with b.
func DecodeMessage(b []byte) (*Message, error) {
	if len(b) > MaxFrameSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrFrameTooLarge, len(b), MaxFrameSize)
	}
	if len(b) == 0 {
		return nil, malformed("empty frame")
	}
	var m Message
	// The decoder copies every byte string it sets (cbor's
	// parseByteString/fillByteString), so b may be reused once this returns;
	// TestReadMessageReusesNoMemory holds it to that.
	if err := wireDecMode.Unmarshal(b, &m); err != nil {
		return nil, malformed("%s", strings.TrimPrefix(err.Error(), "cbor: "))
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	again := getFrameBuffer()
	defer putFrameBuffer(again)
	again.Grow(len(b)) // what a canonical message re-encodes to
	if err := wireEncMode.MarshalToBuffer(&m, again); err != nil || !bytes.Equal(again.Bytes(), b) {
		return nil, malformed("%s message is not in deterministic encoding (key order, integer or length form, empty optional keys)", m.Name())
	}
	return &m, nil
}

// WriteMessage writes m as one frame: its length as an unsigned varint,
// then its payload, in a single Write.
func WriteMessage(w io.Writer, m *Message) error {
	buf := getFrameBuffer()
	defer putFrameBuffer(buf)
	// Room for the longest length before the payload, which is encoded
	// straight after it; the length then goes just before the payload.
	buf.Grow(maxVarintLen + sizeHint(m))
	var length [maxVarintLen]byte
	buf.Write(length[:])
	if err := encodeMessage(buf, m); err != nil {
		return err
	}
	b := buf.Bytes()
	n := len(b) - maxVarintLen
	l := appendUvarint(length[:0], uint64(n))
	frame := b[maxVarintLen-len(l):]
	copy(frame, l)
	if _, err := w.Write(frame); err != nil {
		return fmt.Errorf("share: failed to write %s message: %w", m.Name(), err)
	}
	return nil
}

// ReadMessage reads one frame from r and decodes it. max caps the
// payload; max ≤ 0 or above [MaxFrameSize] means MaxFrameSize. It reads
// exactly one frame and nothing after it: if r is an [io.ByteReader] (a
// *bufio.Reader, say) the length is read through it, else a byte at a time,
// so wrap a raw stream in a bufio.Reader and keep using that.
//
// At the end of the stream before a frame starts it returns io.EOF; a frame
// cut short gives an error wrapping io.ErrUnexpectedEOF. A length over max
// gives [ErrFrameTooLarge] before the payload is read.
func ReadMessage(r io.Reader, max int) (*Message, error) {
	buf := getFrameBuffer()
	defer putFrameBuffer(buf)
	return readMessage(r, max, buf)
}

// A Reader reads the frames of one stream one after another, as
// [ReadMessage] does, into one buffer it keeps until Release: a range answer
// is a run of frames of up to [MaxFrameSize], and the pool ReadMessage takes
// a buffer from for each is emptied by every other garbage collection,
// which a bulk sync runs often; a buffer grown afresh costs twice the
// frame's size (2026-11-30).
type Reader struct {
	r   io.Reader
	buf *bytes.Buffer // nil until the first frame and after Release
}

// NewReader returns a Reader of the frames of r, which it buffers (see
// [ReadMessage]).
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReader(r)} }

// ReadMessage reads the next frame, as the function [ReadMessage] does.
func (fr *Reader) ReadMessage(max int) (*Message, error) {
	if fr.buf == nil {
		fr.buf = getFrameBuffer()
	}
	fr.buf.Reset()
	return readMessage(fr.r, max, fr.buf)
}

// Release hands the Reader's buffer back for other streams. Messages read
// before stay valid (they share no memory with it); the Reader may be used
// again.
func (fr *Reader) Release() {
	if fr.buf != nil {
		putFrameBuffer(fr.buf)
		fr.buf = nil
	}
}

func readMessage(r io.Reader, max int, buf *bytes.Buffer) (*Message, error) {
	if max <= 0 || max > MaxFrameSize {
		max = MaxFrameSize
	}
	n, err := readUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(max) {
		return nil, fmt.Errorf("%w: the frame announces %d bytes, the limit is %d", ErrFrameTooLarge, n, max)
	}
	if n == 0 {
		return nil, malformed("empty frame")
	}
	if got, err := readPayload(r, buf, int(n)); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("share: frame of %d bytes cut short after %d: %w", n, got, err)
	}
	return DecodeMessage(buf.Bytes())
}

// readPayload reads n bytes from r into the empty buf. It grows buf with the
// data that arrives rather than trusting the length: a peer that announces
// a large frame and sends little makes this node allocate little.
func readPayload(r io.Reader, buf *bytes.Buffer, n int) (int, error) {
	for buf.Len() < n {
		if buf.Available() == 0 {
			buf.Grow(min(n-buf.Len(), max(buf.Len(), 64<<10)))
		}
		dst := buf.AvailableBuffer()
		dst = dst[:min(cap(dst), n-buf.Len())]
		got, err := r.Read(dst)
		buf.Write(dst[:got])
		if err != nil && buf.Len() < n {
			return buf.Len(), err
		}
	}
	return buf.Len(), nil
}

// sizeHint is about how long m's payload is, so that it is encoded into a
// buffer of its size rather than one grown by doubling.
func sizeHint(m *Message) int {
	n := 64
	add := func(list [][]byte) {
		for _, b := range list {
			n += len(b) + maxVarintLen
		}
	}
	switch {
	case m.Envelopes != nil:
		add(m.Envelopes.Envs)
		n += len(m.Envelopes.Stubs) * 64
	case m.Rosters != nil:
		add(m.Rosters.Docs)
	case m.Hello != nil:
		n += len(m.Hello.Heads) * 128
	case m.Heads != nil:
		n += len(m.Heads.Heads) * 128
	}
	return min(n, MaxFrameSize+maxVarintLen)
}

// frameBuffers keeps buffers of whole frames between messages: a bulk sync
// writes, reads and re-encodes (DecodeMessage's check) a frame of up to
// MaxFrameSize for every 512 envelopes, and a fresh buffer each time was
// about a third of the sync's garbage outside the crypto (2026-11-30).
var frameBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getFrameBuffer() *bytes.Buffer { return frameBuffers.Get().(*bytes.Buffer) }

func putFrameBuffer(b *bytes.Buffer) {
	if b.Cap() > 2*MaxFrameSize {
		return // not kept: no frame needs it
	}
	b.Reset()
	frameBuffers.Put(b)
}

// appendUvarint appends x as a multiformats unsigned varint (LEB128).
func appendUvarint(b []byte, x uint64) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

// readUvarint reads a multiformats unsigned varint: at most 9 bytes and
// minimally encoded (no trailing zero groups), so each length has one form.
func readUvarint(r io.Reader) (uint64, error) {
	br, ok := r.(io.ByteReader)
	if !ok {
		br = oneByteReader{r}
	}
	var x uint64
	for i := 0; i < maxVarintLen; i++ {
		c, err := br.ReadByte()
		if err != nil {
			if i == 0 && errors.Is(err, io.EOF) {
				return 0, io.EOF
			}
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, fmt.Errorf("share: frame length cut short: %w", err)
		}
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				return 0, malformed("frame length is not minimally encoded")
			}
			return x, nil
		}
	}
	return 0, malformed("frame length is longer than %d bytes", maxVarintLen)
}

type oneByteReader struct{ r io.Reader }

func (o oneByteReader) ReadByte() (byte, error) {
	var b [1]byte
	_, err := io.ReadFull(o.r, b[:])
	return b[0], err
}

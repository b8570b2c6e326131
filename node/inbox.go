package node

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ursic/ursic/node/apiwire"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/ursic/ursic/crypto"
)

// InboxDir is the directory of the liaison inbox in a home: what partners
// post over TAXII waits there for an operator. Each item is two files:
// ID.age, the posted objects sealed with age to this node's own identity
// (so nothing a partner sent is readable at rest without the node's key),
// and ID.json, the item's metadata (partner, times, state, and each object's
// id, type and version, which the TAXII server lists without opening the
// payload).
const InboxDir = "inbox"

// Inbox states.
const (
	InboxPending  = "pending"
	InboxAccepted = "accepted"
	InboxRejected = "rejected"
)

// ErrInboxItem is returned for an inbox item that does not exist or is no
// longer pending.
var ErrInboxItem = errors.New("no such pending inbox item")

// InboxObject is what the inbox keeps in clear about one posted object.
type InboxObject = apiwire.InboxObject

// InboxItem is one accepted POST of a partner.
type InboxItem struct {
	ID       string         `json:"id"`
	Partner  string         `json:"partner"`
	Received time.Time      `json:"received"`
	State    string         `json:"state"`
	Objects  []InboxObject  `json:"objects"`
	Decided  time.Time      `json:"decided,omitzero"`
	Results  []ImportResult `json:"results,omitempty"`
}

func (n *Node) inboxDir() string { return filepath.Join(n.home.Dir, InboxDir) }

func validInboxID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToLower(id) == id
}

// InboxAdd keeps objects a partner posted, sealed, as a new pending item.
// objs and metas are parallel.
func (n *Node) InboxAdd(partner string, objs []json.RawMessage, metas []InboxObject) (InboxItem, error) {
	if len(objs) != len(metas) || len(objs) == 0 {
		return InboxItem{}, errors.New("inbox: nothing to keep")
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return InboxItem{}, err
	}
	item := InboxItem{ID: hex.EncodeToString(b), Partner: partner, Received: time.Now().UTC(), State: InboxPending, Objects: metas}
	n.inboxMu.Lock()
	defer n.inboxMu.Unlock()
	if err := os.MkdirAll(n.inboxDir(), 0o700); err != nil {
		return InboxItem{}, err
	}
	if err := n.writeInboxPayload(item.ID, objs); err != nil {
		return InboxItem{}, err
	}
	if err := n.writeInboxItem(item); err != nil {
		os.Remove(filepath.Join(n.inboxDir(), item.ID+".age"))
		return InboxItem{}, err
	}
	n.audit("inbox", fmt.Sprintf("%s posted %d objects as %s", partner, len(objs), item.ID))
	return item, nil
}

func (n *Node) writeInboxPayload(id string, objs []json.RawMessage) error {
	plain, err := json.Marshal(objs)
	if err != nil {
		return err
	}
	r, err := crypto.ParseRecipient(n.home.Identity.Recipient())
	if err != nil {
		return err
	}
	sealed, err := crypto.Seal(plain, r)
	if err != nil {
		return fmt.Errorf("inbox: failed to seal: %w", err)
	}
	return writeFileSync(filepath.Join(n.inboxDir(), id+".age"), sealed, 0o600)
}

func (n *Node) writeInboxItem(item InboxItem) error {
	b, err := json.MarshalIndent(item, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(n.inboxDir(), item.ID+".json"), append(b, '\n'), 0o600)
}

func (n *Node) readInboxItem(id string) (InboxItem, error) {
	var item InboxItem
	if !validInboxID(id) {
		return item, fmt.Errorf("%w: %q", ErrInboxItem, id)
	}
	b, err := os.ReadFile(filepath.Join(n.inboxDir(), id+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return item, fmt.Errorf("%w: %s", ErrInboxItem, id)
	}
	if err != nil {
		return item, err
	}
	if err := json.Unmarshal(b, &item); err != nil {
		return item, fmt.Errorf("inbox item %s: %w", id, err)
	}
	return item, nil
}

func (n *Node) readInboxPayload(id string) ([]json.RawMessage, error) {
	sealed, err := os.ReadFile(filepath.Join(n.inboxDir(), id+".age"))
	if err != nil {
		return nil, err
	}
	plain, err := crypto.Open(sealed, []age.Identity{n.home.Identity.AgeIdentity()}...)
	if err != nil {
		return nil, fmt.Errorf("inbox item %s: %w", id, err)
	}
	var objs []json.RawMessage
	if err := json.Unmarshal(plain, &objs); err != nil {
		return nil, fmt.Errorf("inbox item %s: %w", id, err)
	}
	return objs, nil
}

// InboxList returns every inbox item, newest first.
func (n *Node) InboxList() ([]InboxItem, error) {
	n.inboxMu.Lock()
	defer n.inboxMu.Unlock()
	return n.inboxList()
}

func (n *Node) inboxList() ([]InboxItem, error) {
	files, err := filepath.Glob(filepath.Join(n.inboxDir(), "*.json"))
	if err != nil {
		return nil, err
	}
	items := []InboxItem{}
	for _, f := range files {
		item, err := n.readInboxItem(strings.TrimSuffix(filepath.Base(f), ".json"))
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	slices.SortFunc(items, func(a, b InboxItem) int { return b.Received.Compare(a.Received) })
	return items, nil
}

// InboxShow returns a pending item and its objects, opened.
func (n *Node) InboxShow(id string) (InboxItem, []json.RawMessage, error) {
	n.inboxMu.Lock()
	defer n.inboxMu.Unlock()
	item, err := n.readInboxItem(id)
	if err != nil {
		return item, nil, err
	}
	if item.State != InboxPending {
		return item, nil, nil
	}
	objs, err := n.readInboxPayload(id)
	if err == nil {
		n.audit("open", "inbox item "+id)
	}
	return item, objs, err
}

// InboxAccept imports a pending item as a bundle from its partner (see
// [Node.ImportSTIX]); unless it is a dry run, the item is then accepted and
// its sealed payload deleted.
func (n *Node) InboxAccept(ctx context.Context, id string, opt ImportOptions) ([]ImportResult, error) {
	n.inboxMu.Lock()
	defer n.inboxMu.Unlock()
	item, err := n.readInboxItem(id)
	if err != nil {
		return nil, err
	}
	if item.State != InboxPending {
		return nil, fmt.Errorf("%w: %s was %s", ErrInboxItem, id, item.State)
	}
	objs, err := n.readInboxPayload(id)
	if err != nil {
		return nil, err
	}
	bundle, err := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--" + uuidOf(item.ID), "objects": objs})
	if err != nil {
		return nil, err
	}
	opt.Partner = item.Partner
	res, err := n.ImportSTIX(ctx, bundle, opt)
	if err != nil || opt.DryRun {
		return res, err
	}
	item.State, item.Decided, item.Results = InboxAccepted, time.Now().UTC(), res
	if err := n.writeInboxItem(item); err != nil {
		return res, err
	}
	n.audit("inbox", "accepted "+id)
	return res, os.Remove(filepath.Join(n.inboxDir(), id+".age"))
}

// uuidOf writes 32 hex digits as a UUID.
func uuidOf(h string) string {
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

// InboxReject drops a pending item: its sealed payload is deleted, its
// metadata kept as rejected.
func (n *Node) InboxReject(id string) error {
	n.inboxMu.Lock()
	defer n.inboxMu.Unlock()
	item, err := n.readInboxItem(id)
	if err != nil {
		return err
	}
	if item.State != InboxPending {
		return fmt.Errorf("%w: %s was %s", ErrInboxItem, id, item.State)
	}
	item.State, item.Decided = InboxRejected, time.Now().UTC()
	if err := n.writeInboxItem(item); err != nil {
		return err
	}
	n.audit("inbox", "rejected "+id)
	return os.Remove(filepath.Join(n.inboxDir(), id+".age"))
}

// PartnerObject is one object a partner posted and may read back.
type PartnerObject struct {
	InboxObject
	JSON json.RawMessage
}

// InboxObjects returns the objects partner posted that still wait in the
// inbox, oldest first; a partner reads back only its own.
func (n *Node) InboxObjects(partner string) ([]PartnerObject, error) {
	n.inboxMu.Lock()
	defer n.inboxMu.Unlock()
	items, err := n.inboxList()
	if err != nil {
		return nil, err
	}
	var out []PartnerObject
	for _, item := range slices.Backward(items) {
		if item.Partner != partner || item.State != InboxPending {
			continue
		}
		objs, err := n.readInboxPayload(item.ID)
		if err != nil {
			return nil, err
		}
		for i, o := range objs {
			out = append(out, PartnerObject{InboxObject: item.Objects[i], JSON: o})
		}
	}
	return out, nil
}

// InboxDelete removes the versions of object id that partner posted and
// that still wait (versions empty: all of them); it returns how many went.
func (n *Node) InboxDelete(partner, id string, versions []string) (int, error) {
	n.inboxMu.Lock()
	defer n.inboxMu.Unlock()
	items, err := n.inboxList()
	if err != nil {
		return 0, err
	}
	deleted := 0
	for _, item := range items {
		if item.Partner != partner || item.State != InboxPending {
			continue
		}
		objs, err := n.readInboxPayload(item.ID)
		if err != nil {
			return deleted, err
		}
		var keep []json.RawMessage
		var metas []InboxObject
		for i, m := range item.Objects {
			if m.ID == id && (len(versions) == 0 || slices.Contains(versions, m.Version)) {
				deleted++
				continue
			}
			keep, metas = append(keep, objs[i]), append(metas, m)
		}
		if len(metas) == len(item.Objects) {
			continue
		}
		if len(keep) == 0 {
			item.State, item.Decided = InboxRejected, time.Now().UTC()
			if err := n.writeInboxItem(item); err != nil {
				return deleted, err
			}
			os.Remove(filepath.Join(n.inboxDir(), item.ID+".age"))
			continue
		}
		if err := n.writeInboxPayload(item.ID, keep); err != nil {
			return deleted, err
		}
		item.Objects = metas
		if err := n.writeInboxItem(item); err != nil {
			return deleted, err
		}
	}
	if deleted > 0 {
		n.audit("inbox", fmt.Sprintf("%s deleted %d versions of %s", partner, deleted, id))
	}
	return deleted, nil
}

package node_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/store"
	"github.com/ursic/ursic/share"
)

// stanzaTypes lists the stanza types of a binary age file's header.
func stanzaTypes(body []byte) []string {
	hdr, _, _ := bytes.Cut(body, []byte("\n--- "))
	var types []string
	for _, line := range strings.Split(string(hdr), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "->" {
			types = append(types, f[1])
		}
	}
	return types
}

// TestGroupRecordsUseSenderKeyStanza: a node seals a group record to its
// sender key's ursic-sk stanza alone, a senderkey record and a record to an
// explicit audience to X25519 recipients (SPEC.md §2.3). And a group record
// in the form written before the stanza (an X25519 stanza to the sender
// key), found in the store, still opens after a restart: the node's reader
// keeps the X25519 half of every sender key.
func TestGroupRecordsUseSenderKeyStanza(t *testing.T) {
	tn := startNode(t, "Test University")
	self := tn.n.PeerID()
	group := tn.mustPublish(node.PublishOptions{}, example(t, "indicator-amber.json"))[0]
	direct := tn.mustPublish(node.PublishOptions{Audience: []string{self}}, example(t, "indicator-green.json"))[0]
	tn.close()

	st, err := store.Open(filepath.Join(tn.dir, node.StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	h, err := node.LoadHome(tn.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var key *crypto.GroupKey
	var head store.Entry
	err = st.ForEach(func(e store.Entry) error {
		env, err := share.Decode(e.Envelope)
		if err != nil {
			return err
		}
		types := stanzaTypes(env.Body)
		switch {
		case env.Header.Kind == share.KindSenderKey:
			if !env.Header.Key.Direct || slices.ContainsFunc(types, func(s string) bool { return s != "X25519" }) {
				t.Errorf("senderkey record: direct %v, stanzas %v; want X25519 stanzas only", env.Header.Key.Direct, types)
			}
			plain, err := env.Open(h.Identity.AgeIdentity())
			if err != nil {
				return err
			}
			b, err := share.ParseSenderKeyBody(plain)
			if err != nil {
				return err
			}
			key, err = b.GroupKey()
			return err
		case e.CID == group:
			if env.Header.Key.Direct || !slices.Equal(types, []string{crypto.SenderKeyStanzaType}) {
				t.Errorf("group record: direct %v, stanzas %v; want one ursic-sk stanza", env.Header.Key.Direct, types)
			}
			if !strings.Contains(string(env.Body), " "+key.KeyID()+" ") {
				t.Errorf("group record's stanza does not carry its sender key's ID %s", key.KeyID())
			}
			head = e
		case e.CID == direct:
			if !env.Header.Key.Direct || len(types) == 0 || slices.ContainsFunc(types, func(s string) bool { return s != "X25519" }) {
				t.Errorf("direct record: direct %v, stanzas %v; want X25519 stanzas only", env.Header.Key.Direct, types)
			}
		}
		return nil
	})
	if err != nil || key == nil || head.CID == "" {
		t.Fatalf("reading the store: %v (sender key found %v, group record found %v)", err, key != nil, head.CID != "")
	}

	// The old form: the next entry of g/members, sealed to the sender key's
	// X25519 recipient, as nodes wrote it before the ursic-sk stanza.
	prev, err := share.Decode(head.Envelope)
	if err != nil {
		t.Fatal(err)
	}
	plain := example(t, "indicator-amber.json")
	rec, err := share.ParseRecord(plain)
	if err != nil {
		t.Fatal(err)
	}
	hdr := prev.Header
	prevCID, err := share.ParseCID(head.CID)
	if err != nil {
		t.Fatal(err)
	}
	hdr.Seq, hdr.Prev, hdr.Created = head.Seq+1, prevCID.Bytes(), time.Now().UnixMilli()
	old, err := share.Seal(h.Identity, hdr, bytes.Replace(rec.Body, []byte(`"title":"`), []byte(`"title":"old form `), 1), key.X25519Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if types := stanzaTypes(old.Body); !slices.Equal(types, []string{"X25519"}) {
		t.Fatalf("old-form body has stanzas %v", types)
	}
	enc, err := old.Encode()
	if err != nil {
		t.Fatal(err)
	}
	oldCID := share.CIDOf(enc).String()
	if _, err := st.Put(store.Entry{CID: oldCID, Author: self, Log: head.Log, Seq: hdr.Seq, Prev: head.CID, Envelope: enc}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	tn.open()
	v := tn.show(oldCID)
	if v.Body == nil || !strings.Contains(string(v.Body), "old form ") {
		t.Fatalf("the old-form group record does not open after a restart: %+v", v)
	}
	if v := tn.show(group); v.Body == nil {
		t.Fatal("the ursic-sk group record does not open after a restart")
	}
}

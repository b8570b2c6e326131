package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/cmd/ursic/cli"
	"github.com/ursic/ursic/crypto"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/share"
)

// buildTimeout bounds each `go build` and each age run.
const buildTimeout = 5 * time.Minute

// TestAgeCLIOpensGroupRecord is the emergency path end to end: a real node
// publishes a group record (sealed to its sender key's ursic-sk stanza);
// `ursic emergency` writes its body as an age file, the store's senderkey
// envelopes into a directory and a member's plugin identity; and the stock
// age CLI, built from filippo.io/age v1.3.2, with this plugin on $PATH,
// opens the body with the member's identity — from the exported senderkey
// files, and from a node home's store. A node outside the roster cannot.
func TestAgeCLIOpensGroupRecord(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	goBuild(t, filepath.Join(bin, "age"), "filippo.io/age/cmd/age")
	goBuild(t, filepath.Join(bin, "age-plugin-ursic"), ".")

	author, reader, outsider := filepath.Join(root, "author"), filepath.Join(root, "reader"), filepath.Join(root, "outsider")
	consortium(t, author, reader)
	if _, err := node.Init(outsider, node.InitOptions{Name: "outsider"}); err != nil {
		t.Fatal(err)
	}
	cid, want := publishGroupRecord(t, author)

	body := filepath.Join(root, "body.age")
	ursic(t, author, "emergency", "body", cid, "--out", body)
	b, err := os.ReadFile(body)
	if err != nil || !bytes.HasPrefix(b, []byte("age-encryption.org/v1\n-> ursic-sk ")) || bytes.Count(b[:bytes.Index(b, []byte("\n--- "))], []byte("\n-> ")) != 1 {
		t.Fatalf("the body is not an age file with one ursic-sk stanza (%v):\n%.200q", err, b)
	}
	keys := filepath.Join(root, "senderkeys")
	ursic(t, author, "emergency", "senderkeys", keys)
	ids := map[string]string{}
	for name, home := range map[string]string{"author": author, "reader": reader, "outsider": outsider} {
		ids[name] = filepath.Join(root, name+"-identity.txt")
		out := ursic(t, home, "emergency", "identity")
		if !strings.Contains(out, "\nAGE-PLUGIN-URSIC-1") {
			t.Fatalf("ursic emergency identity printed %q", out)
		}
		if err := os.WriteFile(ids[name], []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	empty := filepath.Join(root, "no-home") // a home with no store: only the exported files count
	for _, c := range []struct {
		name, identity, home, keys string
		ok                         bool
	}{
		{"a member, exported senderkey files", ids["reader"], empty, keys, true},
		{"the author, its own home's store", ids["author"], author, "", true},
		{"a member, a store without the record's sender key", ids["reader"], reader, "", false},
		{"a node outside the roster, exported senderkey files", ids["outsider"], empty, keys, false},
		{"a node outside the roster, the author's store", ids["outsider"], author, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, "age"), "-d", "-i", c.identity, body)
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
				"URSIC_HOME="+c.home, "URSIC_SENDER_KEYS="+c.keys)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if c.ok {
				if err != nil || stdout.String() != want {
					t.Fatalf("age -d: %v\nstderr: %s\nstdout: %q\nwant:   %q", err, stderr.String(), stdout.String(), want)
				}
				return
			}
			if err == nil || stdout.Len() != 0 {
				t.Fatalf("age -d opened the body (err %v, %d bytes out)", err, stdout.Len())
			}
			t.Logf("refused as it should be: %s", strings.TrimSpace(stderr.String()))
		})
	}
}

func goBuild(t *testing.T, out, pkg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// ursic runs the real command line against home and returns its stdout.
func ursic(t *testing.T, home string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Run(append([]string{"--home", home}, args...), strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("ursic %v: exit %d: %s", args, code, errb.String())
	}
	return out.String()
}

// consortium makes node homes for two members under one signed roster.
func consortium(t *testing.T, dirs ...string) {
	t.Helper()
	g := &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second)}
	var ids []*crypto.Identity
	for _, dir := range dirs {
		card, err := node.Init(dir, node.InitOptions{Name: filepath.Base(dir)})
		if err != nil {
			t.Fatal(err)
		}
		h, err := node.LoadHome(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.Identity)
		g.Members = append(g.Members, share.RosterMember(*card))
		g.Executive = append(g.Executive, card.PeerID)
	}
	g.Normalize()
	for _, id := range ids {
		if err := g.Sign(id); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range dirs {
		if err := node.ApplyRosterOffline(dir, g); err != nil {
			t.Fatal(err)
		}
	}
}

// publishGroupRecord has the node of home publish one record to the
// members group and returns its CID and its plaintext, as the node shows it.
func publishGroupRecord(t *testing.T, home string) (string, string) {
	t.Helper()
	h, err := node.LoadHome(home, "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(h, node.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	rec := []byte(`{"kind":"indicator","title":"Front company asking for photonics samples","indicator_type":"procurement_front",` +
		`"subject":{"kind":"organisation","names":[{"value":"Northbridge Trading Co.","lang":"en"}]},` +
		`"reason_category":"export_control","summary":"Asked two labs for samples.","severity":"high","confidence":"medium",` +
		`"valid_from":"2026-04-01","valid_until":"2099-03-31"}`)
	var cid string
	err = n.Publish(context.Background(), [][]byte{rec}, node.PublishOptions{TLP: "amber", Audience: []string{"members"}},
		func(p node.Published) error { cid = p.CID; return nil })
	if err != nil || cid == "" {
		t.Fatalf("Publish: %v (cid %q)", err, cid)
	}
	v, err := n.Show(cid)
	if err != nil || v.Body == nil {
		t.Fatalf("Show: %v", err)
	}
	return cid, string(v.Body)
}

package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ursic/ursic/examples"
	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/share"
)

func init() {
	register(&command{
		name:    "demo",
		usage:   "[--once] [--dir DIR] [--keep]",
		summary: "a whole consortium on this machine (five nodes, real libp2p on loopback) with sample data, walked through step by step; --once exits after the walkthrough (0 if every step behaved)",
		run:     runDemo,
	})
}

// demoNode is one in-process node of the demo with its API served on loopback.
type demoNode struct {
	name   string
	home   string
	node   *node.Node
	client *apiclient.Client
	stop   context.CancelFunc
	done   chan error
}

func startDemoNode(ctx context.Context, home string, lg *slog.Logger, network bool) (*demoNode, error) {
	h, err := node.LoadHome(home, "")
	if err != nil {
		return nil, err
	}
	n, err := node.Open(h, node.Options{Logger: lg})
	if err != nil {
		return nil, err
	}
	token, err := node.ReadToken(home)
	if err != nil {
		n.Close()
		return nil, err
	}
	if network {
		if err := n.Start(ctx); err != nil {
			n.Close()
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	ready := make(chan net.Addr, 1)
	d := &demoNode{name: h.Config.Name, home: home, node: n, stop: cancel, done: make(chan error, 1)}
	go func() {
		d.done <- api.Serve(ctx, api.NewServer(n, token, lg), api.ListenOf(home, h.Config), func(a net.Addr) { ready <- a })
	}()
	select {
	case a := <-ready:
		d.client = apiclient.New(a.String(), token)
		return d, nil
	case err := <-d.done:
		cancel()
		n.Close()
		return nil, err
	}
}

func (d *demoNode) close() error {
	d.stop()
	err := <-d.done
	return errors.Join(err, d.node.Close())
}

// walkthrough prints each step and remembers whether all behaved as stated.
type walkthrough struct {
	w      io.Writer
	failed int
}

func (wt *walkthrough) say(format string, args ...any) { fmt.Fprintf(wt.w, format+"\n", args...) }

func (wt *walkthrough) step(what string, fn func() (string, error)) {
	detail, err := fn()
	if err != nil {
		wt.failed++
		fmt.Fprintf(wt.w, "  ✗ %s\n      %v\n", what, err)
		return
	}
	fmt.Fprintf(wt.w, "  ✓ %s\n", what)
	if detail != "" {
		for _, l := range strings.Split(strings.TrimRight(detail, "\n"), "\n") {
			fmt.Fprintf(wt.w, "      %s\n", l)
		}
	}
}

func sample(name string) []byte {
	b, err := fs.ReadFile(examples.Records, "records/"+name)
	if err != nil {
		panic(err) // embedded at build time: a missing file is a build bug
	}
	return b
}

// demoMembers are the consortium the demo builds: three member universities,
// the secretariat and a liaison node.
var demoMembers = []struct{ key, name, role string }{
	{"kyoto", "Kyoto University (demo)", "member"},
	{"osaka", "Osaka University (demo)", "member"},
	{"tohoku", "Tohoku University (demo)", "member"},
	{"secretariat", "URSIC Secretariat (demo)", "secretariat"},
	{"liaison", "URSIC Liaison to partner networks (demo)", "liaison"},
}

// demoWait bounds every wait for the network in the demo.
const demoWait = 20 * time.Second

func runDemo(e *env, args []string) error {
	fset := flag.NewFlagSet("demo", flag.ContinueOnError)
	once := fset.Bool("once", false, "")
	dir := fset.String("dir", "", "")
	keep := fset.Bool("keep", false, "")
	pos, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	root := *dir
	if root == "" {
		if root, err = os.MkdirTemp("", "ursic-demo-"); err != nil {
			return err
		}
		if !*keep {
			defer func() {
				os.RemoveAll(root)
				if !*once {
					fmt.Fprintf(e.stderr, "ursic: removed the demo's homes under %s (--keep keeps them)\n", root)
				}
			}()
		}
	}
	ctx, stopSignals := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	wt := &walkthrough{w: e.stdout}

	wt.say("URSIC demo — a consortium of five nodes on this machine, real libp2p on loopback")
	wt.say("(homes under %s)\n", root)

	// 1. Every institution creates its node; the executive writes the genesis.
	cards := map[string]*node.Card{}
	wt.step("five institutions create their nodes: three universities, the secretariat, a liaison", func() (string, error) {
		var b strings.Builder
		for _, m := range demoMembers {
			c, err := node.Init(filepath.Join(root, m.key), node.InitOptions{Name: m.name, Role: m.role})
			if err != nil {
				return "", err
			}
			cards[m.key] = c
			fmt.Fprintf(&b, "%-12s %-12s %s\n", m.key, m.role, c.PeerID)
		}
		return b.String(), nil
	})
	if len(cards) != len(demoMembers) {
		return fmt.Errorf("demo stopped: %d step(s) failed", wt.failed)
	}
	home := func(k string) string { return filepath.Join(root, k) }
	var genesis *share.Roster
	wt.step("the founding executives (Kyoto, Osaka, Tohoku) sign a genesis roster, threshold 2", func() (string, error) {
		genesis = &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second)}
		for _, m := range demoMembers {
			genesis.Members = append(genesis.Members, share.RosterMember(*cards[m.key]))
		}
		genesis.Executive = []string{cards["kyoto"].PeerID, cards["osaka"].PeerID, cards["tohoku"].PeerID}
		for _, k := range []string{"kyoto", "osaka"} {
			h, err := node.LoadHome(home(k), "")
			if err != nil {
				return "", err
			}
			if err := genesis.Sign(h.Identity); err != nil {
				return "", err
			}
		}
		if err := genesis.VerifyGenesis(); err != nil {
			return "", err
		}
		for _, m := range demoMembers {
			if err := node.ApplyRosterOffline(home(m.key), genesis); err != nil {
				return "", err
			}
		}
		return "genesis " + genesis.Hash()[:16] + "… pinned by every node", nil
	})

	nodes := map[string]*demoNode{}
	defer func() {
		for _, d := range nodes {
			d.close()
		}
	}()
	wt.step("all five nodes start and connect to each other (only roster members are admitted)", func() (string, error) {
		for _, m := range demoMembers {
			d, err := startDemoNode(ctx, home(m.key), lg, true)
			if err != nil {
				return "", err
			}
			nodes[m.key] = d
		}
		for k, d := range nodes {
			if err := waitUntil(ctx, demoWait, func() bool { return len(d.node.Peers()) == len(demoMembers)-1 }); err != nil {
				return "", fmt.Errorf("%s connected to %d of %d peers", k, len(d.node.Peers()), len(demoMembers)-1)
			}
		}
		return "every node has 4 peers", nil
	})
	if len(nodes) != len(demoMembers) {
		return fmt.Errorf("demo stopped: %d step(s) failed", wt.failed)
	}
	kyoto, osaka, tohoku, sec, liaison := nodes["kyoto"], nodes["osaka"], nodes["tohoku"], nodes["secretariat"], nodes["liaison"]

	wt.say("\nPublishing: who receives what is decided by TLP and audience")
	publish := func(d *demoNode, file string, opt apiclient.PublishOptions) (string, error) {
		var cid string
		_, err := d.client.Publish(ctx, sample(file), opt, func(ev apiclient.PublishEvent) error {
			cid = ev.CID
			return nil
		})
		return cid, err
	}
	// expect waits until each of the readers can show cid, then checks that
	// none of the others hold even its envelope.
	expect := func(author, cid string, readers []string) (string, error) {
		for _, k := range readers {
			if err := waitUntil(ctx, demoWait, func() bool { _, err := nodes[k].node.Show(cid); return err == nil }); err != nil {
				return "", fmt.Errorf("%s did not receive %s", k, cid)
			}
		}
		// Let every node finish a sync round, so an absence means something.
		for _, d := range nodes {
			d.node.SyncNow()
		}
		var not []string
		for _, m := range demoMembers {
			if slices.Contains(readers, m.key) || m.key == author {
				continue
			}
			if has, _ := nodes[m.key].node.Holds(cid); has {
				return "", fmt.Errorf("%s holds the envelope %s but is not entitled", m.key, cid)
			}
			not = append(not, m.key)
		}
		return fmt.Sprintf("%s\nreadable at: %s\nnot even the ciphertext at: %s", cid, strings.Join(readers, ", "), strings.Join(not, ", ")), nil
	}
	wt.step("Kyoto: TLP:AMBER indicator to `members` reaches Osaka and Tohoku only", func() (string, error) {
		cid, err := publish(kyoto, "indicator-amber.json", apiclient.PublishOptions{})
		if err != nil {
			return "", err
		}
		return expect("kyoto", cid, []string{"osaka", "tohoku"})
	})
	wt.step("Kyoto: TLP:GREEN indicator to `partners` reaches the liaison node", func() (string, error) {
		cid, err := publish(kyoto, "indicator-green.json", apiclient.PublishOptions{TLP: "green", Audience: []string{"partners"}})
		if err != nil {
			return "", err
		}
		return expect("kyoto", cid, []string{"liaison"})
	})
	wt.step("Osaka: TLP:AMBER+STRICT case write-up to `members`", func() (string, error) {
		cid, err := publish(osaka, "method-amber-strict.json", apiclient.PublishOptions{})
		if err != nil {
			return "", err
		}
		return expect("osaka", cid, []string{"kyoto", "tohoku"})
	})
	wt.step("Kyoto: TLP:RED to Osaka alone — Tohoku never receives the envelope", func() (string, error) {
		cid, err := publish(kyoto, "indicator-clear.json", apiclient.PublishOptions{TLP: "red", Audience: []string{cards["osaka"].PeerID}})
		if err != nil {
			return "", err
		}
		return expect("kyoto", cid, []string{"osaka"})
	})
	wt.step("Kyoto: TLP:CLEAR to the secretariat, which reads only what names it", func() (string, error) {
		cid, err := publish(kyoto, "indicator-clear.json", apiclient.PublishOptions{TLP: "clear", Audience: []string{"secretariat"}})
		if err != nil {
			return "", err
		}
		return expect("kyoto", cid, []string{"secretariat"})
	})

	wt.say("\nGuardrails: what no node will carry")
	wt.step("a record describing a person's citizenship is refused, and nothing is stored", func() (string, error) {
		before, _ := kyoto.node.Status()
		_, err := publish(kyoto, "refused-nationality.json", apiclient.PublishOptions{})
		var ae *apiclient.Error
		if !errors.As(err, &ae) || len(ae.Findings) == 0 || ae.Findings[0].Severity != "refuse" {
			return "", fmt.Errorf("expected a refusal with findings, got %v", err)
		}
		after, _ := kyoto.node.Status()
		if after.Records != before.Records {
			return "", fmt.Errorf("records went from %d to %d", before.Records, after.Records)
		}
		return "ursic: error: " + ae.Message, nil
	})
	var flaggedCID string
	wt.step("a record with an e-mail address is held until the publisher confirms", func() (string, error) {
		_, err := publish(kyoto, "flagged-email.json", apiclient.PublishOptions{})
		var ae *apiclient.Error
		if !errors.As(err, &ae) || !strings.Contains(ae.Hint, "--confirm-personal-data") {
			return "", fmt.Errorf("expected the record to be held with a hint, got %v", err)
		}
		if flaggedCID, err = publish(kyoto, "flagged-email.json", apiclient.PublishOptions{ConfirmPersonalData: true}); err != nil {
			return "", err
		}
		return fmt.Sprintf("held: %s\nconfirmed with --confirm-personal-data: %s", ae.Message, flaggedCID), nil
	})
	wt.step("TLP:AMBER to `partners` is refused: AMBER never leaves the consortium", func() (string, error) {
		_, err := publish(kyoto, "indicator-green.json", apiclient.PublishOptions{TLP: "amber", Audience: []string{"partners"}})
		if err == nil {
			return "", errors.New("expected a policy refusal")
		}
		return "ursic: error: " + err.Error(), nil
	})
	unique := "Northbridge Photonics"
	wt.step("no plaintext on disk: \""+unique+"\" appears in no file of any home", func() (string, error) {
		return "", assertNotOnDisk(root, unique)
	})

	demoTrends(ctx, wt, nodes) // demo_trends.go

	wt.say("\nMembership changes: removing Tohoku")
	var next *share.Roster
	wt.step("Kyoto proposes roster version 2 without Tohoku; Kyoto and Osaka sign it", func() (string, error) {
		next = genesis.Next()
		if err := next.Remove(cards["tohoku"].PeerID); err != nil {
			return "", err
		}
		for _, k := range []string{"kyoto", "osaka"} {
			if err := next.Sign(nodes[k].node.Home().Identity); err != nil {
				return "", err
			}
		}
		return "", next.VerifyNext(genesis)
	})
	wt.step("a copy signed by Kyoto alone is refused as under-signed", func() (string, error) {
		under := genesis.Next()
		under.Remove(cards["tohoku"].PeerID)
		under.Sign(kyoto.node.Home().Identity)
		err := osaka.node.ApplyRoster(under)
		if err == nil {
			return "", errors.New("an under-signed roster was accepted")
		}
		return "refused: " + err.Error(), nil
	})
	wt.step("Kyoto installs version 2; it spreads to every member on its own and Tohoku is disconnected", func() (string, error) {
		if err := kyoto.node.ApplyRoster(next); err != nil {
			return "", err
		}
		for _, k := range []string{"osaka", "secretariat", "liaison"} {
			if err := waitUntil(ctx, demoWait, func() bool { return nodes[k].node.Roster().Version == 2 }); err != nil {
				return "", fmt.Errorf("%s did not get roster version 2", k)
			}
		}
		if err := waitUntil(ctx, demoWait, func() bool { return len(tohoku.node.Peers()) == 0 }); err != nil {
			return "", fmt.Errorf("tohoku still has %d peers", len(tohoku.node.Peers()))
		}
		return "roster version 2 at kyoto, osaka, secretariat, liaison; tohoku has 0 peers", nil
	})
	wt.step("Kyoto publishes again (a new sender key epoch): Osaka reads it, Tohoku cannot", func() (string, error) {
		cid, err := publish(kyoto, "indicator-green.json", apiclient.PublishOptions{TLP: "amber"})
		if err != nil {
			return "", err
		}
		out, err := expect("kyoto", cid, []string{"osaka"})
		if err != nil {
			return "", err
		}
		if _, err := tohoku.node.Show(cid); err == nil {
			return "", errors.New("the removed member can read the new record")
		}
		return out, nil
	})

	wt.say("\nRetraction and restart")
	amber, _, _ := kyoto.node.List(node.ListOptions{Kind: "indicator", TLP: "amber"})
	wt.step("Kyoto retracts its first AMBER indicator: Osaka deletes the body and keeps a stub", func() (string, error) {
		if len(amber) == 0 {
			return "", errors.New("no AMBER indicator to retract")
		}
		target := amber[len(amber)-1].CID
		if _, err := kyoto.client.Retract(ctx, target, "superseded by a newer indicator"); err != nil {
			return "", err
		}
		if err := waitUntil(ctx, demoWait, func() bool { v, err := osaka.node.Show(target); return err == nil && v.Retracted }); err != nil {
			return "", errors.New("osaka did not apply the retraction")
		}
		return target + " retracted; plaintext already read cannot be recalled", nil
	})
	wt.step("Osaka restarts: everything is still there, the index is rebuilt from ciphertext", func() (string, error) {
		before, _, _ := osaka.node.List(node.ListOptions{All: true})
		osaka.close()
		delete(nodes, "osaka")
		d, err := startDemoNode(ctx, home("osaka"), lg, true)
		if err != nil {
			return "", err
		}
		nodes["osaka"], osaka = d, d
		after, _, _ := osaka.node.List(node.ListOptions{All: true})
		if len(after) != len(before) {
			return "", fmt.Errorf("osaka listed %d records before the restart and %d after", len(before), len(after))
		}
		return fmt.Sprintf("%d records before and after", len(after)), nil
	})
	_ = sec
	var curl string
	wt.step("Liaison: serves TAXII 2.1 to a partner — the TLP:GREEN indicator, nothing AMBER or RED", func() (string, error) {
		var err error
		curl, err = demoTAXII(ctx, liaison, lg, "Talent programme with undisclosed exclusivity terms", []string{"Procurement front for dual-use photonics", "marking-definition--55d920b0", "marking-definition--e828b379"})
		return curl, err
	})

	if wt.failed > 0 {
		return fmt.Errorf("demo: %d step(s) did not behave as stated", wt.failed)
	}
	wt.say("\nAll steps behaved as stated.")
	if *once {
		return nil
	}
	wt.say("\nThe five nodes keep running. In another terminal, talk to any of them:\n")
	for _, m := range demoMembers {
		wt.say("  go run ./cmd/ursic --home %s status", home(m.key))
	}
	wt.say("  go run ./cmd/ursic --home %s list", home("osaka"))
	wt.say("  go run ./cmd/ursic --home %s peers", home("kyoto"))
	wt.say("  go run ./cmd/ursic --home %s trends", home("secretariat"))
	wt.say("  go run ./cmd/ursic --home %s similar --category talent_recruitment", home("osaka"))
	wt.say("  go run ./cmd/ursic --home %s publish --tlp green examples/records/indicator-clear.json", home("kyoto"))
	if curl != "" {
		wt.say("  %s   # the liaison's TAXII collection", curl)
	}
	wt.say("\nEach node's web console (a link works once, within 2 minutes; `console` prints a new one):\n")
	for _, m := range demoMembers {
		d := nodes[m.key]
		if d == nil {
			continue
		}
		if s, err := d.client.ConsoleSignIn(ctx); err != nil {
			wt.say("  %-10s no sign-in link: %v", m.key, err)
		} else {
			wt.say("  %-10s %s", m.key, s.URL)
		}
		wt.say("  %-10s go run ./cmd/ursic --home %s console", "", home(m.key))
	}
	wt.say("\nPress Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Fprintf(e.stderr, "\nursic: demo stopped (%v); closing the five nodes\n", context.Cause(ctx))
	return nil
}

// waitUntil polls cond until it holds or d passes.
func waitUntil(ctx context.Context, d time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// assertNotOnDisk fails if needle appears in any file under dir.
func assertNotOnDisk(dir, needle string) error {
	return filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(needle)) {
			return fmt.Errorf("plaintext found in %s", path)
		}
		return nil
	})
}

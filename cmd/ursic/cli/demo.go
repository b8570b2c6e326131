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
	"strings"
	"syscall"

	"github.com/ursic/node/examples"
	"github.com/ursic/node/node"
	"github.com/ursic/node/node/api"
)

func init() {
	register(&command{
		name:    "demo",
		usage:   "[--once] [--dir DIR]",
		summary: "a node on this machine with sample data, walked through step by step; --once exits after the walkthrough (0 if every step behaved)",
		run:     runDemo,
	})
}

// demoNode is one in-process node of the demo with its API served on loopback.
type demoNode struct {
	name   string
	home   string
	node   *node.Node
	client *api.Client
	stop   context.CancelFunc
	done   chan error
}

func startDemoNode(ctx context.Context, home string, lg *slog.Logger) (*demoNode, error) {
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
	ctx, cancel := context.WithCancel(ctx)
	ready := make(chan net.Addr, 1)
	d := &demoNode{name: h.Config.Name, home: home, node: n, stop: cancel, done: make(chan error, 1)}
	go func() {
		d.done <- api.Serve(ctx, api.NewServer(n, token, lg), h.Config.API, func(a net.Addr) { ready <- a })
	}()
	select {
	case a := <-ready:
		d.client = api.NewClient(a.String(), token)
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

func runDemo(e *env, args []string) error {
	fset := flag.NewFlagSet("demo", flag.ContinueOnError)
	once := fset.Bool("once", false, "")
	dir := fset.String("dir", "", "")
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
		if *once {
			defer os.RemoveAll(root)
		}
	}
	ctx, stopSignals := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	wt := &walkthrough{w: e.stdout}

	wt.say("URSIC demo — a consortium of one node on this machine (homes under %s)\n", root)
	home := filepath.Join(root, "kyoto")
	var card *node.Card
	wt.step("create a node home for \"Demo University (Kyoto)\"", func() (string, error) {
		card, err = node.Init(home, node.InitOptions{Name: "Demo University (Kyoto)"})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("peer ID %s\nage recipient %s", card.PeerID, card.Recipient), nil
	})
	if card == nil {
		return fmt.Errorf("demo stopped: %d step(s) failed", wt.failed)
	}
	d, err := startDemoNode(ctx, home, lg)
	if err != nil {
		return err
	}
	defer func() {
		if d != nil {
			d.close()
		}
	}()

	wt.say("\nPublishing sample records at several TLP levels:")
	published := map[string]string{}
	for _, f := range []string{"indicator-amber.json", "indicator-green.json", "indicator-clear.json", "method-amber-strict.json", "batch.jsonl"} {
		wt.step("publish "+f, func() (string, error) {
			var cids []string
			_, err := d.client.Publish(ctx, sample(f), node.PublishOptions{}, func(ev api.PublishEvent) error {
				cids = append(cids, ev.CID)
				return nil
			})
			if err != nil {
				return "", err
			}
			published[f] = cids[0]
			return strings.Join(cids, "\n"), nil
		})
	}

	wt.say("\nGuardrails: what the node will not carry")
	wt.step("a record describing a person's citizenship is refused, and nothing is stored", func() (string, error) {
		before, _ := d.node.Status()
		_, err := d.client.Publish(ctx, sample("refused-nationality.json"), node.PublishOptions{}, func(api.PublishEvent) error { return nil })
		var ae *api.Error
		if !errors.As(err, &ae) || len(ae.Findings) == 0 || ae.Findings[0].Severity != "refuse" {
			return "", fmt.Errorf("expected a refusal with findings, got %v", err)
		}
		after, _ := d.node.Status()
		if after.Records != before.Records {
			return "", fmt.Errorf("records went from %d to %d", before.Records, after.Records)
		}
		return "ursic: error: " + ae.Message, nil
	})
	var flaggedCID string
	wt.step("a record with an e-mail address is held until the publisher confirms", func() (string, error) {
		_, err := d.client.Publish(ctx, sample("flagged-email.json"), node.PublishOptions{}, func(api.PublishEvent) error { return nil })
		var ae *api.Error
		if !errors.As(err, &ae) || !strings.Contains(ae.Hint, "--confirm-personal-data") {
			return "", fmt.Errorf("expected the record to be held with a hint, got %v", err)
		}
		_, err = d.client.Publish(ctx, sample("flagged-email.json"), node.PublishOptions{ConfirmPersonalData: true}, func(ev api.PublishEvent) error {
			flaggedCID = ev.CID
			return nil
		})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("held: %s\nconfirmed with --confirm-personal-data: %s", ae.Message, flaggedCID), nil
	})
	wt.step("RED to a group is refused: RED needs named nodes", func() (string, error) {
		_, err := d.client.Publish(ctx, sample("indicator-green.json"), node.PublishOptions{TLP: "red", Audience: []string{"members"}}, func(api.PublishEvent) error { return nil })
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "red") {
			return "", fmt.Errorf("expected a policy refusal, got %v", err)
		}
		return "ursic: error: " + err.Error(), nil
	})

	wt.say("\nReading, retracting, restarting:")
	wt.step("list shows what this node can read", func() (string, error) {
		res, err := d.client.List(ctx, node.ListOptions{})
		if err != nil {
			return "", err
		}
		if res.Total != 10 {
			return "", fmt.Errorf("expected 10 records, listed %d", res.Total)
		}
		var b strings.Builder
		for _, r := range res.Records {
			fmt.Fprintf(&b, "%-13s %-10s %s\n", "TLP:"+strings.ToUpper(r.TLP), r.Kind, r.Title)
		}
		return b.String(), nil
	})
	unique := "Northbridge Photonics"
	wt.step("no plaintext on disk: \""+unique+"\" appears nowhere under the home", func() (string, error) {
		return "", assertNotOnDisk(home, unique)
	})
	amber := published["indicator-amber.json"]
	wt.step("retract the AMBER indicator: the body is deleted, a stub remains", func() (string, error) {
		if _, err := d.client.Retract(ctx, amber, "superseded by a newer indicator"); err != nil {
			return "", err
		}
		v, err := d.client.Show(ctx, amber)
		if err != nil {
			return "", err
		}
		if !v.Retracted || len(v.Body) != 0 {
			return "", errors.New("show still returns the body")
		}
		return "show: retracted (" + v.RetractReason + "); plaintext already read cannot be recalled", nil
	})
	wt.step("restart the node: everything is still there, the index is rebuilt from ciphertext", func() (string, error) {
		if err := d.close(); err != nil {
			return "", err
		}
		d = nil
		nd, err := startDemoNode(ctx, home, lg)
		if err != nil {
			return "", err
		}
		d = nd
		v, err := d.client.Show(ctx, flaggedCID)
		if err != nil {
			return "", err
		}
		r, err := d.client.Show(ctx, amber)
		if err != nil || !r.Retracted {
			return "", fmt.Errorf("the retraction did not survive the restart: %v", err)
		}
		return "show " + v.CID + ": " + v.Title, nil
	})

	if wt.failed > 0 {
		return fmt.Errorf("demo: %d step(s) did not behave as stated", wt.failed)
	}
	wt.say("\nAll steps behaved as stated.")
	if *once {
		return nil
	}
	tok, _ := node.ReadToken(home)
	wt.say(`
The node keeps running. In another terminal:

  export URSIC_HOME=%s
  go run ./cmd/ursic list
  go run ./cmd/ursic show %s
  go run ./cmd/ursic publish --tlp green examples/records/indicator-clear.json
  go run ./cmd/ursic status

Local API: http://%s (bearer token %s…). Press Ctrl-C to stop.`, home, flaggedCID, d.node.Home().Config.API, tok[:8])
	<-ctx.Done()
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


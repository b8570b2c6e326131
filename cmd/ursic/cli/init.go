package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/ursic/ursic/node"
)

func init() {
	register(&command{
		name:    "init",
		usage:   "--name NAME [--role member|secretariat|liaison] [--listen MULTIADDR ...] [--announce MULTIADDR ...] [--api HOST:PORT] [--protect]",
		summary: "create the home and print this node's member card (JSON); --protect seals the key with a passphrase ($URSIC_PASSPHRASE or asked)",
		run:     runInit,
	})
}

func runInit(e *env, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	name := fs.String("name", "", "")
	role := fs.String("role", "member", "")
	apiAddr := fs.String("api", "", "")
	protect := fs.Bool("protect", false, "")
	var listen, announce listFlag
	fs.Var(&listen, "listen", "")
	fs.Var(&announce, "announce", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if *name == "" {
		return &usageError{"--name is required (the institution's name, e.g. \"Kyoto University\")"}
	}
	opt := node.InitOptions{Name: *name, Role: *role, Listen: listen, Announce: announce, API: *apiAddr}
	if *protect {
		if opt.Passphrase, err = passphrase(e); err != nil {
			return err
		}
	}
	card, err := node.Init(e.home, opt)
	if errors.Is(err, node.ErrHomeExists) {
		return withHint(err, e.tr("init.exists"))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("init.created", e.home))
	warnAnnounce(e, card)
	return e.printJSON(card)
}

// passphrase reads the home's passphrase from the environment or the terminal.
func passphrase(e *env) (string, error) {
	if p := os.Getenv(node.PassphraseEnv); p != "" {
		return p, nil
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return "", withHint(errors.New("no passphrase given"), "set "+node.PassphraseEnv+" or run in a terminal")
	}
	fmt.Fprint(e.stderr, "passphrase: ")
	p, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	if len(p) == 0 {
		return "", errors.New("empty passphrase")
	}
	return string(p), nil
}

// warnAnnounce says when a member card lists no address another university
// can reach: fine for a consortium on one machine, not for a real node.
func warnAnnounce(e *env, card *node.Card) {
	if len(card.Addrs) == 0 {
		fmt.Fprintf(e.stderr, "ursic: warning: this card lists no address others can dial (the node listens on a wildcard)\n")
		fmt.Fprintf(e.stderr, "ursic: hint: give the address others reach with --announce /dns4/HOST/tcp/PORT (or \"announce\" in config.json)\n")
		return
	}
	for _, a := range card.Addrs {
		if !strings.HasPrefix(a, "/ip4/127.") && !strings.HasPrefix(a, "/ip6/::1/") {
			return
		}
	}
	fmt.Fprintf(e.stderr, "ursic: warning: this card lists loopback addresses only: right for a consortium on one machine, unreachable for other universities\n")
	fmt.Fprintf(e.stderr, "ursic: hint: for a real node, --listen /ip4/0.0.0.0/tcp/4001 --announce /dns4/HOST/tcp/4001 (see docs/OPERATIONS.md)\n")
}

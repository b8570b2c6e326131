package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/taxii"
)

func init() {
	register(&command{
		name:    "taxii",
		usage:   "enable --listen HOST:PORT [--cert FILE --key FILE] | partner add NAME [--write] | partner list | partner revoke NAME",
		summary: "serve TAXII 2.1 to partner networks from `ursic run` (discovery at https://HOST:PORT/taxii2/; TLS required except on loopback); partner add prints a credential once (Bearer token, or Basic-auth password with NAME as user); --write grants the inbox",
		run:     runTAXII,
	})
}

// serveWithTAXII runs the local API and the TAXII server until ctx ends or
// either fails.
// serveWithTAXII serves the TAXII 2.1 server beside the local API (serveAPI)
// until ctx ends or either stops.
func serveWithTAXII(ctx context.Context, n *node.Node, lg *slog.Logger, serveAPI func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cfg := *n.Home().Config.TAXII
	errc := make(chan error, 2)
	go func() {
		errc <- taxii.Serve(ctx, taxii.New(n, lg), cfg, func(a net.Addr) {
			lg.Info("TAXII 2.1 listening", "discovery", a.String()+taxii.DiscoveryPath, "tls", cfg.Cert != "")
		})
	}()
	go func() { errc <- serveAPI(ctx) }()
	err := <-errc
	cancel()
	if err2 := <-errc; err == nil {
		err = err2
	}
	return err
}

func runTAXII(e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"taxii needs a subcommand: enable or partner"}
	}
	switch args[0] {
	case "enable":
		fs := flag.NewFlagSet("taxii enable", flag.ContinueOnError)
		var cfg node.TAXIIConfig
		fs.StringVar(&cfg.Listen, "listen", "", "")
		fs.StringVar(&cfg.Cert, "cert", "", "")
		fs.StringVar(&cfg.Key, "key", "", "")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) > 0 || cfg.Listen == "" {
			return &usageError{"taxii enable needs --listen HOST:PORT"}
		}
		for _, f := range []*string{&cfg.Cert, &cfg.Key} {
			if *f != "" {
				if *f, err = filepath.Abs(*f); err != nil {
					return err
				}
			}
		}
		if err := node.EnableTAXII(e.home, cfg); err != nil {
			return err
		}
		scheme := "https"
		if cfg.Cert == "" {
			scheme = "http"
		}
		fmt.Fprintf(e.stdout, "TAXII 2.1 enabled: discovery at %s://%s%s once the node is (re)started\n", scheme, cfg.Listen, taxii.DiscoveryPath)
		return nil
	case "partner":
		return runPartner(e, args[1:])
	}
	return &usageError{fmt.Sprintf("unknown taxii subcommand %q", args[0])}
}

func runPartner(e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"taxii partner needs add, list or revoke"}
	}
	switch args[0] {
	case "add":
		fs := flag.NewFlagSet("taxii partner add", flag.ContinueOnError)
		write := fs.Bool("write", false, "")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return &usageError{"taxii partner add needs one NAME"}
		}
		if _, err := node.ReadConfig(e.home); err != nil {
			return err
		}
		cred, err := taxii.AddPartner(e.home, pos[0], *write)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(map[string]any{"name": pos[0], "write": *write, "credential": cred})
		}
		fmt.Fprintln(e.stdout, cred)
		fmt.Fprintf(e.stderr, "ursic: note: the credential of %s is shown this once; send it to the partner over a trusted channel (Authorization: Bearer CREDENTIAL, or Basic auth as %s)\n", pos[0], pos[0])
		return nil
	case "list":
		ps, err := taxii.ListPartners(e.home)
		if err != nil {
			return err
		}
		if e.json {
			type row struct {
				Name    string `json:"name"`
				Write   bool   `json:"write"`
				Created string `json:"created"`
			}
			out := []row{}
			for _, p := range ps {
				out = append(out, row{p.Name, p.Write, p.Created.Format("2006-01-02T15:04:05Z")})
			}
			return e.printJSON(out)
		}
		tw := newTable(e.stdout)
		fmt.Fprintln(tw, e.tr("taxii.head"))
		for _, p := range ps {
			inbox := "read only"
			if p.Write {
				inbox = "write"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, inbox, p.Created.Format("2006-01-02"))
		}
		return tw.Flush()
	case "revoke":
		if len(args) != 2 {
			return &usageError{"taxii partner revoke needs one NAME"}
		}
		if err := taxii.RevokePartner(e.home, args[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, e.tr("taxii.revoked"), args[1])
		return nil
	}
	return &usageError{fmt.Sprintf("unknown taxii partner subcommand %q", args[0])}
}

package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
)

func init() {
	register(&command{
		name:    "run",
		usage:   "[--log-format text|json] [--log-level debug|info|warn|error]",
		summary: "run the node in the foreground until SIGINT or SIGTERM; logs go to stderr (one line per record received, per peer connected, and at shutdown); mails the daily digest if config.json has a \"digest\" section",
		run:     runRun,
	})
}

func envPassphrase() string { return os.Getenv(node.PassphraseEnv) }

func runRun(e *env, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	format := fs.String("log-format", "text", "")
	level := fs.String("log-level", "info", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	lg, err := newLogger(e.stderr, *format, *level)
	if err != nil {
		return err
	}
	h, err := node.LoadHome(e.home, envPassphrase())
	if err != nil {
		return err
	}
	n, err := node.Open(h, node.Options{Logger: lg, IndexInBackground: true})
	if err != nil {
		return err
	}
	defer n.Close()
	token, err := node.ReadToken(e.home)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := n.Start(ctx); err != nil {
		return err
	}
	// The daily digest mail, if config.json has a "digest" section; it ends
	// before the node closes.
	dctx, dcancel := context.WithCancel(ctx)
	digestDone := make(chan struct{})
	go func() { defer close(digestDone); n.RunDigestMail(dctx) }()
	defer func() { dcancel(); <-digestDone }()
	listen := api.ListenOf(e.home, h.Config)
	serveAPI := func(ctx context.Context) error {
		return api.Serve(ctx, api.NewServer(n, token, lg), listen, func(a net.Addr) {
			lg.Info("local API listening", "addr", a.String(), "tls", listen.CertFile != "")
		})
	}
	if h.Config.TAXII != nil {
		err = serveWithTAXII(ctx, n, lg, serveAPI)
	} else {
		err = serveAPI(ctx)
	}
	reason := "signal"
	if err != nil {
		reason = err.Error()
	}
	lg.Info("node stopping", "reason", reason)
	return err
}

// newLogger makes the node's logger: text (key=value) or JSON lines, at a level.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, &usageError{fmt.Sprintf("--log-level %q: use debug, info, warn or error", level)}
	}
	opt := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opt)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opt)), nil
	}
	return nil, &usageError{fmt.Sprintf("--log-format %q: use text or json", format)}
}

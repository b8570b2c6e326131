package cli

import (
	"context"
	"fmt"
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
		summary: "run the node in the foreground until SIGINT or SIGTERM; mails the daily digest if config.json has a \"digest\" section",
		run:     runRun,
	})
}

func envPassphrase() string { return os.Getenv(node.PassphraseEnv) }

func runRun(e *env, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
	}
	h, err := node.LoadHome(e.home, envPassphrase())
	if err != nil {
		return err
	}
	lg := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
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
	return api.Serve(ctx, api.NewServer(n, token, lg), h.Config.API, func(a net.Addr) {
		lg.Info("local API listening", "addr", a.String())
	})
}

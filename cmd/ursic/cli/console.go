package cli

import (
	"fmt"
	"time"
)

func init() {
	register(&command{
		name:    "console",
		usage:   "",
		summary: "print a one-time sign-in link to this node's web console (single use, valid 2 minutes); open it in a browser on this machine",
		run:     runConsole,
	})
}

func runConsole(e *env, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	s, err := c.ConsoleSignIn(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(s)
	}
	fmt.Fprintf(e.stdout, "%s\n", s.URL)
	fmt.Fprintf(e.stderr, "ursic: open the link above in a browser before %s; it works once.\n", s.Expires.Local().Format(time.TimeOnly))
	return nil
}

package cli

import (
	"fmt"

	"github.com/ursic/ursic/node"
)

func init() {
	register(&command{
		name:    "card",
		summary: "print this node's member card (JSON), to give to the consortium's executive",
		run: func(e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
			}
			cfg, err := node.ReadConfig(e.home)
			if err != nil {
				return err
			}
			h, err := node.LoadHome(e.home, envPassphrase())
			if err != nil {
				return fmt.Errorf("%s: %w", cfg.Name, err)
			}
			return e.printJSON(h.Card())
		},
	})
}

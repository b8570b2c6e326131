package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/emergency"
	"github.com/ursic/ursic/node/store"
)

func init() {
	register(&command{
		name:  "emergency",
		usage: "identity | body CID [--out FILE] | senderkeys DIR",
		summary: "open records with the stock age CLI when the node cannot (docs/OPERATIONS.md, \"Emergency opening\"): " +
			"identity prints this member's age plugin identity (AGE-PLUGIN-URSIC-1…, as secret as the key file) for age-plugin-ursic; " +
			"body writes a record's sealed body as an age file; senderkeys writes the store's senderkey envelopes into DIR, " +
			"for $URSIC_SENDER_KEYS. body and senderkeys read the store of a stopped node, read-only",
		run: runEmergency,
	})
}

func runEmergency(e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"emergency needs identity, body or senderkeys"}
	}
	switch args[0] {
	case "identity":
		if len(args) > 1 {
			return &usageError{fmt.Sprintf("unexpected argument %q", args[1])}
		}
		h, err := node.LoadHome(e.home, envPassphrase())
		if err != nil {
			return err
		}
		id, err := emergency.PluginIdentity(h.Identity)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "# URSIC member %s: its age identity, for age-plugin-ursic. Keep this file secret.\n%s\n", h.Identity.PeerID(), id)
		return nil
	case "body":
		fs := flag.NewFlagSet("emergency body", flag.ContinueOnError)
		out := fs.String("out", "", "")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return &usageError{"emergency body takes one CID"}
		}
		body, err := emergency.Body(e.home, pos[0])
		if err != nil {
			return storeHint(err)
		}
		if *out == "" {
			_, err = e.stdout.Write(body)
			return err
		}
		if err := os.WriteFile(*out, body, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "ursic: wrote %s (%d bytes); open it with: age -d -i IDENTITY %s\n", *out, len(body), *out)
		return nil
	case "senderkeys":
		if len(args) != 2 {
			return &usageError{"emergency senderkeys takes one directory"}
		}
		n, err := emergency.ExportSenderKeys(e.home, args[1])
		if err != nil {
			return storeHint(err)
		}
		fmt.Fprintf(e.stderr, "ursic: wrote %d senderkey envelopes into %s; set %s=%s for age-plugin-ursic\n",
			n, args[1], emergency.SenderKeysEnv, filepath.Clean(args[1]))
		return nil
	}
	return &usageError{fmt.Sprintf("unknown emergency command %q (identity, body or senderkeys)", args[0])}
}

func storeHint(err error) error {
	if errors.Is(err, store.ErrLocked) {
		return withHint(err, "the node is running: stop it first (its store is opened read-only, but only while no node holds it)")
	}
	return err
}

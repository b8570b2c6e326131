package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/apiclient"
)

func init() {
	register(&command{
		name:    "backup",
		usage:   "FILE",
		summary: "write a consistent copy of the store (envelopes: ciphertext only) to FILE, with or without a running node",
		run:     runBackup,
	})
}

func runBackup(e *env, args []string) error {
	if len(args) != 1 {
		return &usageError{"backup takes one FILE to write"}
	}
	dst := args[0]
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s exists; choose a new file", dst)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".ursic-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	c, err := e.client()
	if err != nil {
		return err
	}
	n, err := c.Backup(e.ctx, tmp)
	if errors.Is(err, apiclient.ErrNodeNotRunning) {
		n, err = node.BackupOffline(e.home, tmp)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup failed: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "ursic: wrote %d bytes to %s; keep it with the home's keys, which are not in it\n", n, dst)
	return nil
}

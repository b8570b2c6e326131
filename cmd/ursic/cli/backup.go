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
		summary: "write a backup to FILE (the store: ciphertext only; the audit log; the roster chain; not the keys), with or without a running node",
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
		var h *node.Home
		if h, err = node.LoadHome(e.home, envPassphrase()); err == nil {
			n, err = node.BackupOffline(h, tmp)
		}
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
	fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("backup.done", n, dst))
	return nil
}

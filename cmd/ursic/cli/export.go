package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func init() {
	register(&command{
		name:    "export",
		usage:   "stix [--since RFC3339] [--out FILE]",
		summary: "write one STIX 2.1 bundle of what may leave for partners (TLP:CLEAR and TLP:GREEN only; retracted records as revoked, without their bodies)",
		run:     runExport,
	})
}

func runExport(e *env, args []string) error {
	if len(args) == 0 || args[0] != "stix" {
		return &usageError{"export needs a format: stix"}
	}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	sinceText := fs.String("since", "", "")
	out := fs.String("out", "", "")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	var since time.Time
	if *sinceText != "" {
		if since, err = time.Parse(time.RFC3339, *sinceText); err != nil {
			return withHint(fmt.Errorf("--since %q is not an RFC 3339 time", *sinceText), "e.g. --since 2026-11-01T00:00:00Z")
		}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = c.ExportSTIX(e.ctx, since, e.stdout)
		return err
	}
	// Written beside the target and renamed, so a failed export leaves no
	// half file under the name.
	f, err := os.CreateTemp(filepath.Dir(*out), ".export-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	n, err := c.ExportSTIX(e.ctx, since, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("export.done", *out, n))
	return nil
}

package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ursic/ursic/node/apiclient"
)

func init() {
	register(&command{
		name:    "publish",
		usage:   "[--tlp LEVEL] [--audience GROUP|PEERID ...] [--caveat C ...] [--confirm-personal-data] [--again] [--lang ja|en] FILE|-",
		summary: "publish one JSON record or JSON Lines; prints one CID a line, each once that record is durable",
		run:     runPublish,
	})
}

// progressEvery is how often a long publish reports progress on stderr.
const progressEvery = 1000

// recordArgs parses the flags and the FILE argument that publish and check
// share, and reads the file (or standard input for "-").
func recordArgs(e *env, name string, args []string) ([]byte, apiclient.PublishOptions, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var opt apiclient.PublishOptions
	var aud, cav listFlag
	fs.StringVar(&opt.TLP, "tlp", "", "")
	fs.Var(&aud, "audience", "")
	fs.Var(&cav, "caveat", "")
	fs.BoolVar(&opt.ConfirmPersonalData, "confirm-personal-data", false, "")
	if name == "publish" {
		fs.BoolVar(&opt.Again, "again", false, "")
	}
	pos, err := parse(fs, args)
	if err != nil {
		return nil, opt, err
	}
	if len(pos) != 1 {
		return nil, opt, &usageError{e.trf("err.onefile", name)}
	}
	opt.Audience, opt.Caveats = aud, cav
	var data []byte
	if pos[0] == "-" {
		data, err = io.ReadAll(e.stdin)
	} else {
		data, err = os.ReadFile(pos[0])
	}
	if err != nil {
		return nil, opt, fmt.Errorf(e.tr("err.readrecord"), err)
	}
	return data, opt, nil
}

func runPublish(e *env, args []string) error {
	data, opt, err := recordArgs(e, "publish", args)
	if err != nil {
		return err
	}
	total := bytes.Count(bytes.TrimSpace(data), []byte("\n")) + 1
	c, err := e.client()
	if err != nil {
		return err
	}
	done, existing := 0, 0
	n, err := c.Publish(e.ctx, data, opt, func(ev apiclient.PublishEvent) error {
		if ev.Existing {
			existing++
		}
		switch {
		case e.json && ev.Existing:
			fmt.Fprintf(e.stdout, "{\"index\":%d,\"cid\":%q,\"existing\":true}\n", ev.Index, ev.CID)
		case e.json:
			fmt.Fprintf(e.stdout, "{\"index\":%d,\"cid\":%q}\n", ev.Index, ev.CID)
		default:
			fmt.Fprintln(e.stdout, ev.CID)
		}
		if done++; total >= progressEvery && done%progressEvery == 0 {
			fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("publish.progress", done, total))
		}
		return nil
	})
	if err != nil {
		var ae *apiclient.Error
		if n > 0 && !errors.As(err, &ae) {
			return withHint(err, e.trf("publish.durable", n))
		}
		return err
	}
	if existing > 0 {
		fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("publish.existing", existing, n))
	}
	if total >= progressEvery {
		fmt.Fprintf(e.stderr, "ursic: %s\n", e.trf("publish.done", n-existing))
	}
	return nil
}

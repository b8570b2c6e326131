// Package cli implements the ursic command line. Every subcommand is a small
// file; all but init, card and demo reach the node through its local API.
//
// Start with [Run].
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/node/config"
	"github.com/ursic/ursic/policy/guard"
)

// env is what a subcommand runs with.
type env struct {
	ctx    context.Context
	home   string
	json   bool
	lang   string // --lang, else from LC_ALL / LC_MESSAGES / LANG: "en" or "ja"
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	usage   string // arguments after the name
	summary string
	run     func(e *env, args []string) error
}

var commands []*command

func register(c *command) { commands = append(commands, c) }

// usageError is a mistake in the command line: it prints the command's usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// hintError adds `ursic: hint:` lines to an error.
type hintError struct {
	err   error
	hints []string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func withHint(err error, hints ...string) error { return &hintError{err: err, hints: hints} }

// Run runs the command line args (without the program name) and returns the
// process exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return RunContext(context.Background(), args, stdin, stdout, stderr)
}

// RunContext is [Run] with a context that, when done, stops long commands.
func RunContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, home: defaultHome(), lang: defaultLang()}
	rest, err := e.globalFlags(args)
	if err != nil {
		return e.fail(err)
	}
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		if len(rest) > 1 {
			if c := lookup(rest[1]); c != nil {
				fmt.Fprintf(stdout, "usage: ursic %s %s\n\n%s\n", c.name, c.usage, c.summary)
				return 0
			}
		}
		printHelp(stdout)
		return 0
	}
	if rest[0] == "--version" || rest[0] == "-version" {
		rest[0] = "version"
	}
	c := lookup(rest[0])
	if c == nil {
		return e.fail(withHint(errors.New(e.trf("err.unknown", rest[0])), e.tr("err.unknownhint")))
	}
	if asksHelp(rest[1:]) {
		// Help never acts: `ursic backup --help` must not write a file named --help.
		fmt.Fprintf(stdout, "usage: ursic %s %s\n\n%s\n", c.name, c.usage, c.summary)
		return 0
	}
	if err := c.run(e, rest[1:]); err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			err = withHint(err, e.trf("err.usage", c.name, c.usage))
		}
		return e.fail(err)
	}
	return 0
}

// asksHelp reports whether a command's arguments ask for its help (before any "--").
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// defaultLang is the language of the user's locale: LC_ALL, then
// LC_MESSAGES, then LANG ("ja_JP.UTF-8" → "ja"); English otherwise.
func defaultLang() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			return string(guard.ParseLang(l))
		}
	}
	return "en"
}

func defaultHome() string {
	if h := os.Getenv("URSIC_HOME"); h != "" {
		return h
	}
	if d, err := os.UserHomeDir(); err == nil {
		return filepath.Join(d, ".ursic")
	}
	return ".ursic"
}

// globalFlags pulls --home and --json from anywhere on the line, so that
// `ursic list --json` and `ursic --json list` both work.
func (e *env) globalFlags(args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		switch name {
		case "home":
			if !hasVal {
				if i+1 >= len(args) {
					return nil, &usageError{"--home needs a directory"}
				}
				i++
				val = args[i]
			}
			e.home = val
		case "json":
			e.json = !hasVal || val == "true"
		case "lang":
			if !hasVal {
				if i+1 >= len(args) {
					return nil, &usageError{"--lang needs ja or en"}
				}
				i++
				val = args[i]
			}
			if val != "ja" && val != "en" {
				return nil, &usageError{fmt.Sprintf("--lang %s: messages are in ja or en", val)}
			}
			e.lang = val
		default:
			rest = append(rest, a)
		}
	}
	return rest, nil
}

// parse parses flags that may come before or after the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// listFlag collects a repeatable flag; commas also separate values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func (e *env) fail(err error) int {
	if e.json {
		return e.failJSON(err)
	}
	fmt.Fprintf(e.stderr, "ursic: error: %s\n", errorLine(e.lang, err))
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		for _, f := range ae.Findings {
			fmt.Fprintf(e.stderr, "ursic: finding: %s: %s (%s): %s\n", f.Path, f.Rule, f.Severity, oneLine(f.Message))
		}
		if ae.Hint != "" {
			fmt.Fprintf(e.stderr, "ursic: hint: %s\n", ae.Hint)
		}
	}
	var he *hintError
	if errors.As(err, &he) {
		for _, h := range he.hints {
			fmt.Fprintf(e.stderr, "ursic: hint: %s\n", h)
		}
	}
	if errors.Is(err, apiclient.ErrNodeNotRunning) {
		fmt.Fprintf(e.stderr, "ursic: hint: %s\n", e.trf("hint.start", e.home))
	}
	if errors.Is(err, config.ErrAPIOffLoopback) {
		fmt.Fprintf(e.stderr, "ursic: hint: %s\n", e.tr("hint.loopback"))
		fmt.Fprintf(e.stderr, "ursic: hint: %s\n", e.tr("hint.apihosts"))
	}
	if errors.Is(err, config.ErrNoHome) {
		fmt.Fprintf(e.stderr, "ursic: hint: %s\n", e.tr("hint.home"))
	}
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// client connects to the running node of e.home.
func (e *env) client() (*apiclient.Client, error) {
	c, err := apiclient.ForHome(e.home)
	if err != nil {
		return nil, err
	}
	c.SetLanguage(e.lang)
	return c, nil
}

func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, `ursic — a node of the University Research Security and Integrity Consortium.

usage: ursic [--home DIR] [--json] [--lang ja|en] COMMAND [ARGS]

--home defaults to $URSIC_HOME, else ~/.ursic. --json makes output machine-readable.
--lang chooses the language of messages, table headers and notes (default: from
LC_ALL, LC_MESSAGES or LANG); --json and --csv output is the same in both.
Exit status is 0 on success; on failure one line "ursic: error: …" (and "ursic: hint: …").

commands:`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n           %s\n", c.name, c.usage, c.summary)
	}
	fmt.Fprintln(w, `
A record file holds one JSON record or JSON Lines; a record may carry its own
"policy": {"tlp": "...", "audience": [...]}, which the flags override. TLP
levels are clear, green, amber, amber+strict, red (default amber, audience
members). Records that carry nationality, ethnicity, religion, birthplace,
visa status or person-level scores are refused; personal data (names, e-mail,
ORCID iDs, phone numbers) is held until --confirm-personal-data.

Publishing an indicator, method or sighting also writes its facet for the
secretariat (kind, category, technology areas, month, outcome, mitigation
classes; never text or names), except at TLP:RED or with the caveat
no-facet. The secretariat aggregates facets (ursic trends) and publishes
reports to members only for cells of at least 3 records from 3 members with
no member over 70% (ursic trends publish); members compare their own cases
with the consortium's (ursic similar, 相場感).`)
}

// failJSON writes the error as one JSON object on stderr, for scripts that
// asked for --json: {"error": …, "hint": …, "hints": […], "findings": […]}.
func (e *env) failJSON(err error) int {
	out := struct {
		Error    string   `json:"error"`
		Hint     string   `json:"hint,omitempty"`
		Hints    []string `json:"hints,omitempty"`
		Findings any      `json:"findings,omitempty"`
	}{Error: oneLine(err.Error())}
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		if ae.Hint != "" {
			out.Hints = append(out.Hints, ae.Hint)
		}
		if len(ae.Findings) > 0 {
			out.Findings = ae.Findings
		}
	}
	var he *hintError
	if errors.As(err, &he) {
		out.Hints = append(out.Hints, he.hints...)
	}
	if errors.Is(err, apiclient.ErrNodeNotRunning) {
		out.Hints = append(out.Hints, fmt.Sprintf("start it with `ursic run --home %s`", e.home))
	}
	if len(out.Hints) > 0 {
		out.Hint = out.Hints[0]
	}
	b, merr := json.Marshal(out)
	if merr != nil {
		fmt.Fprintf(e.stderr, "ursic: error: %s\n", oneLine(err.Error()))
		return 1
	}
	fmt.Fprintf(e.stderr, "%s\n", b)
	return 1
}

package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/share"
)

func init() {
	register(&command{
		name: "roster",
		usage: `genesis --threshold M [--executive PEERID ...] CARD.json ...
         | sign ROSTER.json | propose (--add CARD.json | --remove PEERID | --group NAME=PEERID,...)
         | apply ROSTER.json | show [--json] | rewind --to VERSION`,
		summary: "the consortium's signed membership: write the genesis, sign, propose the next version, install, show",
		run:     runRoster,
	})
}

func runRoster(e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"roster needs a subcommand: genesis, sign, propose, apply, show or rewind"}
	}
	switch args[0] {
	case "genesis":
		return rosterGenesis(e, args[1:])
	case "sign":
		return rosterSign(e, args[1:])
	case "propose":
		return rosterPropose(e, args[1:])
	case "apply":
		return rosterApply(e, args[1:])
	case "show":
		return rosterShow(e, args[1:])
	case "rewind":
		return rosterRewind(e, args[1:])
	}
	return &usageError{fmt.Sprintf("unknown roster subcommand %q", args[0])}
}

func readCard(path string) (share.RosterMember, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return share.RosterMember{}, fmt.Errorf("cannot read card: %w", err)
	}
	var m share.RosterMember
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return share.RosterMember{}, withHint(fmt.Errorf("%s is not a member card: %v", path, err), "a card is what `ursic card` prints on the member's node")
	}
	return m, nil
}

func rosterGenesis(e *env, args []string) error {
	fs := flag.NewFlagSet("roster genesis", flag.ContinueOnError)
	threshold := fs.Int("threshold", 0, "")
	var execs listFlag
	fs.Var(&execs, "executive", "")
	cards, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *threshold < 1 {
		return &usageError{"--threshold M is required: how many executives must sign each later version"}
	}
	h, err := node.LoadHome(e.home, envPassphrase())
	if err != nil {
		return err
	}
	r := &share.Roster{Version: 1, Threshold: *threshold, Created: time.Now().UTC().Truncate(time.Second)}
	self := share.RosterMember(*h.Card())
	r.Members = append(r.Members, self)
	for _, path := range cards {
		m, err := readCard(path)
		if err != nil {
			return err
		}
		if m.PeerID == self.PeerID {
			continue
		}
		r.Members = append(r.Members, m)
	}
	if len(execs) == 0 {
		// By default the founders with the member role form the executive.
		for _, m := range r.Members {
			if m.Role == "member" {
				execs = append(execs, m.PeerID)
			}
		}
	}
	r.Executive = execs
	if !slices.Contains(r.Executive, self.PeerID) {
		return errors.New("this node writes and signs the genesis, so it must be one of the executives")
	}
	if err := r.Sign(h.Identity); err != nil {
		return err
	}
	out, err := r.Marshal()
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	fmt.Fprintf(e.stderr, "ursic: genesis roster with %d members, %d executives, threshold %d; signed by this node (1 of %d)\n", len(r.Members), len(r.Executive), r.Threshold, r.Threshold)
	if r.Threshold > 1 {
		fmt.Fprintf(e.stderr, "ursic: hint: other executives add their signatures with `ursic roster sign FILE`\n")
	}
	return err
}

func rosterSign(e *env, args []string) error {
	if len(args) != 1 {
		return &usageError{"roster sign takes one ROSTER.json (signed in place)"}
	}
	_, r, err := readRoster(args[0])
	if err != nil {
		return err
	}
	h, err := node.LoadHome(e.home, envPassphrase())
	if err != nil {
		return err
	}
	var prev *share.Roster
	if r.Version > 1 {
		if prev, err = node.RosterVersionAt(e.home, r.Version-1); err != nil {
			return withHint(err, "sign with a node that has the previous version installed")
		}
		if r.Prev != prev.Hash() {
			return withHint(fmt.Errorf("this proposal follows a version %d with hash %s, but this node holds version %d with hash %s: a roster fork", prev.Version, r.Prev, prev.Version, prev.Hash()),
				"sign on a node of the branch the proposal continues, or re-set this node onto it first (docs/ROSTER-FORKS.md)")
		}
	}
	if err := r.CanSign(h.Identity.PeerID(), prev); err != nil {
		return err
	}
	if err := r.Sign(h.Identity); err != nil {
		return err
	}
	out, err := r.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(args[0], out, 0o644); err != nil {
		return err
	}
	need := r.Threshold
	if prev != nil {
		need = prev.Threshold
	}
	fmt.Fprintf(e.stderr, "ursic: signed roster version %d (%d signatures; %d needed)\n", r.Version, len(r.Signatures), need)
	return nil
}

func rosterPropose(e *env, args []string) error {
	fs := flag.NewFlagSet("roster propose", flag.ContinueOnError)
	add := fs.String("add", "", "")
	remove := fs.String("remove", "", "")
	var groups listFlag
	fs.Var(&groupFlag{&groups}, "group", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if *add == "" && *remove == "" && len(groups) == 0 {
		return &usageError{"say what changes: --add CARD.json, --remove PEERID or --group NAME=PEERID,..."}
	}
	cur, err := node.CurrentRoster(e.home)
	if err != nil {
		return err
	}
	if cur == nil {
		return withHint(errors.New("this node has no roster to propose a change to"), "install the genesis first: ursic roster apply GENESIS.json")
	}
	next := cur.Next()
	if *add != "" {
		m, err := readCard(*add)
		if err != nil {
			return err
		}
		if err := next.Add(m); err != nil {
			return err
		}
	}
	if *remove != "" {
		if err := next.Remove(*remove); err != nil {
			return err
		}
	}
	for _, g := range groups {
		name, peers, _ := strings.Cut(g, "=")
		var ps []string
		for _, p := range strings.Split(peers, ",") {
			if p = strings.TrimSpace(p); p != "" {
				ps = append(ps, p)
			}
		}
		if err := next.SetGroup(name, ps); err != nil {
			return err
		}
	}
	out, err := next.Marshal()
	if err != nil {
		return err
	}
	if _, err := e.stdout.Write(out); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "ursic: proposed roster version %d; it needs %d signatures of version %d's executives: `ursic roster sign FILE` on each, then `ursic roster apply FILE`\n", next.Version, cur.Threshold, cur.Version)
	return nil
}

// groupFlag keeps NAME=PEERID,... whole (listFlag would split at commas).
type groupFlag struct{ l *listFlag }

func (g *groupFlag) String() string { return "" }
func (g *groupFlag) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("--group wants NAME=PEERID,..., got %q", v)
	}
	*g.l = append(*g.l, v)
	return nil
}

func rosterApply(e *env, args []string) error {
	if len(args) != 1 {
		return &usageError{"roster apply takes one ROSTER.json"}
	}
	data, r, err := readRoster(args[0])
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	err = c.ApplyRoster(e.ctx, data)
	if errors.Is(err, apiclient.ErrNodeNotRunning) {
		err = node.ApplyRosterOffline(e.home, r)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "ursic: installed roster version %d (%d members)\n", r.Version, len(r.Members))
	return nil
}

func rosterShow(e *env, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
	}
	r, err := node.CurrentRoster(e.home)
	if err != nil {
		return err
	}
	if r == nil {
		if e.json {
			return e.printJSON(map[string]any{"version": 0, "members": []any{}})
		}
		fmt.Fprintln(e.stdout, "no roster: this node is a consortium of one")
		return nil
	}
	if e.json {
		out, err := r.Marshal()
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(out)
		return err
	}
	fmt.Fprintf(e.stdout, "roster version %d (hash %s), threshold %d of %d executives, created %s\n", r.Version, r.Hash()[:16], r.Threshold, len(r.Executive), r.Created.Format(time.RFC3339))
	for _, m := range r.Members {
		ex := ""
		if r.IsExecutive(m.PeerID) {
			ex = " executive"
		}
		fmt.Fprintf(e.stdout, "  %-40s %-11s%s %s\n", m.Name, m.Role, ex, m.PeerID)
	}
	for name, ps := range r.Groups {
		fmt.Fprintf(e.stdout, "  group %s: %s\n", name, strconv.Itoa(len(ps))+" members")
	}
	return nil
}

// readRoster reads and parses a roster document.
func readRoster(path string) ([]byte, *share.Roster, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the roster: %w", err)
	}
	r, err := share.ParseRoster(data)
	if err != nil {
		return nil, nil, err
	}
	return data, r, nil
}

// rosterRewind takes a stopped node off a roster branch the executives did
// not continue (docs/ROSTER-FORKS.md): it keeps versions up to --to.
func rosterRewind(e *env, args []string) error {
	fs := flag.NewFlagSet("roster rewind", flag.ContinueOnError)
	to := fs.Uint64("to", 0, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if *to == 0 {
		return &usageError{"--to VERSION is required: the last roster version both branches share (the fork's version − 1)"}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	if _, err := c.Status(e.ctx); !errors.Is(err, apiclient.ErrNodeNotRunning) {
		return withHint(errors.New("the node is running"), "stop it first: a running node must not lose the roster it runs under")
	}
	before, err := node.CurrentRoster(e.home)
	if err != nil {
		return err
	}
	if err := node.RewindRosterOffline(e.home, *to); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "ursic: rewound the roster from version %d to %d; the later versions are in %s\n", before.Version, *to, filepath.Join(e.home, node.RosterDir, node.AbandonedDir))
	fmt.Fprintf(e.stderr, "ursic: hint: apply the chosen branch's versions in order (`ursic roster apply FILE`) before starting the node\n")
	return nil
}

package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

func init() {
	register(&command{
		name:    "version",
		summary: "print the version of this ursic: module version, VCS revision and time, Go version (also --version)",
		run:     runVersion,
	})
}

// Version is what `ursic version` prints, from the build information Go
// embeds in the binary.
type Version struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

func buildVersion() Version {
	v := Version{Module: "github.com/ursic/ursic", Version: "(devel)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Module, v.Version = bi.Main.Path, bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func runVersion(e *env, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", args[0])}
	}
	v := buildVersion()
	if e.json {
		return e.printJSON(v)
	}
	line := fmt.Sprintf("ursic %s (%s)", v.Version, v.Go)
	if v.Revision != "" {
		line += fmt.Sprintf(", revision %s", v.Revision)
		if v.Modified {
			line += " with local changes"
		}
		if v.Time != "" {
			line += " of " + v.Time
		}
	}
	fmt.Fprintln(e.stdout, line)
	return nil
}

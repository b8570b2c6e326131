// Command ursic runs and talks to an URSIC federation node. See `ursic help`.
package main

import (
	"os"

	"github.com/ursic/ursic/cmd/ursic/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

package guard_test

import (
	"errors"
	"fmt"

	"github.com/ursic/ursic/policy/guard"
)

func ExampleCheckContent() {
	record := []byte(`{
		"kind": "method",
		"title": "Visiting appointment",
		"orgs_involved": [{"role": "host", "members": [{"Citizenship": "XX"}]}],
		"narrative": "Reported by office@example.ac.jp."
	}`)
	findings, err := guard.CheckContent("method", record, false)
	for _, f := range findings {
		fmt.Println(f.Severity, f.Rule, f.Path)
	}
	fmt.Println(errors.Is(err, guard.ErrRefused))

	// Output:
	// flag email narrative
	// refuse nationality orgs_involved[0].members[0].Citizenship
	// true
}

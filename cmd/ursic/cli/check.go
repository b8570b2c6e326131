package cli

import (
	"fmt"

	"github.com/ursic/ursic/node/api"
)

func init() {
	register(&command{
		name:    "check",
		usage:   "[--tlp LEVEL] [--audience GROUP|PEERID ...] [--caveat C ...] [--confirm-personal-data] [--lang ja|en] FILE|-",
		summary: "check one JSON record as publish would, without publishing it: the guardrails' findings, the policy and the recipients",
		run:     runCheck,
	})
}

func runCheck(e *env, args []string) error {
	data, opt, err := recordArgs(e, "check", args)
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	res, err := c.Check(e.ctx, data, opt)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(res)
	}
	if !res.OK {
		return &api.Error{Message: res.Error, Findings: res.Findings, Hint: checkHint(res, e.lang)}
	}
	for _, f := range res.Findings {
		fmt.Fprintf(e.stdout, e.tr("check.confirmed"), oneLine(f.Text))
	}
	fmt.Fprintf(e.stdout, e.tr("check.ok"), res.TLP, res.Audience, len(res.Recipients))
	return nil
}

// checkHint says what to do about a failed check, in the language of the
// node's messages (lang "ja" or "en"): the rest of the answer is in it.
func checkHint(res api.CheckResult, lang string) string {
	for _, f := range res.Findings {
		if f.Severity == "refuse" {
			return tr(lang, "check.refused")
		}
	}
	if len(res.Findings) > 0 {
		return tr(lang, "check.personal")
	}
	return ""
}

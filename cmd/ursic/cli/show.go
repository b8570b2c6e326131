package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

func init() {
	register(&command{
		name:    "show",
		usage:   "CID [--json]",
		summary: "show one record with its policy and body",
		run:     runShow,
	})
}

// showLabelWidth is the column where show's values start.
const showLabelWidth = 11

func runShow(e *env, args []string) error {
	if len(args) != 1 {
		return &usageError{e.trf("err.onecid", "show")}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	v, err := c.Show(e.ctx, args[0])
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(v)
	}
	w := e.stdout
	fmt.Fprintf(w, "%s  %s  TLP:%s\n", v.CID, v.Kind, strings.ToUpper(v.TLP))
	fmt.Fprintf(w, "%s%s\n", e.label("show.title", showLabelWidth), v.Title)
	author := v.Author
	if v.AuthorName != "" {
		author = v.AuthorName + " (" + v.Author + ")"
	}
	fmt.Fprintf(w, "%s%s\n", e.label("show.author", showLabelWidth), author)
	fmt.Fprintf(w, "%s%s\n", e.label("show.created", showLabelWidth), v.Created.Local().Format(time.RFC3339))
	fmt.Fprintf(w, "%s%s\n", e.label("show.audience", showLabelWidth), strings.Join(v.Audience, ", "))
	if len(v.Caveats) > 0 {
		fmt.Fprintf(w, "%s%s\n", e.label("show.caveats", showLabelWidth), strings.Join(v.Caveats, ", "))
	}
	if v.Handling != nil {
		reshare := v.Handling.Reshare
		if ja, ok := handlingJA[v.TLP]; ok && e.lang == "ja" {
			reshare = ja
		}
		fmt.Fprintf(w, "%s%s\n", e.label("show.handling", showLabelWidth), e.trf("show.handleline", reshare, e.yesNo(v.Handling.Exportable), e.yesNo(v.Handling.Facet)))
	}
	if n := notes(e.lang, v); n != "" {
		fmt.Fprintf(w, "%s%s\n", e.label("show.notes", showLabelWidth), n)
	}
	if v.Retracted {
		fmt.Fprint(w, e.trf("show.retracted", v.RetractedBy, v.RetractReason))
		fmt.Fprintln(w, e.tr("show.deleted"))
		return nil
	}
	var body bytes.Buffer
	if err := json.Indent(&body, v.Body, "", "  "); err != nil {
		body.Write(v.Body)
	}
	fmt.Fprintf(w, "\n%s\n", body.String())
	return nil
}

// yesNo is a boolean for a person: true/false in English (as show always
// printed it), はい/いいえ in Japanese.
func (e *env) yesNo(b bool) string {
	if b {
		return e.tr("yes")
	}
	return e.tr("no")
}

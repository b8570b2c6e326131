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

func runShow(e *env, args []string) error {
	if len(args) != 1 {
		return &usageError{"show takes one CID"}
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
	fmt.Fprintf(w, "title:     %s\n", v.Title)
	author := v.Author
	if v.AuthorName != "" {
		author = v.AuthorName + " (" + v.Author + ")"
	}
	fmt.Fprintf(w, "author:    %s\n", author)
	fmt.Fprintf(w, "created:   %s\n", v.Created.Local().Format(time.RFC3339))
	fmt.Fprintf(w, "audience:  %s\n", strings.Join(v.Audience, ", "))
	if len(v.Caveats) > 0 {
		fmt.Fprintf(w, "caveats:   %s\n", strings.Join(v.Caveats, ", "))
	}
	if v.Handling != nil {
		fmt.Fprintf(w, "handling:  %s; exportable to partners: %v; secretariat facet: %v\n", v.Handling.Reshare, v.Handling.Exportable, v.Handling.Facet)
	}
	if n := notes(v); n != "" {
		fmt.Fprintf(w, "notes:     %s\n", n)
	}
	if v.Retracted {
		fmt.Fprintf(w, "\nRETRACTED by its author (%s): %s\n", v.RetractedBy, v.RetractReason)
		fmt.Fprintln(w, "The body has been deleted from this node. Plaintext already read elsewhere cannot be recalled.")
		return nil
	}
	var body bytes.Buffer
	if err := json.Indent(&body, v.Body, "", "  "); err != nil {
		body.Write(v.Body)
	}
	fmt.Fprintf(w, "\n%s\n", body.String())
	return nil
}

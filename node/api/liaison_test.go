package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
)

// TestInboxThroughAPI: an operator lists, shows, dry-runs, accepts and
// rejects inbox items through the client; decided items are gone.
func TestInboxThroughAPI(t *testing.T) {
	a := startAPI(t)
	c := a.client()
	ctx := context.Background()
	raw, err := os.ReadFile("../liaison/testdata/partner-bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	var b struct{ Objects []json.RawMessage }
	json.Unmarshal(raw, &b)
	metas := make([]node.InboxObject, len(b.Objects))
	for i, o := range b.Objects {
		var h struct{ ID, Type, Modified, Created string }
		json.Unmarshal(o, &h)
		metas[i] = node.InboxObject{ID: h.ID, Type: h.Type, Version: h.Modified}
	}
	first, err := a.n.InboxAdd("maple", b.Objects, metas)
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.n.InboxAdd("maple", b.Objects[:2], metas[:2])
	if err != nil {
		t.Fatal(err)
	}
	items, err := c.InboxList(ctx)
	if err != nil || len(items) != 2 {
		t.Fatalf("InboxList: %d items, %v", len(items), err)
	}
	shown, err := c.InboxShow(ctx, first.ID)
	if err != nil || len(shown.Objects) != len(b.Objects) || shown.Item.Partner != "maple" {
		t.Fatalf("InboxShow: %+v, %v", shown.Item, err)
	}
	dry, err := c.InboxAccept(ctx, first.ID, node.ImportOptions{DryRun: true})
	if err != nil || len(dry) != len(b.Objects) || a.records() != 0 {
		t.Fatalf("dry run: %d results, %d records, %v", len(dry), a.records(), err)
	}
	res, err := c.InboxAccept(ctx, first.ID, node.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	published := 0
	for _, r := range res {
		if r.Outcome == node.ImportPublished {
			published++
			if !strings.HasPrefix(r.CID, "b") {
				t.Errorf("%s published without a CID", r.ID)
			}
		}
	}
	if published != 5 || a.records() != 5 {
		t.Errorf("accept published %d (%d records), want 5", published, a.records())
	}
	var ae *api.Error
	if _, err := c.InboxAccept(ctx, first.ID, node.ImportOptions{}); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("accepting twice: %v, want 404", err)
	}
	if err := c.InboxReject(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.InboxReject(ctx, second.ID); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("rejecting twice: %v, want 404", err)
	}
	if _, err := c.InboxShow(ctx, "../../etc"); !errors.As(err, &ae) || ae.Status != 404 {
		t.Errorf("a path as an id: %v, want 404", err)
	}
}

// TestImportBadBundle: what is not a bundle is 422 and stores nothing.
func TestImportBadBundle(t *testing.T) {
	a := startAPI(t)
	for _, body := range []string{`{`, `[]`, `{"type":"report","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}`, `{"type":"bundle","id":"nope"}`} {
		status, resp, _ := a.do("POST", "/v1/import/stix", a.token, []byte(body))
		if status != 422 {
			t.Errorf("%s: %d %s, want 422", body, status, resp)
		}
	}
	if a.records() != 0 {
		t.Error("a refused import stored records")
	}
}

package apiclient

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"time"

	"github.com/ursic/ursic/node/apiwire"
)

// ExportSTIX writes the node's STIX bundle of what may leave, created or
// retracted at or after since (zero: everything), to w.
func (c *Client) ExportSTIX(ctx context.Context, since time.Time, w io.Writer) (int64, error) {
	path := "/v1/export/stix"
	if !since.IsZero() {
		path += "?since=" + url.QueryEscape(since.UTC().Format(time.RFC3339Nano))
	}
	resp, err := c.send(ctx, "GET", path, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}

func importQuery(opt apiwire.ImportOptions) url.Values {
	q := url.Values{}
	if opt.Partner != "" {
		q.Set("partner", opt.Partner)
	}
	if opt.DryRun {
		q.Set("dry_run", "true")
	}
	if opt.ConfirmPersonalData {
		q.Set("confirm_personal_data", "true")
	}
	return q
}

// ImportSTIX sends a partner's bundle to the node to import.
func (c *Client) ImportSTIX(ctx context.Context, bundle []byte, opt apiwire.ImportOptions) ([]apiwire.ImportResult, error) {
	var r apiwire.ImportResults
	return r.Results, c.do(ctx, "POST", "/v1/import/stix?"+importQuery(opt).Encode(), bytes.NewReader(bundle), &r)
}

// InboxList returns the liaison inbox's items, newest first.
func (c *Client) InboxList(ctx context.Context) ([]apiwire.InboxItem, error) {
	var items []apiwire.InboxItem
	return items, c.do(ctx, "GET", "/v1/inbox", nil, &items)
}

// InboxShow returns one item with its objects.
func (c *Client) InboxShow(ctx context.Context, id string) (apiwire.InboxShowResult, error) {
	var r apiwire.InboxShowResult
	return r, c.do(ctx, "GET", "/v1/inbox/"+url.PathEscape(id), nil, &r)
}

// InboxAccept imports an item.
func (c *Client) InboxAccept(ctx context.Context, id string, opt apiwire.ImportOptions) ([]apiwire.ImportResult, error) {
	opt.Partner = ""
	var r apiwire.ImportResults
	return r.Results, c.do(ctx, "POST", "/v1/inbox/"+url.PathEscape(id)+"/accept?"+importQuery(opt).Encode(), nil, &r)
}

// InboxReject drops an item.
func (c *Client) InboxReject(ctx context.Context, id string) error {
	return c.do(ctx, "POST", "/v1/inbox/"+url.PathEscape(id)+"/reject", nil, nil)
}

package apiclient

import (
	"bytes"
	"context"
	"net/url"
	"time"

	"github.com/ursic/ursic/node/apiwire"
)

// ScreenOptions tune [Client.Screen].
type ScreenOptions struct {
	All bool // include expired indicators (marked expired)
}

// Screen sends a list file (as it is on disk; name is its file name) to the
// node and returns what it matched.
func (c *Client) Screen(ctx context.Context, name string, data []byte, opt ScreenOptions) (*apiwire.ScreenResult, error) {
	q := url.Values{}
	q.Set("name", name)
	if opt.All {
		q.Set("all", "true")
	}
	var res apiwire.ScreenResult
	if err := c.do(ctx, "POST", "/v1/screen?"+q.Encode(), bytes.NewReader(data), &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Digest returns what changed on the node since a time.
func (c *Client) Digest(ctx context.Context, since time.Time) (*apiwire.Digest, error) {
	var d apiwire.Digest
	if err := c.do(ctx, "GET", "/v1/digest?since="+url.QueryEscape(since.Format(time.RFC3339)), nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// MailDigest asks the node to mail the digest now.
func (c *Client) MailDigest(ctx context.Context) error {
	return c.do(ctx, "POST", "/v1/digest/mail", nil, nil)
}

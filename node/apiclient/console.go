package apiclient

import (
	"context"

	"github.com/ursic/ursic/node/apiwire"
)

// ConsoleSignIn asks the node for a one-time web console sign-in link.
func (c *Client) ConsoleSignIn(ctx context.Context) (apiwire.ConsoleSignIn, error) {
	var out apiwire.ConsoleSignIn
	return out, c.do(ctx, "POST", "/v1/console/signin", nil, &out)
}

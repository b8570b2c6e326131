package cli

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/node/apiclient"
)

// The trends and similar calls of the local API. Their types are the node's,
// which the API client (a leaf) cannot import, so they live with the CLI.

// Trends asks the node, through c, for the secretariat's aggregated table.
// (These calls live here rather than in apiclient: their types are the node's.)
func apiTrends(ctx context.Context, c *apiclient.Client, opt node.TrendOptions) (node.TrendTable, error) {
	q := url.Values{}
	for k, v := range map[string]string{"from": opt.From, "to": opt.To, "by": strings.Join(opt.By, ",")} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for k, v := range map[string]int{"k": opt.K, "m": opt.M, "p": opt.P} {
		if v != 0 {
			q.Set(k, strconv.Itoa(v))
		}
	}
	var t node.TrendTable
	return t, c.Do(ctx, "GET", "/v1/trends/table?"+q.Encode(), nil, &t)
}

// TrendReports returns the trend reports the node received, newest first.
func apiTrendReports(ctx context.Context, c *apiclient.Client) ([]node.TrendReport, error) {
	var r []node.TrendReport
	return r, c.Do(ctx, "GET", "/v1/trends/reports", nil, &r)
}

// PublishTrend publishes a trend report and returns its CID.
func apiPublishTrend(ctx context.Context, c *apiclient.Client, req api.TrendPublishRequest) (string, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	var res api.TrendPublishResult
	if err := c.Do(ctx, "POST", "/v1/trends/publish", strings.NewReader(string(body)), &res); err != nil {
		return "", err
	}
	return res.CID, nil
}

// Similar returns the 相場感 of a category.
func apiSimilar(ctx context.Context, c *apiclient.Client, opt node.SimilarOptions) (node.Similar, error) {
	q := url.Values{"category": {opt.Category}}
	if opt.TechArea != "" {
		q.Set("tech_area", opt.TechArea)
	}
	var s node.Similar
	return s, c.Do(ctx, "GET", "/v1/similar?"+q.Encode(), nil, &s)
}

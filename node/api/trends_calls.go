package api

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/ursic/ursic/node"
)

// Doer sends one request to the local API and decodes its JSON answer;
// *apiclient.Client is one. The trends and similar calls take it rather than
// the client: their types are the node's, which the client (a leaf) cannot
// import, and the server must not link its own client.
type Doer interface {
	Do(ctx context.Context, method, path string, body io.Reader, out any) error
}

// Trends asks the node, through c, for the secretariat's aggregated table.
func Trends(ctx context.Context, c Doer, opt node.TrendOptions) (node.TrendTable, error) {
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
func TrendReports(ctx context.Context, c Doer) ([]node.TrendReport, error) {
	var r []node.TrendReport
	return r, c.Do(ctx, "GET", "/v1/trends/reports", nil, &r)
}

// PublishTrend publishes a trend report and returns its CID.
func PublishTrend(ctx context.Context, c Doer, req TrendPublishRequest) (string, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	var res TrendPublishResult
	if err := c.Do(ctx, "POST", "/v1/trends/publish", strings.NewReader(string(body)), &res); err != nil {
		return "", err
	}
	return res.CID, nil
}

// Similar returns the 相場感 of a category.
func Similar(ctx context.Context, c Doer, opt node.SimilarOptions) (node.Similar, error) {
	q := url.Values{"category": {opt.Category}}
	if opt.TechArea != "" {
		q.Set("tech_area", opt.TechArea)
	}
	var s node.Similar
	return s, c.Do(ctx, "GET", "/v1/similar?"+q.Encode(), nil, &s)
}

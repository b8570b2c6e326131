package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/taxii"
)

// demoTAXII makes the demo's liaison node serve TAXII 2.1 on loopback to a
// partner "maple", fetches the export collection as that partner would, and
// checks that it holds want and none of notWant. The server runs until ctx
// ends; it returns the curl line that fetches the collection.
func demoTAXII(ctx context.Context, d *demoNode, lg *slog.Logger, want string, notWant []string) (string, error) {
	cred, err := taxii.AddPartner(d.home, "maple", true)
	if err != nil {
		return "", err
	}
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- taxii.Serve(ctx, taxii.New(d.node, lg), node.TAXIIConfig{Version: node.TAXIIConfigVersion, Listen: "127.0.0.1:0"}, func(a net.Addr) { ready <- a })
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		return "", err
	case <-time.After(demoWait):
		return "", fmt.Errorf("the TAXII server did not start within %v", demoWait)
	}
	url := "http://" + addr.String() + taxii.APIRootPath + "collections/export/objects/"
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+cred)
	req.Header.Set("Accept", taxii.MediaType)
	resp, err := (&http.Client{Timeout: demoWait}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != taxii.MediaType {
		return "", fmt.Errorf("the export collection answered %s (%s)", resp.Status, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(string(body), want) {
		return "", fmt.Errorf("the export collection lacks %q", want)
	}
	for _, s := range notWant {
		if strings.Contains(string(body), s) {
			return "", fmt.Errorf("the export collection shows %q, which must not leave", s)
		}
	}
	return fmt.Sprintf("curl -s -H 'Authorization: Bearer %s' -H 'Accept: %s' %s", cred, taxii.MediaType, url), nil
}

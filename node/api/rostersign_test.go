package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/api"
	"github.com/ursic/ursic/share"
)

func TestRosterSign(t *testing.T) {
	a := startAPI(t)
	other := loadHome(t, newHome(t, "Other University"))
	self := a.n.Home()
	g := &share.Roster{Version: 1, Threshold: 2, Created: time.Now().UTC().Truncate(time.Second),
		Executive: []string{self.Identity.PeerID(), other.Identity.PeerID()},
		Members:   []share.RosterMember{share.RosterMember(*self.Card()), share.RosterMember(*other.Card())}}
	for _, h := range []*node.Home{self, other} {
		if err := g.Sign(h.Identity); err != nil {
			t.Fatal(err)
		}
	}
	gb, err := g.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	next := g.Next()
	if err := next.SetGroup("pilot", []string{other.Identity.PeerID()}); err != nil {
		t.Fatal(err)
	}
	nb, err := next.Marshal()
	if err != nil {
		t.Fatal(err)
	}

	if code, _, _ := a.do("POST", "/v1/roster/sign", "", nb); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	if code, body, _ := a.do("POST", "/v1/roster/sign", a.token, nb); code != http.StatusUnprocessableEntity || !strings.Contains(decodeError(t, body).Message, "no roster") {
		t.Fatalf("without a roster: %d %s", code, body)
	}
	if code, body, _ := a.do("POST", "/v1/roster", a.token, gb); code != http.StatusOK {
		t.Fatalf("genesis: %d %s", code, body)
	}
	if code, body, _ := a.do("POST", "/v1/roster/sign", a.token, []byte(`{"version": 2}`)); code != http.StatusBadRequest {
		t.Fatalf("not a roster: %d %s", code, body)
	}
	code, body, _ := a.do("POST", "/v1/roster/sign", a.token, gb)
	if e := decodeError(t, body); code != http.StatusUnprocessableEntity || !strings.Contains(e.Message, "signs only version 2") || e.Hint == "" {
		t.Fatalf("genesis signed again: %d %+v", code, e)
	}

	code, body, _ = a.do("POST", "/v1/roster/sign", a.token, nb)
	if code != http.StatusOK {
		t.Fatalf("sign: %d %s", code, body)
	}
	var res api.RosterSignResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Signatures != 1 || res.Needed != 2 {
		t.Fatalf("signed: %d of %d", res.Signatures, res.Needed)
	}
	signed, err := share.ParseRoster(res.Roster)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := signed.SignatureCount(g); n != 1 || signed.Signatures[0].PeerID != self.Identity.PeerID() {
		t.Fatalf("signature of the node: %d valid, %v", n, signed.Signatures)
	}
	sb, _ := signed.Marshal()
	if code, _, _ := a.do("POST", "/v1/roster", a.token, sb); code != http.StatusUnprocessableEntity {
		t.Fatalf("applied with 1 of 2 signatures: %d", code)
	}
	if err := signed.Sign(other.Identity); err != nil {
		t.Fatal(err)
	}
	sb, _ = signed.Marshal()
	if code, body, _ := a.do("POST", "/v1/roster", a.token, sb); code != http.StatusOK {
		t.Fatalf("apply with 2 of 2: %d %s", code, body)
	}
}

package console

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/share"
)

// MaxRosterUpload caps a roster proposal posted to the roster page: the
// API's 16 MiB for the document, and room for the form around it.
const MaxRosterUpload = 17 << 20

// proposalView is a proposed next roster version as the roster page shows
// it: what it changes against the installed roster and its signatures.
type proposalView struct {
	JSON       string // the document, carried by the sign, download and apply forms
	Version    uint64
	Changes    []rosterChange
	Signatures int    // valid signatures of the installed version's executives
	Needed     int    // the installed version's threshold
	Problem    string // why it cannot follow the installed roster, in the page's language
	CanSign    bool   // this node is an executive and has not signed it yet
	HasSigned  bool   // this node's valid signature is on it
	CanApply   bool   // it has enough signatures
	Signed     bool   // this node has just signed it: offer the download
}

// rosterChange is one difference between the installed roster and a
// proposal: Key names the kind of change (a message), Group the group a
// member joins or leaves, Who the member or group, and From and To the
// values, when there are values to show.
type rosterChange struct {
	Key, Group, Who, PeerID, From, To string
}

// proposalOf reads a proposal against the installed roster. An error is
// one the page shows: not a roster document, or no roster installed.
func (c *Console) proposalOf(r *http.Request, lang, self string, doc []byte) (*proposalView, error) {
	next, err := share.ParseRoster(doc)
	if err != nil {
		return nil, &apiwire.Error{Status: http.StatusBadRequest, Message: err.Error(), Hint: msg(lang, "prop.hint")}
	}
	var raw []byte
	if err := c.call(r.Context(), lang, "GET", "/v1/roster", nil, &raw); err != nil {
		return nil, err
	}
	cur, err := share.ParseRoster(raw)
	if err != nil {
		return nil, fmt.Errorf("console: the node's roster: %w", err)
	}
	out, err := next.Marshal()
	if err != nil {
		return nil, fmt.Errorf("console: the proposal: %w", err)
	}
	v := &proposalView{JSON: string(out), Version: next.Version, Changes: rosterDiff(cur, next)}
	switch {
	case next.Version != cur.Version+1:
		v.Problem = fmt.Sprintf(msg(lang, "prop.notnext"), next.Version, cur.Version)
	case next.Prev != cur.Hash():
		v.Problem = fmt.Sprintf(msg(lang, "prop.fork"), cur.Version)
	}
	v.Signatures, v.Needed = next.SignatureCount(cur)
	if v.Problem == "" {
		v.CanApply = v.Signatures >= v.Needed
		if cur.IsExecutive(self) {
			alone := next.Clone()
			alone.Signatures = slices.DeleteFunc(alone.Signatures, func(s share.RosterSignature) bool { return s.PeerID != self })
			n, _ := alone.SignatureCount(cur)
			v.HasSigned = n == 1
			v.CanSign = !v.HasSigned
		}
	}
	return v, nil
}

// rosterDiff lists what next changes against cur: members, their names,
// roles, keys and addresses, executives, groups and the threshold.
func rosterDiff(cur, next *share.Roster) []rosterChange {
	var out []rosterChange
	name := func(id string) string {
		if m, ok := next.Member(id); ok {
			return m.Name
		}
		if m, ok := cur.Member(id); ok {
			return m.Name
		}
		return id
	}
	for _, m := range next.Members {
		old, ok := cur.Member(m.PeerID)
		if !ok {
			out = append(out, rosterChange{Key: "prop.added", Who: m.Name, PeerID: m.PeerID, To: m.Role})
			continue
		}
		if old.Name != m.Name {
			out = append(out, rosterChange{Key: "prop.renamed", Who: m.Name, PeerID: m.PeerID, From: old.Name, To: m.Name})
		}
		if old.Role != m.Role {
			out = append(out, rosterChange{Key: "prop.role", Who: m.Name, PeerID: m.PeerID, From: old.Role, To: m.Role})
		}
		if old.Recipient != m.Recipient {
			out = append(out, rosterChange{Key: "prop.recipient", Who: m.Name, PeerID: m.PeerID, From: old.Recipient, To: m.Recipient})
		}
		if !slices.Equal(old.Addrs, m.Addrs) {
			out = append(out, rosterChange{Key: "prop.addrs", Who: m.Name, PeerID: m.PeerID, From: strings.Join(old.Addrs, " "), To: strings.Join(m.Addrs, " ")})
		}
	}
	for _, m := range cur.Members {
		if _, ok := next.Member(m.PeerID); !ok {
			out = append(out, rosterChange{Key: "prop.removed", Who: m.Name, PeerID: m.PeerID})
		}
	}
	for _, id := range next.Executive {
		if !cur.IsExecutive(id) {
			out = append(out, rosterChange{Key: "prop.execadded", Who: name(id), PeerID: id})
		}
	}
	for _, id := range cur.Executive {
		if !next.IsExecutive(id) {
			out = append(out, rosterChange{Key: "prop.execremoved", Who: name(id), PeerID: id})
		}
	}
	groups := map[string]bool{}
	for g := range cur.Groups {
		groups[g] = true
	}
	for g := range next.Groups {
		groups[g] = true
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		was, is := cur.Groups[g], next.Groups[g]
		switch {
		case was == nil:
			out = append(out, rosterChange{Key: "prop.groupadded", Who: g})
		case is == nil:
			out = append(out, rosterChange{Key: "prop.groupremoved", Who: g})
			continue
		}
		for _, id := range is {
			if !slices.Contains(was, id) {
				out = append(out, rosterChange{Key: "prop.groupjoin", Group: g, Who: name(id), PeerID: id})
			}
		}
		for _, id := range was {
			if !slices.Contains(is, id) {
				out = append(out, rosterChange{Key: "prop.groupleave", Group: g, Who: name(id), PeerID: id})
			}
		}
	}
	if cur.Threshold != next.Threshold {
		out = append(out, rosterChange{Key: "prop.threshold", From: strconv.Itoa(cur.Threshold), To: strconv.Itoa(next.Threshold)})
	}
	return out
}

// proposalDoc is the roster document posted: an uploaded file, else the
// text field; nil when the form carries neither.
func proposalDoc(r *http.Request) ([]byte, error) {
	if f, _, err := r.FormFile("file"); err == nil {
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, fmt.Errorf("console: failed to read the uploaded proposal: %w", err)
		}
		if len(strings.TrimSpace(string(data))) > 0 {
			return data, nil
		}
	}
	if s := strings.TrimSpace(r.PostFormValue("proposal")); s != "" {
		return []byte(s), nil
	}
	return nil, nil
}

// withProposal runs h with the posted proposal, or shows the roster page
// asking for one.
func (c *Console) withProposal(w http.ResponseWriter, r *http.Request, s *session, h func(p *page, doc []byte)) {
	p := c.newPage(r, s, "peers")
	doc, err := proposalDoc(r)
	if err != nil {
		p.Error = errorOf(p.Lang, "", apiError(err))
		c.showPeers(w, r, p, http.StatusBadRequest, nil, false)
		return
	}
	if doc == nil {
		p.Error = errorOf(p.Lang, "prop.none", nil)
		c.showPeers(w, r, p, http.StatusBadRequest, nil, false)
		return
	}
	h(p, doc)
}

// rosterProposal shows a proposal loaded on the roster page.
func (c *Console) rosterProposal(w http.ResponseWriter, r *http.Request, s *session) {
	c.withProposal(w, r, s, func(p *page, doc []byte) {
		c.showPeers(w, r, p, http.StatusOK, doc, false)
	})
}

// rosterSign has the node sign the proposal and shows it signed, with its
// download.
func (c *Console) rosterSign(w http.ResponseWriter, r *http.Request, s *session) {
	c.withProposal(w, r, s, func(p *page, doc []byte) {
		var res apiwire.RosterSignResult
		if err := c.call(r.Context(), p.Lang, "POST", "/v1/roster/sign", doc, &res); err != nil {
			p.Error = errorOf(p.Lang, "", apiError(err))
			c.showPeers(w, r, p, apiError(err).Status, doc, false)
			return
		}
		p.Notice = fmt.Sprintf(p.T("prop.signeddone"), res.Signatures, res.Needed)
		c.showPeers(w, r, p, http.StatusOK, res.Roster, true)
	})
}

// rosterDownload sends the proposal back as a file, to pass on to the next
// executive or to keep.
func (c *Console) rosterDownload(w http.ResponseWriter, r *http.Request, s *session) {
	c.withProposal(w, r, s, func(p *page, doc []byte) {
		ro, err := share.ParseRoster(doc)
		if err != nil {
			p.Error = errorOf(p.Lang, "", &apiwire.Error{Status: http.StatusBadRequest, Message: err.Error(), Hint: p.T("prop.hint")})
			c.showPeers(w, r, p, http.StatusBadRequest, nil, false)
			return
		}
		out, err := ro.Marshal()
		if err != nil {
			c.fail(w, r, http.StatusInternalServerError, "", apiError(err))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="roster-v%d.json"`, ro.Version))
		w.Header().Set("Cache-Control", "no-store")
		w.Write(out)
	})
}

// rosterApply installs the proposal (POST /v1/roster), which the node
// verifies against the chain.
func (c *Console) rosterApply(w http.ResponseWriter, r *http.Request, s *session) {
	c.withProposal(w, r, s, func(p *page, doc []byte) {
		var res struct {
			Version uint64 `json:"version"`
		}
		if err := c.call(r.Context(), p.Lang, "POST", "/v1/roster", doc, &res); err != nil {
			p.Error = errorOf(p.Lang, "", apiError(err))
			c.showPeers(w, r, p, apiError(err).Status, doc, false)
			return
		}
		http.Redirect(w, r, "/console/peers?applied="+strconv.FormatUint(res.Version, 10), http.StatusSeeOther)
	})
}

package console

import (
	"net/http"

	"github.com/ursic/ursic/node/apiwire"
	"github.com/ursic/ursic/policy"
	"github.com/ursic/ursic/share"
)

// receivedBy says who a record was sealed to, by name, as policy decides it
// over the roster the record was published under. It answers only when the
// node's roster is still that version (Known false otherwise): a later roster
// may have other members, and guessing would mislead.
type receivedBy struct {
	Known    bool
	OnlySelf bool // a consortium of one
	Names    []string
}

func (c *Console) receivedBy(r *http.Request, lang string, v apiwire.RecordView) receivedBy {
	var raw []byte
	if err := c.call(r.Context(), lang, "GET", "/v1/roster", nil, &raw); err != nil {
		if apiError(err).Status == http.StatusNotFound && v.RosterVersion == 0 {
			return receivedBy{Known: true, OnlySelf: true}
		}
		return receivedBy{}
	}
	ro, err := share.ParseRoster(raw)
	if err != nil || ro.Version != v.RosterVersion {
		return receivedBy{}
	}
	level, err := policy.ParseLevel(v.TLP)
	if err != nil {
		return receivedBy{}
	}
	aud, err := policy.ParseAudience(v.Audience)
	if err != nil {
		return receivedBy{}
	}
	ids, err := policy.Recipients(ro.View(), policy.Policy{Level: level, Audience: aud, Caveats: v.Caveats}, v.Author)
	if err != nil {
		return receivedBy{}
	}
	names := map[string]string{}
	for _, m := range ro.Members {
		names[m.PeerID] = m.Name
	}
	out := receivedBy{Known: true}
	for _, id := range ids {
		if n := names[id]; n != "" {
			out.Names = append(out.Names, n)
		} else {
			out.Names = append(out.Names, id)
		}
	}
	return out
}

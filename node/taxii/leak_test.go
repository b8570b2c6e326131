package taxii_test

import (
	"bytes"
	"net/url"
	"testing"
	"time"

	"github.com/ursic/ursic/node/liaison"
	"github.com/ursic/ursic/node/taxii"
)

// TestTAXIINeverLeaks: AMBER, AMBER+STRICT and RED records appear in no
// TAXII response — objects, object by id, versions, manifest, either
// collection — whatever the query, not even once retracted; CLEAR and GREEN
// do.
func TestTAXIINeverLeaks(t *testing.T) {
	ts := startServer(t)
	cred := ts.partner("eagle", true)
	secret := map[string][]string{} // marker → the ids its record would have
	var open []string
	for _, level := range []string{"clear", "green", "amber", "amber+strict", "red"} {
		for _, kind := range []string{"indicator", "method"} {
			marker := "marker-" + level + "-" + kind + "-" + time.Now().Format("150405.000000000")
			cid := ts.publish(kind, marker, level)
			if level == "clear" || level == "green" {
				open = append(open, marker)
				continue
			}
			secret[marker] = []string{liaison.RecordID("report", cid), liaison.RecordID("attack-pattern", cid), "identity--" + cid}
			if kind == "method" {
				if _, err := ts.n.Retract(cid, "leak test"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var secretIDs []string
	for _, ids := range secret {
		secretIDs = append(secretIDs, ids...)
	}
	var queries []url.Values
	queries = append(queries, nil, url.Values{"added_after": {"2000-01-01T00:00:00Z"}}, url.Values{"limit": {"1"}})
	for _, typ := range []string{"report", "identity", "attack-pattern", "marking-definition", "extension-definition", "indicator", "note"} {
		queries = append(queries, url.Values{"match[type]": {typ}})
	}
	for _, v := range []string{"first", "last", "all", "2026-01-01T00:00:00.000Z"} {
		queries = append(queries, url.Values{"match[version]": {v}}, url.Values{"match[version]": {v}, "match[id]": {joinIDs(secretIDs)}})
	}
	for _, id := range secretIDs {
		queries = append(queries, url.Values{"match[id]": {id}})
	}
	var bodies [][]byte
	check := func(what string, body []byte) {
		t.Helper()
		bodies = append(bodies, body)
		for marker, ids := range secret {
			if bytes.Contains(body, []byte(marker)) {
				t.Errorf("%s: shows %s", what, marker)
			}
			for _, id := range ids {
				if bytes.Contains(body, []byte(id)) {
					t.Errorf("%s: names %s (of %s)", what, id, marker)
				}
			}
		}
		for _, m := range []string{liaison.MarkingAmber, liaison.MarkingAmberStrict, liaison.MarkingRed} {
			if bytes.Contains(body, []byte(m)) {
				t.Errorf("%s: names marking %s", what, m)
			}
		}
	}
	for _, coll := range []string{taxii.ExportCollection, taxii.InboxCollection, "export", "inbox"} {
		base := taxii.APIRootPath + "collections/" + coll + "/"
		for _, q := range queries {
			for _, path := range []string{base + "objects/", base + "manifest/"} {
				r := ts.get(cred, path, q)
				check(path+"?"+q.Encode(), r.body)
				var env envelope
				for pages := 0; r.status == 200 && pages < 50; pages++ {
					r.decode(t, &env)
					if !env.More {
						break
					}
					q2 := url.Values{}
					for k, v := range q {
						q2[k] = v
					}
					q2.Set("next", env.Next)
					r = ts.get(cred, path, q2)
					check(path+"?"+q2.Encode(), r.body)
				}
			}
		}
		for _, id := range secretIDs {
			for _, path := range []string{base + "objects/" + id + "/", base + "objects/" + id + "/versions/"} {
				r := ts.get(cred, path, nil)
				if r.status != 404 {
					t.Errorf("%s: %d, want 404", path, r.status)
				}
				check(path, r.body)
			}
		}
	}
	all := bytes.Join(bodies, nil)
	for _, m := range open {
		if !bytes.Contains(all, []byte(m)) {
			t.Errorf("%s is in no response", m)
		}
	}
}

func joinIDs(ids []string) string {
	var b bytes.Buffer
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id)
	}
	return b.String()
}

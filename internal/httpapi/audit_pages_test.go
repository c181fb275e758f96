package httpapi_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// seedTrail appends n events of action, each in a transaction of its own.
func seedTrail(t *testing.T, b *bundle, n int, action string) {
	t.Helper()
	for i := range n {
		err := b.App.Store.Write(t.Context(), func(tx store.Tx) error {
			return audit.Append(t.Context(), tx, time.Now(), audit.Event{Actor: b.adminUser.ID, Action: action, Details: map[string]any{"i": i}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

type auditListPage struct {
	Items []dossier.AuditEvent `json:"items"`
	Next  int64                `json:"next_after_seq"`
}

var nextLink = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// A log bigger than a page is read to its end by following the cursor, as
// JSON and as CSV, with nothing repeated or skipped.
func TestAuditPaging(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		seedTrail(t, b, 230, "test.page")
		var all auditListPage
		b.getJSON(t, b.admin, "/api/v1/audit?limit=10000", &all)
		if len(all.Items) < 230 || all.Next != 0 {
			t.Fatalf("one big page: %d events, next %d; want at least 230 and no next", len(all.Items), all.Next)
		}

		var got []dossier.AuditEvent
		path := "/api/v1/audit?limit=100"
		for pages := 0; path != ""; pages++ {
			if pages > 10 {
				t.Fatal("the cursor never ends")
			}
			var p auditListPage
			resp := b.getJSON(t, b.admin, path, &p)
			got = append(got, p.Items...)
			link := resp.Header.Get("Link")
			switch {
			case p.Next == 0 && link != "":
				t.Fatalf("last page has a Link %q", link)
			case p.Next == 0:
				path = ""
			case p.Next != p.Items[len(p.Items)-1].Seq || !strings.Contains(link, fmt.Sprintf("after_seq=%d", p.Next)):
				t.Fatalf("next_after_seq %d, Link %q: want the page's last seq %d", p.Next, link, p.Items[len(p.Items)-1].Seq)
			default:
				path = fmt.Sprintf("/api/v1/audit?limit=100&after_seq=%d", p.Next)
			}
		}
		if len(got) != len(all.Items) {
			t.Fatalf("paged %d events, want %d", len(got), len(all.Items))
		}
		for i := range got {
			if got[i].Seq != all.Items[i].Seq {
				t.Fatalf("page event %d is seq %d, want %d", i, got[i].Seq, all.Items[i].Seq)
			}
		}

		// CSV, following the Link header, filtered by action.
		var rows [][]string
		path = "/api/v1/audit?format=csv&limit=64&action=test.page"
		for path != "" {
			resp := b.Do(t, http.MethodGet, path, b.admin, nil)
			body := b.Body(t, resp)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			records, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
			if err != nil || len(records) == 0 || records[0][0] != "seq" || records[0][5] != "actor_username" {
				t.Fatalf("CSV: %v, header %v", err, records)
			}
			rows = append(rows, records[1:]...)
			path = ""
			if m := nextLink.FindStringSubmatch(resp.Header.Get("Link")); m != nil {
				path = m[1]
			}
		}
		if len(rows) != 230 {
			t.Fatalf("CSV pages hold %d rows, want 230", len(rows))
		}
		for _, r := range rows {
			if r[6] != "test.page" || r[5] != "admin" || r[4] != b.adminUser.ID {
				t.Fatalf("CSV row %v: want action test.page by admin", r)
			}
		}
	})
}

func TestAuditBadParameters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		for _, path := range []string{
			"/api/v1/audit?format=xml",
			"/api/v1/audit/verify?checkpoints=some",
		} {
			p := b.RequireProblem(t, b.Do(t, http.MethodGet, path, b.admin, nil), http.StatusBadRequest)
			if p.Detail == "" {
				t.Errorf("GET %s: a 400 without a detail", path)
			}
		}
	})
}

// POST /api/v1/audit/checkpoints writes one at once; verify checks the
// chains against it, and the trail records who asked.
func TestAuditCheckpointAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		var before audit.Result
		b.getJSON(t, b.admin, "/api/v1/audit/verify", &before)
		if !before.OK || before.Checkpoints == nil || before.Checkpoints.Stored != 0 {
			t.Fatalf("verify before any checkpoint: %+v, want ok with 0 stored", before)
		}
		resp := b.Do(t, http.MethodPost, "/api/v1/audit/checkpoints", b.admin, nil)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST checkpoints: %d %s", resp.StatusCode, b.Body(t, resp))
		}
		var w audit.Written
		b.JSON(t, resp, &w)
		if !strings.HasPrefix(w.Name, audit.CheckpointPrefix) || len(w.SHA256) != 64 || len(w.Heads) == 0 || w.Signature == "" {
			t.Fatalf("checkpoint %+v: want a name, a sha256, heads and a signature", w)
		}
		var res audit.Result
		b.getJSON(t, b.admin, "/api/v1/audit/verify", &res)
		if !res.OK || res.Checkpoints.Stored != 1 || res.Checkpoints.Checked != 1 || res.Checkpoints.Latest != w.Name {
			t.Fatalf("verify: %+v %+v, want ok with %s checked", res, res.Checkpoints, w.Name)
		}
		var none audit.Result
		b.getJSON(t, b.admin, "/api/v1/audit/verify?checkpoints=none", &none)
		if !none.OK || none.Checkpoints != nil {
			t.Fatalf("verify checkpoints=none: %+v, want ok without checkpoints", none)
		}
		var events auditListPage
		b.getJSON(t, b.admin, "/api/v1/audit?action="+audit.CheckpointAction, &events)
		if len(events.Items) != 1 || events.Items[0].Actor != b.adminUser.ID || !strings.Contains(string(events.Items[0].Details), w.Name) {
			t.Fatalf("audit.checkpoint events %+v, want one by the admin naming %s", events.Items, w.Name)
		}
	})
}

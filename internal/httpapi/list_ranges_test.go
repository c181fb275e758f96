package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// listAll follows next_cursor from query to the last page, limit per page.
func (b *bundle) listAll(t *testing.T, token, query string, limit int) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatalf("?%s: the cursor does not end", query)
		}
		q, _ := url.ParseQuery(query)
		q.Set("limit", fmt.Sprint(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page listPage
		b.getJSON(t, token, "/api/v1/documents?"+q.Encode(), &page)
		for _, d := range page.Items {
			ids = append(ids, d.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			return ids
		}
	}
}

func TestListRangesAndSorts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		specs := []struct{ title, amount, issue string }{
			{"Bravo tooling", "100", "2026-03-01"},
			{"alpha dies", "9.5", "2026-01-15"},
			{"Charlie moulds", "10.25", "2026-02-10"},
			{"delta gauges", "100.00", "2025-12-31"},
		}
		var ids []string
		for i, s := range specs {
			ids = append(ids, b.newPO(t, map[string]any{"title": s.title, "amount": s.amount,
				"number": fmt.Sprint(4500000100 + i), "dates": map[string]string{"issue_date": s.issue}}).ID)
		}
		pick := func(idx ...int) []string {
			var out []string
			for _, i := range idx {
				out = append(out, ids[i])
			}
			return out
		}
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"amount_min=10&amount_max=100", pick(3, 2, 0)},
			{"amount_min=9.50&amount_max=10.25", pick(2, 1)},
			{"date_from=2026-01-01&date_to=2026-02-28", pick(2, 1)},
			{"date_to=2025-12-31", pick(3)},
			{"sort=amount", pick(1, 2, 0, 3)},
			{"sort=-amount", pick(3, 0, 2, 1)},
			{"sort=date", pick(3, 1, 2, 0)},
			{"sort=-date&amount_min=10", pick(0, 2, 3)},
			{"sort=title", pick(1, 0, 2, 3)},
			{"sort=-created", pick(3, 2, 1, 0)},
			{"sort=created", pick(0, 1, 2, 3)},
			{"currency=eur&subtype=serial&sort=created", pick(0, 1, 2, 3)},
			{"currency=USD", nil},
		} {
			t.Run(tc.query, func(t *testing.T) {
				for _, limit := range []int{1, 3, 50} {
					if got := b.listAll(t, b.admin, tc.query, limit); !slices.Equal(got, tc.want) {
						t.Errorf("?%s in pages of %d gave %v, want %v", tc.query, limit, got, tc.want)
					}
				}
			})
		}
		// A cursor carries its order: under another order it is refused, not misread.
		var page listPage
		b.getJSON(t, b.admin, "/api/v1/documents?sort=amount&limit=1", &page)
		p := b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/documents?sort=title&cursor="+page.NextCursor, b.admin, nil), http.StatusBadRequest)
		if !strings.Contains(p.Detail, "cursor") {
			t.Errorf("a cursor of another order: detail %q, want it to name cursor", p.Detail)
		}
	})
}

func TestListBadParameters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		for _, tc := range []struct{ query, names string }{
			{"date_from=2026-13-01", "date_from"},
			{"date_to=yesterday", "date_to"},
			{"date_from=2026-03-01&date_to=2026-02-01", "date_from"},
			{"amount_min=1e3", "amount_min"},
			{"amount_max=-5", "amount_max"},
			{"amount_max=1,000", "amount_max"},
			{"amount_min=10.12345", "amount_min"},
			{"amount_min=100&amount_max=99.99", "amount_min"},
			{"sort=size", "sort"},
			{"sort=amount&cursor=not-a-cursor", "cursor"},
			{"kind=invoice", "kind"},
			{"state=nowhere", "state"},
		} {
			p := b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/documents?"+tc.query, b.admin, nil), http.StatusBadRequest)
			if !strings.HasPrefix(p.Detail, tc.names) {
				t.Errorf("?%s: detail %q, want it to start with %s", tc.query, p.Detail, tc.names)
			}
		}
	})
}

// viewItem is a saved view as GET /api/v1/views lists it.
type viewItem struct {
	dossier.SavedView
	OwnerName string `json:"owner_name"`
	Link      string `json:"link"`
}

func TestSavedViews(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		rita := b.SignIn(t, "rita")
		save := func(token, body string) *http.Response {
			return b.Do(t, http.MethodPost, "/api/v1/views", token, strings.NewReader(body), "Content-Type", "application/json")
		}
		resp := save(b.admin, `{"name":"Big EUR","query":"?currency=eur&amount_min=100000&sort=-amount&cursor=X","shared":true}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("save a view: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		var shared viewItem
		b.JSON(t, resp, &shared)
		if shared.Query != "amount_min=100000&currency=EUR&sort=-amount" || shared.Link != "/documents?"+shared.Query {
			t.Errorf("saved query %q link %q: want the filters alone, the cursor dropped", shared.Query, shared.Link)
		}
		if resp := save(b.admin, `{"name":"Mine","query":"kind=contract"}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("save a private view: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		b.RequireProblem(t, save(b.admin, `{"name":"Mine","query":"kind=other"}`), http.StatusConflict)
		if p := b.RequireProblem(t, save(b.admin, `{"name":"Bad","query":"amount_min=lots"}`), http.StatusBadRequest); !strings.HasPrefix(p.Detail, "amount_min") {
			t.Errorf("a view of a bad filter: %q, want it to name amount_min", p.Detail)
		}
		for _, hostile := range []string{
			`{"name":"  ","query":""}`,
			`{"name":"` + strings.Repeat("v", 5000) + `","query":""}`,
			`{"name":"tab\tin name","query":""}`,
			`{"name":"x","query":"kind=%00"}`,
			`{"name":"x","query":` + strings.Repeat("[", 10000) + `}`,
			`{"name":"x","query":"","extra":1}`,
		} {
			b.RequireProblem(t, save(b.admin, hostile), http.StatusBadRequest)
		}

		list := func(token string) (names []string) {
			var got struct{ Items []viewItem }
			b.getJSON(t, token, "/api/v1/views", &got)
			for _, v := range got.Items {
				names = append(names, v.Name+" by "+v.OwnerName)
			}
			return names
		}
		if got := list(b.admin); !slices.Equal(got, []string{"Big EUR by Test admin", "Mine by Test admin"}) {
			t.Errorf("the admin's views: %v", got)
		}
		if got := list(rita); !slices.Equal(got, []string{"Big EUR by Test admin"}) {
			t.Errorf("rita's views: %v, want only the shared one", got)
		}
		b.RequireProblem(t, b.Do(t, http.MethodDelete, "/api/v1/views/"+shared.ID, rita, nil), http.StatusForbidden)
		if resp := b.Do(t, http.MethodDelete, "/api/v1/views/"+shared.ID, b.admin, nil); resp.StatusCode != http.StatusNoContent {
			t.Errorf("the owner deletes a view: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		if got := list(rita); len(got) != 0 {
			t.Errorf("rita's views after the delete: %v", got)
		}
	})
}

package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/search"
)

type searchResponse struct {
	search.Result
	TookMS *int64 `json:"took_ms"`
}

// waitForSearch waits for the background jobs (extraction, indexing), then
// searches once; ok must accept the answer.
func (b *bundle) waitForSearch(t *testing.T, query string, ok func(searchResponse) bool) searchResponse {
	t.Helper()
	b.WaitJobs(t)
	var res searchResponse
	b.getJSON(t, b.admin, "/api/v1/search?"+query, &res)
	if !ok(res) {
		t.Fatalf("search %s once the jobs ran: %+v", query, res.Result)
	}
	return res
}

func hasHit(res searchResponse, id string) bool {
	for _, h := range res.Hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

// TestSearchFindsWordsInsidePDFs: a word that is only in a PDF's text finds
// the document soon after the upload, and a state change shows in a
// state-filtered search soon after the transition.
func TestSearchFindsWordsInsidePDFs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		po := b.upload(t, "po.pdf", pdfOf(t, 2, "hafnium"), poMetadata(t, map[string]any{"customer": "Hafnia Parts"}))
		other := b.newPO(t, map[string]any{"customer": "Other Corp"})
		res := b.waitForSearch(t, "q=hafnium", func(r searchResponse) bool { return hasHit(r, po.ID) })
		if res.Total != 1 || res.TookMS == nil {
			t.Fatalf("hafnium: total %d, took_ms %v; want 1 hit and a time", res.Total, res.TookMS)
		}
		if h := res.Hits[0]; !strings.Contains(strings.ToLower(h.Snippet), search.MarkStart+"hafnium"+search.MarkEnd) || h.State != "received" {
			t.Errorf("hit %+v: want the word marked in the snippet and state received", h)
		}
		if res.Facets["customer"]["Hafnia Parts"] != 1 || res.Facets["kind"]["purchase_order"] != 1 {
			t.Errorf("facets %v", res.Facets)
		}

		b.fireOK(t, b.admin, po.ID, `{"event":"submit"}`)
		b.waitForSearch(t, "state=in_review&q=hafnium", func(r searchResponse) bool { return hasHit(r, po.ID) })
		// The other document's text is extracted in the background too: wait
		// until it is indexed, not only until the first one has left.
		res = b.waitForSearch(t, "state=received", func(r searchResponse) bool {
			return !hasHit(r, po.ID) && hasHit(r, other.ID)
		})
		if res.Total != 1 || res.Facets["state"]["received"] != 1 {
			t.Errorf("state=received holds %d documents (facets %v), want the other one", res.Total, res.Facets["state"])
		}
	})
}

// TestSearchFindsProductCodes: a purchase order is found by the customer's
// part number (GPN) and by ours (LPN).
func TestSearchFindsProductCodes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		// The PDFs do not hold the codes: only the metadata can find them.
		po := b.upload(t, "po.pdf", pdfOf(t, 1, "coded"), poMetadata(t, map[string]any{
			"product_codes": []map[string]string{{"gpn": "GPN-77431", "lpn": "LPN-9920"}}}))
		other := b.upload(t, "po.pdf", pdfOf(t, 1, "other"), poMetadata(t, nil))
		for _, q := range []string{"GPN-77431", "lpn-9920", "77431"} {
			b.waitForSearch(t, "q="+url.QueryEscape(q), func(r searchResponse) bool { return hasHit(r, po.ID) && !hasHit(r, other.ID) })
		}
	})
}

// TestSearchRefusesBadParameters: malformed parameters are 400 problems,
// hostile query text is searched or refused, never a 500.
func TestSearchRefusesBadParameters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		for _, q := range []string{"limit=0", "limit=101", "offset=-1", "offset=x", "kind=spaceship", "date_from=2026-13-01",
			"date_to=yesterday", "amount_min=1e5", "amount_max=-3", "sort=random", "q=" + strings.Repeat("a", 1001), "q=%ff%fe"} {
			b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/search?"+q, b.admin, nil), http.StatusBadRequest)
		}
		for _, q := range []string{`"`, `(`, `a AND OR NOT b`, `*`, `-x`, `col:val`, `NEAR(a b)`, `'; DROP TABLE documents; --`,
			"\x00", "\u202e", "🙂", strings.Repeat("x ", 400)} {
			resp := b.Do(t, http.MethodGet, "/api/v1/search?q="+url.QueryEscape(q), b.admin, nil)
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("q=%q: status %d: %s", q, resp.StatusCode, b.Body(t, resp))
			}
			resp.Body.Close()
		}
		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/search?q=x", "", nil), http.StatusUnauthorized)
	})
}

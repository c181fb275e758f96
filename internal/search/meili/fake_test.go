package meili

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

// No Meilisearch server exists here, so these tests check what the adapter
// sends and how it reads the answers against a fake that speaks the HTTP API
// as documented; TestConformance checks the behaviour on a real server.

type fake struct {
	mu         sync.Mutex
	indexFound bool
	taskStatus string                     // status of every task; "succeeded" by default
	bodies     map[string][]byte          // last request body by "METHOD path"
	auth       []string                   // Authorization headers seen
	answers    map[string]json.RawMessage // canned answers by "METHOD path"
	status     map[string]int             // canned status by "METHOD path"
}

func newFake(t *testing.T) (*fake, Config) {
	f := &fake{taskStatus: "succeeded", bodies: map[string][]byte{}, answers: map[string]json.RawMessage{}, status: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, Config{Host: srv.URL, Key: "test-key", Index: "docs"}
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	body, _ := io.ReadAll(r.Body)
	f.bodies[key] = body
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	w.Header().Set("Content-Type", "application/json")
	reply := func(status int, v string) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, v)
	}
	task := `{"taskUid":7,"indexUid":"docs","status":"enqueued","type":"x","enqueuedAt":"2026-01-01T00:00:00Z"}`
	switch {
	case f.status[key] != 0:
		reply(f.status[key], string(f.answers[key]))
	case f.answers[key] != nil:
		reply(http.StatusOK, string(f.answers[key]))
	case key == "GET /health":
		reply(http.StatusOK, `{"status":"available"}`)
	case key == "GET /indexes/docs" && !f.indexFound:
		reply(http.StatusNotFound, `{"message":"Index docs not found.","code":"index_not_found","type":"invalid_request","link":""}`)
	case key == "GET /indexes/docs":
		reply(http.StatusOK, `{"uid":"docs","primaryKey":"id"}`)
	case key == "POST /indexes":
		f.indexFound = true
		reply(http.StatusAccepted, task)
	case strings.HasPrefix(key, "GET /tasks/"):
		reply(http.StatusOK, `{"uid":7,"status":"`+f.taskStatus+`","error":{"code":"invalid_document_id","message":"bad id"}}`)
	case key == "PATCH /indexes/docs/settings", key == "POST /indexes/docs/documents",
		key == "DELETE /indexes/docs/settings/localized-attributes",
		strings.HasPrefix(key, "DELETE /indexes/docs/documents/"):
		reply(http.StatusAccepted, task)
	default:
		reply(http.StatusNotFound, `{"message":"no route `+key+`","code":"not_found","type":"invalid_request","link":""}`)
	}
}

func (f *fake) body(t *testing.T, key string, v any) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.bodies[key]
	if !ok {
		t.Fatalf("no request %s", key)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s body %s: %v", key, b, err)
	}
}

func newFakeIndex(t *testing.T) (*fake, *Index) {
	f, c := newFake(t)
	ix, err := New(t.Context(), c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return f, ix
}

// New creates the missing index with the primary key id and applies the
// settings the queries rely on, with the API key.
func TestNewCreatesIndexAndSettings(t *testing.T) {
	t.Parallel()
	f, _ := newFakeIndex(t)
	var create struct{ UID, PrimaryKey string }
	f.body(t, "POST /indexes", &create)
	if create.UID != "docs" || create.PrimaryKey != "id" {
		t.Errorf("create index %+v", create)
	}
	var s struct {
		RankingRules, SearchableAttributes, FilterableAttributes, SortableAttributes []string
		TypoTolerance                                                                struct{ DisableOnAttributes []string }
		Pagination                                                                   struct{ MaxTotalHits int }
		Faceting                                                                     struct{ MaxValuesPerFacet int }
	}
	f.body(t, "PATCH /indexes/docs/settings", &s)
	if s.RankingRules[0] != "sort" || !slices.Contains(s.RankingRules, "words") {
		t.Errorf("ranking rules %v: sort must come first", s.RankingRules)
	}
	if len(s.SearchableAttributes) != 5+textParts || s.SearchableAttributes[0] != "title" || s.SearchableAttributes[5] != "text_1" {
		t.Errorf("searchable attributes %v", s.SearchableAttributes)
	}
	for _, a := range []string{"kind", "state", "customer", "currency", "date_num", "amount_value"} {
		if !slices.Contains(s.FilterableAttributes, a) {
			t.Errorf("%s is not filterable: %v", a, s.FilterableAttributes)
		}
	}
	if !slices.Equal(s.SortableAttributes, []string{"date_num", "id"}) || s.Pagination.MaxTotalHits < 10100 ||
		!slices.Equal(s.TypoTolerance.DisableOnAttributes, []string{"number"}) || s.Faceting.MaxValuesPerFacet < 100 {
		t.Errorf("settings %+v", s)
	}
	for _, a := range f.auth {
		if a != "Bearer test-key" {
			t.Errorf("Authorization %q", a)
		}
	}
}

// Declared languages become the localizedAttributes of every attribute
// and go with every query, so that CJK text and queries are cut alike;
// undeclared, the setting is reset and no query names them.
func TestLocales(t *testing.T) {
	t.Parallel()
	type localized struct{ AttributePatterns, Locales []string }
	for _, locales := range [][]string{{"zho", "jpn", "kor", "eng", "spa"}, nil} {
		f, c := newFake(t)
		c.Locales = locales
		ix, err := New(t.Context(), c)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		var s struct{ LocalizedAttributes []localized }
		f.body(t, "PATCH /indexes/docs/settings", &s)
		f.mu.Lock()
		_, reset := f.bodies["DELETE /indexes/docs/settings/localized-attributes"]
		f.answers["POST /indexes/docs/search"] = json.RawMessage(`{"hits":[],"totalHits":0}`)
		f.mu.Unlock()
		if _, err := ix.Search(t.Context(), search.Query{Q: "合同"}); err != nil {
			t.Fatalf("Search: %v", err)
		}
		var req struct{ Locales []string }
		f.body(t, "POST /indexes/docs/search", &req)
		if locales == nil {
			if len(s.LocalizedAttributes) != 0 || !reset || req.Locales != nil {
				t.Errorf("no locales: settings %+v, reset %v, query locales %v; want none set, the setting reset, none sent",
					s.LocalizedAttributes, reset, req.Locales)
			}
			continue
		}
		want := []localized{{AttributePatterns: []string{"*"}, Locales: locales}}
		if !reflect.DeepEqual(s.LocalizedAttributes, want) || reset || !slices.Equal(req.Locales, locales) {
			t.Errorf("locales %v: settings %+v, reset %v, query locales %v; want %+v, no reset, the locales sent",
				locales, s.LocalizedAttributes, reset, req.Locales, want)
		}
	}
}

// Upsert sends one document and returns once its task succeeded; a failed
// task is an error.
func TestUpsertWaitsForTask(t *testing.T) {
	t.Parallel()
	f, ix := newFakeIndex(t)
	d := search.Doc{ID: "01JX", Kind: "contract", Title: "T", Amount: "12.50", Date: "2026-01-31", Pages: []string{"p1", "p2"}}
	if err := ix.Upsert(t.Context(), d); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	var docs []map[string]any
	f.body(t, "POST /indexes/docs/documents", &docs)
	if len(docs) != 1 || docs[0]["id"] != "01JX" || docs[0]["amount"] != "12.50" || docs[0]["amount_value"] != 12.5 ||
		docs[0]["date_num"] != float64(20260131) || docs[0]["text_1"] != "p1\n\np2" {
		t.Errorf("document sent: %v", docs)
	}
	if err := ix.Delete(t.Context(), "01JX"); err != nil {
		t.Errorf("Delete: %v", err)
	}
	f.mu.Lock()
	f.taskStatus = "failed"
	f.mu.Unlock()
	if err := ix.Upsert(t.Context(), d); err == nil || !strings.Contains(err.Error(), "invalid_document_id") {
		t.Errorf("Upsert with a failed task: %v", err)
	}
	if err := ix.Upsert(t.Context(), search.Doc{ID: "bad/id"}); dossier.ErrorCode(err) != dossier.EInvalid {
		t.Errorf("Upsert of an id Meilisearch refuses: %v", err)
	}
}

// A task still queued when the wait ends is "try again later".
func TestUpsertTaskTimeout(t *testing.T) {
	t.Parallel()
	f, ix := newFakeIndex(t)
	f.mu.Lock()
	f.taskStatus = "enqueued"
	f.mu.Unlock()
	ix.TaskTimeout = 100 * time.Millisecond
	err := ix.Upsert(t.Context(), search.Doc{ID: "01JX"})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("Upsert with a stuck task: %v, want ErrUnavailable", err)
	}
}

const searchAnswer = `{"hits":[{"id":"A","title":"T","kind":"contract","subtype":"","state":"approved","number":"C-1",
 "customer":"ACME \"Ltd\"","amount":"12500.00","currency":"EUR","date":"2025-03-14",
 "_formatted":{"id":"A","title":"T","text_1":"…see <b>\u0001zirconium\u0002</b> here…"}},
 {"id":"B","title":"U","kind":"customs","state":"received","date":"2025-03-01"}],
 "query":"zirconium","processingTimeMs":1,"hitsPerPage":5,"page":2,"totalPages":3,"totalHits":12,
 "facetDistribution":{"kind":{"contract":7,"customs":5},"state":{"approved":12},"customer":{"ACME \"Ltd\"":12},"currency":{"EUR":11,"":1}}}`

// Search asks for one exact page with the filters, facets and snippet
// settings, and reads total, facets, hits and snippets from the answer.
func TestSearchRequestAndResult(t *testing.T) {
	t.Parallel()
	f, ix := newFakeIndex(t)
	f.answers["POST /indexes/docs/search"] = json.RawMessage(searchAnswer)
	q := search.Query{Q: " zirconium ", Customer: []string{`ACME "Ltd"`}, Offset: 5, Limit: 5, Sort: search.SortDateDesc}
	r, err := ix.Search(t.Context(), q)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	var req struct {
		Q, Filter, MatchingStrategy, HighlightPreTag, HighlightPostTag string
		Page, HitsPerPage, Offset, Limit                               int
		Facets, Sort, AttributesToCrop, AttributesToHighlight          []string
	}
	f.body(t, "POST /indexes/docs/search", &req)
	if req.Q != "zirconium" || req.Filter != `customer IN ["ACME \"Ltd\""]` || req.MatchingStrategy != "all" ||
		req.Page != 2 || req.HitsPerPage != 5 || req.Offset != 0 || req.Limit != 0 ||
		!slices.Equal(req.Facets, search.FacetFields) || !slices.Equal(req.Sort, []string{"date_num:desc", "id:desc"}) ||
		req.HighlightPreTag != preTag || req.HighlightPostTag != postTag ||
		len(req.AttributesToCrop) != textParts || !slices.Contains(req.AttributesToHighlight, "title") {
		t.Errorf("search request %+v", req)
	}
	if r.Total != 12 || r.Facets["kind"]["customs"] != 5 || r.Facets["currency"]["EUR"] != 11 || len(r.Facets["currency"]) != 1 {
		t.Errorf("total %d, facets %v", r.Total, r.Facets)
	}
	want := search.Hit{ID: "A", Title: "T", Kind: "contract", State: "approved", Number: "C-1", Customer: `ACME "Ltd"`,
		Amount: "12500.00", Currency: "EUR", Date: "2025-03-14", Snippet: "…see &lt;b&gt;<mark>zirconium</mark>&lt;/b&gt; here…"}
	if len(r.Hits) != 2 || r.Hits[0] != want || r.Hits[1].ID != "B" || r.Hits[1].Snippet != "" {
		t.Errorf("hits %+v", r.Hits)
	}
}

// An offset off the page grid fetches the two pages around it in one
// multi-search and keeps the window.
func TestSearchOffsetOffGrid(t *testing.T) {
	t.Parallel()
	f, ix := newFakeIndex(t)
	page := func(ids ...string) string {
		var hits []string
		for _, id := range ids {
			hits = append(hits, `{"id":"`+id+`"}`)
		}
		return `{"hits":[` + strings.Join(hits, ",") + `],"totalHits":9,"facetDistribution":{"kind":{"other":9}}}`
	}
	f.answers["POST /multi-search"] = json.RawMessage(`{"results":[` + page("d4", "d5", "d6", "d7") + `,` + page("d8", "d9") + `]}`)
	r, err := ix.Search(t.Context(), search.Query{Offset: 6, Limit: 4})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	var req struct {
		Queries []struct {
			IndexUID          string
			Page, HitsPerPage int
		}
	}
	f.body(t, "POST /multi-search", &req)
	if len(req.Queries) != 2 || req.Queries[0].IndexUID != "docs" || req.Queries[0].Page != 2 || req.Queries[1].Page != 3 ||
		req.Queries[1].HitsPerPage != 4 {
		t.Errorf("multi-search request %+v", req)
	}
	var got []string
	for _, h := range r.Hits {
		got = append(got, h.ID)
	}
	if !slices.Equal(got, []string{"d6", "d7", "d8", "d9"}) || r.Total != 9 || r.Facets["kind"]["other"] != 9 {
		t.Errorf("hits %v total %d facets %v", got, r.Total, r.Facets)
	}
}

// A query Meilisearch rejects is EInvalid; the adapter's own checks come
// before any request.
func TestSearchInvalid(t *testing.T) {
	t.Parallel()
	f, ix := newFakeIndex(t)
	f.status["POST /indexes/docs/search"] = http.StatusBadRequest
	f.answers["POST /indexes/docs/search"] = json.RawMessage(`{"message":"bad filter","code":"invalid_search_filter","type":"invalid_request","link":""}`)
	for _, q := range []search.Query{{Q: "x"}, {AmountMin: "1e5"}, {DateTo: "tomorrow"}, {Sort: "title"}} {
		if _, err := ix.Search(t.Context(), q); dossier.ErrorCode(err) != dossier.EInvalid {
			t.Errorf("Search(%+v): %v, want %s", q, err, dossier.EInvalid)
		}
	}
}

// A server that cannot be reached gives errors wrapping ErrUnavailable.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens at its address any more
	c := Config{Host: srv.URL, Index: "docs"}
	if _, err := New(t.Context(), c); !errors.Is(err, ErrUnavailable) {
		t.Errorf("New: %v, want ErrUnavailable", err)
	}
	ix := open(c)
	for name, call := range map[string]func() error{
		"Ping":   func() error { return ix.Ping(t.Context()) },
		"Upsert": func() error { return ix.Upsert(t.Context(), search.Doc{ID: "01JX"}) },
		"Delete": func() error { return ix.Delete(t.Context(), "01JX") },
		"Search": func() error { _, err := ix.Search(t.Context(), search.Query{Q: "x"}); return err },
	} {
		if err := call(); !errors.Is(err, ErrUnavailable) || dossier.ErrorCode(err) != dossier.EUnavailable {
			t.Errorf("%s: %v, want ErrUnavailable", name, err)
		}
	}
}

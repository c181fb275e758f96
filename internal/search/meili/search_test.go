package meili

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/meilisearch/meilisearch-go"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

func TestPlanPages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		offset, limit int
		want          plan
	}{
		{0, 5, plan{pages: []int{1}, size: 5}},
		{5, 5, plan{pages: []int{2}, size: 5}},
		{10, 5, plan{pages: []int{3}, size: 5}},
		{3, 5, plan{pages: []int{1, 2}, size: 5, skip: 3}},
		{7, 4, plan{pages: []int{2, 3}, size: 4, skip: 3}},
		{10000, 100, plan{pages: []int{101}, size: 100}},
		{0, 0, plan{pages: []int{1}, size: 20}},
		{0, 101, plan{pages: []int{1}, size: 20}},
		{-4, 10, plan{pages: []int{1}, size: 10}},
	} {
		got := planPages(tc.offset, tc.limit)
		if !slices.Equal(got.pages, tc.want.pages) || got.size != tc.want.size || got.skip != tc.want.skip {
			t.Errorf("planPages(%d, %d) = %+v, want %+v", tc.offset, tc.limit, got, tc.want)
		}
		// The pages cover [offset, offset+limit).
		first := (got.pages[0] - 1) * got.size
		if off := max(tc.offset, 0); first+got.skip != off || first+len(got.pages)*got.size < off+got.size {
			t.Errorf("planPages(%d, %d) = %+v does not cover the window", tc.offset, tc.limit, got)
		}
	}
}

func TestSortOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		q    search.Query
		want []string
	}{
		{search.Query{Sort: search.SortDateDesc}, []string{"date_num:desc", "id:desc"}},
		{search.Query{Q: "x", Sort: search.SortDateAsc}, []string{"date_num:asc", "id:asc"}},
		{search.Query{Sort: search.SortRelevance}, []string{"date_num:desc", "id:desc"}},
		{search.Query{}, []string{"date_num:desc", "id:desc"}},
		{search.Query{Q: "x"}, nil},
		{search.Query{Q: "x", Sort: search.SortRelevance}, nil},
	} {
		if got, err := sortOf(tc.q); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("sortOf(%+v) = %v, %v; want %v", tc.q, got, err, tc.want)
		}
	}
	if _, err := sortOf(search.Query{Sort: "title"}); dossier.ErrorCode(err) != dossier.EInvalid {
		t.Errorf("unknown sort: %v, want %s", err, dossier.EInvalid)
	}
}

func formatted(kv ...string) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	for i := 0; i+1 < len(kv); i += 2 {
		b, _ := json.Marshal(kv[i+1])
		m[kv[i]] = b
	}
	return m
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    map[string]json.RawMessage
		want string
	}{
		{"text match, HTML escaped", formatted("title", "T", "text_1", "…a <b>&</b> \x01word\x02 \"q\"…"),
			"…a &lt;b&gt;&amp;&lt;/b&gt; <mark>word</mark> &#34;q&#34;…"},
		{"first part with a match", formatted("text_1", "start of text", "text_2", "x \x01hit\x02 y"), "x <mark>hit</mark> y"},
		{"title match only", formatted("title", "The \x01hit\x02", "text_1", "start"), "The <mark>hit</mark>"},
		{"no match anywhere", formatted("title", "T", "text_1", "start <i>"), "start &lt;i&gt;"},
		{"nothing formatted", nil, ""},
	} {
		if got := snippet(tc.f); got != tc.want {
			t.Errorf("%s: snippet = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	apiErr := func(status int, code string) error {
		e := &meilisearch.Error{StatusCode: status, ErrCode: meilisearch.MeilisearchApiError}
		e.MeilisearchApiError.Code, e.MeilisearchApiError.Message = code, "message of "+code
		return e
	}
	for _, tc := range []struct {
		err         error
		unavailable bool
		code        dossier.Code
	}{
		{&meilisearch.Error{ErrCode: meilisearch.MeilisearchCommunicationError}, true, dossier.EUnavailable},
		{&meilisearch.Error{ErrCode: meilisearch.MeilisearchTimeoutError}, true, dossier.EUnavailable},
		{apiErr(503, ""), true, dossier.EUnavailable},
		{apiErr(500, "internal"), true, dossier.EUnavailable},
		{apiErr(400, "invalid_search_filter"), false, dossier.EInvalid},
		{apiErr(400, "invalid_search_q"), false, dossier.EInvalid},
		{apiErr(400, "invalid_multi_search_sort"), false, dossier.EInvalid},
		{apiErr(404, "index_not_found"), false, dossier.EInternal},
		{apiErr(403, "invalid_api_key"), false, dossier.EInternal},
		{errors.New("other"), false, dossier.EInternal},
	} {
		err := wrap(ctx, "op", tc.err)
		if errors.Is(err, ErrUnavailable) != tc.unavailable || dossier.ErrorCode(err) != tc.code {
			t.Errorf("wrap(%v) = %v: unavailable %v, code %s; want %v, %s",
				tc.err, err, errors.Is(err, ErrUnavailable), dossier.ErrorCode(err), tc.unavailable, tc.code)
		}
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	err := wrap(canceled, "op", &meilisearch.Error{ErrCode: meilisearch.MeilisearchCommunicationError})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
		t.Errorf("wrap under a canceled context = %v, want context.Canceled", err)
	}
}

func TestFacets(t *testing.T) {
	t.Parallel()
	into := map[string]map[string]int{"kind": {}, "state": {}, "customer": {}, "currency": {}}
	raw := json.RawMessage(`{"kind":{"contract":2,"customs":1},"customer":{"":3,"ACME \"Ltd\"":1},"tags":{"x":1}}`)
	if err := facets(raw, into); err != nil {
		t.Fatal(err)
	}
	if into["kind"]["contract"] != 2 || into["kind"]["customs"] != 1 || into["customer"][`ACME "Ltd"`] != 1 {
		t.Errorf("facets = %v", into)
	}
	if _, ok := into["customer"][""]; ok || into["tags"] != nil || len(into["state"]) != 0 {
		t.Errorf("facets keep empty values or unasked fields: %v", into)
	}
}

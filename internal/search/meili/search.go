package meili

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

// hitAttrs are the attributes a hit carries.
var hitAttrs = []string{"id", "title", "kind", "subtype", "state", "number", "customer", "amount", "currency", "date"}

// cropWords is the length of a snippet, in words.
const cropWords = 24

// Search runs q. Every word of Q must match (matchingStrategy "all"), as in
// the database index; unlike it, Meilisearch also matches the last word as
// a prefix, tolerates typos in words of 5 letters or more (not in numbers
// nor in the number attribute), reads "quoted words" as a phrase and
// " -word" as an exclusion, and only uses the first 10 words of Q.
func (ix *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	res := search.Result{Hits: []search.Hit{}, Facets: map[string]map[string]int{}}
	for _, f := range search.FacetFields {
		res.Facets[f] = map[string]int{}
	}
	if err := q.Validate(); err != nil {
		return res, err
	}
	filter, err := buildFilter(q)
	if err != nil {
		return res, err
	}
	q.Q = strings.TrimSpace(strings.ToValidUTF8(q.Q, ""))
	sort, err := sortOf(q)
	if err != nil {
		return res, err
	}
	pl := planPages(q.Offset, q.Limit)
	reqs := make([]*meilisearch.SearchRequest, len(pl.pages))
	for i, page := range pl.pages {
		reqs[i] = ix.request(q.Q, filter, sort, page, pl.size)
	}
	resps, err := ix.run(ctx, reqs)
	if err != nil {
		return res, err
	}
	res.Total = int(resps[0].TotalHits)
	if err := facets(resps[0].FacetDistribution, res.Facets); err != nil {
		return res, fmt.Errorf("meili search: %w", err)
	}
	var hits meilisearch.Hits
	for _, r := range resps {
		hits = append(hits, r.Hits...)
	}
	hits = hits[min(pl.skip, len(hits)):]
	hits = hits[:min(pl.size, len(hits))]
	for _, h := range hits {
		hit, err := decodeHit(h)
		if err != nil {
			return res, fmt.Errorf("meili search: %w", err)
		}
		res.Hits = append(res.Hits, hit)
	}
	return res, nil
}

// request is one page of q in the page/hitsPerPage mode, whose totalHits and
// facet counts are exact.
func (ix *Index) request(q, filter string, sort []string, page, size int) *meilisearch.SearchRequest {
	perPage := int64(size)
	r := &meilisearch.SearchRequest{
		Query:                q,
		Page:                 int64(page),
		HitsPerPage:          &perPage,
		Sort:                 sort,
		Facets:               search.FacetFields,
		AttributesToRetrieve: hitAttrs,
		MatchingStrategy:     meilisearch.All,
		Locales:              ix.locales, // the query cut as the text was
	}
	if filter != "" {
		r.Filter = filter
	}
	if q != "" {
		var parts []string
		for i := range textParts {
			parts = append(parts, textAttr(i))
		}
		r.AttributesToCrop = parts
		r.AttributesToHighlight = append([]string{"title"}, parts...)
		r.CropLength = cropWords
		r.CropMarker = "…"
		r.HighlightPreTag, r.HighlightPostTag = preTag, postTag
	}
	return r
}

// run sends one request, or several in one multi-search.
func (ix *Index) run(ctx context.Context, reqs []*meilisearch.SearchRequest) ([]meilisearch.SearchResponse, error) {
	if len(reqs) == 1 {
		r, err := ix.index.SearchWithContext(ctx, reqs[0].Query, reqs[0])
		if err != nil {
			return nil, wrap(ctx, "meili search", err)
		}
		return []meilisearch.SearchResponse{*r}, nil
	}
	for _, r := range reqs {
		r.IndexUID = ix.uid
	}
	m, err := ix.client.MultiSearchWithContext(ctx, &meilisearch.MultiSearchRequest{Queries: reqs})
	if err != nil {
		return nil, wrap(ctx, "meili search", err)
	}
	if len(m.Results) != len(reqs) {
		return nil, fmt.Errorf("meili search: %d results for %d queries", len(m.Results), len(reqs))
	}
	return m.Results, nil
}

// sortOf returns the sort parameter of q: dates with ties broken by id in the
// same direction, as the database index does; relevance without Q is newest
// first.
func sortOf(q search.Query) ([]string, error) {
	switch q.Sort {
	case search.SortDateDesc:
		return []string{"date_num:desc", "id:desc"}, nil
	case search.SortDateAsc:
		return []string{"date_num:asc", "id:asc"}, nil
	case search.SortRelevance, "":
		if q.Q == "" {
			return []string{"date_num:desc", "id:desc"}, nil
		}
		return nil, nil
	}
	return nil, dossier.Errorf(dossier.EInvalid, "sort=%q: use relevance, date or -date", q.Sort)
}

// plan is how an offset and limit map onto pages of the page/hitsPerPage
// mode: the pages to fetch (one or two), their size, and how many of the
// fetched hits to skip.
type plan struct {
	pages      []int
	size, skip int
}

// planPages maps offset and limit onto pages of size limit; the limit
// defaults to 20 outside 1..100, as in the database index.
func planPages(offset, limit int) plan {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	offset = max(offset, 0)
	first := offset/limit + 1
	p := plan{pages: []int{first}, size: limit, skip: offset % limit}
	if p.skip != 0 {
		p.pages = append(p.pages, first+1)
	}
	return p
}

// facets copies the facet distribution into into, leaving out empty values.
func facets(raw json.RawMessage, into map[string]map[string]int) error {
	if len(raw) == 0 {
		return nil
	}
	var dist map[string]map[string]int
	if err := json.Unmarshal(raw, &dist); err != nil {
		return fmt.Errorf("facet distribution: %w", err)
	}
	for field, counts := range dist {
		if into[field] == nil {
			continue
		}
		for v, n := range counts {
			if v != "" {
				into[field][v] = n
			}
		}
	}
	return nil
}

// decodeHit turns a Meilisearch hit into a search.Hit with its snippet.
func decodeHit(h meilisearch.Hit) (search.Hit, error) {
	var out search.Hit
	for attr, dst := range map[string]*string{
		"id": &out.ID, "title": &out.Title, "kind": &out.Kind, "subtype": &out.Subtype, "state": &out.State,
		"number": &out.Number, "customer": &out.Customer, "amount": &out.Amount, "currency": &out.Currency, "date": &out.Date,
	} {
		if raw, ok := h[attr]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return out, fmt.Errorf("hit attribute %s: %w", attr, err)
			}
		}
	}
	var formatted map[string]json.RawMessage
	if raw, ok := h["_formatted"]; ok {
		if err := json.Unmarshal(raw, &formatted); err != nil {
			return out, fmt.Errorf("hit %s: _formatted: %w", out.ID, err)
		}
	}
	out.Snippet = snippet(formatted)
	return out, nil
}

// snippet picks the first cropped text part with a match, else the title if
// it has one, else the start of the text; HTML in it is escaped and the
// match marks become MarkStart and MarkEnd.
func snippet(formatted map[string]json.RawMessage) string {
	str := func(attr string) string {
		var s string
		_ = json.Unmarshal(formatted[attr], &s) // absent or not a string: ""
		return s
	}
	pick := ""
	for i := range textParts {
		if s := str(textAttr(i)); strings.Contains(s, preTag) {
			pick = s
			break
		}
	}
	if pick == "" {
		if t := str("title"); strings.Contains(t, preTag) {
			pick = t
		} else {
			pick = str(textAttr(0))
		}
	}
	return strings.NewReplacer(preTag, search.MarkStart, postTag, search.MarkEnd).Replace(html.EscapeString(pick))
}

package httpapi

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

// maxQueryLen bounds q: longer is no search a person types.
const maxQueryLen = 1000

type searchResponse struct {
	search.Result
	TookMS int64 `json:"took_ms"`
}

func (h *handlers) search(c echo.Context) error {
	start := time.Now()
	q, err := h.searchQuery(c)
	if err != nil {
		return err
	}
	res, err := h.Search.Search(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, searchResponse{Result: res, TookMS: time.Since(start).Milliseconds()})
}

// searchQuery reads and checks the query parameters of GET /api/v1/search.
func (h *handlers) searchQuery(c echo.Context) (search.Query, error) {
	var q search.Query
	var err error
	q.Q = c.QueryParam("q")
	if len(q.Q) > maxQueryLen || !utf8.ValidString(q.Q) {
		return q, dossier.Errorf(dossier.EInvalid, "q: at most %d bytes of UTF-8 text", maxQueryLen)
	}
	if q.Limit, err = intParam(c, "limit", 20, 1, 100); err != nil {
		return q, err
	}
	if q.Offset, err = intParam(c, "offset", 0, 0, 10000); err != nil {
		return q, err
	}
	// Customer names may hold commas, so several customers are given by
	// repeating the parameter; the codes may also be comma-separated.
	q.Kind, q.State, q.Currency = listParam(c, "kind", ","), listParam(c, "state", ","), listParam(c, "currency", ",")
	q.Customer = listParam(c, "customer", "")
	for i, c := range q.Currency {
		q.Currency[i] = strings.ToUpper(c) // as PUT /fx-rates takes it: usd is USD
	}
	for _, st := range q.State {
		if !h.isState(st) {
			return q, dossier.Errorf(dossier.EInvalid, "state=%s is not a state of any kind's workflow", dossier.Clip(st))
		}
	}
	for _, k := range q.Kind {
		if _, ok := h.Engine.Definitions().Kind(dossier.Kind(k)); !ok {
			return q, dossier.Errorf(dossier.EInvalid, "kind=%s is unknown: use one of %s", dossier.Clip(k), h.kindNames())
		}
	}
	for _, p := range []struct {
		name string
		dst  *string
	}{{"date_from", &q.DateFrom}, {"date_to", &q.DateTo}} {
		v := c.QueryParam(p.name)
		if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil {
			return q, dossier.Errorf(dossier.EInvalid, "%s=%s: use a date like 2026-01-31", p.name, dossier.Clip(v))
		}
		*p.dst = v
	}
	for _, p := range []struct {
		name string
		dst  *string
	}{{"amount_min", &q.AmountMin}, {"amount_max", &q.AmountMax}} {
		v := c.QueryParam(p.name)
		if _, err := dossier.ParseAmount(p.name, v); v != "" && err != nil {
			return q, dossier.Errorf(dossier.EInvalid, "%s", dossier.ErrorMessage(err))
		}
		*p.dst = v
	}
	switch s := search.Sort(c.QueryParam("sort")); s {
	case "", search.SortRelevance:
		q.Sort = search.SortRelevance
	case search.SortDateAsc, search.SortDateDesc:
		q.Sort = s
	default:
		return q, dossier.Errorf(dossier.EInvalid, "sort=%s: use relevance, date or -date", dossier.Clip(string(s)))
	}
	return q, nil
}

// listParam reads a filter given as repeated parameters, each split at sep unless sep is "".
func listParam(c echo.Context, name, sep string) []string {
	var out []string
	for _, v := range c.QueryParams()[name] {
		parts := []string{v}
		if sep != "" {
			parts = strings.Split(v, sep)
		}
		for _, part := range parts {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// kindNames lists the kinds, for messages.
func (h *handlers) kindNames() string {
	var names []string
	for _, k := range h.Engine.Definitions().Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// isState reports whether some kind's workflow has the state.
func (h *handlers) isState(state string) bool {
	defs := h.Engine.Definitions()
	for _, k := range defs.Kinds() {
		if d, _ := defs.Kind(k); d.HasState(state) {
			return true
		}
	}
	return false
}

package meili

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"dossier/internal/dossier"
)

// ErrUnavailable is wrapped by the errors of a server that cannot be reached,
// times out or fails on its side: nothing is wrong with the request, and the
// caller should retry later. It is a *dossier.Error, so the HTTP layer
// answers 503.
var ErrUnavailable = &dossier.Error{Code: dossier.EUnavailable, Message: "the search engine is unavailable: try again later"}

// taskError is a task that Meilisearch processed and refused.
type taskError struct {
	uid           int64
	status        string
	code, message string
}

func (e *taskError) Error() string {
	return fmt.Sprintf("task %d %s: %s: %s", e.uid, e.status, e.code, e.message)
}

// apiCode returns the Meilisearch error code of err ("index_not_found"), or "".
func apiCode(err error) string {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return me.MeilisearchApiError.Code
	}
	return ""
}

// wrap classifies an error of the client: a search Meilisearch rejects is
// EInvalid; no answer, a timeout or a server-side failure wraps
// ErrUnavailable; anything else (a wrong key, a missing index) is returned
// as is, with op.
func wrap(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", op, ctx.Err())
	}
	var me *meilisearch.Error
	if !errors.As(err, &me) {
		return fmt.Errorf("%s: %w", op, err)
	}
	switch {
	case me.ErrCode == meilisearch.MeilisearchCommunicationError,
		me.ErrCode == meilisearch.MeilisearchTimeoutError,
		me.ErrCode == meilisearch.MeilisearchMaxRetriesExceeded,
		me.StatusCode >= http.StatusInternalServerError,
		me.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
	case me.StatusCode == http.StatusBadRequest && invalidQuery(me.MeilisearchApiError.Code):
		return dossier.Errorf(dossier.EInvalid, "the search engine cannot run this query: %s", me.MeilisearchApiError.Message)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// invalidQuery reports whether code says a search request is wrong, as
// opposed to the index or the key: invalid_search_filter, invalid_search_q,
// invalid_multi_search_sort and the like.
func invalidQuery(code string) bool {
	return strings.HasPrefix(code, "invalid_search_") || strings.HasPrefix(code, "invalid_multi_search_")
}

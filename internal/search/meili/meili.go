// Package meili is the search index on Meilisearch (SPEC §10), the
// alternative to the database's own index; both pass search/searchtest.
//
// # One Meilisearch document per Dossier document, text in parts
//
// Meilisearch indexes at most 65,535 word positions per attribute of a
// document (a word advances one position, eight after a sentence end) and
// silently drops the rest, so long extracted text cannot go in one
// attribute. The text is split, at word boundaries, over the attributes
// text_1 … text_16, each holding under 60,000 positions by a count that errs
// on the high side (any separator other than a blank counts as a sentence
// end). That indexes at least 120,000 words of the worst kind and typically
// several hundred thousand; text beyond the sixteenth part is not indexed
// (the PostgreSQL index bounds its text too).
//
// The alternative, one Meilisearch document per page chunk with the metadata
// repeated and searches collapsed with distinct on the Dossier id, was
// rejected, although its counts can be made exact:
//   - Meilisearch computes totals and facet distributions from its candidate
//     set; with distinct, that set is de-duplicated over all hits only in the
//     exhaustive (page/hitsPerPage) mode, and only as far as the offset and
//     limit require in the offset/limit mode, where chunks are counted as
//     documents. Exact, then, but a per-query pass over every hit.
//   - Every word of Q must match (matchingStrategy "all") within one
//     Meilisearch document: a query whose words sit on pages of different
//     chunks would miss the document, which the database index finds.
//   - An update is two tasks, deleting the old chunks by filter and adding
//     the new ones, between which a search sees the document missing, or, in
//     the other order, doubled.
//
// With parts as attributes, Q matches across the whole document, an upsert
// is one replace by primary key, and counts are plain counts. The price: the
// "attribute" ranking rule ranks a match in an early part above one in a
// later part, and the snippet crops each part a hit has (one for all but
// very long documents).
//
// # Counts, amounts, dates
//
// Totals come from totalHits in the page/hitsPerPage mode, which Meilisearch
// computes exhaustively (estimatedTotalHits, of the offset/limit mode, may be
// wrong), up to the pagination.maxTotalHits set here. An offset off the page
// grid is served from the two pages around it in one multi-search.
// Meilisearch filters compare numbers only: amount_value is the amount as a
// float64, exact for amounts of up to 15 significant digits, while amount
// keeps the exact decimal string for display; date_num is the date as the
// number YYYYMMDD, for ranges and sorting. A search cut short by
// searchCutoffMs (1.5 s by default) may count fewer hits.
//
// Meilisearch compares keyword filter values without regard to case, so
// customer "ACME" also selects "Acme"; the database index compares exactly.
//
// # Chinese, Japanese, Korean
//
// The database index finds a CJK word wherever its characters stand
// together (pairs of characters, package search/tokens). Meilisearch cuts
// such text into words with dictionaries instead (charabia: jieba for
// Chinese, lindera for Japanese and Korean), after guessing, field by
// field, whether Han characters are Chinese or Japanese; a short query may
// be guessed otherwise than the text it should find, and then is cut
// differently and misses it. Its documentation advises against mixing
// Chinese and Japanese in one field unless the languages are declared.
// Dossier does not know the language of a document, so the deployment
// declares the languages of its text with locales=zho,eng,spa in the URL:
// the adapter then sets them as the localizedAttributes of every attribute
// and sends them with every query, so that text and queries are cut alike;
// without it the setting is reset and Meilisearch guesses. Meilisearch
// also folds traditional Chinese to simplified, and tolerates typos in CJK
// words of five characters or more; the database index does neither.
//
// Writes wait for their task, so an Upsert that returns nil is searchable.
// An unreachable or failing server gives an error wrapping ErrUnavailable:
// the caller (the outbox job) retries later.
package meili

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"dossier/internal/search"
)

// Config says which server and index to use.
type Config struct {
	Host  string // base URL of the server, e.g. http://meili:7700
	Key   string // API key; "" when the server has none
	Index string // index uid
	// Locales are the languages of the documents' text, as Meilisearch
	// names them (ISO 639 codes: zho, jpn, kor, eng, spa); none: guessed.
	Locales []string
}

// validUID is what Meilisearch accepts as an index uid or a document id.
var validUID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,400}$`)

// validLocale is the form of a Meilisearch locale: an ISO 639-1 or 639-3 code.
var validLocale = regexp.MustCompile(`^[a-z]{2,3}$`)

// ParseURL parses meili://host:7700?key=..&index=documents[&secure=true]
// [&locales=zho,eng,spa]. The index defaults to "documents"; secure=true
// speaks HTTPS; locales declares the languages of the text (see the
// package comment).
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which holds the key
		}
		return Config{}, fmt.Errorf("meili URL: %w", err)
	}
	if u.Scheme != "meili" {
		return Config{}, fmt.Errorf("meili URL %q: the scheme must be meili://", redact(u))
	}
	if u.Host == "" || u.Hostname() == "" {
		return Config{}, fmt.Errorf("meili URL %q: no host (meili://host:7700)", redact(u))
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return Config{}, fmt.Errorf("meili URL %q: give only host, port and the query parameters key, index, secure", redact(u))
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, fmt.Errorf("meili URL: %w", err)
	}
	scheme := "http"
	for name, values := range q {
		if len(values) != 1 {
			return Config{}, fmt.Errorf("meili URL: %s is given %d times", name, len(values))
		}
		switch v := values[0]; name {
		case "key", "index":
		case "locales":
			for l := range strings.SplitSeq(v, ",") {
				if v != "" && !validLocale.MatchString(l) {
					return Config{}, fmt.Errorf("meili URL: locales=%q: give language codes such as zho,jpn,kor,eng,spa", v)
				}
			}
		case "secure":
			switch v {
			case "true":
				scheme = "https"
			case "false":
			default:
				return Config{}, fmt.Errorf("meili URL: secure=%q: use true or false", v)
			}
		default:
			return Config{}, fmt.Errorf("meili URL: unknown parameter %q (use key, index, secure, locales)", name)
		}
	}
	c := Config{Host: scheme + "://" + u.Host, Key: q.Get("key"), Index: q.Get("index")}
	if l := q.Get("locales"); l != "" {
		c.Locales = strings.Split(l, ",")
	}
	if c.Index == "" {
		c.Index = "documents"
	}
	if !validUID.MatchString(c.Index) {
		return Config{}, fmt.Errorf("meili URL: index=%q: use 1 to 400 letters, digits, - and _", c.Index)
	}
	return c, nil
}

// redact hides the key in error messages.
func redact(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	return c.String()
}

// Index is a search.Index on one Meilisearch index.
type Index struct {
	client  meilisearch.ServiceManager
	index   meilisearch.IndexManager
	uid     string
	locales []string
	// TaskTimeout bounds the wait for a write to be applied when the
	// caller's context has no deadline.
	TaskTimeout time.Duration
}

var _ search.Index = (*Index)(nil)

// New connects to the server, creates the index when it is missing and
// applies the settings, waiting until both are done.
func New(ctx context.Context, c Config) (*Index, error) {
	if !validUID.MatchString(c.Index) {
		return nil, fmt.Errorf("meili: index %q: use 1 to 400 letters, digits, - and _", c.Index)
	}
	ix := open(c)
	if err := ix.ensureIndex(ctx); err != nil {
		return nil, err
	}
	task, err := ix.index.UpdateSettingsWithContext(ctx, settings(c.Locales))
	if err != nil {
		return nil, wrap(ctx, "meili settings of "+c.Index, err)
	}
	if err := ix.wait(ctx, "settings of "+c.Index, task, 10*time.Minute); err != nil {
		return nil, err
	}
	if len(c.Locales) == 0 {
		// Languages declared before and no longer are forgotten.
		if task, err = ix.index.ResetLocalizedAttributesWithContext(ctx); err != nil {
			return nil, wrap(ctx, "meili settings of "+c.Index, err)
		}
		if err := ix.wait(ctx, "settings of "+c.Index, task, 10*time.Minute); err != nil {
			return nil, err
		}
	}
	return ix, nil
}

// open returns the Index of c without contacting the server.
func open(c Config) *Index {
	// The client's own retries would resend a POST whose body is spent; the
	// caller retries instead, when the error wraps ErrUnavailable.
	client := meilisearch.New(strings.TrimRight(c.Host, "/"), meilisearch.WithAPIKey(c.Key), meilisearch.DisableRetries())
	return &Index{client: client, index: client.Index(c.Index), uid: c.Index, locales: c.Locales, TaskTimeout: 2 * time.Minute}
}

// ensureIndex creates the index with the primary key id unless it exists;
// a replica creating it at the same time is no error.
func (ix *Index) ensureIndex(ctx context.Context) error {
	info, err := ix.client.GetIndexWithContext(ctx, ix.uid)
	if err == nil {
		if info.PrimaryKey != "" && info.PrimaryKey != "id" {
			return fmt.Errorf("meili index %s has the primary key %q, not id: give another index name", ix.uid, info.PrimaryKey)
		}
		return nil
	}
	if apiCode(err) != "index_not_found" {
		return wrap(ctx, "meili index "+ix.uid, err)
	}
	task, err := ix.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: ix.uid, PrimaryKey: "id"})
	if err != nil {
		return wrap(ctx, "create meili index "+ix.uid, err)
	}
	err = ix.wait(ctx, "create index "+ix.uid, task, time.Minute)
	var te *taskError
	if errors.As(err, &te) && te.code == "index_already_exists" {
		return nil
	}
	return err
}

// settings returns the index settings: the searchable attributes in order of
// weight, the filters and sorts the queries use, typo tolerance kept off
// business numbers, limits that keep counts exact, and the languages of the
// text when they are declared.
func settings(locales []string) *meilisearch.Settings {
	searchable := []string{"title", "number", "customer", "tags", "fields"}
	for i := range textParts {
		searchable = append(searchable, textAttr(i))
	}
	var localized []*meilisearch.LocalizedAttributes
	if len(locales) > 0 {
		localized = []*meilisearch.LocalizedAttributes{{AttributePatterns: []string{"*"}, Locales: locales}}
	}
	return &meilisearch.Settings{
		LocalizedAttributes:  localized,
		SearchableAttributes: searchable,
		FilterableAttributes: []string{"kind", "subtype", "state", "customer", "currency", "tags", "date_num", "amount_value", "id"},
		SortableAttributes:   []string{"date_num", "id"},
		// sort first: a date order is a date order, relevance only breaks
		// ties; without a sort parameter the rule does nothing.
		RankingRules: []string{"sort", "words", "typo", "proximity", "attribute", "exactness"},
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			// PO-4500012345 must not find PO-4500012346.
			DisableOnAttributes: []string{"number"},
			DisableOnNumbers:    true,
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: maxTotalHits},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: maxFacetValues,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount},
		},
	}
}

const (
	// maxTotalHits caps totalHits: above it, totals are not exact.
	maxTotalHits = 1_000_000_000
	// maxFacetValues is how many values of one facet are counted, the most
	// frequent first.
	maxFacetValues = 1000
)

// Ping checks that the server answers and is available.
func (ix *Index) Ping(ctx context.Context) error {
	h, err := ix.client.HealthWithContext(ctx)
	if err != nil {
		return wrap(ctx, "meili health", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("meili health: status %q: %w", h.Status, ErrUnavailable)
	}
	return nil
}

// Upsert adds or replaces d: the whole Meilisearch document is replaced, so
// text parts the new version no longer has disappear.
func (ix *Index) Upsert(ctx context.Context, d search.Doc) error {
	doc, err := document(d)
	if err != nil {
		return err
	}
	task, err := ix.index.AddDocumentsWithContext(ctx, []map[string]any{doc}, nil)
	if err != nil {
		return wrap(ctx, "index "+d.ID, err)
	}
	return ix.wait(ctx, "index "+d.ID, task, 0)
}

// Delete removes the document id; a missing one is not an error.
func (ix *Index) Delete(ctx context.Context, id string) error {
	if !validUID.MatchString(id) {
		return nil // Upsert refuses such ids: nothing is stored under it
	}
	task, err := ix.index.DeleteDocumentWithContext(ctx, id, nil)
	if err != nil {
		return wrap(ctx, "unindex "+id, err)
	}
	return ix.wait(ctx, "unindex "+id, task, 0)
}

// wait waits until task is applied, for at most limit (TaskTimeout when 0)
// unless ctx ends first.
func (ix *Index) wait(ctx context.Context, op string, info *meilisearch.TaskInfo, limit time.Duration) error {
	if limit == 0 {
		limit = ix.TaskTimeout
	}
	if _, ok := ctx.Deadline(); !ok && limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	task, err := ix.client.WaitForTaskWithContext(ctx, info.TaskUID, 20*time.Millisecond)
	if err != nil {
		if ctx.Err() != nil {
			// The task stays queued and will be applied; the caller's retry
			// repeats an idempotent write.
			return fmt.Errorf("meili %s: task %d not applied yet: %w: %w", op, info.TaskUID, ErrUnavailable, ctx.Err())
		}
		return wrap(ctx, "meili "+op, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("meili %s: %w", op, &taskError{uid: task.UID, status: string(task.Status), code: task.Error.Code, message: task.Error.Message})
	}
	return nil
}

// Package dbindex is the database's own search index (SQLite FTS5 or
// PostgreSQL tsvector under GIN): the database finds the documents whose
// text matches, and an in-memory catalog of the filter columns filters,
// counts facets, orders and pages. It works through a DB — the store's
// pools — and a Dialect that says how one database indexes and matches
// text; the store adapters provide both.
package dbindex

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"dossier/internal/search"
	"dossier/internal/search/tokens"
)

// DB runs transactions on the database that holds the index.
type DB interface {
	// ReadSQL runs fn in a read-only transaction with opts.
	ReadSQL(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error
	// WriteSQL runs fn in a transaction and commits when fn returns nil.
	WriteSQL(ctx context.Context, fn func(*sql.Tx) error) error
	Ping(ctx context.Context) error
}

// Dialect is how one database indexes and matches text; the metadata
// rows, the text kept for snippets, filters, facets, sorting and paging
// are shared. Both index the keys of package tokens, so that the two
// databases find the same documents for the same words.
type Dialect struct {
	// Upsert replaces the text entry of document number num: head is the
	// title, number, customer and keywords, text the pages.
	Upsert func(ctx context.Context, tx *sql.Tx, num int64, head, text string) error
	// Delete removes the text entry of document number num.
	Delete func(ctx context.Context, tx *sql.Tx, num int64) error
	// Match returns a query selecting, as one comma-separated text (NULL
	// for none), the numbers of the documents that hold every one of terms,
	// bound to $1 as arg; head restricts the match to the title, number,
	// customer and keywords.
	Match func(terms []tokens.Term, head bool) (query string, arg any)
}

// Index is the database's own search index; it implements search.Index.
type Index struct {
	db      DB
	dialect Dialect
	catalog *catalog
}

// New returns the index kept in db's tables, matched with d.
func New(db DB, d Dialect) *Index {
	return &Index{db: db, dialect: d, catalog: newCatalog()}
}

func (ix *Index) Ping(ctx context.Context) error { return ix.db.Ping(ctx) }

// Warm loads the catalog, so that the first search does not wait for it;
// the server calls it at start.
func (ix *Index) Warm(ctx context.Context) error {
	return ix.db.ReadSQL(ctx, &sql.TxOptions{ReadOnly: true}, func(tx *sql.Tx) error {
		ix.catalog.mu.Lock()
		defer ix.catalog.mu.Unlock()
		return ix.catalog.sync(ctx, tx)
	})
}

func (ix *Index) Upsert(ctx context.Context, d search.Doc) error {
	return ix.UpsertBatch(ctx, []search.Doc{d})
}

// UpsertBatch writes several documents in one transaction, for bulk loads.
func (ix *Index) UpsertBatch(ctx context.Context, docs []search.Doc) error {
	return ix.db.WriteSQL(ctx, func(tx *sql.Tx) error {
		seq, err := nextSeq(ctx, tx)
		if err != nil {
			return err
		}
		for _, d := range docs {
			key, err := amountKey(d.Amount)
			if err != nil {
				return err
			}
			num, err := upsertRow(ctx, tx, seq, d, key)
			if err != nil {
				return fmt.Errorf("index %s: %w", d.ID, err)
			}
			keywords := strings.Join(d.Tags, " ")
			for _, v := range d.Fields {
				keywords += " " + v
			}
			text := strings.Join(d.Pages, "\n\f\n")
			head := d.Title + "\n" + d.Number + "\n" + d.Customer + "\n" + keywords
			if err := ix.dialect.Upsert(ctx, tx, num, head, text); err != nil {
				return fmt.Errorf("index %s: %w", d.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO search_text (num, text) VALUES ($1, $2)
				ON CONFLICT (num) DO UPDATE SET text = excluded.text`, num, clipText(text, snippetText)); err != nil {
				return fmt.Errorf("index %s: search text: %w", d.ID, err)
			}
		}
		return nil
	})
}

// upsertRow writes the document's row and returns its number. It updates
// before it inserts: an INSERT .. ON CONFLICT would draw a new number from
// PostgreSQL's identity even when it updates, and the catalog is as long
// as the highest number. Writers queue on search_seq, so no other writer
// can insert the same id between the two statements.
func upsertRow(ctx context.Context, tx *sql.Tx, seq int64, d search.Doc, amountKey string) (int64, error) {
	args := []any{d.ID, seq, d.Kind, d.Subtype, d.State, d.Title, d.Number, d.Customer, d.Amount, amountKey,
		d.Currency, d.Date, d.UpdatedAt.UTC().Truncate(time.Microsecond)}
	var num int64
	err := tx.QueryRowContext(ctx, `UPDATE search_docs SET seq = $2, live = true, kind = $3, subtype = $4, state = $5,
		title = $6, number = $7, customer = $8, amount = $9, amount_key = $10, currency = $11, date = $12, updated_at = $13
		WHERE id = $1 RETURNING num`, args...).Scan(&num)
	if err != sql.ErrNoRows {
		return num, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO search_docs (id, seq, live, kind, subtype, state, title, number,
		customer, amount, amount_key, currency, date, updated_at)
		VALUES ($1, $2, true, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING num`, args...).Scan(&num)
	return num, err
}

// nextSeq takes the next change number; the row stays locked until the
// transaction ends, so numbers are taken in commit order.
func nextSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	var seq int64
	if err := tx.QueryRowContext(ctx, `UPDATE search_seq SET n = n + 1 RETURNING n`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("index: %w", err)
	}
	return seq, nil
}

// Delete keeps the document's row, marked deleted, so that every replica's
// catalog learns of the deletion; its text goes.
func (ix *Index) Delete(ctx context.Context, id string) error {
	return ix.db.WriteSQL(ctx, func(tx *sql.Tx) error {
		seq, err := nextSeq(ctx, tx)
		if err != nil {
			return err
		}
		var num int64
		err = tx.QueryRowContext(ctx, `UPDATE search_docs SET live = false, seq = $1 WHERE id = $2 AND live RETURNING num`,
			seq, id).Scan(&num)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("unindex %s: %w", id, err)
		}
		if err := ix.dialect.Delete(ctx, tx, num); err != nil {
			return fmt.Errorf("unindex %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_text WHERE num = $1`, num); err != nil {
			return fmt.Errorf("unindex %s: %w", id, err)
		}
		return nil
	})
}

func (ix *Index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	res := search.Result{Hits: []search.Hit{}, Facets: map[string]map[string]int{}}
	if err := q.Validate(); err != nil {
		return res, err
	}
	for _, field := range search.FacetFields {
		res.Facets[field] = map[string]int{}
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	q.Offset = max(q.Offset, 0)
	terms := tokens.Query(q.Q)
	if strings.TrimSpace(q.Q) != "" && len(terms) == 0 {
		return res, nil // nothing searchable in q (only punctuation): no hits
	}
	o := order{relevance: len(terms) > 0 && q.Sort != search.SortDateDesc && q.Sort != search.SortDateAsc,
		asc: q.Sort == search.SortDateAsc}
	// One snapshot for the catalog's catch-up and the matches.
	opts := &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	err := ix.db.ReadSQL(ctx, opts, func(tx *sql.Tx) error {
		var nums []int64 // nil: every document
		var r ranks
		if len(terms) > 0 {
			var err error
			if nums, err = ix.matches(ctx, tx, terms, false); err != nil {
				return err
			}
			if o.relevance {
				if r, err = ix.ranks(ctx, tx, q.Q, terms, len(nums)); err != nil {
					return err
				}
			}
		}
		kept, err := ix.catalog.search(ctx, tx, q, nums, r, o, &res)
		if err != nil || q.Offset >= len(kept) {
			return err
		}
		return ix.page(ctx, tx, terms, kept[q.Offset:], &res)
	})
	return res, err
}

// maxPhraseRank bounds the matches among which the exact phrase is looked
// for: PostgreSQL checks a phrase by reading each candidate's vector (about
// 12 µs each), and past a thousand that would cost more than the rest of
// the search. Beyond it the head fields and the date order the hits.
const maxPhraseRank = 1000

// ranks are the sets that order hits by relevance.
type ranks struct {
	exact map[int64]bool // the whole query stands word for word in the document
	head  map[int64]bool // every term matches in the head fields
}

// ranks finds the matches of q that hold it as a phrase (only when it has
// several words and matched at most maxPhraseRank documents: otherwise
// every match holds it or none is looked for) and those matching in the
// head fields.
func (ix *Index) ranks(ctx context.Context, tx *sql.Tx, q string, terms []tokens.Term, matched int) (ranks, error) {
	var r ranks
	var err error
	if len(terms) > 1 && matched <= maxPhraseRank {
		if r.exact, err = ix.set(ctx, tx, []tokens.Term{{Keys: tokens.Phrase(q)}}, false); err != nil {
			return r, err
		}
	}
	r.head, err = ix.set(ctx, tx, terms, true)
	return r, err
}

// set returns the documents matching terms as a set.
func (ix *Index) set(ctx context.Context, tx *sql.Tx, terms []tokens.Term, head bool) (map[int64]bool, error) {
	nums, err := ix.matches(ctx, tx, terms, head)
	set := make(map[int64]bool, len(nums))
	for _, n := range nums {
		set[n] = true
	}
	return set, err
}

// matches returns the numbers of the documents matching terms. The
// database sends them as one comma-separated text: a row per match through
// database/sql costs three times as much.
func (ix *Index) matches(ctx context.Context, tx *sql.Tx, terms []tokens.Term, head bool) ([]int64, error) {
	query, arg := ix.dialect.Match(terms, head)
	var list sql.NullString
	if err := tx.QueryRowContext(ctx, query, arg).Scan(&list); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	nums := make([]int64, 0, strings.Count(list.String, ",")+1)
	for f := range strings.SplitSeq(list.String, ",") {
		if f == "" {
			continue
		}
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("search: document number %q: %w", f, err)
		}
		nums = append(nums, n)
	}
	return nums, nil
}

// page reads the hits' rows, with the text their snippets are cut from,
// in the order of kept.
func (ix *Index) page(ctx context.Context, tx *sql.Tx, terms []tokens.Term, kept []hit, res *search.Result) error {
	marks := make([]string, len(kept))
	args := make([]any, len(kept))
	for i, h := range kept {
		args[i], marks[i] = h.num, fmt.Sprintf("$%d", i+1)
	}
	text := "''"
	if len(terms) > 0 {
		text = "coalesce(t.text, '')"
	}
	rows, err := tx.QueryContext(ctx, `SELECT d.num, d.id, d.title, d.kind, d.subtype, d.state, d.number, d.customer,
		d.amount, d.currency, d.date, `+text+`
		FROM search_docs d LEFT JOIN search_text t ON t.num = d.num WHERE d.num IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	byNum := map[int64]search.Hit{}
	for rows.Next() {
		var num int64
		var h search.Hit
		var body string
		if err := rows.Scan(&num, &h.ID, &h.Title, &h.Kind, &h.Subtype, &h.State, &h.Number, &h.Customer,
			&h.Amount, &h.Currency, &h.Date, &body); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if len(terms) > 0 {
			h.Snippet = markSnippet(snippet(h.Title+" … "+body, terms))
		}
		byNum[num] = h
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for _, h := range kept {
		res.Hits = append(res.Hits, byNum[h.num])
	}
	return nil
}

// markSnippet escapes the text and turns the \x01 \x02 match markers into
// marks.
func markSnippet(s string) string {
	s = html.EscapeString(s)
	return strings.NewReplacer("\x01", search.MarkStart, "\x02", search.MarkEnd).Replace(s)
}

// amountKey pads a decimal so that comparing keys as text compares amounts:
// 22 integer digits, 4 decimals. "" stays "".
func amountKey(amount string) (string, error) {
	if amount == "" {
		return "", nil
	}
	if err := search.CheckAmount(amount); err != nil {
		return "", err
	}
	intPart, frac, _ := strings.Cut(amount, ".")
	intPart = strings.TrimLeft(intPart, "0")
	return strings.Repeat("0", 22-len(intPart)) + intPart + "." + frac + strings.Repeat("0", 4-len(frac)), nil
}

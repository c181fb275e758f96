package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"dossier/internal/search"
	"dossier/internal/store/sqldb"
)

// maxIndexedText bounds the text turned into a tsvector, which PostgreSQL
// limits to 1 MiB; the rest of a very long document is not searchable.
const maxIndexedText = 300000

// snippetText bounds the text kept for snippets: ts_headline reads all it
// is given, and a passage from the first 100 KB serves a snippet well.
const snippetText = 100000

// searchDialect matches with a tsvector column under a GIN index; the
// query is the plain AND of the terms (plainto_tsquery has no operators).
var searchDialect = sqldb.SearchDialect{
	Upsert: upsert,
	Delete: func(ctx context.Context, tx *sql.Tx, id string) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_docs WHERE id = $1`, id); err != nil {
			return fmt.Errorf("unindex %s: %w", id, err)
		}
		return nil
	},
	From: "search_docs d",
	Match: func(q string, n int) (string, any, bool) {
		terms := search.Terms(q)
		if len(terms) == 0 {
			return "", nil, false
		}
		return fmt.Sprintf("d.tsv @@ plainto_tsquery('simple', $%d)", n), strings.Join(terms, " "), true
	},
	Rank: func(n int) string { return fmt.Sprintf("ts_rank_cd(d.tsv, plainto_tsquery('simple', $%d)) DESC", n) },
	Snippet: func(n int) string {
		// ts_headline drops what looks like an HTML tag: < and > travel as \x03 \x04.
		return fmt.Sprintf(`ts_headline('simple', translate(d.title || ' … ' ||
				coalesce((SELECT t.text FROM search_text t WHERE t.id = d.id), ''), '<>', chr(3) || chr(4)),
			plainto_tsquery('simple', $%d),
			'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=24, MinWords=8, MaxFragments=1')`, n)
	},
}

func upsert(ctx context.Context, tx *sql.Tx, d search.Doc, amountKey, keywords, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO search_docs (id, kind, subtype, state, title, number, customer,
		amount, amount_key, currency, date, keywords, updated_at, tsv)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
			setweight(to_tsvector('simple', $14), 'A') ||
			setweight(to_tsvector('simple', $15), 'B') ||
			setweight(to_tsvector('simple', $16), 'D'))
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, subtype = excluded.subtype, state = excluded.state,
			title = excluded.title, number = excluded.number, customer = excluded.customer, amount = excluded.amount,
			amount_key = excluded.amount_key, currency = excluded.currency, date = excluded.date,
			keywords = excluded.keywords, updated_at = excluded.updated_at, tsv = excluded.tsv`,
		d.ID, d.Kind, d.Subtype, d.State, d.Title, d.Number, d.Customer, d.Amount, amountKey, d.Currency, d.Date,
		keywords, d.UpdatedAt.UTC(),
		// PostgreSQL's parser reads "PO-2025-0042" differently from a query's
		// words; indexing search.Words makes both sides split alike.
		search.Words(d.Title+" "+d.Number+" "+d.Customer), search.Words(keywords), search.Words(clip(text, maxIndexedText)))
	if err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_text (id, text) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET text = excluded.text`, d.ID, clip(text, snippetText))
	if err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	return nil
}

// clip cuts s to at most n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

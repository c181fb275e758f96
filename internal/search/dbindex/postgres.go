package dbindex

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"dossier/internal/search"
)

// maxIndexedText bounds the text turned into a tsvector, which PostgreSQL
// limits to 1 MiB; the rest of a very long document is not searchable.
const maxIndexedText = 300000

// snippetText bounds the text kept for snippets: ts_headline reads all it
// is given, and a passage from the first 100 KB serves a snippet well.
const snippetText = 100000

// Postgres matches with tsvectors under GIN indexes; the query is the
// plain AND of the terms (plainto_tsquery has no operators).
var Postgres = Dialect{
	Upsert: pgUpsert,
	Delete: func(ctx context.Context, tx *sql.Tx, num int64) error {
		for _, table := range []string{"search_tsv", "search_text"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE num = $1`, num); err != nil {
				return err
			}
		}
		return nil
	},
	Match: func(terms []string, head bool) (string, any) {
		column := "tsv"
		if head {
			column = "head"
		}
		return `SELECT string_agg(num::text, ',') FROM search_tsv WHERE ` + column + ` @@ plainto_tsquery('simple', $1)`, strings.Join(terms, " ")
	},
	Snippets: func(terms []string, nums []int64) (string, []any) {
		// ts_headline drops what looks like an HTML tag: < and > travel as \x03 \x04.
		return `SELECT d.num, ts_headline('simple', translate(d.title || ' … ' || coalesce(t.text, ''), '<>', chr(3) || chr(4)),
				plainto_tsquery('simple', $1),
				'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=24, MinWords=8, MaxFragments=1')
			FROM search_docs d LEFT JOIN search_text t ON t.num = d.num WHERE d.num = ANY($2)`,
			[]any{strings.Join(terms, " "), nums}
	},
}

func pgUpsert(ctx context.Context, tx *sql.Tx, num int64, d search.Doc, keywords, text string) error {
	// PostgreSQL's parser reads "PO-2025-0042" differently from a query's
	// words; indexing search.Words makes both sides split alike.
	head := search.Words(d.Title + " " + d.Number + " " + d.Customer + " " + keywords)
	_, err := tx.ExecContext(ctx, `INSERT INTO search_tsv (num, tsv, head) VALUES ($1, to_tsvector('simple', $2), to_tsvector('simple', $3))
		ON CONFLICT (num) DO UPDATE SET tsv = excluded.tsv, head = excluded.head`, num, head+" "+search.Words(clipText(text, maxIndexedText)), head)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_text (num, text) VALUES ($1, $2)
		ON CONFLICT (num) DO UPDATE SET text = excluded.text`, num, clipText(text, snippetText))
	if err != nil {
		return fmt.Errorf("search text: %w", err)
	}
	return nil
}

// clip cuts s to at most n bytes at a rune boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

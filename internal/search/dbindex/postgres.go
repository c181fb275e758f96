package dbindex

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"dossier/internal/search/tokens"
)

// maxIndexedText bounds the text turned into a tsvector, which PostgreSQL
// limits to 1 MiB; the rest of a very long document is not searchable.
// PostgreSQL also counts word positions only up to 16,383: past them a
// phrase (a CJK word of three characters or more) is not found, single
// words still are.
const maxIndexedText = 300000

// Postgres matches with tsvectors of the keys of package tokens under GIN
// indexes; a term is a phrase of its keys (<->), or a prefix (:*).
var Postgres = Dialect{
	Upsert: func(ctx context.Context, tx *sql.Tx, num int64, head, text string) error {
		head = tokens.Text(head)
		_, err := tx.ExecContext(ctx, `INSERT INTO search_tsv (num, tsv, head) VALUES ($1, to_tsvector('simple', $2), to_tsvector('simple', $3))
			ON CONFLICT (num) DO UPDATE SET tsv = excluded.tsv, head = excluded.head`,
			num, head+" "+tokens.Text(clipText(text, maxIndexedText)), head)
		return err
	},
	Delete: func(ctx context.Context, tx *sql.Tx, num int64) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM search_tsv WHERE num = $1`, num)
		return err
	},
	Match: func(terms []tokens.Term, head bool) (string, any) {
		column := "tsv"
		if head {
			column = "head"
		}
		return `SELECT string_agg(num::text, ',') FROM search_tsv WHERE ` + column + ` @@ to_tsquery('simple', $1)`, tsquery(terms)
	},
}

// tsquery writes terms as a tsquery: keys hold only letters, digits and
// marks, so quoted they are never operators.
func tsquery(terms []tokens.Term) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		if t.Prefix {
			parts[i] = "'" + t.Keys[0] + "':*"
			continue
		}
		parts[i] = "'" + strings.Join(t.Keys, "' <-> '") + "'"
	}
	return strings.Join(parts, " & ")
}

// clipText cuts s to at most n bytes at a rune boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

package dbindex

import (
	"context"
	"database/sql"
	"strings"

	"dossier/internal/search/tokens"
)

// SQLite indexes the keys of package tokens in a contentless FTS5 table
// whose rowid is the document's number in search_docs; a term is a phrase
// of its keys, or a prefix.
var SQLite = Dialect{
	Upsert: func(ctx context.Context, tx *sql.Tx, num int64, head, text string) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, num); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, head, text) VALUES ($1, $2, $3)`,
			num, tokens.Text(head), tokens.Text(text))
		return err
	},
	Delete: func(ctx context.Context, tx *sql.Tx, num int64) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, num)
		return err
	},
	Match: func(terms []tokens.Term, head bool) (string, any) {
		arg := ftsQuery(terms)
		if head {
			arg = "head : (" + arg + ")"
		}
		return `SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH $1`, arg
	},
}

// ftsQuery quotes each term: keys hold only letters, digits and marks, so
// each is a plain string to FTS5, never an operator, column filter or
// syntax error; FTS5 requires all of them.
func ftsQuery(terms []tokens.Term) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.Join(t.Keys, " ") + `"`
		if t.Prefix {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " ")
}

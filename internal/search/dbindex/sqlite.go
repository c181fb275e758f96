package dbindex

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"dossier/internal/search"
)

// SQLite indexes text in an FTS5 table whose rowid is the document's
// number in search_docs.
var SQLite = Dialect{
	Upsert: func(ctx context.Context, tx *sql.Tx, num int64, d search.Doc, keywords, text string) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, num); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, title, number, customer, keywords, text)
			VALUES ($1, $2, $3, $4, $5, $6)`, num, d.Title, d.Number, d.Customer, keywords, text)
		return err
	},
	Delete: func(ctx context.Context, tx *sql.Tx, num int64) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, num)
		return err
	},
	Match: func(terms []string, head bool) (string, any) {
		arg := ftsPhrases(terms)
		if head {
			arg = "{title number customer keywords} : (" + arg + ")"
		}
		return `SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH $1`, arg
	},
	Snippets: func(terms []string, nums []int64) (string, []any) {
		args := []any{ftsPhrases(terms)}
		marks := make([]string, len(nums))
		for i, n := range nums {
			args = append(args, n)
			marks[i] = fmt.Sprintf("$%d", i+2)
		}
		return `SELECT rowid, snippet(search_fts, -1, char(1), char(2), '…', 16) FROM search_fts
			WHERE search_fts MATCH $1 AND rowid IN (` + strings.Join(marks, ", ") + `)`, args
	},
}

// phrases quotes each term: terms hold only letters and digits, so each is
// a plain string to FTS5, never an operator, column filter or syntax error;
// FTS5 requires all of them.
func ftsPhrases(terms []string) string { return `"` + strings.Join(terms, `" "`) + `"` }

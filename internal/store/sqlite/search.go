package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"dossier/internal/search"
	"dossier/internal/store/sqldb"
)

// searchDialect indexes text in an FTS5 table whose rowid is search_docs' rowid.
var searchDialect = sqldb.SearchDialect{
	Upsert: upsert,
	Delete: func(ctx context.Context, tx *sql.Tx, id string) error { return remove(ctx, tx, id) },
	// CROSS JOIN fixes the join order in SQLite: the full-text match drives
	// and each hit's row is fetched by rowid. Left to the planner, a date
	// filter or sort could make it walk the date index and test the match
	// row by row, which takes seconds over a million documents.
	From: "search_fts CROSS JOIN search_docs d ON d.rowid = search_fts.rowid",
	Match: func(q string, n int) (string, any, bool) {
		terms := search.Terms(q)
		if len(terms) == 0 {
			return "", nil, false
		}
		// Terms hold only letters and digits, so quoting makes each a plain
		// string to FTS5: no operator, column filter or syntax error.
		return fmt.Sprintf("search_fts MATCH $%d", n), `"` + strings.Join(terms, `" "`) + `"`, true
	},
	// rank is the weighted bm25 set up by the migration, lower for better matches.
	Rank:    func(int) string { return "search_fts.rank" },
	Snippet: func(int) string { return "snippet(search_fts, -1, char(1), char(2), '…', 16)" },
}

func remove(ctx context.Context, tx *sql.Tx, id string) error {
	var rowid int64
	err := tx.QueryRowContext(ctx, `SELECT rowid FROM search_docs WHERE id = $1`, id).Scan(&rowid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("unindex %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, rowid); err != nil {
		return fmt.Errorf("unindex %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_docs WHERE rowid = $1`, rowid); err != nil {
		return fmt.Errorf("unindex %s: %w", id, err)
	}
	return nil
}

func upsert(ctx context.Context, tx *sql.Tx, d search.Doc, amountKey, keywords, text string) error {
	if err := remove(ctx, tx, d.ID); err != nil {
		return err
	}
	var rowid int64
	err := tx.QueryRowContext(ctx, `INSERT INTO search_docs (id, kind, subtype, state, title, number, customer,
		amount, amount_key, currency, date, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING rowid`,
		d.ID, d.Kind, d.Subtype, d.State, d.Title, d.Number, d.Customer, d.Amount, amountKey, d.Currency, d.Date,
		d.UpdatedAt.UTC().Truncate(time.Microsecond)).Scan(&rowid)
	if err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, title, number, customer, keywords, text) VALUES ($1, $2, $3, $4, $5, $6)`,
		rowid, d.Title, d.Number, d.Customer, keywords, text)
	if err != nil {
		return fmt.Errorf("index %s: %w", d.ID, err)
	}
	return nil
}

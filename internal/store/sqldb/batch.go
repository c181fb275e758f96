package sqldb

import (
	"context"
	"database/sql"
)

// Rows is what reads the rows of one statement of a batch: *sql.Rows, or
// the rows a driver's pipeline returns.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// BatchQuery is one statement of a batch and what reads its rows.
type BatchQuery struct {
	SQL  string
	Args []any
	Read func(Rows) error
}

// batch runs the statements in order. In a read outside a transaction on a
// database that pipelines (Dialect.Batch), they travel together: one round
// trip instead of one each. Otherwise they run one after another.
func (t *tx) batch(ctx context.Context, qs []BatchQuery) error {
	if t.conn != nil && t.d.Batch != nil {
		return t.d.Batch(ctx, t.conn, qs)
	}
	for _, q := range qs {
		if err := t.readQuery(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) readQuery(ctx context.Context, q BatchQuery) error {
	rows, err := t.hotQuery(ctx, q.SQL, q.Args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := q.Read(rows); err != nil {
		return err
	}
	return rows.Err()
}

// batchFunc is Dialect.Batch.
type batchFunc = func(ctx context.Context, c *sql.Conn, qs []BatchQuery) error

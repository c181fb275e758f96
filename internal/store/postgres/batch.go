package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"dossier/internal/store/sqldb"
)

// batch sends the statements on c's pgx connection as one pipeline, so the
// server answers them all after one round trip, and reads each one's rows
// in turn (sqldb.Dialect.Batch).
func batch(ctx context.Context, c *sql.Conn, qs []sqldb.BatchQuery) error {
	return c.Raw(func(driverConn any) error {
		dc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("batch on a %T, not a pgx connection", driverConn)
		}
		b := &pgx.Batch{}
		for _, q := range qs {
			b.Queue(q.SQL, q.Args...)
		}
		results := dc.Conn().SendBatch(ctx, b)
		err := readBatch(results, qs)
		return errors.Join(err, results.Close())
	})
}

func readBatch(results pgx.BatchResults, qs []sqldb.BatchQuery) error {
	for _, q := range qs {
		rows, err := results.Query()
		if err != nil {
			return err
		}
		err = q.Read(rows)
		rows.Close()
		if err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

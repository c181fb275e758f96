package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps the statements of the queries that nearly every request
// runs (the session and user behind a token, a document and what its
// allowed events read) prepared on each connection of one pool.
// database/sql prepares a statement anew for every query otherwise, and
// SQLite then parses and plans it each time: two thirds of a document's
// read. Only the call sites that use tx.hotQuery fill it, each with a
// query text of its own, so it holds a few dozen statements at most.
type stmtCache struct {
	pool *sql.DB
	m    sync.Map   // query text → *sql.Stmt
	mu   sync.Mutex // one preparation at a time
}

func newStmtCache(pool *sql.DB) *stmtCache { return &stmtCache{pool: pool} }

func (c *stmtCache) lookup(query string) *sql.Stmt {
	if c == nil {
		return nil // the dialect prepares nothing
	}
	if s, ok := c.m.Load(query); ok {
		return s.(*sql.Stmt)
	}
	return nil
}

// prepare prepares the queries a transaction ran unprepared. It runs once
// the transaction has given its connection back: preparing on the pool
// takes a connection, and the writer pool has only one. A failure leaves
// the query unprepared, to be tried again after its next use.
func (c *stmtCache) prepare(ctx context.Context, queries []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, q := range queries {
		if c.lookup(q) != nil {
			continue
		}
		if s, err := c.pool.PrepareContext(ctx, q); err == nil {
			c.m.Store(q, s)
		}
	}
}

func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	var errs []error
	c.m.Range(func(_, s any) bool {
		errs = append(errs, s.(*sql.Stmt).Close())
		return true
	})
	return errors.Join(errs...)
}

// hotQuery runs query, a constant text, through the statement cache.
func (t *tx) hotQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmts.lookup(query); s != nil {
		return t.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	if t.stmts != nil {
		t.missed = append(t.missed, query)
	}
	return t.q.QueryContext(ctx, query, args...)
}

// hotQueryRow is hotQuery for one row.
func (t *tx) hotQueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmts.lookup(query); s != nil {
		return t.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	if t.stmts != nil {
		t.missed = append(t.missed, query)
	}
	return t.q.QueryRowContext(ctx, query, args...)
}

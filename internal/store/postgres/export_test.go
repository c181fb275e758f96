package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dossier/internal/store/sqldb"
)

// Migrations are the embedded migrations, for the upgrade test, which runs
// outside the package: testenv imports this package to migrate test schemas.
var Migrations = migrations

// OpenTraced is Open with tracer seeing every statement the pool's
// connections send, for the tests that count a request's round trips.
func OpenTraced(ctx context.Context, url string, tracer pgx.QueryTracer) (*sqldb.DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.Tracer = tracer
	return open(ctx, cfg)
}

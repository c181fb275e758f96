package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// fingerprintSQL hashes the structure of the schema $1: relations, columns
// with their types and defaults, constraints, indexes, triggers, functions
// and types, with the schema's own name taken out so that a copy of the
// template hashes as the template does.
const fingerprintSQL = `
SELECT md5(coalesce(string_agg(replace(d, quote_ident($1::text) || '.', ''), E'\n' ORDER BY d), '')) FROM (
	SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(array_to_string(c.reloptions, ','), '') FROM pg_class c WHERE c.relnamespace = $1::text::regnamespace
	UNION ALL
	SELECT 'col ' || c.relname || '.' || a.attname || ' ' || a.attnum || ' ' || format_type(a.atttypid, a.atttypmod) ||
		' ' || a.attnotnull || ' ' || a.attidentity::text || ' ' || a.attgenerated::text || ' ' || a.attstorage::text || ' ' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '')
	FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	WHERE c.relnamespace = $1::text::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT 'con ' || k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.connamespace = $1::text::regnamespace
	UNION ALL
	SELECT 'idx ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
	WHERE c.relnamespace = $1::text::regnamespace
	UNION ALL
	SELECT 'trg ' || pg_get_triggerdef(g.oid) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
	WHERE c.relnamespace = $1::text::regnamespace AND NOT g.tgisinternal
	UNION ALL
	SELECT 'fn ' || p.proname || ' ' || md5(coalesce(p.prosrc, '')) FROM pg_proc p WHERE p.pronamespace = $1::text::regnamespace
	UNION ALL
	SELECT 'typ ' || y.typname || ' ' || y.typtype::text FROM pg_type y WHERE y.typnamespace = $1::text::regnamespace
) x(d)`

func fingerprint(ctx context.Context, db *sql.DB, schema string) (string, error) {
	var fp string
	if err := db.QueryRowContext(ctx, fingerprintSQL, schema).Scan(&fp); err != nil {
		return "", fmt.Errorf("fingerprint schema %s: %w", schema, err)
	}
	return fp, nil
}

// resetPlan brings a copy of the template back to the template's state:
// every table emptied, children before the tables they reference, the rows
// the migrations inserted copied back, and every sequence set where the
// template's is. Deleting the few rows a test wrote is far cheaper than
// TRUNCATE, which makes new files for every table and index.
type resetPlan struct {
	template string
	order    []string // tables, each before those it references; nil on a reference cycle
	tables   []string
	filled   []string // tables the migrations put rows in
	seqs     []string
}

// sql returns the statements resetting schema.
func (p resetPlan) sql(schema string) string {
	id := func(s, name string) string { return pgx.Identifier{s, name}.Sanitize() }
	var b strings.Builder
	if p.order != nil {
		for _, t := range p.order {
			b.WriteString("DELETE FROM " + id(schema, t) + ";\n")
		}
	} else { // a reference cycle: TRUNCATE sorts it out
		names := make([]string, len(p.tables))
		for i, t := range p.tables {
			names[i] = id(schema, t)
		}
		b.WriteString("TRUNCATE " + strings.Join(names, ", ") + ";\n")
	}
	for _, t := range p.filled {
		b.WriteString("INSERT INTO " + id(schema, t) + " OVERRIDING SYSTEM VALUE SELECT * FROM " + id(p.template, t) + ";\n")
	}
	for _, s := range p.seqs {
		lit := strings.ReplaceAll(id(schema, s), "'", "''")
		b.WriteString("SELECT setval('" + lit + "', last_value, is_called) FROM " + id(p.template, s) + ";\n")
	}
	return b.String()
}

// newResetPlan reads from the template what resetting a copy of it takes.
func newResetPlan(ctx context.Context, db *sql.DB, template string) (resetPlan, error) {
	p := resetPlan{template: template}
	var err error
	p.tables, err = strings1(ctx, db, `SELECT relname FROM pg_class WHERE relnamespace = $1::text::regnamespace
		AND relkind IN ('r', 'p') AND NOT relispartition ORDER BY relname`, template)
	if err != nil {
		return p, err
	}
	rows, err := db.QueryContext(ctx, `SELECT c.relname, p.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
		WHERE k.contype = 'f' AND k.connamespace = $1::text::regnamespace`, template)
	if err != nil {
		return p, fmt.Errorf("foreign keys of %s: %w", template, err)
	}
	children := map[string][]string{} // table → tables referencing it
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			rows.Close()
			return p, err
		}
		if child != parent {
			children[parent] = append(children[parent], child)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	p.order = deleteOrder(p.tables, children)
	for _, t := range p.tables {
		var filled bool
		if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT FROM "+pgx.Identifier{template, t}.Sanitize()+")").Scan(&filled); err != nil {
			return p, fmt.Errorf("rows of %s.%s: %w", template, t, err)
		}
		if filled {
			p.filled = append(p.filled, t)
		}
	}
	p.seqs, err = strings1(ctx, db, `SELECT relname FROM pg_class WHERE relnamespace = $1::text::regnamespace AND relkind = 'S'`, template)
	return p, err
}

// deleteOrder orders tables so that each comes before the tables it
// references; nil when references form a cycle.
func deleteOrder(tables []string, children map[string][]string) []string {
	var order []string
	done := map[string]bool{}
	for len(order) < len(tables) {
		progress := false
		for _, t := range tables {
			if done[t] || slices.ContainsFunc(children[t], func(c string) bool { return !done[c] && slices.Contains(tables, c) }) {
				continue
			}
			done[t], progress = true, true
			order = append(order, t)
		}
		if !progress {
			return nil
		}
	}
	return order
}

// strings1 returns the one text column of a query's rows.
func strings1(ctx context.Context, db *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query the test template: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

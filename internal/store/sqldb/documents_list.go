package sqldb

import (
	"context"
	"fmt"
	"strings"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// sortColumns is the key column of each field of store.DocumentSort; the
// id breaks ties and is the key of created.
var sortColumns = map[string]string{"created": "", "date": "d.list_date", "amount": "d.amount_key", "title": "d.title_key"}

func (t *tx) ListDocuments(ctx context.Context, f store.DocumentFilter) ([]dossier.Document, error) {
	col, ok := sortColumns[f.Sort.Field()]
	if !f.Sort.Valid() || !ok {
		return nil, dossier.Errorf(dossier.EInvalid, "sort=%s is not an order of the documents list", dossier.Clip(string(f.Sort)))
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	for _, eq := range []struct{ col, v string }{{"d.kind", string(f.Kind)}, {"d.state", f.State},
		{"d.customer", f.Customer}, {"d.subtype", f.Subtype}, {"d.currency", f.Currency}} {
		if eq.v != "" {
			add(eq.col+" = $%d", eq.v)
		}
	}
	if len(f.In) > 0 {
		var pairs []string
		for _, ks := range f.In {
			args = append(args, string(ks.Kind), ks.State)
			pairs = append(pairs, fmt.Sprintf("(d.kind = $%d AND d.state = $%d)", len(args)-1, len(args)))
		}
		where = append(where, "("+strings.Join(pairs, " OR ")+")")
	}
	if f.DateFrom != "" {
		add("d.list_date >= $%d", f.DateFrom)
	}
	if f.DateTo != "" {
		add("d.list_date <= $%d", f.DateTo)
	}
	if err := amountBounds(f, add); err != nil {
		return nil, err
	}
	dir, op := "ASC", ">"
	if f.Sort.Desc() {
		dir, op = "DESC", "<"
	}
	if f.Cursor != "" {
		if col == "" {
			add("d.id "+op+" $%d", f.Cursor)
		} else {
			// (key, id) after the cursor's, as one row comparison that the
			// (key, id) index answers on both databases.
			args = append(args, f.CursorKey, f.Cursor)
			where = append(where, fmt.Sprintf("(%s, d.id) %s ($%d, $%d)", col, op, len(args)-1, len(args)))
		}
	}
	q := documentSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if col != "" {
		q += " ORDER BY " + col + " " + dir + ", d.id " + dir
	} else {
		q += " ORDER BY d.id " + dir
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return t.queryDocuments(ctx, q, args...)
}

// amountBounds adds the amount range of f: the bounds become keys like the
// column's, so the database compares exact decimals as strings.
func amountBounds(f store.DocumentFilter, add func(cond string, v any)) error {
	if f.AmountMin == "" && f.AmountMax == "" {
		return nil
	}
	add("d.amount_key <> $%d", "")
	for _, b := range []struct{ name, v, op string }{{"amount_min", f.AmountMin, ">="}, {"amount_max", f.AmountMax, "<="}} {
		if b.v == "" {
			continue
		}
		key := store.AmountKey(b.v)
		if key == "" {
			return dossier.Errorf(dossier.EInvalid, "%s=%s is not an amount", b.name, dossier.Clip(b.v))
		}
		add("d.amount_key "+b.op+" $%d", key)
	}
	return nil
}

func (t *tx) queryDocuments(ctx context.Context, q string, args ...any) ([]dossier.Document, error) {
	rows, err := t.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	docs := []dossier.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"strings"

	"dossier/internal/search"
)

// SearchDialect is how one database indexes and matches text; the filters,
// facets, sorting and paging around it are shared.
type SearchDialect struct {
	// Upsert replaces the index entry of d, whose text is keywords and text.
	Upsert func(ctx context.Context, tx *sql.Tx, d search.Doc, amountKey, keywords, text string) error
	// Delete removes the index entry of id.
	Delete func(ctx context.Context, tx *sql.Tx, id string) error
	// From is the FROM clause of a full-text search; search_docs is "d".
	From string
	// Match returns the condition matching placeholder n, and the value to
	// bind for the user's query; ok is false when q has nothing to match.
	Match func(q string, n int) (cond string, arg any, ok bool)
	// Rank orders full-text hits, best first; it may use placeholder n.
	Rank func(n int) string
	// Snippet returns the expression of a snippet with matches between
	// \x01 and \x02; it may use placeholder n.
	Snippet func(n int) string
}

// Search returns the database's own search index.
func (db *DB) Search() search.Index { return &index{db: db} }

type index struct{ db *DB }

func (ix *index) Ping(ctx context.Context) error { return ix.db.Ping(ctx) }

func (ix *index) Upsert(ctx context.Context, d search.Doc) error {
	return ix.UpsertBatch(ctx, []search.Doc{d})
}

// UpsertBatch writes several documents in one transaction, for bulk loads.
func (ix *index) UpsertBatch(ctx context.Context, docs []search.Doc) error {
	return ix.db.runSQL(ctx, ix.db.writer, nil, func(tx *sql.Tx) error {
		for _, d := range docs {
			key, err := amountKey(d.Amount)
			if err != nil {
				return err
			}
			keywords := strings.Join(d.Tags, " ")
			for _, v := range d.Fields {
				keywords += " " + v
			}
			text := strings.Join(d.Pages, "\n\f\n")
			if err := ix.db.dialect.Search.Upsert(ctx, tx, d, key, keywords, text); err != nil {
				return err
			}
		}
		return nil
	})
}

func (ix *index) Delete(ctx context.Context, id string) error {
	return ix.db.runSQL(ctx, ix.db.writer, nil, func(tx *sql.Tx) error {
		return ix.db.dialect.Search.Delete(ctx, tx, id)
	})
}

func (ix *index) Search(ctx context.Context, q search.Query) (search.Result, error) {
	res := search.Result{Hits: []search.Hit{}, Facets: map[string]map[string]int{}}
	if err := q.Validate(); err != nil {
		return res, err
	}
	for _, field := range search.FacetFields {
		res.Facets[field] = map[string]int{}
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	q.Offset = max(q.Offset, 0)
	sd := ix.db.dialect.Search
	var f filter
	from := "search_docs d"
	rank, snippet := "", "''"
	if strings.TrimSpace(q.Q) != "" {
		f.args = append(f.args, nil)
		cond, arg, ok := sd.Match(q.Q, len(f.args))
		if !ok {
			return res, nil // nothing searchable in q (only punctuation): no hits
		}
		f.args[len(f.args)-1] = arg
		from, f.where = sd.From, append(f.where, cond)
		rank, snippet = sd.Rank(len(f.args)), sd.Snippet(len(f.args))
	}
	if err := f.add(q); err != nil {
		return res, err
	}
	where := f.clause()
	order := "d.date DESC, d.id DESC"
	switch {
	case q.Sort == search.SortDateAsc:
		order = "d.date ASC, d.id ASC"
	case q.Sort != search.SortDateDesc && rank != "":
		order = rank + ", " + order
	}
	err := ix.db.runSQL(ctx, ix.db.reader, &sql.TxOptions{ReadOnly: true}, func(tx *sql.Tx) error {
		if err := facets(ctx, tx, &res, from, where, f.args); err != nil {
			return err
		}
		if res.Total == 0 {
			return nil
		}
		return ix.hits(ctx, tx, &res, from, where, order, snippet, f.args, q)
	})
	return res, err
}

func (ix *index) hits(ctx context.Context, tx *sql.Tx, res *search.Result, from, where, order, snippet string, args []any, q search.Query) error {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT d.id, d.title, d.kind, d.subtype, d.state, d.number, d.customer,
		d.amount, d.currency, d.date, %s FROM %s%s ORDER BY %s LIMIT %d OFFSET %d`,
		snippet, from, where, order, q.Limit, q.Offset), args...)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h search.Hit
		if err := rows.Scan(&h.ID, &h.Title, &h.Kind, &h.Subtype, &h.State, &h.Number, &h.Customer,
			&h.Amount, &h.Currency, &h.Date, &h.Snippet); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		h.Snippet = markSnippet(h.Snippet)
		res.Hits = append(res.Hits, h)
	}
	return rows.Err()
}

// facets counts the hits by every facet field at once: one pass over the
// matches grouped by the combination of the four values, summed up here,
// costs a quarter of four GROUP BY queries; the total is the sum.
func facets(ctx context.Context, tx *sql.Tx, res *search.Result, from, where string, args []any) error {
	rows, err := tx.QueryContext(ctx, "SELECT d.kind, d.state, d.customer, d.currency, COUNT(*) FROM "+from+where+
		" GROUP BY d.kind, d.state, d.customer, d.currency", args...)
	if err != nil {
		return fmt.Errorf("facets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v [4]string
		var n int
		if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &n); err != nil {
			return fmt.Errorf("facets: %w", err)
		}
		res.Total += n
		for i, field := range search.FacetFields {
			if v[i] != "" {
				res.Facets[field][v[i]] += n
			}
		}
	}
	return rows.Err()
}

// markSnippet escapes the text and turns the \x01 \x02 match markers into
// marks; \x03 and \x04 stand for < and > that a dialect hid from a
// highlighter that would drop them as tags.
func markSnippet(s string) string {
	s = html.EscapeString(s)
	return strings.NewReplacer("\x01", search.MarkStart, "\x02", search.MarkEnd, "\x03", "&lt;", "\x04", "&gt;").Replace(s)
}

// filter collects the conditions of the keyword and range filters.
type filter struct {
	where []string
	args  []any
}

func (f *filter) add(q search.Query) error {
	for _, k := range q.Keywords() {
		marks := make([]string, len(k.Values))
		for i, v := range k.Values {
			f.args = append(f.args, v)
			marks[i] = fmt.Sprintf("$%d", len(f.args))
		}
		f.where = append(f.where, "d."+k.Field+" IN ("+strings.Join(marks, ", ")+")")
	}
	f.cmp("d.date >= ", q.DateFrom)
	f.cmp("d.date <= ", q.DateTo)
	for _, c := range []struct{ op, amount string }{{"d.amount_key >= ", q.AmountMin}, {"d.amount_key <= ", q.AmountMax}} {
		if c.amount == "" {
			continue
		}
		key, err := amountKey(c.amount)
		if err != nil {
			return err
		}
		f.cmp(c.op, key)
		f.where = append(f.where, "d.amount <> ''")
	}
	return nil
}

func (f *filter) cmp(op, v string) {
	if v != "" {
		f.args = append(f.args, v)
		f.where = append(f.where, fmt.Sprintf("%s$%d", op, len(f.args)))
	}
}

func (f *filter) clause() string {
	if len(f.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.where, " AND ")
}

// amountKey pads a decimal so that comparing keys as text compares amounts:
// 22 integer digits, 4 decimals. "" stays "".
func amountKey(amount string) (string, error) {
	if amount == "" {
		return "", nil
	}
	if err := search.CheckAmount(amount); err != nil {
		return "", err
	}
	intPart, frac, _ := strings.Cut(amount, ".")
	intPart = strings.TrimLeft(intPart, "0")
	return strings.Repeat("0", 22-len(intPart)) + intPart + "." + frac + strings.Repeat("0", 4-len(frac)), nil
}

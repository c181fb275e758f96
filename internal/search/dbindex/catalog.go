package dbindex

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"dossier/internal/search"
)

// catalog is this process's copy of the filter columns of search_docs:
// kind, state, customer, currency, date and amount of every indexed
// document, by its number. The database finds the documents whose text
// matches; the catalog filters them, counts the facets and orders them,
// which costs microseconds per match where reading each matched row from
// the database costs one lookup each (SPEC §14: 1,000,000 documents).
//
// Every write to search_docs takes the next number of the one-row
// search_seq table, whose row lock (or SQLite's single writer) keeps the
// numbers in commit order; a search first reads the rows written since the
// catalog's number, inside its own snapshot, so the catalog is as fresh as
// the database it reads. Each replica keeps its own.
type catalog struct {
	mu     sync.Mutex
	seq    int64 // the (seq, num) of the last row read
	num    int64
	docs   []entry // by num; num 0 is never used
	values []string
	codes  map[string]uint32 // values[codes[v]] == v; code 0 is ""
}

// entry is one document; a deleted one is kept with live false.
type entry struct {
	id                              string
	amount                          [2]uint64 // the amount key's 26 digits, 13 in each
	kind, state, customer, currency uint32
	date                            uint32 // YYYYMMDD
	hasAmount, live                 bool
}

func newCatalog() *catalog { return &catalog{values: []string{""}, codes: map[string]uint32{"": 0}} }

func (c *catalog) code(v string) uint32 {
	n, ok := c.codes[v]
	if !ok {
		n = uint32(len(c.values))
		c.values = append(c.values, v)
		c.codes[v] = n
	}
	return n
}

// syncBatch bounds the rows one catch-up query reads: the LIMIT keeps
// the planner on the (seq, num) index however stale its statistics are.
var syncBatch = 20000

// sync reads the rows written since the catalog's last read, in (seq, num)
// order from where it stopped; it reads nothing when search_seq says
// nothing was written.
func (c *catalog) sync(ctx context.Context, tx *sql.Tx) error {
	var top int64
	if err := tx.QueryRowContext(ctx, `SELECT n FROM search_seq`).Scan(&top); err != nil {
		return fmt.Errorf("search catalog: %w", err)
	}
	if c.seq >= top {
		return nil // nothing new, or this snapshot is older than the catalog
	}
	for {
		n, err := c.read(ctx, tx)
		if err != nil {
			return fmt.Errorf("search catalog: %w", err)
		}
		if n < syncBatch {
			break
		}
	}
	// Every row up to top is read. A change number can have no row (the
	// deletion of a document never indexed): start after top next time, or
	// every search would look for rows again.
	if c.seq < top {
		c.seq, c.num = top, math.MaxInt64
	}
	return nil
}

// read reads the next syncBatch rows and returns how many it read.
func (c *catalog) read(ctx context.Context, tx *sql.Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT num, seq, live, id, kind, state, customer, currency, date, amount_key
		FROM search_docs WHERE (seq, num) > ($1, $2) ORDER BY seq, num LIMIT %d`, syncBatch), c.seq, c.num)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var num, seq int64
		var live bool
		var id, kind, state, customer, currency, date, amountKey string
		if err := rows.Scan(&num, &seq, &live, &id, &kind, &state, &customer, &currency, &date, &amountKey); err != nil {
			return n, err
		}
		for int64(len(c.docs)) <= num {
			c.docs = append(c.docs, entry{})
		}
		e := entry{id: id, live: live, kind: c.code(kind), state: c.code(state), customer: c.code(customer),
			currency: c.code(currency), date: dateNumber(date)}
		e.amount, e.hasAmount = amountNumber(amountKey)
		c.docs[num], c.seq, c.num = e, seq, num
		n++
	}
	return n, rows.Err()
}

// dateNumber turns YYYY-MM-DD into YYYYMMDD; 0 when it is not a date.
func dateNumber(date string) uint32 {
	n, err := strconv.ParseUint(strings.ReplaceAll(date, "-", ""), 10, 32)
	if err != nil || len(date) != 10 {
		return 0
	}
	return uint32(n)
}

// amountNumber splits an amount key (22 digits, point, 4 digits) into two
// 13-digit numbers that compare like the amounts.
func amountNumber(key string) ([2]uint64, bool) {
	digits := strings.Replace(key, ".", "", 1)
	if len(digits) != 26 {
		return [2]uint64{}, false
	}
	hi, err1 := strconv.ParseUint(digits[:13], 10, 64)
	lo, err2 := strconv.ParseUint(digits[13:], 10, 64)
	return [2]uint64{hi, lo}, err1 == nil && err2 == nil
}

func lessAmount(a, b [2]uint64) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// selection is a query's filters in the catalog's terms.
type selection struct {
	keywords         [4][]uint32 // in the order of search.FacetFields; nil: any
	dateFrom, dateTo uint32
	amountMin        [2]uint64
	amountMax        [2]uint64
	hasMin, hasMax   bool
}

func (c *catalog) selection(q search.Query) (selection, error) {
	var s selection
	for _, k := range q.Keywords() {
		i := slices.Index(search.FacetFields, k.Field)
		s.keywords[i] = []uint32{} // a value never indexed matches nothing
		for _, v := range k.Values {
			if n, ok := c.codes[v]; ok {
				s.keywords[i] = append(s.keywords[i], n)
			}
		}
	}
	s.dateFrom, s.dateTo = dateNumber(q.DateFrom), dateNumber(q.DateTo)
	if q.DateTo == "" {
		s.dateTo = ^uint32(0)
	}
	for _, b := range []struct {
		amount string
		to     *[2]uint64
		set    *bool
	}{{q.AmountMin, &s.amountMin, &s.hasMin}, {q.AmountMax, &s.amountMax, &s.hasMax}} {
		if b.amount == "" {
			continue
		}
		key, err := amountKey(b.amount)
		if err != nil {
			return s, err
		}
		*b.to, *b.set = amountNumber(key)
	}
	return s, nil
}

func (s *selection) has(e *entry) bool {
	if !e.live || e.date < s.dateFrom || e.date > s.dateTo {
		return false
	}
	for i, v := range [4]uint32{e.kind, e.state, e.customer, e.currency} {
		if s.keywords[i] != nil && !contains(s.keywords[i], v) {
			return false
		}
	}
	if s.hasMin || s.hasMax {
		if !e.hasAmount || s.hasMin && lessAmount(e.amount, s.amountMin) || s.hasMax && lessAmount(s.amountMax, e.amount) {
			return false
		}
	}
	return true
}

func contains(codes []uint32, v uint32) bool {
	for _, c := range codes {
		if c == v {
			return true
		}
	}
	return false
}

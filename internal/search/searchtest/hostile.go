package searchtest

import (
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/search"
)

// hostile are strings that break naive query or filter building: query
// syntax of FTS5, tsquery and Meilisearch, SQL, filter syntax, odd bytes.
var hostile = []string{
	`"`, `""`, `"unbalanced`, `'`, `(`, `)`, `((zirconium)`, `zirconium)`,
	`AND`, `OR`, `NOT`, `AND OR NOT`, `zirconium AND`, `NOT zirconium`, `zirconium OR marzipan`,
	`*`, `zirconium*`, `-`, `-zirconium`, `--`, `+`, `^`, `~`, `:`, `title:zirconium`, `text : x`,
	`NEAR(`, `NEAR(zirconium marzipan, 2)`, `{title}: x`, `[x]`, `a & b`, `a | b`, `!a`, `<->`, `a:*`,
	`'; DROP TABLE search_docs; --`, `' OR '1'='1`, `1; SELECT pg_sleep(5)`, `%`, `_`, `\`, `\\`, `\"`,
	`kind = "contract" OR kind = "customs"`, `customer IN ["a"]`, `_geoRadius(1, 2, 3)`,
	strings.Repeat("zirconium ", 1024), strings.Repeat("x", 10240), strings.Repeat("(", 500),
	"\x00", "zirconium\x00", "\x01\x02\x1b[31m", "tab\tnew\nline\r", "\u200b\ufeff",
	"📄🔍 zirconium", "ü ß 中文 العربية", "\xff\xfe invalid utf-8",
}

// Hostile input as Q or as a filter value gives a result or a *dossier.Error
// EInvalid: never another error, never a panic. A hostile filter value names
// no document, so a result from one is empty.
func testHostile(t *testing.T, ix search.Index, _ []search.Doc) {
	for _, s := range hostile {
		for _, tc := range []struct {
			where string
			q     search.Query
			empty bool
		}{
			{"Q", search.Query{Q: s}, false},
			{"Q with filters", search.Query{Q: s, Kind: []string{"purchase_order"}, AmountMin: "1"}, false},
			{"kind", search.Query{Kind: []string{s}}, true},
			{"customer", search.Query{Customer: []string{s, acme}}, false},
			{"state and currency", search.Query{State: []string{s}, Currency: []string{s}}, true},
			{"date", search.Query{DateFrom: s}, false},
			{"sort", search.Query{Q: "zirconium", Sort: search.Sort(s)}, false},
		} {
			r, err := searchSafely(t, ix, tc.q)
			switch {
			case err != nil && dossier.ErrorCode(err) != dossier.EInvalid:
				t.Errorf("%s %q: error %v, want a result or a *dossier.Error %s", tc.where, s, err, dossier.EInvalid)
			case err == nil && tc.empty && r.Total != 0:
				t.Errorf("%s %q: total %d, want 0", tc.where, s, r.Total)
			case err == nil && r.Total < len(r.Hits):
				t.Errorf("%s %q: total %d below the %d hits", tc.where, s, r.Total, len(r.Hits))
			}
		}
	}
}

// searchSafely runs q, turning a panic into a test failure that names q.
func searchSafely(t *testing.T, ix search.Index, q search.Query) (r search.Result, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Search(%q) panicked: %v", q.Q, p)
		}
	}()
	return ix.Search(t.Context(), q)
}

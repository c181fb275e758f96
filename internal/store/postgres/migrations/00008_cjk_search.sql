-- +goose Up
-- The text vectors hold the words of package search/tokens: CJK runs as
-- overlapping pairs of characters, other words folded (lower case, no
-- accents). Every document is indexed again: the marker makes the next
-- start queue an index job for each (sqldb.Migrate). Until its job runs, a
-- document keeps its old vector, which still finds its unaccented words.
INSERT INTO settings (key, value) VALUES ('search.reindex', 'cjk')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- +goose Down
-- The older version reads the same tables; its words come back with:
-- dossier reindex --restart

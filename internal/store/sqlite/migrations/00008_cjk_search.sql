-- +goose Up
-- The text index holds the words of package search/tokens: CJK runs as
-- overlapping pairs of characters, other words folded (lower case, no
-- accents). The FTS5 table keeps no copy of the text (contentless);
-- search_text keeps the start of each document's text, as written, for
-- snippets. Every document is indexed again: the marker makes the next
-- start queue an index job for each (sqldb.Migrate).
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
    head, text,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0 categories ''L* N* Co M*'''
);
CREATE TABLE search_text (
    num  INTEGER PRIMARY KEY REFERENCES search_docs(num),
    text TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('search.reindex', 'cjk')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- +goose Down
DROP TABLE search_text;
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, number, customer, keywords, text,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- The older version fills the index again with: dossier reindex --restart

-- +goose Up
-- The search index, remade: search_docs rows carry a number (num, which is
-- also the FTS5 rowid) and the change number (seq) of their last write, so
-- that each server's in-memory catalog of the filter columns can catch up
-- on what changed. A deleted document's row stays, with live false.
DROP TABLE search_fts;
DROP TABLE search_docs;
CREATE TABLE search_docs (
    num        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    seq        INTEGER NOT NULL,
    live       BOOLEAN NOT NULL,
    kind       TEXT NOT NULL,
    subtype    TEXT NOT NULL,
    state      TEXT NOT NULL,
    title      TEXT NOT NULL,
    number     TEXT NOT NULL,
    customer   TEXT NOT NULL,
    amount     TEXT NOT NULL,
    amount_key TEXT NOT NULL,
    currency   TEXT NOT NULL,
    date       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX search_docs_seq ON search_docs(seq);
-- The last change number; one row.
CREATE TABLE search_seq (n INTEGER NOT NULL);
INSERT INTO search_seq (n) VALUES (0);

CREATE VIRTUAL TABLE search_fts USING fts5(
    title, number, customer, keywords, text,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Every document is indexed again by the job runner.
INSERT INTO jobs (kind, payload, run_at, created_at)
SELECT 'index', '{"document_id":"' || id || '"}', '2000-01-01 00:00:00+00:00', '2000-01-01 00:00:00+00:00' FROM documents;

-- +goose Down
DROP TABLE search_fts;
DROP TABLE search_seq;
DROP TABLE search_docs;
CREATE TABLE search_docs (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    subtype    TEXT NOT NULL,
    state      TEXT NOT NULL,
    title      TEXT NOT NULL,
    number     TEXT NOT NULL,
    customer   TEXT NOT NULL,
    amount     TEXT NOT NULL,
    amount_key TEXT NOT NULL,
    currency   TEXT NOT NULL,
    date       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, number, customer, keywords, text,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO jobs (kind, payload, run_at, created_at)
SELECT 'index', '{"document_id":"' || id || '"}', '2000-01-01 00:00:00+00:00', '2000-01-01 00:00:00+00:00' FROM documents;

-- +goose Up
-- The search index, remade. search_docs rows carry a number (num) and the
-- change number (seq) of their last write, so that each replica's
-- in-memory catalog of the filter columns can catch up on what changed; a
-- deleted document's row stays, with live false. The text vectors live in
-- a table of their own whose rows are a number and pointers to the vectors
-- out of line (storage external, tuple target 128): a match then visits
-- a heap small enough to stay in shared buffers. tsv holds every word,
-- head the words of the title, number, customer and keywords, for
-- relevance; both matches of a search visit the same heap pages. New GIN
-- entries wait in a pending list that every search reads through; 256 kB
-- instead of 4 MB keeps that read short.
DROP TABLE search_text;
DROP TABLE search_docs;
CREATE TABLE search_docs (
    num        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    seq        BIGINT NOT NULL,
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
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX search_docs_seq ON search_docs(seq, num);
-- The last change number; one row, locked by each write until it commits.
CREATE TABLE search_seq (n BIGINT NOT NULL);
INSERT INTO search_seq (n) VALUES (0);

CREATE TABLE search_tsv (
    num  BIGINT PRIMARY KEY REFERENCES search_docs(num),
    tsv  TSVECTOR NOT NULL,
    head TSVECTOR NOT NULL
) WITH (toast_tuple_target = 128);
ALTER TABLE search_tsv ALTER COLUMN tsv SET STORAGE EXTERNAL;
ALTER TABLE search_tsv ALTER COLUMN head SET STORAGE EXTERNAL;
CREATE INDEX search_tsv_tsv ON search_tsv USING GIN (tsv) WITH (gin_pending_list_limit = 256);
CREATE INDEX search_tsv_head ON search_tsv USING GIN (head) WITH (gin_pending_list_limit = 256);
-- The text read for the snippets of one page of hits.
CREATE TABLE search_text (
    num  BIGINT PRIMARY KEY REFERENCES search_docs(num),
    text TEXT NOT NULL
);

-- Every document is indexed again by the job runner.
INSERT INTO jobs (kind, payload, run_at, created_at)
SELECT 'index', '{"document_id":"' || id || '"}', '2000-01-01', '2000-01-01' FROM documents;

-- +goose Down
DROP TABLE search_text;
DROP TABLE search_tsv;
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
    keywords   TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    tsv        TSVECTOR NOT NULL
);
CREATE TABLE search_text (
    id   TEXT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    text TEXT NOT NULL
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
INSERT INTO jobs (kind, payload, run_at, created_at)
SELECT 'index', '{"document_id":"' || id || '"}', '2000-01-01', '2000-01-01' FROM documents;

-- +goose Up
-- Extracted text, per file version and page.
CREATE TABLE document_text (
    document_id  TEXT NOT NULL REFERENCES documents(id),
    file_version INTEGER NOT NULL,
    page         INTEGER NOT NULL,
    text         TEXT NOT NULL,
    PRIMARY KEY (document_id, file_version, page)
);

-- The search index. amount_key is the amount zero-padded so that text order
-- is numeric order. The 'simple' configuration does not stem: documents are
-- in several languages, and it matches what SQLite's index does.
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
-- The text itself is read only for the snippets of one page of hits; kept
-- apart, it does not widen the rows that filters and facets scan.
CREATE TABLE search_text (
    id   TEXT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    text TEXT NOT NULL
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
CREATE INDEX search_docs_date ON search_docs(date, id);
CREATE INDEX search_docs_kind ON search_docs(kind, date);
CREATE INDEX search_docs_state ON search_docs(state, date);
CREATE INDEX search_docs_customer ON search_docs(customer, date);
CREATE INDEX search_docs_currency ON search_docs(currency, date);
CREATE INDEX search_docs_amount ON search_docs(amount_key);

-- Small named values the service keeps, e.g. where a reindex stopped.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE search_text;
DROP TABLE search_docs;
DROP TABLE document_text;

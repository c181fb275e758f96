-- +goose Up
-- The documents list filters and sorts by date, amount and title (SPEC §12).
-- Each order has a key column that the store writes with the document
-- (store.DocumentSort.SortKey), so comparisons are exact and indexed: the
-- amount as a fixed-width string whose byte order is numeric order, the
-- date as the issue date else the upload day, the title in lower case.
ALTER TABLE documents ADD COLUMN list_date TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN amount_key TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN title_key TEXT NOT NULL DEFAULT '';

UPDATE documents SET
    list_date = COALESCE(NULLIF(json_extract(dates, '$.issue_date'), ''), substr(created_at, 1, 10)),
    title_key = lower(title),
    amount_key = CASE WHEN amount = '' THEN '' ELSE
        substr('0000000000000000000000' || ltrim(CASE WHEN instr(amount, '.') > 0
            THEN substr(amount, 1, instr(amount, '.') - 1) ELSE amount END, '0'), -22, 22)
        || '.' ||
        substr((CASE WHEN instr(amount, '.') > 0 THEN substr(amount, instr(amount, '.') + 1) ELSE '' END) || '0000', 1, 4)
    END;

CREATE INDEX documents_list_date ON documents(list_date, id);
CREATE INDEX documents_amount_key ON documents(amount_key, id);
CREATE INDEX documents_title_key ON documents(title_key, id);

-- Saved views of the documents list: a name for a query string, the
-- owner's alone or shared with every signed-in user.
CREATE TABLE saved_views (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (owner, name)
);
CREATE INDEX saved_views_shared ON saved_views(shared, name);

-- +goose Down
DROP TABLE saved_views;
DROP INDEX documents_title_key;
DROP INDEX documents_amount_key;
DROP INDEX documents_list_date;
ALTER TABLE documents DROP COLUMN title_key;
ALTER TABLE documents DROP COLUMN amount_key;
ALTER TABLE documents DROP COLUMN list_date;

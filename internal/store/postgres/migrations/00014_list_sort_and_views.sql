-- +goose Up
-- The documents list filters and sorts by date, amount and title (SPEC §12).
-- Each order has a key column that the store writes with the document
-- (store.DocumentSort.SortKey), so comparisons are exact and indexed: the
-- amount as a fixed-width string whose byte order is numeric order, the
-- date as the issue date else the upload day, the title in lower case
-- (ASCII only, as SQLite's lower() and store.TitleKey fold it). The keys
-- compare byte by byte (COLLATE "C") whatever the database's locale.
ALTER TABLE documents ADD COLUMN list_date TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN amount_key TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN title_key TEXT COLLATE "C" NOT NULL DEFAULT '';

UPDATE documents SET
    list_date = COALESCE(NULLIF(dates->>'issue_date', ''), to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')),
    title_key = translate(title, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
    amount_key = CASE WHEN amount = '' THEN '' ELSE
        lpad(ltrim(split_part(amount, '.', 1), '0'), 22, '0') || '.' || rpad(split_part(amount, '.', 2), 4, '0')
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
    shared     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (owner, name)
);
CREATE INDEX saved_views_shared ON saved_views(name) WHERE shared;

-- +goose Down
DROP TABLE saved_views;
DROP INDEX documents_title_key;
DROP INDEX documents_amount_key;
DROP INDEX documents_list_date;
ALTER TABLE documents DROP COLUMN title_key;
ALTER TABLE documents DROP COLUMN amount_key;
ALTER TABLE documents DROP COLUMN list_date;

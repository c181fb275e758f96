-- +goose Up
-- Retention (purge, the retention report) reads archived documents in the
-- order they were archived; only they are in this index.
CREATE INDEX documents_archived ON documents(archived_at, id) WHERE archived_at IS NOT NULL;

-- +goose Down
DROP INDEX documents_archived;

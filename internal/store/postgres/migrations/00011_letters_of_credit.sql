-- +goose Up
-- One credit is one document: its number at its issuing bank (the BIC of
-- the message's sender, or the bank's name) is claimed by the LC made or
-- filled from its MT700, in the same transaction (SPEC §7).
CREATE TABLE lc_numbers (
    bank_number TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id)
);

-- Amendments (MT707) of an LC: recorded as pending, then accepted (their
-- changes applied to the LC) or rejected by bank liaison (UCP 600 art. 10).
CREATE TABLE lc_amendments (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id),
    number      INTEGER,
    message     TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    decided_at  TIMESTAMPTZ
);
CREATE INDEX lc_amendments_document ON lc_amendments(document_id, created_at);

-- Reminders and notices the scheduler sends about LCs: one row per
-- reminder (key unique, so each is sent once whatever the replicas and
-- restarts), delivered by jobs over the webhook and e-mail.
CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    document_id  TEXT NOT NULL REFERENCES documents(id),
    kind         TEXT NOT NULL,
    deadline     TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    days_left    INTEGER NOT NULL,
    message      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    webhook_at   TIMESTAMPTZ,
    email_at     TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notifications_created ON notifications(created_at, id);
CREATE INDEX notifications_document ON notifications(document_id, created_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE lc_amendments;
DROP TABLE lc_numbers;

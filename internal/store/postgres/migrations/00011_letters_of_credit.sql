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

-- +goose Down
DROP TABLE lc_amendments;
DROP TABLE lc_numbers;

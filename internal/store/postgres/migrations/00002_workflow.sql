-- +goose Up
-- round counts how often the document entered review or approval; the
-- approvals and department reviews of the current round are the ones that count.
ALTER TABLE documents ADD COLUMN round INTEGER NOT NULL DEFAULT 0;

CREATE TABLE history (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id),
    event        TEXT NOT NULL,
    from_state   TEXT NOT NULL,
    to_state     TEXT NOT NULL,
    actor        TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL DEFAULT '',
    comment      TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL DEFAULT '{}',
    version      INTEGER NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX history_document ON history(document_id, id);

-- One approval per level per round: a second approver racing for the same
-- level loses on the key, whatever the isolation level.
CREATE TABLE approvals (
    document_id  TEXT NOT NULL REFERENCES documents(id),
    round        INTEGER NOT NULL,
    level        INTEGER NOT NULL,
    approver_id  TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL DEFAULT '',
    at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, round, level)
);

CREATE TABLE reviews (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id),
    round       INTEGER NOT NULL,
    department  TEXT NOT NULL,
    decision    TEXT NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    reviewer_id TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX reviews_document ON reviews(document_id, round, id);

CREATE TABLE fx_rates (
    currency   TEXT PRIMARY KEY,
    rate       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE delegations (
    id           TEXT PRIMARY KEY,
    from_user_id TEXT NOT NULL REFERENCES users(id),
    to_user_id   TEXT NOT NULL REFERENCES users(id),
    from_date    TEXT NOT NULL,
    until_date   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX delegations_to ON delegations(to_user_id);

CREATE TABLE renditions (
    document_id  TEXT NOT NULL REFERENCES documents(id),
    name         TEXT NOT NULL,
    file_version INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    size         BIGINT NOT NULL,
    state        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, name)
);

ALTER TABLE jobs ADD COLUMN locked_until TIMESTAMPTZ;
CREATE INDEX documents_kind_state ON documents(kind, state, id);

-- +goose Down
DROP INDEX documents_kind_state;
ALTER TABLE jobs DROP COLUMN locked_until;
DROP TABLE renditions;
DROP TABLE delegations;
DROP TABLE fx_rates;
DROP TABLE reviews;
DROP TABLE approvals;
DROP TABLE history;
ALTER TABLE documents DROP COLUMN round;

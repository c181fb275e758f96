-- +goose Up
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL DEFAULT '',
    roles          JSONB NOT NULL DEFAULT '[]',
    approval_level INTEGER NOT NULL DEFAULT 0,
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    subtype       TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    number        TEXT NOT NULL DEFAULT '',
    customer      TEXT NOT NULL DEFAULT '',
    amount        TEXT NOT NULL DEFAULT '',
    currency      TEXT NOT NULL DEFAULT '',
    dates         JSONB NOT NULL DEFAULT '{}',
    product_codes JSONB NOT NULL DEFAULT '[]',
    tags          JSONB NOT NULL DEFAULT '[]',
    fields        JSONB NOT NULL DEFAULT '{}',
    state         TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    legal_hold    BOOLEAN NOT NULL DEFAULT FALSE,
    archived_at   TIMESTAMPTZ
);
CREATE INDEX documents_kind ON documents(kind, id);
CREATE INDEX documents_state ON documents(state, id);
CREATE INDEX documents_customer ON documents(customer, id);

CREATE TABLE file_versions (
    document_id TEXT NOT NULL REFERENCES documents(id),
    version     INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    media_type  TEXT NOT NULL,
    filename    TEXT NOT NULL,
    page_count  INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, version)
);
CREATE INDEX file_versions_sha256 ON file_versions(sha256);

CREATE TABLE links (
    document_id TEXT NOT NULL REFERENCES documents(id),
    target_id   TEXT NOT NULL REFERENCES documents(id),
    relation    TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, target_id, relation)
);

CREATE TABLE audit_events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream      TEXT NOT NULL,
    stream_seq  BIGINT NOT NULL,
    time        TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    document_id TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_events_document ON audit_events(document_id, seq);
CREATE INDEX audit_events_actor ON audit_events(actor, seq);

-- No UNIQUE (stream, stream_seq) on audit_events on purpose: the verifier, not
-- the schema, must be what catches an inserted event.
CREATE TABLE audit_heads (
    stream     TEXT PRIMARY KEY,
    stream_seq BIGINT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TABLE jobs (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL DEFAULT '{}',
    run_at     TIMESTAMPTZ NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_run_at ON jobs(run_at);

-- +goose Down
DROP TABLE jobs;
DROP TABLE audit_heads;
DROP TABLE audit_events;
DROP TABLE links;
DROP TABLE file_versions;
DROP TABLE documents;
DROP TABLE sessions;
DROP TABLE users;

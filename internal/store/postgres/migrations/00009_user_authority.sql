-- +goose Up
-- Users change (PATCH /users/{id}): departments for reviewers, disabling,
-- a version for If-Match and races, and who last set the password.
ALTER TABLE users ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN password_set_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN updated_at TIMESTAMPTZ; -- set on every write
UPDATE users SET updated_at = created_at;

-- A delegation an admin made is confirmed by a second admin (SPEC §6).
ALTER TABLE delegations ADD COLUMN confirmed_by TEXT NOT NULL DEFAULT '';

-- Dual control of authority: a grant takes effect when a second admin
-- confirms it. change holds the roles and level, or the delegation, as JSON.
CREATE TABLE grants (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL,
    change       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMPTZ
);
CREATE INDEX grants_user ON grants(user_id, requested_at);
CREATE INDEX grants_state ON grants(state, requested_at);

-- +goose Down
DROP TABLE grants;
ALTER TABLE delegations DROP COLUMN confirmed_by;
ALTER TABLE users DROP COLUMN updated_at;
ALTER TABLE users DROP COLUMN password_set_by;
ALTER TABLE users DROP COLUMN version;
ALTER TABLE users DROP COLUMN disabled;
ALTER TABLE users DROP COLUMN departments;

-- +goose Up
-- Failed sign-ins, one row per counter they count against (the user name at
-- an address, the address, the user name), kept for the limiter's window
-- and shared by every replica (SPEC §15).
CREATE TABLE signin_failures (
    key TEXT NOT NULL,
    at  TIMESTAMP NOT NULL
);
CREATE INDEX signin_failures_key ON signin_failures(key, at);
CREATE INDEX signin_failures_at ON signin_failures(at);

-- +goose Down
DROP TABLE signin_failures;

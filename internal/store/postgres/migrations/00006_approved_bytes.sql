-- +goose Up
-- What was approved is what is archived (SPEC §6): every approval, every
-- department review and every fired event records the SHA-256 of the file
-- it was given for, so the stamp can show it and archiving can refuse bytes
-- nobody approved.
-- Rows from before this version say '' (not recorded).
ALTER TABLE approvals ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE reviews ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE history ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE history DROP COLUMN sha256;
ALTER TABLE reviews DROP COLUMN sha256;
ALTER TABLE approvals DROP COLUMN sha256;

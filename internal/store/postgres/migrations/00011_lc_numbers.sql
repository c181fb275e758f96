-- +goose Up
-- One credit is one document: its number at its issuing bank (the BIC of
-- the message's sender, or the bank's name) is claimed by the LC made or
-- filled from its MT700, in the same transaction (SPEC §7).
CREATE TABLE lc_numbers (
    bank_number TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id)
);

-- +goose Down
DROP TABLE lc_numbers;

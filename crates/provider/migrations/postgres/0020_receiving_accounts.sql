-- Receiving accounts: local bank details per currency issued to a seller
-- from a partner-bank programme, each for one store (or none yet).
--
-- The counter row per programme is how numbers are allocated: the UPDATE
-- that increments it locks the row until the transaction ends, so two
-- requests can never read the same sequence; the unique index on the bank
-- code and number is the last line of defence.
CREATE TABLE receiving_number_counters (
    programme_id TEXT PRIMARY KEY NOT NULL,
    issued BIGINT NOT NULL
);

CREATE TABLE receiving_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    currency TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    -- The code a marketplace sends to find the bank (ABA routing number,
    -- Canadian EFT routing number, sort code, BIC, Zengin bank+branch, BSB).
    bank_code TEXT NOT NULL,
    -- The complete number (the IBAN for euro accounts).
    account_number TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    -- The store the account is for: both set, or both null ("no store yet").
    store_marketplace_id TEXT,
    store_seller_id TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at_ms BIGINT NOT NULL,
    closed_at_ms BIGINT
);

CREATE UNIQUE INDEX receiving_accounts_number ON receiving_accounts (bank_code, account_number);
-- One account per store and currency, so stores never share an account.
CREATE UNIQUE INDEX receiving_accounts_store ON receiving_accounts (store_seller_id, store_marketplace_id, currency);
CREATE INDEX receiving_accounts_by_account ON receiving_accounts (account_id, created_at_ms);

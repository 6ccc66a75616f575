-- The double-entry ledger (see crates/ledger). Versions 1000-1999 belong to
-- the ledger, which keeps its own migration table.

CREATE TABLE ledger_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    ledger TEXT NOT NULL,
    code BIGINT NOT NULL,
    flags BIGINT NOT NULL,
    owner TEXT,
    debits_pending BIGINT NOT NULL DEFAULT 0,
    debits_posted BIGINT NOT NULL DEFAULT 0,
    credits_pending BIGINT NOT NULL DEFAULT 0,
    credits_posted BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX ledger_accounts_owner ON ledger_accounts (owner);

CREATE TABLE ledger_transfers (
    id TEXT PRIMARY KEY NOT NULL,
    debit_account_id TEXT NOT NULL REFERENCES ledger_accounts (id),
    credit_account_id TEXT NOT NULL REFERENCES ledger_accounts (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    ledger TEXT NOT NULL,
    code BIGINT NOT NULL,
    flags BIGINT NOT NULL,
    pending_id TEXT,
    expires_at_ms BIGINT NOT NULL,
    reference TEXT,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account_id, created_at_ms);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account_id, created_at_ms);
-- A pending transfer is resolved (posted, voided or expired) exactly once;
-- the engine ensures it and the database enforces it.
CREATE UNIQUE INDEX ledger_transfers_resolution ON ledger_transfers (pending_id)
    WHERE pending_id IS NOT NULL;

CREATE TABLE ledger_pending (
    id TEXT PRIMARY KEY NOT NULL REFERENCES ledger_transfers (id),
    status TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

CREATE INDEX ledger_pending_due ON ledger_pending (expires_at_ms)
    WHERE status = 'pending' AND expires_at_ms > 0;

-- Ids that failed with a balance error stay failed (TigerBeetle's
-- id_already_failed), so a retry can never turn a refusal into a payment.
CREATE TABLE ledger_failed_ids (
    id TEXT PRIMARY KEY NOT NULL,
    result TEXT NOT NULL,
    failed_at_ms BIGINT NOT NULL
);

-- Transfers are immutable: corrections are new transfers.
CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger transfers are immutable';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_transfers_no_change BEFORE UPDATE OR DELETE ON ledger_transfers
    FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();

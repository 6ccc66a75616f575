-- Inbound payouts: every credit a partner bank notified (camt.054), one row
-- per transaction, recorded exactly once by its dedupe key (the UETR, else
-- the bank reference with the end-to-end id, else the message's own ids).
--
-- The row is the decision (credited to a seller's wallet, or held in
-- suspense) and the ledger transfers follow from it with deterministic ids
-- (`payout:{id}`, `release:{id}`, `return:{id}`); ledger_synced_at_ms is
-- null until the transfers of the current state are applied, so a crash
-- between the two is completed by the next delivery or the startup sweep.
-- state: credited, held, released, returned.
CREATE TABLE payouts (
    id TEXT PRIMARY KEY NOT NULL,
    dedupe_key TEXT NOT NULL,
    -- The partner bank whose signature carried it ("import" for files).
    source TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    -- The creditor account as the bank named it (IBAN or account number).
    creditor_account TEXT NOT NULL,
    -- The matching receiving account and its seller, when found.
    receiving_account_id TEXT REFERENCES receiving_accounts (id),
    seller_account_id TEXT REFERENCES seller_accounts (id),
    debtor_name TEXT,
    end_to_end_id TEXT,
    bank_reference TEXT,
    uetr TEXT,
    remittance TEXT NOT NULL,
    state TEXT NOT NULL,
    -- Why it was held: unknown_account, account_closed, currency_mismatch,
    -- store_not_bound, unknown_debtor.
    hold_reason TEXT,
    -- The operator who released or returned it, and when.
    resolved_by TEXT,
    resolved_at_ms BIGINT,
    received_at_ms BIGINT NOT NULL,
    ledger_synced_at_ms BIGINT
);

CREATE UNIQUE INDEX payouts_dedupe_key ON payouts (dedupe_key);
CREATE INDEX payouts_by_state ON payouts (state, received_at_ms);
CREATE INDEX payouts_by_seller ON payouts (seller_account_id, received_at_ms);
CREATE INDEX payouts_unsynced ON payouts (ledger_synced_at_ms);

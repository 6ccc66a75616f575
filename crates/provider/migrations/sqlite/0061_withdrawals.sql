-- Mainland bank accounts a seller withdraws to, and the withdrawals.
CREATE TABLE withdrawal_destinations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    card_number TEXT NOT NULL,
    bank_name TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    removed_at_ms BIGINT
);
CREATE INDEX withdrawal_destinations_account ON withdrawal_destinations (account_id);

-- status: requested (row written, hold not yet placed), pending (hold
-- placed, waiting for the bank), paid (hold posted), failed (hold voided),
-- returned (paid, then sent back by the bank and reversed), refused (the
-- hold was refused: not enough money).
CREATE TABLE withdrawals (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    destination_id TEXT NOT NULL,
    -- The destination as it was when the withdrawal was made.
    card_number TEXT NOT NULL,
    bank_name TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    fee_minor BIGINT NOT NULL,
    status TEXT NOT NULL,
    failure_reason TEXT,
    bank_reference TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    -- When the bank desk next works on it (a lease while it does).
    bank_due_at_ms BIGINT,
    paid_at_ms BIGINT,
    failed_at_ms BIGINT,
    -- A return the bank announced, due at this time.
    return_due_at_ms BIGINT,
    returned_at_ms BIGINT
);
CREATE INDEX withdrawals_account ON withdrawals (account_id, created_at_ms);
CREATE INDEX withdrawals_bank_due ON withdrawals (status, bank_due_at_ms);

-- FX quotes: what the seller was shown before confirming a conversion.
-- Every amount is in minor units of the currency its column names; rates
-- are decimal strings (see crate::fx::rate), never floats.
CREATE TABLE fx_quotes (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sell_currency TEXT NOT NULL,
    buy_currency TEXT NOT NULL,
    -- What leaves the sell wallet: fee_minor + converted_minor.
    sell_minor BIGINT NOT NULL,
    fee_minor BIGINT NOT NULL,
    converted_minor BIGINT NOT NULL,
    -- What arrives in the buy wallet (the net amount).
    buy_minor BIGINT NOT NULL,
    -- converted_minor at the mid rate, minus buy_minor: the margin as money.
    margin_minor BIGINT NOT NULL,
    margin_bps BIGINT NOT NULL,
    mid_rate TEXT NOT NULL,
    customer_rate TEXT NOT NULL,
    rate_source TEXT NOT NULL,
    rates_as_of TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    executed_at_ms BIGINT,
    -- Set when the ledger refused the conversion (not enough money): the
    -- transfer ids stay failed, so this quote can never execute.
    failed_at_ms BIGINT
);
CREATE INDEX fx_quotes_account ON fx_quotes (account_id, created_at_ms);

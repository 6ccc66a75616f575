-- Settlement reports: one row per Amazon settlement of a seller, read from
-- the report's flat file (uploaded, or fetched through the Reports API),
-- with the detail rows summed per category. The row is what reconciliation
-- compares the inbound credits (payouts) with.
--
-- settlement_id is Amazon's numeric id as text (it is the end-to-end id of
-- the payout's credit transfer). The same settlement imported twice with the
-- same bytes (content_sha256) changes nothing; a different file for the same
-- settlement replaces the figures.
CREATE TABLE settlement_reports (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    -- The receiving account the settlement pays into, when known.
    receiving_account_id TEXT REFERENCES receiving_accounts (id),
    settlement_id TEXT NOT NULL,
    -- v1 or v2 (the flat file layout).
    layout TEXT NOT NULL,
    -- uploaded or reports_api.
    source TEXT NOT NULL,
    -- The Reports API's reportId when fetched.
    report_id TEXT,
    content_sha256 TEXT NOT NULL,
    currency TEXT NOT NULL,
    period_start_at_ms BIGINT NOT NULL,
    period_end_at_ms BIGINT NOT NULL,
    deposit_at_ms BIGINT NOT NULL,
    -- The detail rows by category; they add up to total_minor.
    orders_minor BIGINT NOT NULL,
    fees_minor BIGINT NOT NULL,
    refunds_minor BIGINT NOT NULL,
    -- Previous Reserve Amount Balance (released, positive) and Current
    -- Reserve Amount (withheld, negative).
    reserve_released_minor BIGINT NOT NULL,
    reserve_withheld_minor BIGINT NOT NULL,
    other_minor BIGINT NOT NULL,
    -- The summary row's total-amount: what Amazon pays out.
    total_minor BIGINT NOT NULL,
    rows_count BIGINT NOT NULL,
    -- The store's financial event group for the same period, when the
    -- Finances API reported it: the bank trace id and account tail of the
    -- transfer Amazon made.
    group_id TEXT,
    trace_id TEXT,
    account_tail TEXT,
    fund_transfer_status TEXT,
    imported_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE UNIQUE INDEX settlement_reports_by_settlement ON settlement_reports (account_id, settlement_id);
CREATE INDEX settlement_reports_by_deposit ON settlement_reports (account_id, deposit_at_ms);

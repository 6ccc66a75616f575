-- Ferry's authorization for a receiving account's store and what the last
-- check found. state: authorized, waiting_for_deposit_method, bound,
-- mismatch, expired_or_revoked. method: oauth or mws.
CREATE TABLE store_bindings (
    receiving_account_id TEXT PRIMARY KEY NOT NULL REFERENCES receiving_accounts (id),
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    method TEXT NOT NULL,
    -- AES-256-GCM: 12-byte nonce then ciphertext; the receiving account id
    -- is the associated data, so a sealed token cannot be moved to another row.
    refresh_token_sealed BLOB,
    state TEXT NOT NULL,
    -- JSON: the findings of the last check, for the page.
    findings TEXT NOT NULL,
    authorized_at_ms BIGINT NOT NULL,
    reauthorize_by_at_ms BIGINT NOT NULL,
    checked_at_ms BIGINT,
    -- The last re-authorization reminder sent (30, 7 or 1 days before
    -- reauthorize_by_at_ms); null after each new authorization.
    last_reminder_days BIGINT,
    updated_at_ms BIGINT NOT NULL
);

-- The OAuth state parameter of an authorization in progress, bound to the
-- session that started it (only its SHA-256 is kept).
CREATE TABLE store_oauth_states (
    state_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL,
    receiving_account_id TEXT NOT NULL REFERENCES receiving_accounts (id),
    marketplace_id TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT
);

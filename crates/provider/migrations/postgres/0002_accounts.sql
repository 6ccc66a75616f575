-- Seller accounts (the tenant) and the people who sign in to them.
CREATE TABLE seller_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    language TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    password_changed_at_ms BIGINT NOT NULL,
    -- Set by an operator (evidence of compromise) or the max-age policy.
    password_change_required_at_ms BIGINT,
    activated_at_ms BIGINT,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    lockouts BIGINT NOT NULL DEFAULT 0,
    locked_until_ms BIGINT,
    created_at_ms BIGINT NOT NULL
);

-- Single-use tokens sent by e-mail (activation, password reset). Only the
-- SHA-256 of the token is kept, so a database leak cannot activate or reset.
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT
);

CREATE INDEX email_tokens_by_user ON email_tokens (user_id, purpose, created_at_ms);

-- Sign-in sessions; the cookie holds a random token, the table its SHA-256.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_seen_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);

CREATE INDEX sessions_by_user ON sessions (user_id);

-- Fixed-window counters for per-address rate limits. They live in the
-- database so that several provider processes share one limit.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start_ms)
);

-- The append-only, hash-chained security log. Each entry's hash covers the
-- previous entry's hash and its own fields; audit_head holds the chain's tip
-- and serializes appends (its row is locked by the UPDATE that reserves the
-- next sequence number).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY NOT NULL,
    at_ms BIGINT NOT NULL,
    account_id TEXT,
    user_id TEXT,
    event TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE INDEX audit_log_by_account ON audit_log (account_id, seq);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

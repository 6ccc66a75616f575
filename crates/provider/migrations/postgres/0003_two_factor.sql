-- TOTP two-factor authentication (RFC 6238). The secret waits in
-- totp_pending_secret until a correct code confirms it. totp_last_step is
-- the last accepted 30-second step: a code for that step or an earlier one
-- is refused, so each code works once.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at_ms BIGINT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- When the session's holder proved the second factor (at sign-in or when
-- enabling it); the server-side two-factor guard requires it.
ALTER TABLE sessions ADD COLUMN two_factor_at_ms BIGINT;

-- Single-use recovery codes, stored as SHA-256 (they carry 50 random bits
-- each and are only usable from a pending sign-in, which is throttled).
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT
);

CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- The second step of a sign-in: after the password, a short-lived
-- challenge (its token hashed) waits for a code, with few attempts.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    used_at_ms BIGINT
);

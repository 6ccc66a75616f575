-- Idempotency keys of the JSON API (crates/provider/src/idempotency): the
-- first request with a key claims the row (INSERT ... ON CONFLICT DO
-- NOTHING decides among concurrent ones), runs, and stores its answer for
-- replays. Keys are scoped to who sent them (an API key or a session).
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    -- SHA-256 (hex) of method, path and the body's SHA-256.
    fingerprint TEXT NOT NULL,
    -- in_progress, then done.
    state TEXT NOT NULL,
    response_status BIGINT,
    -- JSON array of [name, value] pairs: the headers a replay repeats.
    response_headers TEXT,
    response_body BYTEA,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (principal, idempotency_key)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at_ms);

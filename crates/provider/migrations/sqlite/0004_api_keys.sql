-- API keys for the JSON API (`Authorization: Bearer fk_…`). A key acts as
-- the member who made it, with that member's current role; only its
-- SHA-256 is kept, and the plain key is shown once, at creation.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    -- The first characters, so the owner can tell keys apart.
    prefix TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_used_at_ms BIGINT,
    revoked_at_ms BIGINT
);

CREATE INDEX api_keys_by_user ON api_keys (user_id);

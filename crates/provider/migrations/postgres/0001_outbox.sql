-- Side effects (e-mails, webhooks, bank notifications) are written here in
-- the same transaction as the change that causes them, and delivered by a
-- worker, so a committed change never loses its e-mail and a rolled-back
-- one never sends it.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    available_at_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    delivered_at_ms BIGINT,
    last_error TEXT
);

CREATE INDEX outbox_pending ON outbox (available_at_ms) WHERE delivered_at_ms IS NULL;

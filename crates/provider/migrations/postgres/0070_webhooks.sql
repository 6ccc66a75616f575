-- Webhooks (docs/webhooks.md): a seller's endpoints, the events Ferry
-- emitted for the seller, one delivery per event and endpoint (driven by an
-- outbox message), and every attempt of it (the delivery log).

CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- JSON array of event types; ["*"] subscribes to all of them.
    enabled_events TEXT NOT NULL,
    -- The signing secret (whsec_…), AES-256-GCM sealed with the endpoint id
    -- as associated data: Ferry must read it back to sign.
    secret_sealed BYTEA NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    -- Deleted endpoints keep their log; pending deliveries to them stop.
    deleted_at_ms BIGINT
);
CREATE INDEX webhook_endpoints_by_account ON webhook_endpoints (account_id);

CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    event_type TEXT NOT NULL,
    -- The exact JSON body every attempt sends.
    body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX webhook_events_by_account ON webhook_events (account_id, created_at_ms);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES webhook_events (id),
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    created_at_ms BIGINT NOT NULL,
    delivered_at_ms BIGINT,
    gave_up_at_ms BIGINT
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at_ms);

CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    -- The attempt number within its outbox message (1, 2, …); a manual
    -- redelivery starts again at 1 with manual = 1.
    attempt BIGINT NOT NULL,
    manual BIGINT NOT NULL,
    -- delivered, retrying or gave_up.
    outcome TEXT NOT NULL,
    status_code BIGINT,
    -- Why there is no 2xx: a connection error, a refused address, a timeout.
    error TEXT,
    -- The first 500 characters of the receiver's answer.
    response_snippet TEXT,
    duration_ms BIGINT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, at_ms);

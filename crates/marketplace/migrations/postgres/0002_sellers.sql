-- Sandbox time: real time plus an offset the admin API moves forward.
CREATE TABLE sandbox_clock (
    id BIGINT PRIMARY KEY NOT NULL,
    offset_ms BIGINT NOT NULL
);
INSERT INTO sandbox_clock (id, offset_ms) VALUES (1, 0);

-- seller_id is the Seller ID / Merchant Token (selling_partner_id in OAuth).
CREATE TABLE sellers (
    seller_id TEXT PRIMARY KEY NOT NULL,
    legal_name TEXT NOT NULL,
    business_type TEXT NOT NULL,
    selling_plan TEXT NOT NULL,
    country_code TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    city TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- role is 'primary' (one per seller, may change payment information) or
-- 'secondary'. totp_secret is base32: two-step verification is required.
CREATE TABLE seller_users (
    user_id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- Each accepted TOTP time step, so that a code works once only.
CREATE TABLE totp_used_steps (
    user_id TEXT NOT NULL REFERENCES seller_users (user_id),
    step BIGINT NOT NULL,
    PRIMARY KEY (user_id, step)
);

CREATE TABLE marketplace_participations (
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    marketplace_id TEXT NOT NULL,
    store_name TEXT NOT NULL,
    has_suspended_listings BIGINT NOT NULL DEFAULT 0,
    joined_at_ms BIGINT NOT NULL,
    PRIMARY KEY (seller_id, marketplace_id)
);

-- Seller Central sign-in sessions; the cookie holds the id, the table its
-- hash. verified_at_ms is set once the two-step code was accepted.
CREATE TABLE web_sessions (
    session_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES seller_users (user_id),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    verified_at_ms BIGINT
);

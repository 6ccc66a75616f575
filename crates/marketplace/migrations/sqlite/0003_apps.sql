-- Developers and their SP-API applications.
CREATE TABLE developers (
    developer_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- redirect_uris is a JSON array of strings. A private app belongs to one
-- seller (private_seller_id), who may self-authorize it.
CREATE TABLE apps (
    application_id TEXT PRIMARY KEY NOT NULL,
    developer_id TEXT NOT NULL REFERENCES developers (developer_id),
    name TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    private_seller_id TEXT REFERENCES sellers (seller_id),
    created_at_ms BIGINT NOT NULL
);

-- One authorization per app and seller; consenting again renews it.
CREATE TABLE app_authorizations (
    authorization_id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES apps (application_id),
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    granted_at_ms BIGINT NOT NULL,
    reauthorize_by_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    UNIQUE (application_id, seller_id)
);

-- spapi_oauth_code values, hashed: five minutes, single use.
CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    authorization_id TEXT NOT NULL REFERENCES app_authorizations (authorization_id),
    redirect_uri TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    authorization_id TEXT NOT NULL REFERENCES app_authorizations (authorization_id),
    created_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);

CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    refresh_token_hash TEXT NOT NULL REFERENCES refresh_tokens (token_hash),
    expires_at_ms BIGINT NOT NULL
);
